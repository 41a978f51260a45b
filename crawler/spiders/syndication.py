"""The ``syndication`` spider: an article, its sources and its copies.

From each fetched page it follows what names a source or another copy (canonical and og:url,
source meta tags, schema.org isBasedOn, links in credit lines, "read more at" links), up to
``PROVENANCE_DEPTH`` hops from a seed and ``PROVENANCE_BUDGET`` pages in all.

    scrapy crawl syndication -a url=https://example.com/article
    scrapy crawl syndication -a urls=seeds.txt -s PROVENANCE_DEPTH=2
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import scrapy
from scrapy.http import Response, TextResponse

from archive.extract import page_leads
from archive.urls import url_key
from crawler.items import PageItem


class SyndicationSpider(scrapy.Spider):
    name = "syndication"

    def __init__(self, url: str | None = None, urls: str | None = None, depth: str | None = None,
                 budget: str | None = None, **kwargs):
        super().__init__(**kwargs)
        seeds = [url] if url else []
        if urls:
            path = Path(urls)
            if not path.is_file():
                raise ValueError(f"-a urls={urls}: no such file")
            seeds += [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
        bad = [s for s in seeds if not s.startswith(("http://", "https://"))]
        if not seeds or bad:
            raise ValueError("give a seed article: -a url=https://... or -a urls=FILE (http/https URLs only)"
                             + (f"; not a URL: {bad[0]!r}" if bad else ""))
        self.seeds = seeds
        self._depth_arg, self._budget_arg = depth, budget
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_depth = int(spider._depth_arg or crawler.settings.getint("PROVENANCE_DEPTH"))
        spider.budget = int(spider._budget_arg or crawler.settings.getint("PROVENANCE_BUDGET"))
        return spider

    async def start(self):
        for seed in self.seeds:
            request = self._follow(seed, depth=0, via="seed", referrer=None)
            if request is not None:
                yield request

    def _follow(self, url: str, depth: int, via: str, referrer: str | None) -> scrapy.Request | None:
        key = url_key(url)
        if key in self.seen or depth > self.max_depth:
            return None
        if len(self.seen) >= self.budget:
            self.crawler.stats.inc_value("provenance/over_budget")
            return None
        self.seen.add(key)
        self.crawler.stats.inc_value(f"discovery/{via}")
        return scrapy.Request(url, callback=self.parse, errback=self.failed,
                              meta={"depth_hops": depth, "via": via, "referrer": referrer})

    def parse(self, response: Response):
        meta = response.meta
        yield PageItem(
            url=response.url,
            status=response.status,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            body=response.body,
            fetched_at=datetime.now(UTC).replace(tzinfo=None).isoformat(),
            depth=meta.get("depth_hops", 0),
            via=meta.get("via", "seed"),
            referrer=meta.get("referrer"),
            warc=dict(meta.get("warc") or {}),
        )
        if not isinstance(response, TextResponse) or "html" not in response.headers.get("Content-Type", b"html").decode("latin-1").lower():
            return
        key = url_key(response.url)
        self.seen.add(key)  # a redirect target counts as seen too
        for target, via in page_leads(response.selector.root, response.url):
            request = self._follow(target, meta.get("depth_hops", 0) + 1, via, response.url)
            if request is not None:
                yield request

    def failed(self, failure):
        self.crawler.stats.inc_value("provenance/fetch_failed")
        self.logger.warning("could not fetch %s: %s", failure.request.url, failure.getErrorMessage())
