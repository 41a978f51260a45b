"""The graph's single writer for a crawl: a worker process that stores pages and analyses them.

A crawl's reactor must not spend its time in the database or in alignment, and SQLite wants one
writer. The crawler hands each extracted page to one process running these functions, which keeps
its own connection and the analysis caches between pages.

Each page is matched at once (candidates, alignment: which story it joins), so the crawl knows
its copies as it goes; a story's tree (parents, relations, evidence) is derived again when the
story has stopped growing for a while, every ``FLUSH_EVERY`` pages, and at the end of the crawl,
rather than after every page that joins it. The final graph is the one batch analysis gives.
When several crawl processes share one graph, trees are derived once, at the end, by the last of
them (``rounds=False`` here, :func:`derive` there).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy import select

from archive.analysis import Analyzer, analyze_many
from archive.page import FirstSeen, Page
from archive.store import reads, recheck, writes
from archive.store.db import session_factory, transaction
from archive.store.models import Document

FLUSH_EVERY = 100  # pages between two rounds of tree derivation for the stories that grew
_STATE: dict = {}


def start(db: str | None, rounds: bool = True) -> None:
    """Process initializer: open the database (raising here reports a bad URL at crawl start)."""
    _STATE.update(factory=session_factory(db, keep_connections=True), db=db, analyzer=Analyzer(), dirty=set(), pages=0,
                  rounds=rounds, created=[])


def _store_one(session, page: Page, capture: dict, analyze: bool) -> tuple[int, bool, set[int], int | None]:
    analyzer = _STATE["analyzer"]
    stored = writes.add_document(session, page, capture)
    doc_id, created, retemplated = stored.id, stored.created, stored.retemplated
    if created and analyze:
        analyzer.add(session, stored, page)
        changed = analyzer.match(session, stored)  # merged-away stories have no members: flush skips them
        story_id = next(iter(changed), None)  # a new page joins one story at most
        if retemplated:  # what it revealed of its site's template changes other pages' links
            changed |= analyzer.refresh(session, retemplated)
            story_id = session.scalar(select(Document.story_id).where(Document.id == doc_id))
        return doc_id, created, changed, story_id
    return doc_id, created, set(), session.scalar(select(Document.story_id).where(Document.id == doc_id))


def _stored(doc_id: int, created: bool, changed: set[int]) -> None:
    _STATE["dirty"].update(changed)
    _STATE["pages"] += 1
    if created:
        _STATE["created"].append(doc_id)
    if _STATE["rounds"] and _STATE["pages"] % FLUSH_EVERY == 0:
        flush()


def store(page: Page, capture: dict, analyze: bool) -> tuple[int, bool, int | None]:
    """Store one page and match it with its copies. Returns (document id, created, story id)."""
    doc_id, created, changed, story_id = transaction(_STATE["factory"],
                                                     lambda session: _store_one(session, page, capture, analyze))
    _stored(doc_id, created, changed)
    return doc_id, created, story_id


def store_many(jobs: list[tuple[Page, dict, bool]]) -> list[tuple[str, object]]:
    """Several pages in one transaction (fewer commits and round trips for a fast crawl); if it
    fails, each page alone, so one bad page fails by itself. ("ok", (id, created, story)) or
    ("error", message) per page, in order."""
    try:
        results = transaction(_STATE["factory"], lambda session: [_store_one(session, *job) for job in jobs])
    except Exception:  # one page's failure must not take the others with it
        out = []
        for job in jobs:
            try:
                out.append(("ok", store(*job)))
            except Exception as exc:
                out.append(("error", f"{type(exc).__name__}: {exc}"))
        return out
    out = []
    for doc_id, created, changed, story_id in results:
        _stored(doc_id, created, changed)
        out.append(("ok", (doc_id, created, story_id)))
    return out


def flush() -> int:
    """Derive the trees of the stories that grew since the last flush; returns how many."""
    analyzer, dirty = _STATE["analyzer"], _STATE["dirty"]

    def derive_tree(session, story_id: int) -> int:
        members = sorted(reads.story_members(session, [story_id]))
        if members:
            writes.write_story(session, story_id, analyzer.story(session, members), reassign=False)
        return int(bool(members))

    done = 0
    while dirty:
        story_id = dirty.pop()
        done += transaction(_STATE["factory"], partial(derive_tree, story_id=story_id))
    return done


def same_story(doc_id: int, other: int) -> bool:
    """Whether two documents are copies in one story (a discovery candidate matched)."""
    with _STATE["factory"]() as session:
        stories = reads.stories_of(session, [doc_id, other])
    return stories.get(doc_id) is not None and stories.get(doc_id) == stories.get(other)


def first_seen(doc_id: int, when: datetime, source: str) -> None:
    """Record a public archive's first capture of a document (the earliest one known wins); its
    story's tree is derived again, since the date is evidence."""
    seen = FirstSeen(when, source)
    story_id = transaction(_STATE["factory"], lambda session: writes.note_first_seen(session, doc_id, seen))
    if story_id is not None:
        _STATE["analyzer"].forget([doc_id])  # its cached copy holds the date it had
        _STATE["dirty"].add(story_id)


def record_check(url: str, previous: int, current: int | None, status: int | None, detail: str | None) -> str:
    """Store the outcome of re-fetching a stored copy; returns it (unchanged, changed or gone)."""
    return transaction(_STATE["factory"], lambda session: recheck.record_check(session, url, previous, current,
                                                                             status, detail))


def created() -> list[int]:
    """The documents this process added."""
    return list(_STATE["created"])


def derive(doc_ids: list[int]) -> int:
    """Match and derive the stories of ``doc_ids`` (a whole shared crawl's); returns how many."""
    _STATE["dirty"].clear()
    return analyze_many(_STATE["factory"], _STATE["db"], doc_ids, workers=1)["stories"]


def skip(url: str, reason: str, capture: dict) -> None:
    transaction(_STATE["factory"], lambda session: writes.add_skipped(
        session, url, reason, capture.get("warc_file"), capture.get("warc_offset")))
