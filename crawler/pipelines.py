"""Item pipelines: extract text (worker processes), archive the text, store and analyse (graph).

Extraction costs 8-19 ms a page, more than Scrapy spends fetching it, so it runs in a process
pool; the database work runs in one dedicated thread. The reactor only schedules.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ProcessPoolExecutor

from scrapy.crawler import Crawler
from sqlalchemy.exc import DBAPIError
from scrapy.exceptions import DropItem, NotConfigured

from archive import graph_writer
from archive.extract import looks_like_html
from archive.ingest import extract_block
from archive.page import FirstSeen, Page
from archive.store.db import StoreError, session_factory
from crawler.batching import Batches
from crawler.discovery import Discovery
from crawler.errors import BadInput
from crawler.distributed import Coordinator
from crawler.frontier import Frontier
from crawler.items import NotStored, PageItem
from crawler.warc import shared_writer

LOGGER = logging.getLogger(__name__)
EXTRACT_BATCH = 4  # pages extracted in one call to a worker at most
EXTRACT_WAIT = 0.005  # seconds a page waits for others to share its call
BATCH = 16  # pages stored in one transaction at most
BATCH_WAIT = 0.02  # seconds a page waits for others to share its transaction


class ExtractPipeline:
    """Body text, metadata and provenance signals of each page, computed off the reactor."""

    def __init__(self, crawler: Crawler, workers: int):
        self.stats = crawler.stats
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.batches: Batches | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        workers = crawler.settings.getint("PROVENANCE_EXTRACT_WORKERS") or os.cpu_count() or 1
        return cls(crawler, workers)

    def open_spider(self) -> None:
        self.pool = ProcessPoolExecutor(max_workers=self.workers)
        self.batches = Batches(self.pool, extract_block, EXTRACT_BATCH, EXTRACT_WAIT)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: PageItem) -> PageItem:
        if not looks_like_html(item.body, item.content_type):
            item.error = f"not html ({item.content_type or 'no content type'})"
            self.stats.inc_value("provenance/not_html")
            LOGGER.info("not an HTML page, kept in the archive only: %s (%s)", item.url, item.content_type)
            return item
        status, value = await self.batches.run((item.body, item.url, item.content_type))
        if status == "ok":
            item.page = value
            self.stats.inc_value("provenance/extracted")
        else:
            item.error = value
            self.stats.inc_value("provenance/extraction_failed")
            LOGGER.info("no text from %s: %s", item.url, value)
        return item


class LeadsPipeline:
    """Follows what extraction found a page pointing to as its source or another copy."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        if item.page is not None and item.recheck_of is None:
            Frontier.of(self.crawler).follow(item.page.leads, item.depth, item.url)
        return item


class ArchiveTextPipeline:
    """Beside each archived page: its extracted text (``urn:text:`` resource record, as Browsertrix
    writes it) and a metadata record with outlinks and the provenance signals found."""

    def __init__(self, crawler: Crawler):
        self.writer = shared_writer(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if not (crawler.settings.getbool("WARC_ENABLED") and crawler.settings.getbool("WARC_WRITE_TEXT")):
            raise NotConfigured("WARC_WRITE_TEXT is off")
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        record_id = item.warc.get("warc_record_id")
        if not record_id or item.page is None:
            return item
        page = item.page
        self.writer.write_derived(item.url, record_id, page.text, {
            "via": item.via,
            "title": page.title or "",
            "published": page.date.isoformat() if page.date else "",
            "site-name": page.site_name,
            "credit": [c.as_dict() for c in page.credits if c.kind != "canonical"],
            "outlink": page.links[:500],
        })
        self.stats.inc_value("warc/derived_records", 2)
        return item


class GraphPipeline:
    """Stores each page as a document of the graph and folds it into its story, in one writer
    process (archive/graph_writer.py) so the reactor never waits on the database."""

    def __init__(self, crawler: Crawler, db: str | None, analyze: bool):
        self.stats = crawler.stats
        self.db = db
        self.analyze = analyze
        self.coordinator = Coordinator.of(crawler)
        self.writer: ProcessPoolExecutor | None = None
        self.batches: Batches | None = None
        crawler._provenance_graph = self  # discovery reports first-seen dates here

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        db = crawler.settings.get("PROVENANCE_DB")
        try:
            session_factory(db)  # a bad database URL stops the crawl here, before it fetches anything
        except (StoreError, DBAPIError) as exc:  # DBAPIError: a file that is not a database, say
            raise BadInput(f"PROVENANCE_DB={db}: {getattr(exc, 'orig', None) or exc}") from None
        return cls(crawler, db, crawler.settings.getbool("PROVENANCE_ANALYZE"))

    def open_spider(self) -> None:
        self.writer = ProcessPoolExecutor(max_workers=1, initializer=graph_writer.start,
                                          initargs=(self.db, self.coordinator is None))
        self.batches = Batches(self.writer, graph_writer.store_many, BATCH, BATCH_WAIT)

    def close_spider(self) -> None:
        if self.writer is None:
            return
        if self.coordinator is None:
            built = self.writer.submit(graph_writer.flush).result()
        else:
            everything = self.coordinator.finish(self.writer.submit(graph_writer.created).result())
            built = 0 if everything is None else self.writer.submit(graph_writer.derive, everything).result()
        self.stats.inc_value("provenance/stories_built", built)
        self.writer.shutdown(wait=True)

    async def process_item(self, item: PageItem) -> PageItem:
        loop = asyncio.get_running_loop()
        capture = {**item.warc, "fetched_at": item.warc.get("fetched_at") or item.fetched_at,
                   "status": item.status, "discovered_via": item.via}
        if item.page is not None:
            item.page.first_seen, item.page.archived_copy = FirstSeen.from_json(item.first_seen), item.archived_copy
        if item.page is None:
            await loop.run_in_executor(self.writer, graph_writer.skip, item.url, item.error or "no text", capture)
            self.stats.inc_value("provenance/skipped")
            if item.recheck_of is not None:
                self.record_check(item.url, item.recheck_of, None, item.status, f"no article text: {item.error}")
            raise DropItem(f"no document from {item.url}: {item.error}")
        item.document_id, created, item.story_id = await self._store(item.page, capture)
        self.stats.inc_value("provenance/documents_added" if created else "provenance/unchanged")
        if item.subject is not None:  # a discovery candidate: did it join the story it was searched for?
            item.matched = await loop.run_in_executor(self.writer, graph_writer.same_story,
                                                      item.document_id, item.subject)
        if item.recheck_of is not None:
            self.record_check(item.url, item.recheck_of, item.document_id, item.status)
        item.body = b""  # archived already; keep exported items small
        return item

    def record_check(self, url: str, previous: int, current: int | None, status: int | None,
                     detail: str | None = None) -> None:
        """The outcome of re-fetching a stored copy (recheck spider)."""
        self.stats.inc_value("recheck/checked")
        self.writer.submit(graph_writer.record_check, url, previous, current, status, detail)

    async def _store(self, page: Page, capture: dict) -> tuple[int, bool, int | None]:
        """Pages go to the writer in small batches, one transaction each."""
        try:
            status, value = await self.batches.run((page, capture, self.analyze))
        except Exception as exc:  # the writer process itself failed
            status, value = "error", repr(exc)
        if status != "ok":
            self.stats.inc_value("provenance/not_stored")
            raise NotStored(f"could not store {page.url}: {value}")
        return value

    def first_seen(self, doc_id: int, when, source: str) -> None:
        """A public archive's first capture of a stored page: dating evidence for its story."""
        if self.writer is not None:
            self.writer.submit(graph_writer.first_seen, doc_id, when, source)


class DiscoveryPipeline:
    """After a page is stored: a seed, or a candidate that joined its story, is searched for in
    the discovery sources (crawler/discovery.py); their requests go to the engine."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if not crawler.settings.getdict("DISCOVERY_SOURCES"):
            raise NotConfigured("no DISCOVERY_SOURCES")
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        if item.recheck_of is not None:
            return item
        for request in Discovery.of(self.crawler).found(item, item.matched):
            self.crawler.engine.crawl(request)
        return item
