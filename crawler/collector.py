"""The garbage collector's view of a crawl: what the crawl built before its first page is kept out
of every collection (``gc.freeze``), and young objects are collected less often.

By the time the spider opens, a crawl process holds a few hundred thousand long-lived objects
(Scrapy, lxml, trafilatura, SQLAlchemy, the word lists), and a full collection walks them all:
about ten a crawl of 1,500 pages, a tenth of a second each, 17 % of the reactor's CPU (figures in
the README, "Where a crawled page's CPU goes"). Frozen, they are never walked again, in this
process or in the extraction workers and the graph writer, which fork from it after the spider
opens (and keep sharing those pages of memory, since no collection writes to them). Python's
documentation recommends just this for a process that forks workers. A page's fetch and callback
allocate thousands of short-lived containers (requests, deferreds, tasks, dicts), most freed by
their reference counts: a young collection every ``YOUNG_THRESHOLD`` allocations instead of
Python's 700, and the older generations half as often, took 1 % off a 1,500-page crawl's CPU
(all processes, two paired runs).
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

YOUNG_THRESHOLD = 10_000  # allocations between two collections of the youngest generation
OLDER_THRESHOLDS = (20, 20)  # collections of one generation between two of the next (Python: 10, 10)


class FreezeStartupObjects:
    """``PROVENANCE_GC_FREEZE``: freeze what exists when the spider opens and collect young objects
    less often; as before at its close."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FreezeStartupObjects:
        if not crawler.settings.getbool("PROVENANCE_GC_FREEZE"):
            raise NotConfigured("PROVENANCE_GC_FREEZE is off")
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def __init__(self):
        self.thresholds = gc.get_threshold()

    def spider_opened(self) -> None:
        gc.collect()  # what is garbage already is freed, not frozen
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)

    def spider_closed(self) -> None:
        gc.unfreeze()  # a process running several crawls collects the first one's objects
        gc.set_threshold(*self.thresholds)
