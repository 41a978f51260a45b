"""The crawl's add-ons, its scale-out coordinator and the recheck spider, each alone: settings
objects and a crawler from ``scrapy.utils.test.get_crawler``, methods called directly (the
subprocess crawls of test_scaleout.py, test_crawl.py and test_recheck.py run them end to end)."""

from __future__ import annotations

import stat
import time

import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from archive.page import Page
from archive.store import writes
from archive.store.db import session_factory
from crawler import distributed
from crawler.browser import BrowserCapture
from crawler.distributed import Coordinator, ScaleOut
from crawler.spiders.recheck import RecheckSpider
from crawler.trail import KEY


def test_scale_out_leaves_a_crawl_without_redis_alone():
    settings = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler"})
    ScaleOut().update_settings(settings)
    assert settings.get("SCHEDULER") == "scrapy.core.scheduler.Scheduler"
    assert not settings.getbool("PROVENANCE_COORDINATE")


def test_scale_out_shares_the_queue_and_seen_set_under_the_crawl_id():
    settings = Settings({"REDIS_URL": "redis://127.0.0.1:6379/0", "PROVENANCE_CRAWL_ID": "ukraine"})
    ScaleOut().update_settings(settings)
    assert settings.get("SCHEDULER") == "scrapy_redis.scheduler.Scheduler"
    assert settings.get("DUPEFILTER_CLASS") == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.get("SCHEDULER_QUEUE_KEY") == "provenance:ukraine:requests"
    assert settings.get("SCHEDULER_DUPEFILTER_KEY") == "provenance:ukraine:seen"
    assert settings.getbool("SCHEDULER_PERSIST") and settings.getbool("PROVENANCE_COORDINATE")


def _fake_browser(tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\nexit 0\n")
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    return str(browser)


def test_browser_capture_is_off_unless_asked():
    settings = Settings({"DOWNLOAD_HANDLERS": {}})
    BrowserCapture().update_settings(settings)
    assert settings.getdict("DOWNLOAD_HANDLERS") == {}


def test_browser_capture_routes_pages_to_playwright_and_guards_sub_requests(tmp_path, monkeypatch):
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    settings = Settings({"BROWSER_CAPTURE": True, "BROWSER_EXECUTABLE": _fake_browser(tmp_path),
                         "DOWNLOAD_TIMEOUT": 20})
    settings.set("DOWNLOAD_HANDLERS", {"s3": None}, "default")  # Scrapy's own, below an add-on's priority
    BrowserCapture().update_settings(settings)
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert handlers["http"] == handlers["https"] == "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    assert handlers["s3"] is None  # the others kept
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert options["executable_path"] == str(tmp_path / "chromium") and options["headless"]
    assert options["proxy"] == {"server": "http://proxy.example:3128"}
    assert settings.getint("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 20_000
    assert settings.get("PLAYWRIGHT_ABORT_REQUEST") == "crawler.browser.refused_sub_request"


def test_browser_capture_without_a_browser_stops_with_one_line(tmp_path):
    settings = Settings({"BROWSER_CAPTURE": True, "BROWSER_EXECUTABLE": str(tmp_path / "no-such-chromium")})
    with pytest.raises(SystemExit, match=r"^error: browser capture needs Chromium: .*no-such-chromium not found"):
        BrowserCapture().update_settings(settings)


def test_coordinated_workers_close_together_and_the_last_gets_every_document(redis_url, tmp_path, monkeypatch):
    crawl = f"unit-{time.time_ns()}"
    queue, seen = f"provenance:{crawl}:requests", f"provenance:{crawl}:seen"
    first, second = (Coordinator(redis_url, crawl, str(tmp_path / name), queue, seen) for name in ("a", "b"))
    try:
        first.join()
        second.join()
        assert first.live_workers() == 2
        first.redis.zadd(queue, {"a queued request": 0})
        assert not first.may_close()  # requests are queued
        first.redis.delete(queue)
        second.busy_since = 0.0
        second.busy()
        assert not first.may_close()  # the other worker is busy
        assert not second.may_close() and not first.may_close()  # both idle now, one round each
        assert second.may_close() and first.may_close()  # a second idle round: the crawl is done
        assert first.finish([3, 1]) is None  # the other is still there
        assert second.finish([2]) == [1, 2, 3]
        assert not first.redis.exists(first.key("documents"), first.key("workers"), first.key("state"))
    finally:
        first.redis.delete(first.key("documents"), first.key("workers"), first.key("state"), queue, seen)


def test_a_worker_stopped_early_leaves_the_shared_queue(redis_url, tmp_path, monkeypatch):
    monkeypatch.setattr(distributed, "IDLE_CHECKS", 1)
    crawl = f"unit-{time.time_ns()}"
    queue, seen = f"provenance:{crawl}:requests", f"provenance:{crawl}:seen"
    worker = Coordinator(redis_url, crawl, str(tmp_path), queue, seen)
    try:
        worker.join()
        worker.redis.zadd(queue, {"left for later": 0})
        assert not worker.may_close()
        assert worker.finish([7]) is None  # not done: the queue and the documents stay for the next worker
        assert worker.redis.zcard(queue) == 1 and worker.redis.smembers(worker.key("documents")) == {b"7"}
    finally:
        worker.redis.delete(worker.key("documents"), worker.key("workers"), worker.key("state"), queue, seen)


def test_recheck_needs_to_be_told_what(db_url):
    with pytest.raises(ValueError, match="say what to recheck"):
        RecheckSpider()


@deferred_f_from_coro_f
async def test_recheck_requests_the_newest_capture_of_each_url(db_url):
    factory = session_factory(db_url)
    with factory.begin() as session:
        for url, text in [("http://a.example/1", "old text " * 30), ("http://a.example/1", "new text " * 30),
                          ("http://b.example/2", "other text " * 30)]:
            writes.add_document(session, Page(url, text, title="T"), {})
    crawler = get_crawler(RecheckSpider, {"PROVENANCE_DB": db_url})
    spider = RecheckSpider(url="http://a.example/1")
    spider._set_crawler(crawler)
    requests = [request async for request in spider.start()]
    assert [r.url for r in requests] == ["http://a.example/1"]
    assert requests[0].dont_filter and requests[0].meta[KEY].via == "recheck"
    assert requests[0].meta[KEY].recheck_of == 2  # the newer of the two captures
