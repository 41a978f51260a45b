"""The discovery manager: the crawl's sources, the subjects they search for, the per-story budget.

An extension (``EXTENSIONS``; NotConfigured without sources). It never schedules anything itself:
the spider's callbacks call it and yield what it gives — a stored seed or matched candidate's
searches (:meth:`Discovery.found`), a gone page's archive lookups (:meth:`Discovery.gone`), what an
answer names (:meth:`Discovery.read`) — and the frontier (a spider middleware) has the last word
on every candidate page.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler, load_object

from archive.discovery.responses import ArchivedCapture, Candidate, ResponseProblem, within
from archive.discovery.signature import Signature
from crawler.discovery.base import Source, Subject, Window
from crawler.discovery.pace import Pace
from crawler.errors import BadInput
from crawler.items import PageItem
from crawler.trail import KEY, Trail, trail_of

LOGGER = logging.getLogger(__name__)


class Discovery:
    def __init__(self, stats, sources: dict[str, Source], pace: Pace, max_hops: int, budget: int, window_days: int,
                 since: datetime | None):
        self.stats = stats
        self.sources = sources
        self.pace = pace
        self.max_hops = max_hops
        self.budget = budget
        self.window_days = window_days
        self.since = since
        self.subjects: dict[int, Subject] = {}
        self.spent: Counter = Counter()  # candidates fetched per story (root subject)
        self.dated: set[int] = set()
        self.spider = None  # the spider whose callbacks answers go to, the frontier and the graph:
        self.frontier = None  # found when the crawl opens (:meth:`opened`)
        self.graph = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Discovery:
        settings = crawler.settings
        sources: dict[str, Source] = {}
        for path, order in sorted(settings.getdict("DISCOVERY_SOURCES").items(), key=lambda kv: kv[1] or 0):
            if not path or order is None:
                continue
            try:
                source = build_from_crawler(load_object(path), crawler)
            except NotConfigured as exc:
                LOGGER.debug("discovery source %s off: %s", path, exc)
                continue
            sources[source.name] = source
        if not sources:
            raise NotConfigured("no DISCOVERY_SOURCES")
        pace = Pace(crawler.stats, sources, settings.getint("DISCOVERY_CONCURRENCY"),
                    settings.getint("DISCOVERY_RETRY_TIMES"), settings.getfloat("DISCOVERY_TIME_BUDGET"),
                    settings.getint("DISCOVERY_DOWN_AFTER"))
        discovery = cls(crawler.stats, sources, pace, settings.getint("DISCOVERY_HOPS"),
                        settings.getint("DISCOVERY_BUDGET"), settings.getint("DISCOVERY_WINDOW_DAYS"),
                        since_date(settings.get("DISCOVERY_SINCE")))

        def opened(spider) -> None:
            from crawler.frontier import Frontier
            from crawler.ledger import CrawlLedger
            from crawler.pipelines import GraphPipeline

            discovery.spider = spider
            discovery.frontier = crawler.get_spider_middleware(Frontier)
            discovery.graph = crawler.get_item_pipeline(GraphPipeline)
            pace.slots = crawler.engine.downloader.per_slot_settings
            ledger = crawler.get_spider_middleware(CrawlLedger)
            if ledger is not None:
                pace.waiting_recorded = ledger.request_scheduled

        crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
        return discovery

    def window(self, subject: Subject) -> Window:
        """Dates a copy of the subject can have: around its date, and not before ``since``."""
        date = subject.signature.date
        start = date - timedelta(days=self.window_days) if date else None
        end = date + timedelta(days=self.window_days) if date else None
        if self.since and (start is None or self.since > start):
            start = self.since
        return start, end

    # -- asking -----------------------------------------------------------------------------------

    def found(self, item: PageItem) -> Iterator[scrapy.Request]:
        """After a page is stored: a seed or a matched candidate searches in turn."""
        if item.document_id is None or item.page is None:
            return
        if item.subject is not None:
            self.stats.inc_value(f"sources/{item.via}/{'matched' if item.matched else 'unmatched'}")
            if not item.matched:
                return
            parent = self.subjects.get(item.subject)
            root, hop = (parent.root if parent else item.subject), item.hop
        elif item.depth == 0:
            root, hop = item.document_id, 0
        else:
            return
        page = item.page
        subject = Subject(item.document_id, item.url, Signature.of(page.title, page.text, page.date),
                          root, hop, item.depth)
        yield from self.explore(subject)
        yield from self.date(item.document_id, item.url)

    def explore(self, subject: Subject) -> Iterator[scrapy.Request]:
        """The requests of every source for a new subject (and candidates it already knows)."""
        if subject.hop > self.max_hops or subject.doc_id in self.subjects:
            return
        self.subjects[subject.doc_id] = subject
        window = self.window(subject)
        for source in self.sources.values():
            for found in source.search(subject, window):
                if isinstance(found, Candidate):
                    yield from self.offer(found, subject, source)
                else:
                    self.stats.inc_value(f"sources/{source.name}/queries")
                    yield from self._ask(found, source, subject.doc_id)

    def gone(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """Archive lookups for a page that could not be fetched (only pages, never API calls)."""
        trail = trail_of(request)
        if trail is None or not trail.is_page or trail.archived_copy:
            return
        for source in self.sources.values():
            for ask in source.gone(request.url):
                self.stats.inc_value(f"sources/{source.name}/archive_lookups")
                # an errback's requests pass no spider middleware: the lookup stands at its page's depth
                ask.meta["depth"] = request.meta.get("depth", 0)
                yield from self._ask(ask, source, trail.subject, page=trail)

    def date(self, doc_id: int, url: str) -> Iterator[scrapy.Request]:
        """First-capture lookups in the public archives, once per document."""
        if doc_id in self.dated:
            return
        self.dated.add(doc_id)
        for source in self.sources.values():
            for ask in source.first_seen(url):
                yield from self._ask(ask, source, None, document=doc_id)

    def _ask(self, request: scrapy.Request, source: Source, subject: int | None, **trail) -> Iterator[scrapy.Request]:
        """The call, now or (held by :class:`Pace`) later; never ahead of the pages in the queue."""
        given = trail_of(request) or Trail()
        request.meta[KEY] = given.but(via=source.name, call=source.name, subject=subject, **trail)
        if source.api:  # an API is there to be called by programs; outlets' own pages obey robots.txt
            request.meta["dont_obey_robotstxt"] = True
        request = request.replace(callback=self.spider.parse_discovery, errback=self.spider.discovery_failed)
        now = self.pace.admit(request, source)
        if now is not None:
            yield now

    # -- answers ------------------------------------------------------------------------------------

    def read(self, response: Response) -> Iterator[scrapy.Request]:
        """What a source's answer names: candidates (offered), further calls, an archived copy of a
        gone page, a first-capture date (stored); then the source's next waiting call."""
        trail = trail_of(response)
        source = self.sources[trail.call]
        subject = self.subjects.get(trail.subject or -1)
        try:
            answers = list(source.read(response))
        except ResponseProblem as exc:
            self.stats.inc_value(f"sources/{source.name}/bad_answers")
            LOGGER.warning("%s: %s (%s)", source.name, exc, response.url)
            answers = []
        for answer in answers:
            if isinstance(answer, Candidate):
                targets = [subject] if subject else list(self.subjects.values())
                for target in targets:  # a shared listing (feed, sitemap) is matched against every subject
                    yield from self.offer(replace(answer), target, source)
            elif isinstance(answer, ArchivedCapture):
                self.stats.inc_value(f"sources/{source.name}/first_seen")
                if self.graph is not None and trail.document:
                    self.graph.first_seen(trail.document, answer.timestamp, source.name)
            else:
                self.stats.inc_value(f"sources/{source.name}/queries")
                answer.meta["referrer_policy"] = "no-referrer"  # a search URL (and its key) stays private
                if trail_of(answer) and trail_of(answer).archived_copy:
                    yield self._archived_copy(answer, trail.page or Trail(), source)
                else:
                    yield from self._ask(answer, source, subject.doc_id if subject else None, page=trail.page)
        yield from self.pace.done(response.request, failed=False)

    def _archived_copy(self, request: scrapy.Request, page: Trail, source: Source) -> scrapy.Request:
        """The gone page itself, read from a public archive: its own trail, the archive as ``via``."""
        found = trail_of(request)
        request.meta[KEY] = page.but(via=source.name, archived_copy=found.archived_copy, warc_record=found.warc_record)
        return request.replace(callback=self.spider.parse, errback=self.spider.failed, dont_filter=True)

    def offer(self, candidate: Candidate, subject: Subject, source: Source) -> Iterator[scrapy.Request]:
        """A candidate page, if it is in the window, looks like the subject and the story's budget allows."""
        name = source.name
        start, end = self.window(subject)
        if not within(candidate, start, end):
            self.stats.inc_value(f"sources/{name}/out_of_window")
            return
        if source.check_similarity and not subject.signature.looks_like(candidate.title, candidate.summary):
            self.stats.inc_value(f"sources/{name}/unlike")
            return
        if self.spent[subject.root] >= self.budget:
            self.stats.inc_value(f"sources/{name}/over_budget")
            return
        if self.frontier is not None and not self.frontier.wants(candidate.url, subject.depth + 1):
            return
        self.spent[subject.root] += 1
        self.stats.inc_value(f"sources/{name}/candidates")
        seen = {"date": candidate.seen.isoformat(), "source": name} if candidate.seen else None
        trail = Trail(via=name, referrer=subject.url, subject=subject.doc_id, hop=subject.hop + 1, first_seen=seen)
        yield scrapy.Request(candidate.url, callback=self.spider.parse, errback=self.spider.failed,
                             meta={KEY: trail, "referrer_policy": "no-referrer"})


def since_date(value) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"since={value!r}: give a date as YYYY-MM-DD") from None
