"""``provenance ingest``: captures from archives into the graph, without crawling.

Records stream out of the archives in the main process; text extraction (the expensive part) runs
in a pool of worker processes with a bounded number of pages in flight, so memory stays flat
whatever the archive's size; storing and analysis happen in the main process in archive order.
"""

from __future__ import annotations

import logging
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.analysis import analyze_many, refresh_stories
from archive.extract import ExtractionError, extract_page, looks_like_html
from archive.provenance.fingerprint import load_word_lists
from archive.store import writes
from archive.store.models import Document
from archive.urls import url_key
from archive.warc.reader import Capture, ReadProblem, iter_captures

LOGGER = logging.getLogger(__name__)
COMMIT_EVERY = 200
BLOCK = 16  # captures checked against the database, and extracted by one worker, together


@dataclass
class IngestReport:
    records: int = 0
    added: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"records": self.records, "added": self.added, "unchanged": self.unchanged,
                "skipped": dict(self.skipped), "problems": self.problems}


def extract_job(body: bytes, url: str, content_type: str | None) -> tuple[str, object]:
    """Run in a worker: ("ok", page ready to store) or ("error", reason). Never raises across the pool."""
    try:
        return "ok", writes.prepared(extract_page(body, url, content_type))
    except ExtractionError as exc:
        return "error", str(exc)
    except Exception as exc:  # a crash in one page must not end the ingest
        return "error", f"extraction failed: {type(exc).__name__}: {exc}"


def _wanted(capture: Capture, report: IngestReport) -> bool:
    if capture.status is not None and capture.status != 200:
        report.skipped[f"http {capture.status}"] += 1
        return False
    if not looks_like_html(capture.body, capture.content_type):
        report.skipped["not html"] += 1
        return False
    return True


def _new_captures(session: Session, captures: Iterator[Capture], report: IngestReport) -> Iterator[Capture]:
    """Leave out captures already stored (same URL, same payload), asking the database once per
    block of captures rather than once per capture."""
    for block in _blocks(captures, BLOCK):
        keys = {(url_key(c.url), c.payload_digest) for c in block if c.payload_digest}
        stored = set()
        if keys:
            query = select(Document.url_key, Document.payload_digest).where(Document.url_key.in_({k for k, _ in keys}))
            with session.no_autoflush:
                stored = {tuple(row) for row in session.execute(query)}
        for capture in block:
            if (url_key(capture.url), capture.payload_digest) in stored:
                report.unchanged += 1
            else:
                yield capture


def _blocks(items: Iterator, size: int) -> Iterator[list]:
    block = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def extract_block(jobs: list[tuple[bytes, str, str | None]]) -> list[tuple[str, object]]:
    """Several extractions in one worker call: fewer round trips through the pool."""
    return [extract_job(*job) for job in jobs]


def preload_worker_data() -> None:
    """What every extraction worker reads, read once by the process that forks them: wordfreq's
    and jusText's lists (fingerprints, stop words) and trafilatura's stoplist of every language,
    which it builds at its first jusText fallback (0.2 s a process)."""
    from trafilatura import external

    load_word_lists()
    if external.JT_STOPLIST is None:
        external.jt_stoplist_init()


def _results(captures: Iterator[Capture], workers: int) -> Iterator[tuple[Capture, tuple[str, object]]]:
    if workers <= 1:
        for capture in captures:
            yield capture, extract_job(capture.body, capture.url, capture.content_type)
        return
    window: deque[tuple[list[Capture], Future]] = deque()
    preload_worker_data()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for block in _blocks(captures, BLOCK):
            jobs = [(c.body, c.url, c.content_type) for c in block]
            window.append((block, pool.submit(extract_block, jobs)))
            for capture in block:
                capture.body = b""  # the worker has its copy
            if len(window) >= workers * 3:
                done, future = window.popleft()
                yield from zip(done, future.result())
        while window:
            done, future = window.popleft()
            yield from zip(done, future.result())


def ingest(
    paths: list[str | Path],
    factory: sessionmaker[Session],
    workers: int | None = None,
    analyze: bool = True,
    progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    report = IngestReport()
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    session = factory()

    def wanted() -> Iterator[Capture]:
        for item in iter_captures(paths):
            if isinstance(item, ReadProblem):
                LOGGER.info("%s", item)  # the report lists problems; the command prints them, escaped
                report.problems.append(str(item))
                continue
            report.records += 1
            if _wanted(item, report):
                yield item

    new_ids: list[int] = []
    retemplated_ids: set[int] = set()  # documents stored before whose template text changed
    try:
        pending = 0
        for capture, (status, value) in _results(_new_captures(session, wanted(), report), workers):
            if status == "error":
                report.skipped[str(value).split(":")[0]] += 1
                writes.add_skipped(session, capture.url, str(value), capture.warc_file, capture.warc_offset)
                continue
            stored = writes.add_document(session, value, {
                "fetched_at": capture.date, "status": capture.status, "payload_digest": capture.payload_digest,
                "warc_file": capture.warc_file, "warc_offset": capture.warc_offset,
                "warc_length": capture.warc_length, "warc_record_id": capture.record_id,
                "discovered_via": "ingest",
            })
            if not stored.created:
                report.unchanged += 1
                continue
            report.added += 1
            new_ids.append(stored.id)
            retemplated_ids.update(stored.retemplated)
            pending += 1
            if pending >= COMMIT_EVERY:
                session.commit()
                pending = 0
                if progress:
                    progress(report)
        session.commit()
        if analyze and new_ids:  # all documents are in: links and stories in one parallel pass
            db = factory.kw["bind"].url.render_as_string(hide_password=False)
            analyze_many(factory, db, new_ids, workers)
            refresh_stories(factory, retemplated_ids - set(new_ids))
    except Exception:  # raised between documents (a worker died...): the stored ones are whole
        _keep_what_was_stored(session)
        raise
    finally:
        session.close()
    return report


def _keep_what_was_stored(session: Session) -> None:
    """On an error in the middle, the documents already stored are committed: ingesting again
    skips them and goes on from there."""
    try:
        session.commit()
    except Exception:  # the error was the database's own: nothing more can be kept
        session.rollback()
