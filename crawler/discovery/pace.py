"""Discovery never holds page fetching hostage: each source's calls reach the downloader a few at
a time, in a download slot of their own, and a source that is down or over time stops calling."""

from __future__ import annotations

import time
from collections import Counter, deque

import scrapy
from scrapy.statscollectors import StatsCollector

from crawler.discovery.base import Source
from crawler.trail import trail_of


class Pace:
    """Each source's calls reach the downloader ``DISCOVERY_CONCURRENCY`` at a time (the rest wait
    here, not in the downloader, where they would take the crawl's ``CONCURRENT_REQUESTS``), in a
    download slot of their own (the source's ``delay`` apart; not the pages' AutoThrottle slots),
    retried ``DISCOVERY_RETRY_TIMES`` at most. A source gets ``DISCOVERY_TIME_BUDGET`` seconds from
    its first call; one never answered whose last ``DISCOVERY_DOWN_AFTER`` calls failed, or whose
    call could not connect, is taken as down. Either way its waiting and later calls are dropped
    and counted (``sources/NAME/over_time``, ``.../down``). A waiting call goes when one of its
    source's calls is over: :meth:`done` returns it, and the callback that saw the call end yields it."""

    def __init__(self, stats: StatsCollector, sources: dict[str, Source], concurrency: int, retries: int,
                 budget: float, down_after: int):
        self.stats = stats
        self.sources = sources
        self.concurrency = concurrency
        self.retries = retries
        self.budget = budget
        self.down_after = down_after
        self.slots: dict[str, dict] = {}  # the downloader's per-slot settings (set when the engine runs)
        self.waiting_recorded = None  # called with each call made to wait (the ledger keeps it)
        self.first_call: dict[str, float] = {}
        self.in_flight: Counter = Counter()
        self.failed_in_a_row: Counter = Counter()
        self.answered: Counter = Counter()
        self.waiting: dict[str, deque[scrapy.Request]] = {name: deque() for name in sources}

    def admit(self, request: scrapy.Request, source: Source) -> scrapy.Request | None:
        """``request`` if it may go now; None when it waits or is dropped."""
        name = source.name
        if self._stopped(name):
            return None
        if self.in_flight[name] >= self.concurrency:
            self.waiting[name].append(request)
            if self.waiting_recorded is not None:  # a call waiting here when the crawl is killed is made on resume
                self.waiting_recorded(request)
            return None
        self.first_call.setdefault(name, time.monotonic())
        self.in_flight[name] += 1
        self.stats.inc_value(f"sources/{name}/calls")
        if source.api:
            slot = f"discovery-{name}"
            self.slots.setdefault(slot, {"concurrency": self.concurrency, "delay": source.delay})
            request.meta.update(download_slot=slot, autothrottle_dont_adjust_delay=True)
        request.meta.setdefault("max_retry_times", self.retries)
        return request

    def _stopped(self, name: str) -> bool:
        if self.down_after and not self.answered[name] and self.failed_in_a_row[name] >= self.down_after:
            self.stats.inc_value(f"sources/{name}/down")
            return True
        if name in self.first_call and time.monotonic() - self.first_call[name] > self.budget:
            self.stats.inc_value(f"sources/{name}/over_time")
            return True
        return False

    def done(self, request: scrapy.Request, failed: bool, unreachable: bool = False) -> list[scrapy.Request]:
        """A call answered or failed for good: the source's next waiting call, to be yielded. A
        source never answered whose call could not even connect (retries spent) is down at once."""
        trail = trail_of(request)
        name = trail.call if trail is not None else None
        if name not in self.waiting:
            return []
        self.in_flight[name] = max(0, self.in_flight[name] - 1)  # (a call resumed from the ledger was not counted)
        if failed:
            self.failed_in_a_row[name] += 1
            if unreachable and not self.answered[name]:
                self.failed_in_a_row[name] = max(self.failed_in_a_row[name], self.down_after)
        else:
            self.failed_in_a_row[name] = 0
            self.answered[name] += 1
        while self.waiting[name]:
            ready = self.admit(self.waiting[name].popleft(), self.sources[name])
            if ready is not None:
                return [ready]
        return []
