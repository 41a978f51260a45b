"""The Wayback Machine's CDX API as a discovery source."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from archive.discovery.responses import ArchivedCapture, cdx_captures
from crawler.discovery.base import Source
from crawler.trail import Trail, trail_of, with_trail


class WaybackSource(Source):
    """The Wayback Machine's CDX API: the last good capture of a page that is gone (fetched from
    the archive, stored under the page's own URL and marked as archived), and the first capture of
    every copy found (when the page demonstrably existed)."""

    name = "wayback"

    def __init__(self, delay: float, cdx: str, replay: str):
        super().__init__(delay)
        self.cdx = cdx
        self.replay = replay

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.getfloat("DISCOVERY_DELAY"), settings.get("WAYBACK_CDX"), settings.get("WAYBACK_REPLAY"))

    def _ask(self, url: str, want: str, **params) -> scrapy.Request:
        query = {"url": url, "output": "json", "fl": "timestamp,original,statuscode,mimetype", **params}
        return scrapy.Request(f"{self.cdx}?{urlencode(query)}", meta=with_trail(Trail(about=url, want=want)))

    def gone(self, url: str) -> list[scrapy.Request]:
        return [self._ask(url, "copy", filter="statuscode:200", limit="-1")]  # the newest good capture

    def first_seen(self, url: str) -> list[scrapy.Request]:
        return [self._ask(url, "first", limit="1")]  # captures come oldest first

    def read(self, response: Response) -> Iterator[scrapy.Request | ArchivedCapture]:
        captures = cdx_captures(response.body)
        if not captures:
            return
        if trail_of(response).want == "first":
            yield captures[0]
            return
        capture = captures[-1]
        yield scrapy.Request(self.replay.format(timestamp=f"{capture.timestamp:%Y%m%d%H%M%S}", url=capture.url),
                             meta=with_trail(Trail(archived_copy=capture.url)))
