"""``provenance recheck``: run the crawler's ``recheck`` spider in this process and report.

The only place outside ``crawler/`` that starts Scrapy, so it is imported when the command runs.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from archive.store.db import session_factory
from archive.store.models import Check


def run_recheck(db: str, warc_dir: str, story_id: int | None = None, url: str | None = None,
                everything: bool = False, settings: dict[str, str] | None = None) -> list[Check]:
    """Re-fetch stored copies; returns the checks this run recorded."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    Path(warc_dir).mkdir(parents=True, exist_ok=True)
    factory = session_factory(db)
    with factory() as session:
        last = session.scalar(select(Check.id).order_by(Check.id.desc()).limit(1)) or 0
    project = get_project_settings()
    project.setdict({"PROVENANCE_DB": db, "WARC_DIR": warc_dir, "LOG_LEVEL": "WARNING",
                     "PROVENANCE_PROGRESS_INTERVAL": 0, **(settings or {})}, priority="cmdline")
    process = CrawlerProcess(project, install_root_handler=True)
    arguments = {"story": str(story_id)} if story_id else {"url": url} if url else {"all": "1"}
    process.crawl("recheck", **arguments)
    process.start()
    with factory() as session:
        return list(session.scalars(select(Check).where(Check.id > last).order_by(Check.id)))
