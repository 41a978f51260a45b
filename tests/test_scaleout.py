"""Scale-out: Alembic migrations, the graph on PostgreSQL, two crawl processes sharing Redis.

PostgreSQL and Redis are the servers on their standard local ports (or $PROVENANCE_TEST_POSTGRES,
$PROVENANCE_TEST_REDIS); each test skips, saying why, where none answers.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections import Counter

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, select, text

from archive.store.db import make_engine, schema_revision
from archive.store.models import Base, Document
from benchmarks.evalcorpus import build
from demo.server import SiteServer
from tests.conftest import BIN, ROOT, SEED_TREE, crawl, crawl_command, primary_tree, provenance

DEMO_WARC = str(ROOT / "demo" / "seed-story.warc.gz")


def _schema_matches_models(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        assert schema_revision(connection) is not None
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_migrations_build_the_models_schema_on_sqlite(db_url):
    _schema_matches_models(db_url)


def test_a_database_from_before_migrations_is_adopted(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    later = {"checks", "segments", "template_segments"}  # made by migrations 0002 and 0003
    first_schema = [table for name, table in Base.metadata.tables.items() if name not in later]
    Base.metadata.create_all(engine, tables=first_schema)  # how early versions made databases: no version table
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO outlets (domain) VALUES ('kept.example')"))
    engine.dispose()
    _schema_matches_models(url)
    with create_engine(url).connect() as connection:
        assert connection.execute(text("SELECT domain FROM outlets")).scalar() == "kept.example"


def test_migrations_build_the_models_schema_on_postgres(postgres_url):
    _schema_matches_models(postgres_url)
    assert "head" in provenance(postgres_url, "migrate").stdout


def test_ingest_into_postgres_gives_the_seed_tree(postgres_url, db_url):
    provenance(postgres_url, "ingest", "--workers", "2", DEMO_WARC)
    assert primary_tree(postgres_url) == SEED_TREE
    origin = provenance(postgres_url, "origin", "https://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/")
    assert "origin: Pacific Forum" in origin.stdout  # the ancestry is one recursive query
    provenance(db_url, "ingest", DEMO_WARC)
    assert primary_tree(db_url) == primary_tree(postgres_url)


def test_a_crawl_writes_its_graph_to_postgres(tmp_path, postgres_url, demo_server, demo_seeds):
    crawl(tmp_path, postgres_url, demo_seeds, proxy=demo_server.proxy)
    assert primary_tree(postgres_url) == SEED_TREE


@pytest.fixture
def slow_site():
    """Stories of copies on a web that answers in 200 ms a page: with two requests at a time, one
    worker alone would take ~5 s, so a worker that starts a few seconds after the other (a loaded
    CI machine) still finds work."""
    corpus = build(n_stories=6, seed=5, quotes=2, unrelated=6)
    pages = {u.replace("https://", "http://"): body for u, body in corpus.pages.items()}
    with SiteServer(pages, hook=lambda url: time.sleep(0.2)) as server:
        yield server, sorted(pages)


def test_two_workers_share_one_queue_and_one_graph(tmp_path, slow_site, postgres_url, redis_url):
    server, urls = slow_site
    crawl_id = f"test-{tmp_path.name}"
    workers = []
    for n in range(2):
        folder = tmp_path / f"worker{n}"
        folder.mkdir()
        args, env = crawl_command(folder, postgres_url, urls, f"REDIS_URL={redis_url}",
                                  f"PROVENANCE_CRAWL_ID={crawl_id}", "CONCURRENT_REQUESTS=2",
                                  "PROVENANCE_DEPTH=1", proxy=server.proxy)
        workers.append(subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True))
    logs = []
    for worker in workers:
        _, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err[-3000:]
        logs.append(err)

    fetched = Counter(u for u in server.requests if not u.endswith("/robots.txt"))
    assert set(fetched) == set(urls)
    assert max(fetched.values()) == 1, [u for u, n in fetched.items() if n > 1]  # no page fetched twice
    per_worker = [int(m.group(1)) for log in logs for m in [re.search(r"'downloader/response_count': (\d+)", log)] if m]
    assert len(per_worker) == 2 and all(n > 0 for n in per_worker), per_worker  # both did some of the work
    built = [int(m.group(1)) for log in logs for m in [re.search(r"'provenance/stories_built': (\d+)", log)] if m]
    assert sorted(built)[0] == 0 and sorted(built)[-1] > 0, built  # the trees were derived once, by one worker

    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        stored = connection.execute(select(func.count(Document.id))).scalar()
        distinct = connection.execute(select(func.count(func.distinct(Document.url_key)))).scalar()
    engine.dispose()
    assert stored == distinct == len(urls)
    for n in range(2):  # each worker wrote its own WARC files
        assert list((tmp_path / f"worker{n}" / "warc").glob("*.warc.gz"))

    # the shared crawl's graph is the one a single crawl of the same pages gives
    single = f"sqlite:///{tmp_path / 'single.db'}"
    crawl(tmp_path, single, urls, "PROVENANCE_DEPTH=1", proxy=server.proxy)
    assert primary_tree(single) == primary_tree(postgres_url)


def test_transient_database_failures_are_retried(db_url):
    from sqlalchemy.exc import OperationalError

    from archive.store.db import session_factory, transaction

    factory = session_factory(db_url)
    calls = []

    def work(session):
        calls.append(1)
        if len(calls) == 1:  # the first try loses its connection mid-transaction
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True)
        session.execute(text("INSERT INTO outlets (domain) VALUES ('retried.example')"))
        return "done"

    assert transaction(factory, work) == "done" and len(calls) == 2
    with factory() as session:
        assert session.execute(text("SELECT count(*) FROM outlets")).scalar() == 1

    def broken(session):
        raise OperationalError("SELECT 1", {}, Exception("no such table: nowhere"))

    with pytest.raises(OperationalError):  # a real error is not retried
        transaction(factory, broken)


def test_processes_opening_a_new_sqlite_file_at_once_all_succeed(tmp_path):
    """Each one migrates the schema on first open; only one may create the tables."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    runs = [subprocess.Popen([str(BIN / "provenance"), "--db", url, "migrate"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), results
    _schema_matches_models(url)
