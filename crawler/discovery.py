"""Discovery sources: looking for the copies of a story that nobody links to.

Every source is a component listed in ``DISCOVERY_SOURCES`` (built ``from_crawler``, switched off
by raising NotConfigured when its settings are missing). For each seed, and for each candidate that
turned out to be a real copy (up to ``DISCOVERY_HOPS`` times), the :class:`Discovery` manager asks
every source for requests: API calls (GDELT, a search API, feeds, sitemaps, archive indexes),
which go through the crawler like any request (archived to WARC, polite, robots.txt obeyed). What
the answers name becomes candidate pages, fetched through the frontier with the source recorded
as ``discovered_via``; only candidates whose text joins the story count as found and search again.
A page that is gone is looked up in public archives (Wayback Machine, Common Crawl), and each
copy's first capture there is recorded as independent dating evidence.
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler, load_object
from warcio.archiveiterator import ArchiveIterator

from archive.discovery.responses import (ArchivedCapture, Candidate, ResponseProblem, cdx_captures,
                                         commoncrawl_captures, feed_items, gdelt_articles, search_results,
                                         sitemap_entries, within)
from archive.discovery.signature import Signature
from archive.discovery.watchlist import WatchListError, load
from crawler.errors import BadInput
from crawler.frontier import Frontier
from crawler.ledger import CrawlLedger

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Subject:
    """A stored copy of a story that discovery searches from."""

    doc_id: int
    url: str
    signature: Signature
    root: int  # the seed's document: budgets are per story
    hop: int  # 0 for a seed, 1 for a copy its search found, ...
    depth: int  # crawl depth of the page


class Source:
    """A discovery source. ``search`` gives the requests (or ready candidates) for a subject;
    ``read`` turns an answer into candidates or further requests; ``gone`` looks for archived
    captures of a URL that failed; ``first_seen`` asks when a URL was first captured."""

    name = "source"
    check_similarity = True  # candidates must look like the subject (headline, names) to be fetched
    api = True  # asks a service's API (not an outlet's pages)

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self.delay = self.settings.getfloat("DISCOVERY_DELAY")  # seconds between two calls of this source

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def search(self, subject: Subject) -> Iterable[scrapy.Request | Candidate]:
        return ()

    def read(self, response: Response) -> Iterable[scrapy.Request | Candidate | ArchivedCapture]:
        return ()

    def gone(self, url: str) -> Iterable[scrapy.Request]:
        return ()

    def first_seen(self, url: str) -> Iterable[scrapy.Request]:
        return ()


class GdeltSource(Source):
    """GDELT DOC 2.0 API, exact-phrase queries in ``mode=artlist``: news articles worldwide since
    2017 (the API searches the last three months), with the date GDELT first saw each."""

    name = "gdelt"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.endpoint = self.settings.get("GDELT_API")
        self.delay = self.settings.getfloat("GDELT_DELAY")
        self.queries = self.settings.getint("GDELT_QUERIES")
        self.records = self.settings.getint("GDELT_MAX_RECORDS")

    def search(self, subject: Subject) -> Iterator[scrapy.Request]:
        window = Discovery.of(self.crawler).window(subject)
        for phrase in subject.signature.queries()[: self.queries]:
            params = {"query": f'"{phrase}"', "mode": "artlist", "format": "json", "maxrecords": self.records,
                      "sort": "dateasc"}
            if window[0] and window[1]:
                params.update(startdatetime=f"{window[0]:%Y%m%d%H%M%S}", enddatetime=f"{window[1]:%Y%m%d%H%M%S}")
            yield scrapy.Request(f"{self.endpoint}?{urlencode(params)}")

    def read(self, response: Response) -> list[Candidate]:
        return gdelt_articles(response.body)


class WebSearchSource(Source):
    """Any search API that answers JSON: ``WEB_SEARCH_URL`` with ``{query}`` (and ``{key}``, read
    from the environment variable named by ``WEB_SEARCH_KEY_ENV``), result URLs at the JSONPath
    ``WEB_SEARCH_RESULTS`` (titles at ``WEB_SEARCH_TITLES``)."""

    name = "search"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.template = self.settings.get("WEB_SEARCH_URL")
        if not self.template:
            raise NotConfigured("WEB_SEARCH_URL is not set")
        self.key = os.environ.get(self.settings.get("WEB_SEARCH_KEY_ENV") or "", "")
        if "{key}" in self.template and not self.key:
            raise NotConfigured(f"the search API needs a key in ${self.settings.get('WEB_SEARCH_KEY_ENV')}")
        self.results, self.titles = self.settings.get("WEB_SEARCH_RESULTS"), self.settings.get("WEB_SEARCH_TITLES")
        self.queries = self.settings.getint("WEB_SEARCH_QUERIES")

    def search(self, subject: Subject) -> Iterator[scrapy.Request]:
        for phrase in subject.signature.queries()[: self.queries]:
            url = self.template.replace("{query}", quote(f'"{phrase}"')).replace("{key}", quote(self.key))
            yield scrapy.Request(url, meta={"warc_redact": [quote(self.key)] if self.key else []})

    def read(self, response: Response) -> list[Candidate]:
        return search_results(response.body, self.results, self.titles)


class WatchListSource(Source):
    """The outlets of ``DISCOVERY_WATCHLIST`` (a TOML file): their RSS/Atom feeds, news sitemaps
    and site search. Feeds and sitemaps are read once a crawl and their items kept, so each new
    subject is matched against them without asking the outlet again."""

    name = "watchlist"
    api = False
    MAX_SITEMAPS = 20  # child sitemaps followed from one sitemap index

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        path = self.settings.get("DISCOVERY_WATCHLIST")
        if not path:
            raise NotConfigured("DISCOVERY_WATCHLIST is not set")
        try:
            self.outlets = load(path)
        except WatchListError as exc:
            raise BadInput(str(exc)) from exc  # a broken watch list stops the crawl, saying why
        self.items: dict[str, list[Candidate]] = {}  # feed or sitemap URL -> its items
        self.asked: set[str] = set()

    def search(self, subject: Subject) -> Iterator[scrapy.Request | Candidate]:
        for outlet in self.outlets:
            for url in outlet.feeds + outlet.sitemaps:
                if url in self.items:
                    yield from self.items[url]
                elif url not in self.asked:
                    self.asked.add(url)
                    yield scrapy.Request(url, meta={"listing": url})
            if outlet.search and subject.signature.title:
                yield scrapy.Request(outlet.search.replace("{query}", quote(subject.signature.title)),
                                     meta={"site_search": urlsplit(outlet.home).hostname})

    def read(self, response: Response) -> Iterator[scrapy.Request | Candidate]:
        if "site_search" in response.meta:
            yield from self._search_results(response, response.meta["site_search"])
            return
        listing = response.meta["listing"]
        body = response.body.lstrip()
        if b"<rss" in body[:500] or b"<feed" in body[:500] or b"<rdf" in body[:500]:
            items = feed_items(response.body)
        else:
            kind, items = sitemap_entries(response.body)
            if kind == "sitemapindex":
                for child in items[: self.MAX_SITEMAPS]:
                    if child.url not in self.asked:
                        self.asked.add(child.url)
                        yield scrapy.Request(child.url, meta={"listing": child.url})
                return
        for item in items:  # a sitemap's page without a headline: its URL's words stand in
            if not item.title:
                item.title = urlsplit(item.url).path.replace("-", " ").replace("/", " ")
        self.items[listing] = items
        yield from items

    @staticmethod
    def _search_results(response: Response, host: str | None) -> Iterator[Candidate]:
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            if urlsplit(url).hostname == host:
                yield Candidate(url, " ".join(link.css("::text").getall()).strip())


class UrlListSource(Source):
    """A plain list of candidate URLs (``DISCOVERY_URL_LIST`` or ``-a candidates=FILE``), checked
    against the seeds like any other candidate."""

    name = "list"
    check_similarity = False

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        path = getattr(crawler.spider, "candidates", None) or self.settings.get("DISCOVERY_URL_LIST")
        if not path:
            raise NotConfigured("DISCOVERY_URL_LIST is not set")
        if not Path(path).is_file():
            raise ValueError(f"DISCOVERY_URL_LIST={path}: no such file")
        self.urls = [line.strip() for line in Path(path).read_text().splitlines()
                     if line.strip().startswith(("http://", "https://"))]

    def search(self, subject: Subject) -> list[Candidate]:
        return [Candidate(url) for url in self.urls] if subject.hop == 0 else []


class WaybackSource(Source):
    """The Wayback Machine's CDX API: the last good capture of a page that is gone (fetched from
    the archive, stored under the page's own URL and marked as archived), and the first capture of
    every copy found (when the page demonstrably existed)."""

    name = "wayback"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.cdx = self.settings.get("WAYBACK_CDX")
        self.replay = self.settings.get("WAYBACK_REPLAY")

    def _ask(self, url: str, **params) -> scrapy.Request:
        query = {"url": url, "output": "json", "fl": "timestamp,original,statuscode,mimetype", **params}
        return scrapy.Request(f"{self.cdx}?{urlencode(query)}", meta={"about": url})

    def gone(self, url: str) -> list[scrapy.Request]:
        request = self._ask(url, filter="statuscode:200", limit="-1")  # the newest good capture
        request.meta["want"] = "copy"
        return [request]

    def first_seen(self, url: str) -> list[scrapy.Request]:
        request = self._ask(url, limit="1")  # captures come oldest first
        request.meta["want"] = "first"
        return [request]

    def read(self, response: Response) -> Iterator[scrapy.Request | ArchivedCapture]:
        captures = cdx_captures(response.body)
        if not captures:
            return
        if response.meta["want"] == "first":
            yield captures[0]
            return
        capture = captures[-1]
        yield scrapy.Request(self.replay.format(timestamp=f"{capture.timestamp:%Y%m%d%H%M%S}", url=capture.url),
                             meta={"archived_copy": capture.url, "archived_by": self.name})


class CommonCrawlSource(Source):
    """Common Crawl's URL index (``COMMONCRAWL_COLLECTIONS``): a capture of a page that is gone,
    read straight out of Common Crawl's WARC files with a range request, and first-seen dates."""

    name = "commoncrawl"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.index = self.settings.get("COMMONCRAWL_INDEX").rstrip("/")
        self.data = self.settings.get("COMMONCRAWL_DATA").rstrip("/")
        self.collections = self.settings.getlist("COMMONCRAWL_COLLECTIONS")
        if not self.collections:
            raise NotConfigured("COMMONCRAWL_COLLECTIONS is empty")

    def _ask(self, url: str, want: str) -> Iterator[scrapy.Request]:
        for collection in self.collections:
            query = urlencode({"url": url, "output": "json"})
            yield scrapy.Request(f"{self.index}/{collection}-index?{query}", dont_filter=True,
                                 meta={"about": url, "want": want, "handle_httpstatus_list": [404]})

    def gone(self, url: str) -> Iterator[scrapy.Request]:
        return self._ask(url, "copy")

    def first_seen(self, url: str) -> Iterator[scrapy.Request]:
        return self._ask(url, "first")

    def read(self, response: Response) -> Iterator[scrapy.Request | ArchivedCapture]:
        if response.status == 404:  # the index's way of saying "no captures"
            return
        captures = sorted(commoncrawl_captures(response.body), key=lambda c: c.timestamp)
        if response.meta["want"] == "first":
            yield from captures[:1]
            return
        good = [c for c in captures if c.status == 200]
        if good:
            c = good[-1]
            yield scrapy.Request(f"{self.data}/{c.filename}", headers={"Range": f"bytes={c.offset}-{c.offset + c.length - 1}"},
                                 meta={"archived_copy": c.url, "archived_by": self.name, "warc_record": True})

    @staticmethod
    def record_payload(body: bytes) -> tuple[bytes, str | None] | None:
        """The HTTP payload and content type inside one gzipped WARC response record."""
        for record in ArchiveIterator(io.BytesIO(body)):
            if record.rec_type == "response":
                content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
                return record.content_stream().read(), content_type
        return None


class Discovery:
    """The crawl's discovery sources, the subjects they search for, and the per-story budget."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.max_hops = settings.getint("DISCOVERY_HOPS")
        self.budget = settings.getint("DISCOVERY_BUDGET")
        self.window_days = settings.getint("DISCOVERY_WINDOW_DAYS")
        self.since = since_date(getattr(crawler.spider, "since", None) or settings.get("DISCOVERY_SINCE"))
        self.sources: dict[str, Source] = {}
        for path, _ in sorted(settings.getdict("DISCOVERY_SOURCES").items(), key=lambda kv: kv[1] or 0):
            if not path or _ is None:
                continue
            try:
                source = build_from_crawler(load_object(path), crawler)
            except NotConfigured as exc:
                LOGGER.debug("discovery source %s off: %s", path, exc)
                continue
            self.sources[source.name] = source
        self.subjects: dict[int, Subject] = {}
        self.spent: Counter = Counter()  # candidates fetched per story (root subject)
        self.dated: set[int] = set()
        self.pace = Pace(crawler, self.sources)

    @classmethod
    def of(cls, crawler: Crawler) -> Discovery:
        found = getattr(crawler, "_provenance_discovery", None)
        if found is None:
            found = crawler._provenance_discovery = cls(crawler)
        return found

    def window(self, subject: Subject) -> tuple[datetime | None, datetime | None]:
        """Dates a copy of the subject can have: around its date, and not before ``since``."""
        date = subject.signature.date
        start = date - timedelta(days=self.window_days) if date else None
        end = date + timedelta(days=self.window_days) if date else None
        if self.since and (start is None or self.since > start):
            start = self.since
        return start, end

    # -- asking -----------------------------------------------------------------------------------

    def explore(self, subject: Subject) -> Iterator[scrapy.Request]:
        """The requests of every source for a new subject (and candidates it already knows)."""
        if subject.hop > self.max_hops or subject.doc_id in self.subjects:
            return
        self.subjects[subject.doc_id] = subject
        for source in self.sources.values():
            for found in source.search(subject):
                if isinstance(found, Candidate):
                    yield from self.offer(found, subject, source)
                else:
                    self.stats.inc_value(f"sources/{source.name}/queries")
                    yield from self._ask(found, source, subject.doc_id)

    def gone(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """Archive lookups for a page that could not be fetched (only pages, never API calls)."""
        if "discovery" in request.meta or "archived_copy" in request.meta:
            return
        for source in self.sources.values():
            for ask in source.gone(request.url):
                self.stats.inc_value(f"sources/{source.name}/archive_lookups")
                ask.meta.update(page_meta={k: request.meta.get(k) for k in ("depth_hops", "via", "referrer",
                                                                             "subject", "hop")})
                yield from self._ask(ask, source, request.meta.get("subject"))

    def date(self, doc_id: int, url: str) -> Iterator[scrapy.Request]:
        """First-capture lookups in the public archives, once per document."""
        if doc_id in self.dated:
            return
        self.dated.add(doc_id)
        for source in self.sources.values():
            for ask in source.first_seen(url):
                ask.meta["document"] = doc_id
                yield from self._ask(ask, source, None)

    def _ask(self, request: scrapy.Request, source: Source, subject: int | None) -> Iterator[scrapy.Request]:
        """The call, now or (held by :class:`Pace`) later; never ahead of the pages in the queue."""
        spider = self.crawler.spider
        request.meta.update(discovery=source.name, subject=subject)
        if source.api:  # an API is there to be called by programs; outlets' own pages obey robots.txt
            request.meta["dont_obey_robotstxt"] = True
        request = request.replace(callback=spider.parse_discovery, errback=spider.discovery_failed)
        now = self.pace.admit(request, source)
        if now is not None:
            yield now

    # -- answers ------------------------------------------------------------------------------------

    def read(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.sources[response.meta["discovery"]]
        self.pace.done(response.request, failed=False)
        subject = self.subjects.get(response.meta.get("subject") or -1)
        try:
            answers = list(source.read(response))
        except ResponseProblem as exc:
            self.stats.inc_value(f"sources/{source.name}/bad_answers")
            LOGGER.warning("%s: %s (%s)", source.name, exc, response.url)
            return
        for answer in answers:
            if isinstance(answer, Candidate):
                targets = [subject] if subject else list(self.subjects.values())
                for target in targets:  # a shared listing (feed, sitemap) is matched against every subject
                    yield from self.offer(replace(answer), target, source)
            elif isinstance(answer, ArchivedCapture):
                self.stats.inc_value(f"sources/{source.name}/first_seen")
                graph = getattr(self.crawler, "_provenance_graph", None)
                if graph is not None and response.meta.get("document"):
                    graph.first_seen(response.meta["document"], answer.timestamp, source.name)
            else:
                self.stats.inc_value(f"sources/{source.name}/queries")
                answer.meta.update(page_meta=response.meta.get("page_meta"), listing=answer.meta.get("listing"),
                                   referrer_policy="no-referrer")  # a search URL (and its key) stays private
                if "archived_copy" in answer.meta:
                    yield self._archived_copy(answer, response.meta.get("page_meta") or {})
                else:
                    yield from self._ask(answer, source, subject.doc_id if subject else None)

    def _archived_copy(self, request: scrapy.Request, page_meta: dict) -> scrapy.Request:
        spider = self.crawler.spider
        request.meta.update({k: v for k, v in page_meta.items() if v is not None})
        request.meta["via"] = request.meta["archived_by"]
        return request.replace(callback=spider.parse, errback=spider.failed, dont_filter=True)

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
        request = Frontier.of(self.crawler).request(candidate.url, subject.depth + 1, name, subject.url)
        if request is None:
            return
        self.spent[subject.root] += 1
        self.stats.inc_value(f"sources/{name}/candidates")
        request.meta.update(subject=subject.doc_id, hop=subject.hop + 1, referrer_policy="no-referrer",
                            first_seen={"date": candidate.seen.isoformat(), "source": name} if candidate.seen else None)
        yield request

    def found(self, item, matched: bool) -> Iterator[scrapy.Request]:
        """After a page is stored: a seed or a matched candidate searches in turn."""
        if item.document_id is None or item.page is None:
            return
        if item.subject is not None:
            source = item.via
            self.stats.inc_value(f"sources/{source}/{'matched' if matched else 'unmatched'}")
            if not matched:
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


class Pace:
    """Discovery never holds page fetching hostage. Each source's calls reach the downloader
    ``DISCOVERY_CONCURRENCY`` at a time (the rest wait here, not in the downloader, where they
    would take the crawl's ``CONCURRENT_REQUESTS``), in a download slot of their own (the source's
    ``delay`` apart; not the pages' AutoThrottle slots), retried ``DISCOVERY_RETRY_TIMES`` at most.
    A source gets ``DISCOVERY_TIME_BUDGET`` seconds from its first call; one never answered whose
    last ``DISCOVERY_DOWN_AFTER`` calls failed, or whose call could not connect, is taken as down. Either way its
    waiting and later calls are dropped and counted (``sources/NAME/over_time``, ``.../down``)."""

    def __init__(self, crawler: Crawler, sources: dict[str, Source]):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.sources = sources
        self.concurrency = settings.getint("DISCOVERY_CONCURRENCY")
        self.retries = settings.getint("DISCOVERY_RETRY_TIMES")
        self.budget = settings.getfloat("DISCOVERY_TIME_BUDGET")
        self.down_after = settings.getint("DISCOVERY_DOWN_AFTER")
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
            ledger = CrawlLedger.of(self.crawler)
            if ledger is not None:  # a call waiting here when the crawl is killed is made on resume
                ledger.request_scheduled(request)
            return None
        self.first_call.setdefault(name, time.monotonic())
        self.in_flight[name] += 1
        self.stats.inc_value(f"sources/{name}/calls")
        if source.api:
            slot = f"discovery-{name}"
            self.crawler.engine.downloader.per_slot_settings.setdefault(
                slot, {"concurrency": self.concurrency, "delay": source.delay})
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

    def done(self, request: scrapy.Request, failed: bool, unreachable: bool = False) -> None:
        """A call answered or failed for good: the source's next waiting call may go. A source
        never answered whose call could not even connect (retries spent) is down at once."""
        name = request.meta.get("discovery")
        if name not in self.waiting:
            return
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
                self.crawler.engine.crawl(ready)
                return


def since_date(value) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"since={value!r}: give a date as YYYY-MM-DD") from None
