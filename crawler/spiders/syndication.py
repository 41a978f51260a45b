"""The ``syndication`` spider: an article, its sources and its copies.

Each fetched page becomes an item; extraction (in worker processes) finds what the page names as
a source or another copy (canonical and og:url, source meta tags, schema.org isBasedOn, links in
credit lines, "read more at" links) and the LeadsPipeline follows them through the frontier, up to
``PROVENANCE_DEPTH`` hops from a seed and ``PROVENANCE_BUDGET`` pages in all.

    scrapy crawl syndication -a url=https://example.com/article
    scrapy crawl syndication -a urls=seeds.txt -s PROVENANCE_DEPTH=2
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.discovery import CommonCrawlSource, Discovery, since_date
from crawler.errors import BadInput
from crawler.frontier import Frontier
from crawler.items import PageItem
from crawler.ledger import CrawlLedger
from crawler.middlewares import DUPLICATE, RESCHEDULED, ended_quietly


class SyndicationSpider(scrapy.Spider):
    name = "syndication"

    def __init__(self, url: str | None = None, urls: str | None = None, depth: str | None = None,
                 budget: str | None = None, since: str | None = None, candidates: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.since = since  # only what is new: known copies are not fetched again, searches start here
        self.candidates = candidates  # a file of candidate URLs (the `list` discovery source)
        seeds = [url] if url else []
        if urls:
            seeds += [line.strip() for line in _read_file("urls", urls).splitlines()
                      if line.strip() and not line.startswith("#")]
        if not seeds:
            raise BadInput("give a seed article: -a url=https://... or -a urls=FILE (http/https URLs only)")
        self.seeds = seeds
        if candidates:
            _read_file("candidates", candidates)
        if since:
            since_date(since)
        self._depth_arg, self._budget_arg = depth, budget

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_depth = _count("depth", spider._depth_arg, settings.getint("PROVENANCE_DEPTH"), least=0)
        spider.budget = _count("budget", spider._budget_arg, settings.getint("PROVENANCE_BUDGET"), least=1)
        limit = settings.getint("URLLENGTH_LIMIT")
        for seed in spider.seeds:
            _check_seed(seed, limit)
        if settings.get("DISCOVERY_SINCE"):
            since_date(settings.get("DISCOVERY_SINCE"))
        return spider

    async def start(self):
        frontier = Frontier.of(self.crawler)
        for seed in self.seeds:
            request = frontier.request(seed, depth=0, via="seed", referrer=None)
            if request is not None:
                yield request

    def parse(self, response: Response):
        """One fetched page as an item; extraction finds its leads (LeadsPipeline follows them)."""
        meta = response.meta
        Frontier.of(self.crawler).saw(response.url)
        url, body = response.url, response.body
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        archived = None
        if "archived_copy" in meta:  # a gone page, read from a public archive
            url, archived = meta["archived_copy"], {"url": response.url, "by": meta["archived_by"]}
            if meta.get("warc_record"):
                record = CommonCrawlSource.record_payload(body)
                if record is None:
                    self.logger.warning("no response record in %s", response.url)
                    self._settle(response.request)
                    return
                body, content_type = record
        yield PageItem(
            url=url,
            status=response.status,
            content_type=content_type,
            body=body,
            fetched_at=datetime.now(UTC).replace(tzinfo=None).isoformat(),
            depth=meta.get("depth_hops", 0),
            via=meta.get("via", "seed"),
            referrer=meta.get("referrer"),
            warc=dict(meta.get("warc") or {}),
            subject=meta.get("subject"),
            hop=meta.get("hop", 0),
            first_seen=meta.get("first_seen"),
            archived_copy=archived,
            request_fp=self._fingerprint(response.request),
        )

    def _fingerprint(self, request) -> str | None:
        ledger = CrawlLedger.of(self.crawler)
        return ledger.fingerprint(request) if ledger is not None else None

    def _settle(self, request) -> None:
        ledger = CrawlLedger.of(self.crawler)
        if ledger is not None:
            ledger.settle(request)

    def failed(self, failure):
        """A page that could not be fetched: logged, and looked up in public archives."""
        if ended_quietly(failure.request):
            return  # fetched already (a resumed crawl): nothing failed
        self._settle(failure.request)
        self.crawler.stats.inc_value("provenance/fetch_failed")
        self.logger.warning("could not fetch %s: %s", failure.request.url, failure.getErrorMessage())
        yield from Discovery.of(self.crawler).gone(failure.request)

    def parse_discovery(self, response: Response):
        """An answer of a discovery source (search API, feed, sitemap, archive index)."""
        yield from Discovery.of(self.crawler).read(response)
        self._settle(response.request)

    def discovery_failed(self, failure):
        request = failure.request
        if not request.meta.get(RESCHEDULED):  # the call is over (a duplicate is not a failure)
            unreachable = not failure.check(IgnoreRequest) and getattr(failure.value, "response", None) is None
            Discovery.of(self.crawler).pace.done(request, failed=not request.meta.get(DUPLICATE),
                                                 unreachable=unreachable)
        if ended_quietly(request):
            return
        self._settle(request)
        source = failure.request.meta.get("discovery")
        self.crawler.stats.inc_value(f"sources/{source}/failed")
        response = getattr(failure.value, "response", None)
        if response is not None and "replay-miss" in response.flags:  # replaying an archive without it
            self.logger.info("discovery source %s: not in the replayed archive: %s", source, failure.request.url)
            return
        self.logger.warning("discovery source %s: %s failed: %s", source, failure.request.url, failure.getErrorMessage())


def _read_file(name: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"-a {name}={path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None


def _count(name: str, given: str | None, default: int, least: int) -> int:
    if given is None or given == "":
        return default
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
