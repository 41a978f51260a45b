"""What every discovery source is: a component giving requests (or ready candidates) for a
subject, reading their answers, and looking gone pages up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import scrapy
from scrapy.http import Response

from archive.discovery.responses import ArchivedCapture, Candidate
from archive.discovery.signature import Signature

Window = tuple[datetime | None, datetime | None]


@dataclass(frozen=True)
class Subject:
    """A stored copy of a story that discovery searches from."""

    doc_id: int
    url: str
    signature: Signature
    root: int  # the seed's document: budgets are per story
    hop: int  # 0 for a seed, 1 for a copy its search found, ...
    depth: int  # crawl depth of the page


class Source:
    """A discovery source. ``search`` gives the requests (or ready candidates) for a subject whose
    copies are dated within ``window``; ``read`` turns an answer into candidates or further
    requests; ``gone`` looks for archived captures of a URL that failed; ``first_seen`` asks when a
    URL was first captured. Requests carry what the source needs to read their answers in their
    :class:`~crawler.trail.Trail` (the manager fills in the rest)."""

    name = "source"
    check_similarity = True  # candidates must look like the subject (headline, names) to be fetched
    api = True  # asks a service's API (not an outlet's pages)

    def __init__(self, delay: float):
        self.delay = delay  # seconds between two calls of this source

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("DISCOVERY_DELAY"))

    def search(self, subject: Subject, window: Window) -> Iterable[scrapy.Request | Candidate]:
        return ()

    def read(self, response: Response) -> Iterable[scrapy.Request | Candidate | ArchivedCapture]:
        return ()

    def gone(self, url: str) -> Iterable[scrapy.Request]:
        return ()

    def first_seen(self, url: str) -> Iterable[scrapy.Request]:
        return ()
