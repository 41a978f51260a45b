"""Crash matrix of link-following crawls with JOBDIR: killed (SIGKILL of the process group, once or
twice in a row) or interrupted (SIGINT) at several points, then resumed until done: every page of
the site is stored exactly once, and nothing is fetched more than the kills can explain."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.soak import site
from demo.server import SiteServer
from tests.conftest import ROOT, crawl_command, provenance

PAGES = 150  # on 10 hosts, each page linking to the next three by "Read more": 5 hops from the seed
CONCURRENCY = 4


@pytest.fixture(scope="module")
def linked_pages() -> dict[str, bytes]:
    return site(PAGES, hosts=10, fanout=3)


class Flaky:
    """Each answer a little slow (the crawl must still be running when it is killed); every 7th
    page answers 500 on its first try: a kill after that answer was archived must not make the
    resumed crawl take the archived error for the page."""

    def __init__(self, pages: dict[str, bytes]):
        self.order = {url: n for n, url in enumerate(pages)}
        self.tried: set[str] = set()
        self.errors = 0

    def __call__(self, url: str):
        time.sleep(0.02)
        if self.order.get(url, 1) % 7 == 0 and url not in self.tried:
            self.tried.add(url)
            self.errors += 1
            return 500, {"Content-Type": "text/html"}, b"<html><body>busy</body></html>"
        return None


def _command(folder: Path, db: str, seed: str, proxy: str, *settings: str) -> tuple[list[str], dict]:
    return crawl_command(folder, db, [seed], f"JOBDIR={folder / 'job'}",  # robots.txt obeyed, as by default
                         "PROVENANCE_DEPTH=6", f"PROVENANCE_BUDGET={PAGES + 10}", f"CONCURRENT_REQUESTS={CONCURRENCY}",
                         "PROVENANCE_PROGRESS_INTERVAL=0", *settings, proxy=proxy)


def _interrupt(args, env, server, after: int, how: signal.Signals) -> subprocess.CompletedProcess | None:
    """Starts the crawl and, once the site has answered ``after`` requests, sends ``how`` to its
    process group (the crawl and its worker processes)."""
    started = len(server.requests)
    run = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    deadline = time.time() + 120
    while len(server.requests) - started < after and run.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    assert run.poll() is None, "the crawl ended before it could be interrupted"
    os.killpg(run.pid, how) if how == signal.SIGKILL else os.kill(run.pid, how)
    out, err = run.communicate(timeout=120)
    return subprocess.CompletedProcess(args, run.returncode, out, err)


def _stored(db: str) -> Counter:
    lines = provenance(db, "documents", "--format", "jsonl").stdout.splitlines()
    return Counter(json.loads(line)["url"] for line in lines)


def _resume_until_done(args, env, tmp_path: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    (tmp_path / "resumed.log").write_text(result.stderr)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.mark.parametrize("kills", [
    pytest.param([(90, signal.SIGKILL)], id="kill-9"),
    pytest.param([(20, signal.SIGKILL), (30, signal.SIGKILL)], id="kill-9-twice"),
    pytest.param([(50, signal.SIGINT)], id="ctrl-c"),
])
def test_an_interrupted_link_following_crawl_resumes_to_every_page_once(tmp_path, db_url, linked_pages, kills):
    seed = next(iter(linked_pages))
    flaky = Flaky(linked_pages)
    with SiteServer(linked_pages, hook=flaky) as server:
        args, env = _command(tmp_path, db_url, seed, server.proxy, "RETRY_BACKOFF_BASE=0.2")
        for after, how in kills:
            stopped = _interrupt(args, env, server, after, how)
            if how == signal.SIGINT:  # a clean stop says the crawl is not done, and how to go on
                assert stopped.returncode != 0
                assert "resume" in stopped.stderr.splitlines()[-1], stopped.stderr[-2000:]
        before = len(server.requests)
        resumed = _resume_until_done(args, env, tmp_path)
        fetched = Counter(u for u in server.requests if not u.endswith("/robots.txt"))
    stored = _stored(db_url)
    assert set(stored) == set(linked_pages), (len(stored), str(tmp_path / "resumed.log"))
    assert max(stored.values()) == 1  # none twice
    # each page fetched once, plus its retry after a 500, plus at most the requests in flight at each kill
    assert sum(fetched.values()) - len(linked_pages) - flaky.errors <= CONCURRENCY * len(kills), \
        [u for u, n in fetched.items() if n > 1]
    assert "resuming" in resumed.stderr and before < len(server.requests)


def test_a_zero_byte_or_corrupt_queue_file_is_rebuilt_from_the_ledger(tmp_path, db_url, linked_pages):
    """What a kill leaves: Scrapy's disk queue files empty or cut short. The ledger knows every
    request scheduled and not settled, so the queue is rebuilt from it."""
    seed = next(iter(linked_pages))
    with SiteServer(linked_pages, hook=Flaky(linked_pages)) as server:
        args, env = _command(tmp_path, db_url, seed, server.proxy)
        _interrupt(args, env, server, 40, signal.SIGKILL)
        queue = tmp_path / "job" / "requests.queue"
        queue.mkdir(parents=True, exist_ok=True)
        (queue / "0").write_bytes(b"")  # 0 bytes: struct.error in queuelib
        (queue / "-1").write_bytes(b"\x00\x00\x00\x07garbage")
        (queue / "active.json").write_text("[0, -1, 3]")
        _resume_until_done(args, env, tmp_path)
    stored = _stored(db_url)
    assert set(stored) == set(linked_pages) and max(stored.values()) == 1


def test_a_page_its_pipeline_failed_to_store_stays_pending(tmp_path):
    """Settled means stored or given up for good: a page the database refused is fetched again."""
    from scrapy import Request
    from scrapy.exceptions import DropItem
    from scrapy.utils.misc import build_from_crawler
    from scrapy.utils.test import get_crawler

    from crawler.items import NotStored, PageItem
    from crawler.ledger import CrawlLedger

    crawler = get_crawler(settings_dict={"JOBDIR": str(tmp_path / "job")})
    ledger = build_from_crawler(CrawlLedger, crawler)
    pages = [Request(f"http://a.example/{n}") for n in range(3)]
    for request in pages:
        ledger.request_scheduled(request)
    items = [PageItem(url=r.url, status=200, content_type=None, body=b"", request_fp=ledger.fingerprint(r))
             for r in pages]
    ledger.item_scraped(items[0])
    ledger.item_dropped(items[1], exception=DropItem("no text"))  # given up: settled
    ledger.item_dropped(items[2], exception=NotStored("database is locked"))
    ledger.spider_closed(None)
    assert crawler.stats.get_value("ledger/pending") == 1
    again = build_from_crawler(CrawlLedger, get_crawler(settings_dict={"JOBDIR": str(tmp_path / "job")}))  # the next run
    again.file.close()
    assert [e["url"] for fp, e in again.scheduled.items() if fp not in again.settled] == [pages[2].url]


def _stored_in(url: str) -> Counter:
    from sqlalchemy import create_engine, select

    from archive.store.models import Document

    engine = create_engine(url)
    with engine.connect() as connection:
        urls = Counter(connection.execute(select(Document.url)).scalars())
    engine.dispose()
    return urls


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c-both", "kill-9-one"])
def test_a_shared_redis_crawl_interrupted_resumes_to_every_page_once(tmp_path, linked_pages, postgres_url,
                                                                      redis_url, how):
    """Two workers on PostgreSQL and Redis, each with its own JOBDIR. Ctrl-C of both keeps the
    shared queue and duplicate filter (the last one out used to delete them); kill -9 of one, then
    its restart beside the other, loses nothing either. Then every page is stored exactly once."""
    import redis

    seed = next(iter(linked_pages))
    crawl_id = f"crash-{tmp_path.name}"
    keys = [f"provenance:{crawl_id}:requests", f"provenance:{crawl_id}:seen"]
    client = redis.Redis.from_url(redis_url)
    with SiteServer(linked_pages, hook=Flaky(linked_pages)) as server:
        commands = []
        for n in range(2):
            folder = tmp_path / f"worker{n}"
            folder.mkdir()
            commands.append(_command(folder, postgres_url, seed, server.proxy, f"REDIS_URL={redis_url}",
                                     f"PROVENANCE_CRAWL_ID={crawl_id}", "CONCURRENT_REQUESTS=2"))
        workers = [subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True, start_new_session=True) for args, env in commands]
        deadline = time.time() + 120
        while len(server.requests) < 40 and time.time() < deadline:
            time.sleep(0.01)
        if how == signal.SIGINT:
            for worker in workers:
                os.kill(worker.pid, signal.SIGINT)
            logs = [worker.communicate(timeout=120)[1] for worker in workers]
            assert all(w.returncode == 1 for w in workers), [log[-1500:] for log in logs]
            assert all(client.exists(key) for key in keys), "the shared queue and duplicate filter must be kept"
            assert client.zcard(keys[0]) > 0
            workers = [subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True) for args, env in commands]
        else:
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].communicate()
            workers[0] = subprocess.Popen(commands[0][0], cwd=ROOT, env=commands[0][1], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True)
        for n, worker in enumerate(workers):
            _, log = worker.communicate(timeout=300)
            (tmp_path / f"worker{n}.log").write_text(log)
            assert worker.returncode == 0, log[-3000:]
    stored = _stored_in(postgres_url)
    assert set(stored) == set(linked_pages), (len(stored), str(tmp_path))
    assert max(stored.values()) == 1
    assert not any(client.exists(key) for key in keys)  # the crawl done, its keys cleared
