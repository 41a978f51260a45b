"""The ``syndication`` spider: an article, its sources and its copies.

Each fetched page is extracted (in worker processes, crawler/extraction.py) while the callback
waits; the callback then yields the requests for what the page names as a source or another copy
(canonical and og:url, source meta tags, schema.org isBasedOn, links in credit lines, "read more
at" links) and the page as an item. The frontier (a spider middleware) lets leads through up to
``PROVENANCE_DEPTH`` hops from a seed (Scrapy's ``depth``) and ``PROVENANCE_BUDGET`` pages in all.
A seed, or a discovery candidate, waits for its item to be stored (crawler/fate.py) and then
yields its searches in the discovery sources; their answers come back to ``parse_discovery``.

    scrapy crawl syndication -a url=https://example.com/article
    scrapy crawl syndication -a urls=seeds.txt -s PROVENANCE_DEPTH=2

Spider arguments become settings (``depth`` PROVENANCE_DEPTH, ``budget`` PROVENANCE_BUDGET,
``since`` DISCOVERY_SINCE, ``candidates`` DISCOVERY_URL_LIST), so every component reads settings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.discovery import Discovery, since_date
from crawler.discovery.commoncrawl import record_payload
from crawler.errors import BadInput
from crawler.extraction import Extraction
from crawler.fate import Fates
from crawler.frontier import Frontier
from crawler.items import PageItem
from crawler.ledger import CrawlLedger
from crawler.middlewares import DUPLICATE, RESCHEDULED, ended_quietly
from crawler.trail import KEY, Trail, trail_of


class SyndicationSpider(scrapy.Spider):
    name = "syndication"

    def __init__(self, url: str | None = None, urls: str | None = None, **kwargs):
        super().__init__(**kwargs)
        seeds = [url] if url else []
        if urls:
            seeds += [line.strip() for line in _read_file("urls", urls).splitlines()
                      if line.strip() and not line.startswith("#")]
        if not seeds:
            raise BadInput("give a seed article: -a url=https://... or -a urls=FILE (http/https URLs only)")
        self.seeds = seeds

    @classmethod
    def from_crawler(cls, crawler, *args, depth: str | None = None, budget: str | None = None,
                     since: str | None = None, candidates: str | None = None, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings  # an argument is given on the command line, as -s is: same priority
        if depth not in (None, ""):
            settings.set("PROVENANCE_DEPTH", _count("depth", depth, least=0), "cmdline")
        if budget not in (None, ""):
            settings.set("PROVENANCE_BUDGET", _count("budget", budget, least=1), "cmdline")
        if since:  # only what is new: known copies are not fetched again, searches start here
            settings.set("DISCOVERY_SINCE", since, "cmdline")
        if candidates:  # a file of candidate URLs (the `list` discovery source)
            _read_file("candidates", candidates)
            settings.set("DISCOVERY_URL_LIST", candidates, "cmdline")
        since_date(settings.get("DISCOVERY_SINCE"))
        limit = settings.getint("URLLENGTH_LIMIT")
        for seed in spider.seeds:
            _check_seed(seed, limit)
        spider.fates = Fates(crawler.signals)
        return spider

    # components of the crawl, found through Scrapy (built by the time a callback runs)
    @cached_property
    def extraction(self) -> Extraction:
        return self.crawler.get_extension(Extraction)

    @cached_property
    def discovery(self) -> Discovery | None:
        return self.crawler.get_extension(Discovery)

    @cached_property
    def frontier(self) -> Frontier | None:
        return self.crawler.get_spider_middleware(Frontier)

    @cached_property
    def ledger(self) -> CrawlLedger | None:
        return self.crawler.get_spider_middleware(CrawlLedger)

    async def start(self):
        for seed in self.seeds:
            yield scrapy.Request(seed, callback=self.parse, errback=self.failed, meta={KEY: Trail()})

    async def parse(self, response: Response):
        """A fetched page: extracted, its leads followed, itself stored; a seed or a candidate then
        searches the discovery sources."""
        item = self.page_item(response)
        if item is None:
            return
        await self.extraction.extract(item)
        trail = trail_of(response)
        if item.page is not None and trail.recheck_of is None:
            for request in self.leads(item):
                yield request
        searches = (self.discovery is not None and item.page is not None and trail.recheck_of is None
                    and (item.subject is not None or item.depth == 0))
        stored = self.fates.expect(item) if searches else None
        yield item
        if stored is not None and await stored:
            for request in self.discovery.found(item):
                yield request

    def leads(self, item: PageItem):
        depth = item.depth + 1
        for url, via in item.page.leads:
            if self.frontier is None or self.frontier.wants(url, depth):  # no Request built for what was seen
                yield scrapy.Request(url, callback=self.parse, errback=self.failed,
                                     meta={KEY: Trail(via=via, referrer=item.url)})

    def page_item(self, response: Response) -> PageItem | None:
        """The page as an item; a gone page read from a public archive under its own URL."""
        trail = trail_of(response) or Trail()
        url, body = response.url, response.body
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        archived = None
        if trail.archived_copy:  # a gone page, read from a public archive
            url, archived = trail.archived_copy, {"url": response.url, "by": trail.via}
            if trail.warc_record:
                record = record_payload(body)
                if record is None:
                    self.logger.warning("no response record in %s", response.url)
                    self._settle(response.request)
                    return None
                body, content_type = record
        return PageItem(
            url=url,
            status=response.status,
            content_type=content_type,
            body=body,
            fetched_at=datetime.now(UTC).replace(tzinfo=None).isoformat(),
            depth=response.meta.get("depth", 0),
            via=trail.via,
            referrer=trail.referrer,
            warc=dict(response.meta.get("warc") or {}),
            subject=trail.subject,
            hop=trail.hop,
            first_seen=trail.first_seen,
            archived_copy=archived,
            recheck_of=trail.recheck_of,
            request_fp=self.ledger.fingerprint(response.request) if self.ledger is not None else None,
        )

    def _settle(self, request) -> None:
        if self.ledger is not None:
            self.ledger.settle(request)

    def failed(self, failure):
        """A page that could not be fetched: logged, and looked up in public archives."""
        if ended_quietly(failure.request):
            return  # fetched already (a resumed crawl): nothing failed
        self._settle(failure.request)
        self.crawler.stats.inc_value("provenance/fetch_failed")
        self.logger.warning("could not fetch %s: %s", failure.request.url, failure.getErrorMessage())
        if self.discovery is not None:
            yield from self.discovery.gone(failure.request)

    def parse_discovery(self, response: Response):
        """An answer of a discovery source (search API, feed, sitemap, archive index)."""
        yield from self.discovery.read(response)
        self._settle(response.request)

    def discovery_failed(self, failure):
        request = failure.request
        if not request.meta.get(RESCHEDULED):  # the call is over (a duplicate is not a failure)
            unreachable = not failure.check(IgnoreRequest) and getattr(failure.value, "response", None) is None
            yield from self.discovery.pace.done(request, failed=not request.meta.get(DUPLICATE),
                                                unreachable=unreachable)
        if ended_quietly(request):
            return
        self._settle(request)
        source = trail_of(request).call
        self.crawler.stats.inc_value(f"sources/{source}/failed")
        response = getattr(failure.value, "response", None)
        if response is not None and "replay-miss" in response.flags:  # replaying an archive without it
            self.logger.info("discovery source %s: not in the replayed archive: %s", source, request.url)
            return
        self.logger.warning("discovery source %s: %s failed: %s", source, request.url, failure.getErrorMessage())


def _read_file(name: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"-a {name}={path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None


def _count(name: str, given: str, least: int) -> int:
    try:
        value = int(given)
    except ValueError:
        raise BadInput(f"-a {name}={given!r}: give a whole number") from None
    if value < least:
        raise BadInput(f"-a {name}={given!r}: give a number of at least {least}")
    return value


def _check_seed(seed: str, limit: int) -> None:
    """An http(s) URL with a host, no longer than Scrapy fetches (``URLLENGTH_LIMIT``)."""
    shown = seed if len(seed) <= 80 else seed[:77] + "..."
    try:
        parts = urlsplit(seed)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError as exc:
        raise BadInput(f"not a URL: {shown!r} ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadInput(f"not an http or https URL: {shown!r} (give a seed article: -a url=https://...)")
    if limit and len(seed) > limit:
        raise BadInput(f"seed URL of {len(seed)} characters, longer than URLLENGTH_LIMIT ({limit}): {shown!r}")
