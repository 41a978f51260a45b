"""What the spider hands to the pipelines: one fetched page, extracted, and where it is archived."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.exceptions import DropItem

from archive.page import Page


class NotStored(DropItem):
    """A page that could not be stored (the database failed): not settled, fetched again on resume."""


def exported_page(page: Page | None) -> dict[str, Any] | None:
    """The extraction result as feed exports write it (:meth:`archive.page.Page.exported`)."""
    return None if page is None else page.exported()


@dataclass
class PageItem:
    url: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: str | None = None
    depth: int = 0
    via: str = "seed"  # how the crawler found it: seed, canonical, credit link, ...
    referrer: str | None = None
    warc: dict[str, Any] = field(default_factory=dict)  # file, offset, length, record id, digest
    page: Page | None = field(default=None, metadata={"serializer": exported_page})  # crawler/extraction.py
    error: str | None = None  # why extraction gave nothing
    document_id: int | None = None  # set by GraphPipeline
    story_id: int | None = None
    subject: int | None = None  # discovery: the document whose search found this candidate
    hop: int = 0  # discovery: searches between the seed and this page
    matched: bool = False  # discovery: the candidate joined its subject's story (GraphPipeline)
    first_seen: dict[str, Any] | None = None  # when a source first saw the page: {"date", "source"}
    archived_copy: dict[str, Any] | None = None  # a gone page read from an archive: {"url", "by"}
    recheck_of: int | None = None  # recheck: the stored capture this fetch checks
    request_fp: str | None = None  # with JOBDIR: the request's fingerprint, settled in the ledger once stored
