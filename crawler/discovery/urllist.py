"""A plain list of candidate URLs as a discovery source."""

from __future__ import annotations

from pathlib import Path

from scrapy.exceptions import NotConfigured

from archive.discovery.responses import Candidate
from crawler.discovery.base import Source, Subject, Window


class UrlListSource(Source):
    """A plain list of candidate URLs (``DISCOVERY_URL_LIST``, or ``-a candidates=FILE`` which the
    spider turns into that setting), checked against the seeds like any other candidate."""

    name = "list"
    check_similarity = False

    def __init__(self, delay: float, urls: list[str]):
        super().__init__(delay)
        self.urls = urls

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("DISCOVERY_URL_LIST")
        if not path:
            raise NotConfigured("DISCOVERY_URL_LIST is not set")
        if not Path(path).is_file():
            raise ValueError(f"DISCOVERY_URL_LIST={path}: no such file")
        urls = [line.strip() for line in Path(path).read_text().splitlines()
                if line.strip().startswith(("http://", "https://"))]
        return cls(crawler.settings.getfloat("DISCOVERY_DELAY"), urls)

    def search(self, subject: Subject, window: Window) -> list[Candidate]:
        return [Candidate(url) for url in self.urls] if subject.hop == 0 else []
