"""Which URLs a crawl fetches: seeds, then leads found in fetched pages, within depth and budget.

The spider asks the frontier for its seed requests; the LeadsPipeline hands it the leads that
extraction found in each page (canonical and source tags, credit links, "read more" links). One
place decides what is new, how deep it is and whether the budget allows it.
"""

from __future__ import annotations

import scrapy
from scrapy.crawler import Crawler

from archive.store import reads
from archive.store.db import session_factory
from archive.urls import in_domains, url_key
from crawler.ledger import CrawlLedger


class Frontier:
    def __init__(self, crawler: Crawler, max_depth: int, budget: int, known: set[str] = frozenset()):
        self.crawler = crawler
        self.stats = crawler.stats
        self.allowed = crawler.settings.getlist("PROVENANCE_ALLOWED_DOMAINS")  # empty: every domain
        self.denied = crawler.settings.getlist("PROVENANCE_DENIED_DOMAINS")
        self.max_depth = max_depth
        self.budget = budget
        self.seen: set[str] = set()
        self.known = known  # with `since`: copies of the seeds' stories stored by an earlier crawl

    @classmethod
    def of(cls, crawler: Crawler) -> Frontier:
        """The crawl's frontier (one per crawler)."""
        frontier = getattr(crawler, "_provenance_frontier", None)
        if frontier is None:
            spider = crawler.spider
            known = set()
            if getattr(spider, "since", None) or crawler.settings.get("DISCOVERY_SINCE"):
                with session_factory(crawler.settings.get("PROVENANCE_DB"))() as session:
                    known = reads.story_url_keys(session, [url_key(u) for u in getattr(spider, "seeds", [])])
            frontier = cls(crawler, int(getattr(spider, "max_depth", crawler.settings.getint("PROVENANCE_DEPTH"))),
                           int(getattr(spider, "budget", crawler.settings.getint("PROVENANCE_BUDGET"))), known)
            ledger = CrawlLedger.of(crawler)
            if ledger is not None:  # a resumed crawl: pages scheduled before are seen (and count in the budget)
                frontier.seen.update(url_key(u) for u in ledger.page_urls())
            crawler._provenance_frontier = frontier
        return frontier

    def request(self, url: str, depth: int, via: str, referrer: str | None) -> scrapy.Request | None:
        """A request for ``url`` unless it was seen, is too deep, or the budget is spent."""
        key = url_key(url)
        if key in self.seen or depth > self.max_depth:
            return None
        if depth > 0 and key in self.known:
            self.stats.inc_value("provenance/known_not_refetched")
            return None
        if in_domains(url, self.denied) or (self.allowed and not in_domains(url, self.allowed)):
            self.stats.inc_value("provenance/domain_not_allowed")
            return None
        if len(self.seen) >= self.budget:
            self.stats.inc_value("provenance/over_budget")
            return None
        self.seen.add(key)
        self.stats.inc_value(f"discovery/{via}")
        spider = self.crawler.spider
        return scrapy.Request(url, callback=spider.parse, errback=spider.failed,
                              meta={"depth_hops": depth, "via": via, "referrer": referrer})

    def saw(self, url: str) -> None:
        """A URL reached otherwise (a redirect target) counts as seen."""
        self.seen.add(url_key(url))

    def follow(self, leads: list[tuple[str, str]], depth: int, referrer: str) -> int:
        """Schedule the new leads of a page fetched at ``depth``; returns how many."""
        scheduled = 0
        for url, via in leads:
            request = self.request(url, depth + 1, via, referrer)
            if request is not None:
                self.crawler.engine.crawl(request)
                scheduled += 1
        return scheduled
