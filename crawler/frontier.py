"""Which pages a crawl fetches: seeds, then what fetched pages lead to, within depth and budget.

A spider middleware, after Scrapy's DepthMiddleware (SPIDER_MIDDLEWARES 850 < 900), so every page
request reaching it carries Scrapy's ``depth``: the seeds 0, a page's leads one more than the page.
It lets a page request through unless its URL was seen, it is deeper than ``PROVENANCE_DEPTH``,
its domain is not allowed, the budget of ``PROVENANCE_BUDGET`` pages is spent, or (with
``since``) an earlier crawl stored it in a seed's story.

Scrapy counts every callback as a hop; a discovery source's call is not a hop between pages. So a
call, and the archived copy of a gone page read through one, stands at the depth of the page it
was made for, and a candidate found by the call is one hop from that page (what ``DEPTH_LIMIT``
cannot express, which is why the limit is applied here and not by DepthMiddleware).
Requests with ``dont_filter`` (rechecks, archived copies, resumed requests) pass, as they pass
Scrapy's duplicate filter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from archive.store import reads
from archive.store.db import session_factory
from archive.urls import in_domains, url_key
from crawler.trail import trail_of


class Frontier:
    def __init__(self, stats: StatsCollector, max_depth: int, budget: int, allowed: list[str], denied: list[str],
                 known: set[str] | None = None):
        self.stats = stats
        self.max_depth = max_depth
        self.budget = budget
        self.allowed = allowed  # empty: every domain
        self.denied = denied
        self.known = known or set()  # with `since`: copies of the seeds' stories stored by an earlier crawl
        self.seen: set[str] = set()
        self.since_db: str | None = None  # with `since`: where the earlier crawls' stories are

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Frontier:
        settings = crawler.settings
        frontier = cls(crawler.stats, settings.getint("PROVENANCE_DEPTH"), settings.getint("PROVENANCE_BUDGET"),
                       settings.getlist("PROVENANCE_ALLOWED_DOMAINS"), settings.getlist("PROVENANCE_DENIED_DOMAINS"))
        if settings.get("DISCOVERY_SINCE"):
            frontier.since_db = settings.get("PROVENANCE_DB")
        crawler.signals.connect(frontier.resumed, signal=RESUMED)
        return frontier

    # -- deciding ---------------------------------------------------------------------------------

    def wants(self, url: str, depth: int) -> bool:
        """Whether a page at ``url`` and ``depth`` would be let through now (nothing counted)."""
        key = url_key(url)
        return key not in self.seen and depth <= self.max_depth and not (depth > 0 and key in self.known)

    def admit(self, request: Request) -> bool:
        """Let a page request through (counting it), or say why not in the stats."""
        url, depth = request.url, request.meta.get("depth", 0)
        key = url_key(url)
        if key in self.seen or depth > self.max_depth:
            return False
        if depth > 0 and key in self.known:
            self.stats.inc_value("provenance/known_not_refetched")
            return False
        if in_domains(url, self.denied) or (self.allowed and not in_domains(url, self.allowed)):
            self.stats.inc_value("provenance/domain_not_allowed")
            return False
        if len(self.seen) >= self.budget:
            self.stats.inc_value("provenance/over_budget")
            return False
        self.seen.add(key)
        self.stats.inc_value(f"discovery/{trail_of(request).via}")
        return True

    def _passes(self, request: Request, response: Response | None) -> bool:
        trail = trail_of(request)
        if trail is None:
            return True
        if response is not None and (not trail.is_page or trail.archived_copy):
            request.meta["depth"] = response.meta.get("depth", 0)  # no hop between pages (see above)
        if not trail.is_page or request.dont_filter:
            return True
        return self.admit(request)

    # -- the spider middleware ----------------------------------------------------------------------

    async def process_start(self, start: AsyncIterator) -> AsyncIterator:
        seeds = [request async for request in start]
        if self.since_db is not None:
            with session_factory(self.since_db)() as session:
                self.known = reads.story_url_keys(session, [url_key(r.url) for r in seeds if isinstance(r, Request)])
        for request in seeds:
            if not isinstance(request, Request) or self._passes(request, None):
                yield request

    def process_spider_input(self, response: Response) -> None:
        trail = trail_of(response)
        if trail is not None and trail.is_page:
            self.seen.add(url_key(response.url))  # a redirect's target counts as seen

    def process_spider_output(self, response: Response, result: Iterable) -> Iterable:
        for out in result:
            if not isinstance(out, Request) or self._passes(out, response):
                yield out

    async def process_spider_output_async(self, response: Response, result: AsyncIterator) -> AsyncIterator:
        async for out in result:
            if not isinstance(out, Request) or self._passes(out, response):
                yield out

    def resumed(self, urls: list[str]) -> None:
        """Pages scheduled by the crawl's earlier runs (the ledger): seen, and counted in the budget."""
        self.seen.update(url_key(u) for u in urls)


RESUMED = object()  # signal sent by the ledger with the page URLs of earlier runs (crawler/ledger.py)
