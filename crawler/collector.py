"""The garbage collector's view of a crawl: what the crawl built before its first page is kept out
of every collection (``gc.freeze``).

By the time the spider opens, a crawl process holds a few hundred thousand long-lived objects
(Scrapy, lxml, trafilatura, SQLAlchemy, the word lists), and a full collection walks them all:
about ten a crawl of 1,500 pages, a tenth of a second each, 17 % of the reactor's CPU (figures in
the README, "Where a crawled page's CPU goes"). Frozen, they are never walked again, in this
process or in the extraction workers and the graph writer, which fork from it after the spider
opens (and keep sharing those pages of memory, since no collection writes to them). Python's
documentation recommends just this for a process that forks workers.
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class FreezeStartupObjects:
    """``PROVENANCE_GC_FREEZE``: freeze what exists when the spider opens; unfreeze at its close."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FreezeStartupObjects:
        if not crawler.settings.getbool("PROVENANCE_GC_FREEZE"):
            raise NotConfigured("PROVENANCE_GC_FREEZE is off")
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        gc.collect()  # what is garbage already is freed, not frozen
        gc.freeze()

    def spider_closed(self) -> None:
        gc.unfreeze()  # a process running several crawls collects the first one's objects
