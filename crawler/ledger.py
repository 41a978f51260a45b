"""A crawl's ledger in its JOBDIR: what was scheduled and what was settled, so a killed crawl
resumes without losing or repeating a page.

Scrapy's JOBDIR keeps the request queue and the seen fingerprints, but a crawl killed with
``kill -9`` loses what they had not written out: the queue's index is only saved at a clean stop,
and a request taken from the queue and in flight is "seen" yet never finished. The ledger is a
line-buffered JSON Lines file (each line reaches the OS as it is written, so it survives the
process being killed): ``s`` when a request is scheduled (its URL and the meta needed to make it
again), ``d`` when its page is stored or given up. On resume, every scheduled request neither
settled nor stored in the graph is scheduled again — answered from the crawl's own WARC files
when its response was archived before the kill, so it is not fetched again — and a downloader
middleware lets each fingerprint through once per run and never one already settled, so a
request also restored from Scrapy's own queue is not fetched twice.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.job import job_dir

from archive.store import reads
from archive.store.db import session_factory
from archive.warc.lookup import ArchiveLookup
from crawler.frontier import RESUMED
from crawler.items import NotStored
from crawler.middlewares import DUPLICATE, replayed_response
from crawler.trail import KEY, Trail, trail_of

LOGGER = logging.getLogger(__name__)
SCRAPY_META = ("depth", "handle_httpstatus_list", "dont_obey_robotstxt", "referrer_policy", "max_retry_times",
               "download_slot", "autothrottle_dont_adjust_delay")  # Scrapy's own keys a request is made again with


class CrawlLedger:
    """A spider middleware (its ``process_start`` schedules again what a stopped crawl left
    pending) that records through signals; :class:`LedgerMiddleware` asks it what to let through."""

    def __init__(self, path: Path, fingerprint, stats: StatsCollector, retry_codes: set[int], db: str | None,
                 warc_dir: Path | None, shared: bool):
        self.path = path
        self.fingerprint = fingerprint
        self.stats = stats
        self.retry_codes = retry_codes
        self.db = db
        self.warc_dir = warc_dir  # None when WARC_ENABLED is off
        self.shared = shared  # other workers settle our requests (PROVENANCE_COORDINATE)
        self.scheduled: dict[str, dict] = {}
        self.settled: set[str] = set()
        self.started: set[str] = set()  # let through the downloader in this run
        self.archived: ArchiveLookup | None = None  # the crawl's own WARC files, when resuming
        self.crawler: Crawler | None = None  # set by from_crawler (its spider and signals, at run time)
        if path.exists():
            self._read()
            self._set_aside_scrapy_queue(path.parent)
        self.file = path.open("a", buffering=1, encoding="utf-8")

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        folder = job_dir(crawler.settings)
        if not folder:
            raise NotConfigured  # the usual case: no JOBDIR, nothing to resume
        settings = crawler.settings
        fingerprinter = crawler.request_fingerprinter
        ledger = cls(Path(folder) / "ledger.jsonl", lambda request: fingerprinter.fingerprint(request).hex(),
                     crawler.stats, {int(code) for code in settings.getlist("RETRY_HTTP_CODES")},
                     settings.get("PROVENANCE_DB"),
                     Path(settings.get("WARC_DIR") or ".") if settings.getbool("WARC_ENABLED") else None,
                     settings.getbool("PROVENANCE_COORDINATE"))
        ledger.crawler = crawler
        crawler.signals.connect(ledger.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ledger.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ledger.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ledger.spider_closed, signal=signals.spider_closed)
        return ledger

    def _read(self) -> None:
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by the kill
                if "s" in entry:
                    self.scheduled[entry["s"]] = entry
                elif "d" in entry:
                    self.settled.add(entry["d"])

    @staticmethod
    def _set_aside_scrapy_queue(folder: Path) -> None:
        """Scrapy's queue and seen set of the run before: rebuilt from the ledger instead."""
        shutil.rmtree(folder / "requests.queue", ignore_errors=True)
        (folder / "requests.seen").unlink(missing_ok=True)

    def page_urls(self) -> list[str]:
        """Every page URL scheduled by earlier runs (the frontier has seen them)."""
        return [e["url"] for e in self.scheduled.values() if e.get("callback") == "parse"]

    def pending(self) -> int:
        return sum(fp not in self.settled for fp in self.scheduled)

    def _write(self, entry: dict) -> None:
        self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")

    # -- recording ---------------------------------------------------------------------------------

    @staticmethod
    def entry(fp: str, request: scrapy.Request) -> dict:
        """The ledger's line for a request: enough to make it again (its trail whole)."""
        meta = {k: request.meta[k] for k in SCRAPY_META if k in request.meta}
        trail = trail_of(request)
        if trail is not None:
            meta[KEY] = trail.as_dict()
        return {"s": fp, "url": request.url, "callback": getattr(request.callback, "__name__", None),
                "errback": getattr(request.errback, "__name__", None), "meta": meta, "priority": request.priority,
                "headers": {k.decode(): v[0].decode("latin-1") for k, v in request.headers.items() if k == b"Range"}}

    def request_scheduled(self, request: scrapy.Request) -> None:
        """Recorded when scheduled, and again when fetched (once per fingerprint)."""
        fp = self.fingerprint(request)
        if fp in self.scheduled:
            return
        entry = self.scheduled[fp] = self.entry(fp, request)
        self._write(entry)

    def settle(self, request: scrapy.Request | str | None) -> None:
        """The request's page is stored, or given up (failed, no page, a redirect followed)."""
        if request is None:
            return
        fp = request if isinstance(request, str) else self.fingerprint(request)
        if fp not in self.settled:
            self.settled.add(fp)
            self._write({"d": fp})

    def item_scraped(self, item, **_) -> None:
        self.settle(getattr(item, "request_fp", None))

    def item_dropped(self, item, exception=None, **_) -> None:
        if not isinstance(exception, NotStored):  # dropped for good (no text): given up
            self.settle(getattr(item, "request_fp", None))

    # -- resuming ----------------------------------------------------------------------------------

    async def process_start(self, start):
        """First what a stopped run left pending, then the spider's own start requests."""
        self.crawler.signals.send_catch_log(RESUMED, urls=self.page_urls())
        for request in self.resumed(self.crawler.spider):
            yield request
        async for request in start:
            yield request

    def resumed(self, spider) -> list[scrapy.Request]:
        pending = [e for fp, e in self.scheduled.items() if fp not in self.settled]
        if not pending:
            return []
        with session_factory(self.db)() as session:
            stored = reads.stored_urls(session, [e["url"] for e in pending])
        files = sorted(self.warc_dir.glob("*.warc.gz")) if self.warc_dir is not None else []
        self.archived = ArchiveLookup(files) if files else None
        again = []
        for entry in pending:
            if entry["url"] in stored:
                self.settle(entry["s"])
            else:
                again.append(self.request(spider, entry))
        LOGGER.info("resuming: %d requests were queued or in flight when the crawl stopped; scheduled again "
                    "from the ledger (answered from this crawl's WARC files where their response was archived)",
                    len(again))
        self.stats.set_value("ledger/resumed_pending", len(again))
        return again

    def archived_response(self, request: scrapy.Request):
        """The response archived for a resumed request before the crawl stopped, if any."""
        trail = trail_of(request)
        if self.archived is None or trail is None or not trail.resumed:
            return None
        found = self.archived.get(request.url)
        if found is None or found.status in self.retry_codes:  # an error worth another try: fetch again
            return None
        self.stats.inc_value("ledger/answered_from_warc")
        return replayed_response(request, found)

    @staticmethod
    def request(spider, entry: dict) -> scrapy.Request:
        """The request of a ledger line, marked ``resumed``."""
        method = lambda name: getattr(spider, name) if name else None  # noqa: E731
        meta = dict(entry.get("meta") or {})
        meta[KEY] = Trail.from_dict(meta.get(KEY) or {}).but(resumed=True)
        return scrapy.Request(entry["url"], callback=method(entry.get("callback")), errback=method(entry.get("errback")),
                              meta=meta, priority=entry.get("priority", 0), headers=entry.get("headers") or None,
                              dont_filter=True)

    def admit(self, request: scrapy.Request) -> bool:
        """Once per fingerprint and run (retries aside), never one settled before."""
        if request.meta.get("retry_times"):
            return True
        fp = self.fingerprint(request)
        if fp in self.started or fp in self.settled:
            return False
        self.started.add(fp)
        if request.callback is not NO_CALLBACK:  # robots.txt is Scrapy's own, asked again each run
            self.request_scheduled(request)  # taken from a shared queue, scheduled by another worker: ours now
        return True

    def spider_closed(self, spider) -> None:
        if not self.shared:
            self.stats.set_value("ledger/pending", self.pending())
        self.file.close()


class LedgerMiddleware:
    """Downloader middleware: a request already fetched (this run, or settled in an earlier one)
    is dropped quietly; a redirect settles the request that got it."""

    def __init__(self, stats: StatsCollector):
        self.stats = stats
        self.ledger: CrawlLedger | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if not job_dir(crawler.settings):
            raise NotConfigured  # the usual case: no JOBDIR, nothing to resume
        middleware = cls(crawler.stats)

        def opened() -> None:
            middleware.ledger = crawler.get_spider_middleware(CrawlLedger)

        crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
        return middleware

    def process_request(self, request: scrapy.Request):
        if self.ledger is None:
            return None
        if not self.ledger.admit(request):
            request.meta[DUPLICATE] = True
            self.stats.inc_value("ledger/duplicates_dropped")
            raise IgnoreRequest(f"already fetched: {request.url}")
        return self.ledger.archived_response(request)

    def process_response(self, request: scrapy.Request, response):
        if self.ledger is not None and 300 <= response.status < 400 and "Location" in response.headers:
            self.ledger.settle(request)
        return response
