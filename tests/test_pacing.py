"""Waiting without holding the crawl: back-off retries handed back to the engine when due,
``Retry-After`` in both its forms, and discovery calls in slots of their own, a few at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.middlewares import RESCHEDULED, BackoffRetryMiddleware, ended_quietly, retry_after


def test_retry_after_in_seconds_or_as_an_http_date():
    assert retry_after(b"120") == 120
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True).encode()
    assert 25 < retry_after(soon) <= 30
    assert retry_after(format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True).encode()) == 0
    assert retry_after(b"soon") is None and retry_after(None) is None


def test_a_retry_waits_outside_the_downloader(monkeypatch):
    from twisted.internet import reactor

    later = []
    monkeypatch.setattr(reactor, "callLater", lambda wait, call: later.append((wait, call)))
    crawler = get_crawler(Spider, {"RETRY_BACKOFF_BASE": 1.0, "RETRY_BACKOFF_MAX": 60.0, "RETRY_TIMES": 2})
    crawler.spider = Spider.from_crawler(crawler, name="test")
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request("http://a.example/page")
    date = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    busy = Response(request.url, status=503, headers={"Retry-After": date}, request=request)
    with pytest.raises(IgnoreRequest):  # the slot is free at once; nothing sleeps in the middleware
        middleware.process_response(request, busy)
    assert ended_quietly(request) and request.meta[RESCHEDULED]  # the errbacks see no failure
    (wait, _), = later
    assert 15 < wait <= 20  # the server's date, not the 1 s back-off
    (retry,) = middleware.waiting
    assert retry.meta["retry_times"] == 1 and not ended_quietly(retry)
    from scrapy.exceptions import DontCloseSpider

    with pytest.raises(DontCloseSpider):  # a retry is due: the crawl is not over
        middleware.spider_idle()


def test_discovery_calls_take_no_priority_and_go_one_at_a_time():
    from crawler.discovery.gdelt import GdeltSource
    from crawler.discovery.pace import Pace
    from crawler.trail import KEY, Trail

    crawler = get_crawler(Spider, {"DISCOVERY_CONCURRENCY": 1, "GDELT_DELAY": 5.0, "DISCOVERY_DOWN_AFTER": 2,
                                   "DISCOVERY_TIME_BUDGET": 300, "DISCOVERY_RETRY_TIMES": 1})
    source = GdeltSource.from_crawler(crawler)
    pace = Pace(crawler.stats, {"gdelt": source}, concurrency=1, retries=1, budget=300, down_after=2)
    calls = [Request(f"http://api.example/q{n}", meta={KEY: Trail(call="gdelt")}) for n in range(4)]
    assert pace.admit(calls[0], source) is calls[0]
    assert calls[0].priority == 0 and calls[0].meta["download_slot"] == "discovery-gdelt"
    assert pace.slots["discovery-gdelt"] == {"concurrency": 1, "delay": 5.0}
    assert all(pace.admit(call, source) is None for call in calls[1:])  # they wait in discovery
    assert pace.done(calls[0], failed=True) == [calls[1]]  # the next one goes when the first is over
    assert pace.done(calls[1], failed=True) == []  # two failures, none answered: the source is down
    assert crawler.stats.get_value("sources/gdelt/down") == 2
