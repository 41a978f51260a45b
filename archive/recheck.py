"""``provenance recheck``: run the crawler's ``recheck`` spider (``scrapy crawl recheck``) in a
child process and report the checks it recorded. A child process, so that the ``provenance``
command never imports Scrapy or installs a reactor (archive/ stays free of Scrapy)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from archive.store.db import session_factory
from archive.store.models import Check

ROOT = Path(__file__).resolve().parent.parent  # the Scrapy project (scrapy.cfg, crawler/)


def run_recheck(db: str, warc_dir: str, story_id: int | None = None, url: str | None = None,
                everything: bool = False, settings: dict[str, str] | None = None) -> list[Check]:
    """Re-fetch stored copies; returns the checks this run recorded."""
    Path(warc_dir).mkdir(parents=True, exist_ok=True)
    factory = session_factory(db)
    with factory() as session:
        last = session.scalar(select(Check.id).order_by(Check.id.desc()).limit(1)) or 0
    arguments = {"story": str(story_id)} if story_id else {"url": url} if url else {"all": "1"}
    given = {"PROVENANCE_DB": db, "WARC_DIR": warc_dir, "LOG_LEVEL": "WARNING", "PROVENANCE_PROGRESS_INTERVAL": "0",
             **(settings or {})}
    command = [sys.executable, "-m", "scrapy", "crawl", "recheck"]
    for name, value in arguments.items():
        command += ["-a", f"{name}={value}"]
    for name, value in given.items():
        command += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    finished = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    if finished.returncode == 2:  # a setting or argument the crawl refused (its message is on stderr)
        raise ValueError("the recheck crawl refused its input (see above)")
    with factory() as session:
        return list(session.scalars(select(Check).where(Check.id > last).order_by(Check.id)))
