"""Shared fixtures: the demo web served on 127.0.0.1, databases, and a crawl runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from demo.server import SiteServer
from demo.site import pages, seeds

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def demo_pages() -> dict[str, bytes]:
    return pages("http")


@pytest.fixture
def demo_server(demo_pages):
    with SiteServer(demo_pages) as server:
        yield server


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'graph.db'}"


POSTGRES = os.environ.get("PROVENANCE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("PROVENANCE_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture
def postgres_url():
    """A new, empty PostgreSQL database for one test (dropped after), on the server at
    $PROVENANCE_TEST_POSTGRES; the test is skipped, saying why, when no server answers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"provenance_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server, no driver, no rights: all mean "cannot test here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES} ({type(exc).__name__}: {str(exc).splitlines()[0]})")
    yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_url():
    """The Redis server at $PROVENANCE_TEST_REDIS (skipped, saying why, when none answers)."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"Redis not reachable at {REDIS} ({type(exc).__name__}: {exc})")
    return REDIS


def provenance(db: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "provenance"), "--db", db, *args], capture_output=True, text=True,
                          check=check, cwd=ROOT)


def crawl_command(tmp_path: Path, db: str, seed_urls: list[str], *settings: str,
                  proxy: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Arguments and environment of ``scrapy crawl syndication`` on ``seed_urls``."""
    seeds_file = tmp_path / "seeds.txt"
    seeds_file.write_text("\n".join(seed_urls) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    if proxy:
        env.update(http_proxy=proxy, https_proxy=proxy)
    args = [str(BIN / "scrapy"), "crawl", "syndication", "-a", f"urls={seeds_file}",
            "-s", f"PROVENANCE_DB={db}", "-s", f"WARC_DIR={tmp_path / 'warc'}", "-s", "LOG_LEVEL=INFO",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROVENANCE_EXTRACT_WORKERS=2",
            "-s", "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=True",  # the test web is on 127.0.0.1
            "-s", "DISCOVERY_DELAY=0", "-s", "GDELT_DELAY=0"]  # the test services ask for no pause between calls
    if not any(s.startswith("DISCOVERY_SOURCES=") for s in settings):
        settings = ("DISCOVERY_SOURCES={}", *settings)  # no searching the web unless a test asks for it
    for setting in settings:
        args += ["-s", setting]
    return args, env


def crawl(tmp_path: Path, db: str, seed_urls: list[str], *settings: str, proxy: str | None = None,
          timeout: int = 180) -> subprocess.CompletedProcess:
    """``scrapy crawl syndication`` in a subprocess (a crawl owns its reactor)."""
    args, env = crawl_command(tmp_path, db, seed_urls, *settings, proxy=proxy)
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def edges_jsonl(db: str) -> list[dict]:
    out = provenance(db, "edges", "--format", "jsonl").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def primary_tree(db: str) -> set[tuple[str, str, str]]:
    """(source, derived, relation) of each chosen parent, URLs without scheme."""
    strip = lambda u: u.split("://", 1)[1].rstrip("/")  # noqa: E731
    return {(strip(e["source"]), strip(e["derived"]), e["relation"]) for e in edges_jsonl(db) if e["primary"]}


SEED_TREE = {
    ("pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together",
     "asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together", "republication"),
    ("asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together",
     "menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together", "excerpt"),
    ("asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together",
     "newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together", "spin"),
}


@pytest.fixture(scope="session")
def demo_seeds() -> list[str]:
    return seeds("http")
