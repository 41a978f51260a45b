"""Extraction off the reactor: body text, metadata and provenance signals of each page, computed in
a pool of worker processes, which the spider's callback awaits.

Extraction costs 8-19 ms a page, more than Scrapy spends fetching it, so it runs in processes
(``PROVENANCE_EXTRACT_WORKERS``, one per core by default), pages handed over a few at a time
(crawler/batching.py). The workers run at a lower priority (``PROVENANCE_EXTRACT_NICE``, 10): the
crawl's two serial stages, the reactor and the graph writer, must not wait for a core while the
parallel one has work queued (at equal priority the writer got half a core and capped the crawl;
figures in the README, "Scheduling the crawl's processes"). An extension, so the pool lives as
long as the crawl; the spider finds it with ``crawler.get_extension(Extraction)``.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from archive.extract import looks_like_html
from archive.ingest import extract_block, preload_worker_data
from crawler.batching import Batches
from crawler.items import PageItem

LOGGER = logging.getLogger(__name__)
BATCH = 4  # pages extracted in one call to a worker at most
WAIT = 0.005  # seconds a page waits for others to share its call


def _yield_to_serial_stages(niceness: int) -> None:
    """Worker initializer: run at a lower priority than the crawler and the graph writer."""
    if niceness and hasattr(os, "nice"):  # no os.nice on Windows: equal priority there
        os.nice(niceness)


class Extraction:
    def __init__(self, stats: StatsCollector, workers: int, niceness: int = 0):
        self.stats = stats
        self.workers = workers
        self.niceness = niceness
        self.pool: ProcessPoolExecutor | None = None
        self.batches: Batches | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Extraction:
        preload_worker_data()  # before the extraction workers and the graph writer fork from this process
        workers = crawler.settings.getint("PROVENANCE_EXTRACT_WORKERS") or os.cpu_count() or 1
        extraction = cls(crawler.stats, workers, crawler.settings.getint("PROVENANCE_EXTRACT_NICE"))
        crawler.signals.connect(extraction.open, signal=signals.spider_opened)
        crawler.signals.connect(extraction.close, signal=signals.spider_closed)
        return extraction

    def open(self) -> None:
        self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_yield_to_serial_stages,
                                        initargs=(self.niceness,))
        self.batches = Batches(self.pool, extract_block, BATCH, WAIT)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def extract(self, item: PageItem) -> None:
        """Fills ``item.page``, or says in ``item.error`` why there is none."""
        if not looks_like_html(item.body, item.content_type):
            item.error = f"not html ({item.content_type or 'no content type'})"
            self.stats.inc_value("provenance/not_html")
            LOGGER.info("not an HTML page, kept in the archive only: %s (%s)", item.url, item.content_type)
            return
        status, value = await self.batches.run((item.body, item.url, item.content_type))
        if status == "ok":
            item.page = value
            self.stats.inc_value("provenance/extracted")
        else:
            item.error = value
            self.stats.inc_value("provenance/extraction_failed")
            LOGGER.info("no text from %s: %s", item.url, value)
