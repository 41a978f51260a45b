"""What the spider hands to the pipelines: one fetched page and where it is archived."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    page: dict[str, Any] | None = None  # extraction result (ExtractPipeline)
    error: str | None = None  # why extraction gave nothing
    document_id: int | None = None  # set by GraphPipeline
    story_id: int | None = None
