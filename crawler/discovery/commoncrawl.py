"""Common Crawl's URL index and WARC files as a discovery source."""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.archiveiterator import ArchiveIterator

from archive.discovery.responses import ArchivedCapture, commoncrawl_captures
from crawler.discovery.base import Source
from crawler.trail import Trail, trail_of, with_trail


class CommonCrawlSource(Source):
    """Common Crawl's URL index (``COMMONCRAWL_COLLECTIONS``): a capture of a page that is gone,
    read straight out of Common Crawl's WARC files with a range request, and first-seen dates."""

    name = "commoncrawl"

    def __init__(self, delay: float, index: str, data: str, collections: list[str]):
        super().__init__(delay)
        self.index = index.rstrip("/")
        self.data = data.rstrip("/")
        self.collections = collections

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        collections = settings.getlist("COMMONCRAWL_COLLECTIONS")
        if not collections:
            raise NotConfigured("COMMONCRAWL_COLLECTIONS is empty")
        return cls(settings.getfloat("DISCOVERY_DELAY"), settings.get("COMMONCRAWL_INDEX"),
                   settings.get("COMMONCRAWL_DATA"), collections)

    def _ask(self, url: str, want: str) -> Iterator[scrapy.Request]:
        for collection in self.collections:
            query = urlencode({"url": url, "output": "json"})
            yield scrapy.Request(f"{self.index}/{collection}-index?{query}", dont_filter=True,
                                 meta=with_trail(Trail(about=url, want=want), handle_httpstatus_list=[404]))

    def gone(self, url: str) -> Iterator[scrapy.Request]:
        return self._ask(url, "copy")

    def first_seen(self, url: str) -> Iterator[scrapy.Request]:
        return self._ask(url, "first")

    def read(self, response: Response) -> Iterator[scrapy.Request | ArchivedCapture]:
        if response.status == 404:  # the index's way of saying "no captures"
            return
        captures = sorted(commoncrawl_captures(response.body), key=lambda c: c.timestamp)
        if trail_of(response).want == "first":
            yield from captures[:1]
            return
        good = [c for c in captures if c.status == 200]
        if good:
            c = good[-1]
            yield scrapy.Request(f"{self.data}/{c.filename}", headers={"Range": f"bytes={c.offset}-{c.offset + c.length - 1}"},
                                 meta=with_trail(Trail(archived_copy=c.url, warc_record=True)))


def record_payload(body: bytes) -> tuple[bytes, str | None] | None:
    """The HTTP payload and content type inside one gzipped WARC response record."""
    for record in ArchiveIterator(io.BytesIO(body)):
        if record.rec_type == "response":
            content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
            return record.content_stream().read(), content_type
    return None
