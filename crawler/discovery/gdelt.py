"""GDELT DOC 2.0 API as a discovery source."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from archive.discovery.responses import Candidate, gdelt_articles
from crawler.discovery.base import Source, Subject, Window


class GdeltSource(Source):
    """GDELT DOC 2.0 API, exact-phrase queries in ``mode=artlist``: news articles worldwide since
    2017 (the API searches the last three months), with the date GDELT first saw each."""

    name = "gdelt"

    def __init__(self, delay: float, endpoint: str, queries: int, records: int):
        super().__init__(delay)
        self.endpoint = endpoint
        self.queries = queries
        self.records = records

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.getfloat("GDELT_DELAY"), settings.get("GDELT_API"), settings.getint("GDELT_QUERIES"),
                   settings.getint("GDELT_MAX_RECORDS"))

    def search(self, subject: Subject, window: Window) -> Iterator[scrapy.Request]:
        for phrase in subject.signature.queries()[: self.queries]:
            params = {"query": f'"{phrase}"', "mode": "artlist", "format": "json", "maxrecords": self.records,
                      "sort": "dateasc"}
            if window[0] and window[1]:
                params.update(startdatetime=f"{window[0]:%Y%m%d%H%M%S}", enddatetime=f"{window[1]:%Y%m%d%H%M%S}")
            yield scrapy.Request(f"{self.endpoint}?{urlencode(params)}")

    def read(self, response: Response) -> list[Candidate]:
        return gdelt_articles(response.body)
