"""The outlets of a watch list (feeds, news sitemaps, site search) as a discovery source."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from archive.discovery.responses import Candidate, feed_items, sitemap_entries
from archive.discovery.watchlist import WatchedOutlet, WatchListError, load
from crawler.discovery.base import Source, Subject, Window
from crawler.errors import BadInput
from crawler.trail import Trail, trail_of, with_trail


class WatchListSource(Source):
    """The outlets of ``DISCOVERY_WATCHLIST`` (a TOML file): their RSS/Atom feeds, news sitemaps
    and site search. Feeds and sitemaps are read once a crawl and their items kept, so each new
    subject is matched against them without asking the outlet again."""

    name = "watchlist"
    api = False
    MAX_SITEMAPS = 20  # child sitemaps followed from one sitemap index

    def __init__(self, delay: float, outlets: list[WatchedOutlet]):
        super().__init__(delay)
        self.outlets = outlets
        self.items: dict[str, list[Candidate]] = {}  # feed or sitemap URL -> its items
        self.asked: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("DISCOVERY_WATCHLIST")
        if not path:
            raise NotConfigured("DISCOVERY_WATCHLIST is not set")
        try:
            outlets = load(path)
        except WatchListError as exc:
            raise BadInput(str(exc)) from exc  # a broken watch list stops the crawl, saying why
        return cls(crawler.settings.getfloat("DISCOVERY_DELAY"), outlets)

    def _listing(self, url: str) -> scrapy.Request:
        self.asked.add(url)
        return scrapy.Request(url, meta=with_trail(Trail(listing=url)))

    def search(self, subject: Subject, window: Window) -> Iterator[scrapy.Request | Candidate]:
        for outlet in self.outlets:
            for url in outlet.feeds + outlet.sitemaps:
                if url in self.items:
                    yield from self.items[url]
                elif url not in self.asked:
                    yield self._listing(url)
            if outlet.search and subject.signature.title:
                yield scrapy.Request(outlet.search.replace("{query}", quote(subject.signature.title)),
                                     meta=with_trail(Trail(site_search=urlsplit(outlet.home).hostname)))

    def read(self, response: Response) -> Iterator[scrapy.Request | Candidate]:
        trail = trail_of(response)
        if trail.site_search:
            yield from self._search_results(response, trail.site_search)
            return
        body = response.body.lstrip()
        if b"<rss" in body[:500] or b"<feed" in body[:500] or b"<rdf" in body[:500]:
            items = feed_items(response.body)
        else:
            kind, items = sitemap_entries(response.body)
            if kind == "sitemapindex":
                for child in items[: self.MAX_SITEMAPS]:
                    if child.url not in self.asked:
                        yield self._listing(child.url)
                return
        for item in items:  # a sitemap's page without a headline: its URL's words stand in
            if not item.title:
                item.title = urlsplit(item.url).path.replace("-", " ").replace("/", " ")
        self.items[trail.listing] = items
        yield from items

    @staticmethod
    def _search_results(response: Response, host: str | None) -> Iterator[Candidate]:
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            if urlsplit(url).hostname == host:
                yield Candidate(url, " ".join(link.css("::text").getall()).strip())
