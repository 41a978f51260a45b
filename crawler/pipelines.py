"""Item pipelines, sinks only: the extracted text beside the archived page, and the page in the
graph (stored and analysed in one writer process, so the reactor never waits on the database).

The spider yields each page already extracted (crawler/extraction.py) with the requests for its
leads; the pipelines store it and follow nothing.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ProcessPoolExecutor

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy.exc import DBAPIError
from scrapy.exceptions import DropItem, NotConfigured

from archive import graph_writer
from archive.page import FirstSeen, Page
from archive.store.db import StoreError, session_factory
from archive.warc.writer import WarcFileWriter
from crawler.batching import Batches
from crawler.errors import BadInput
from crawler.distributed import Coordinator, CoordinationExtension
from crawler.items import NotStored, PageItem
from crawler.warc import warc_writer

LOGGER = logging.getLogger(__name__)
BATCH = 16  # pages stored in one transaction while the writer waits for them (more when it was busy)
BATCH_WAIT = 0.02  # seconds a page waits for others to share its transaction


class ArchiveTextPipeline:
    """Beside each archived page: its extracted text (``urn:text:`` resource record, as Browsertrix
    writes it) and a metadata record with outlinks and the provenance signals found."""

    def __init__(self, writer: WarcFileWriter, stats: StatsCollector):
        self.writer = writer
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        writer = warc_writer(crawler)
        if writer is None or not crawler.settings.getbool("WARC_WRITE_TEXT"):
            raise NotConfigured("WARC_WRITE_TEXT is off")
        return cls(writer, crawler.stats)

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

    def __init__(self, stats: StatsCollector, db: str | None, analyze: bool, coordinator: Coordinator | None):
        self.stats = stats
        self.db = db
        self.analyze = analyze
        self.coordinator = coordinator  # several crawl processes: stories are derived once, by the last
        self.writer: ProcessPoolExecutor | None = None
        self.batches: Batches | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        db = crawler.settings.get("PROVENANCE_DB")
        try:
            session_factory(db)  # a bad database URL stops the crawl here, before it fetches anything
        except (StoreError, DBAPIError) as exc:  # DBAPIError: a file that is not a database, say
            raise BadInput(f"PROVENANCE_DB={db}: {getattr(exc, 'orig', None) or exc}") from None
        shared = crawler.get_extension(CoordinationExtension)
        return cls(crawler.stats, db, crawler.settings.getbool("PROVENANCE_ANALYZE"),
                   shared.coordinator if shared is not None else None)

    def open_spider(self) -> None:
        self.writer = ProcessPoolExecutor(max_workers=1, initializer=graph_writer.start,
                                          initargs=(self.db, self.coordinator is None))
        self.batches = Batches(self.writer, graph_writer.store_many, BATCH, BATCH_WAIT, one_at_a_time=True)

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
