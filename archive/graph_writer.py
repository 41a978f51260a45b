"""The graph's single writer for a crawl: a worker process that stores pages and analyses them.

A crawl's reactor must not spend its time in the database or in alignment, and SQLite wants one
writer. The crawler hands each extracted page to one process running these functions, which keeps
its own connection and the analysis caches between pages.
"""

from __future__ import annotations

from archive.analysis import Analyzer
from archive.store import graph
from archive.store.db import session_factory

_STATE: dict = {}


def start(db: str | None) -> None:
    """Process initializer: open the database (raising here reports a bad URL at crawl start)."""
    _STATE["factory"] = session_factory(db)
    _STATE["analyzer"] = Analyzer()


def store(page: dict, capture: dict, analyze: bool) -> tuple[int, bool, int | None]:
    """Store one page; fold it into its story. Returns (document id, created, story id)."""
    factory, analyzer = _STATE["factory"], _STATE["analyzer"]
    with factory.begin() as session:
        doc_id, created = graph.add_document(session, page, capture)
        story_id = None
        if created and analyze:
            analyzer.add(doc_id, page)
            story_id = analyzer.analyze_document(session, doc_id)
    return doc_id, created, story_id


def skip(url: str, reason: str, capture: dict) -> None:
    with _STATE["factory"].begin() as session:
        graph.add_skipped(session, url, reason, capture.get("warc_file"), capture.get("warc_offset"))
