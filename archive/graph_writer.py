"""The graph's single writer for a crawl: a worker process that stores pages and analyses them.

A crawl's reactor must not spend its time in the database or in alignment, and SQLite wants one
writer. The crawler hands each extracted page to one process running these functions, which keeps
its own connection and the analysis caches between pages.

Each page is matched at once (candidates, alignment: which story it joins), so the crawl knows
its copies as it goes; a story's tree (parents, relations, evidence) is derived again when the
story has stopped growing for a while (a round without a new member, or ``WAIT_ROUNDS`` rounds at
most), and at the end of the crawl, rather than after every page that joins it: a story whose
copies keep arriving would otherwise be derived again every round. A round comes after
``FLUSH_EVERY`` pages and ``ROUND_SECONDS`` seconds at least, so a fast crawl derives trees every
few seconds, not several times a second (a crawl of 1,500 local pages derived 485 trees for 242
stories with rounds of 100 pages). What is left at the end is derived while the crawl's other
processes are idle, so rounds should not be too rare either: the same crawl, about ten seconds
long, left 210 stories (0.75 s of CPU) to its end with rounds of 5 s and 85 (0.3 s) with rounds of
2 s, for 35 more trees derived on the way (0.15 s of CPU shared with the extraction workers' core).
The final graph is the one batch analysis gives.
When several crawl processes share one graph, trees are derived once, at the end, by the last of
them (``rounds=False`` here, :func:`derive` there).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from archive.analysis import Analyzer, analyze_many
from archive.page import FirstSeen, Page
from archive.store import reads, recheck, writes
from archive.store.db import session_factory, transaction

FLUSH_EVERY = 100  # pages between two rounds of tree derivation for the stories that grew, at least
ROUND_SECONDS = 2.0  # and seconds between two rounds, at least
WAIT_ROUNDS = 5  # rounds a story that keeps growing waits for its tree at most


@dataclass
class GraphWriter:
    """The writer process's state: its connection, the analysis caches, the stories that grew."""

    factory: sessionmaker[Session]
    db: str | None
    rounds: bool = True  # derive grown stories' trees in rounds as the crawl goes (else only at the end)
    round_seconds: float = ROUND_SECONDS
    # a round's trees compare again the pairs its pages' matching compared: 4,096 pairs keep most
    # (a crawl of 1,500 pages compared 6,659 pairs, 5,086 of them different, with 1,024; 5,854 with 4,096)
    analyzer: Analyzer = field(default_factory=lambda: Analyzer(pairs=4096))
    dirty: set[int] = field(default_factory=set)  # stories whose trees are to be derived again
    growing: set[int] = field(default_factory=set)  # the dirty stories that grew in this round
    waited: dict[int, int] = field(default_factory=dict)  # rounds a dirty story has waited
    pages: int = 0
    last_round: tuple[int, float] = field(default_factory=lambda: (0, time.monotonic()))  # pages then, when
    created: list[int] = field(default_factory=list)  # the documents this process added

    def _store_one(self, session: Session, page: Page, capture: dict,
                   analyze: bool) -> tuple[int, bool, set[int], int | None]:
        stored = writes.add_document(session, page, capture)
        if stored.created and analyze:
            self.analyzer.add(stored, page)
            changed = self.analyzer.match(session, stored)  # merged-away stories have no members: flush skips them
            story_id = next(iter(changed), None)  # a new page joins one story at most
            if stored.retemplated:  # what it revealed of its site's template changes other pages' links
                changed |= self.analyzer.refresh(session, stored.retemplated)
                story_id = reads.story_of(session, stored.id)
            return stored.id, True, changed, story_id
        return stored.id, stored.created, set(), reads.story_of(session, stored.id)

    def _stored(self, doc_id: int, created: bool, changed: set[int]) -> None:
        self.dirty.update(changed)
        self.growing.update(changed)
        self.pages += 1
        if created:
            self.created.append(doc_id)
        pages, when = self.last_round
        if self.rounds and self.pages - pages >= FLUSH_EVERY and time.monotonic() - when >= self.round_seconds:
            self._round()

    def _round(self) -> None:
        """Derive the trees of the dirty stories that stopped growing, or waited long enough."""
        for story_id in self.dirty:
            self.waited[story_id] = self.waited.get(story_id, 0) + 1
        ready = {s for s in self.dirty if s not in self.growing or self.waited[s] >= WAIT_ROUNDS}
        self.growing.clear()
        self.last_round = (self.pages, time.monotonic())
        self.flush(ready)

    def store(self, page: Page, capture: dict, analyze: bool) -> tuple[int, bool, int | None]:
        """Store one page and match it with its copies. Returns (document id, created, story id)."""
        try:
            doc_id, created, changed, story_id = transaction(
                self.factory, lambda session: self._store_one(session, page, capture, analyze))
        except Exception:
            self.analyzer.reset()  # it remembered documents under ids the rollback gives back
            raise
        self._stored(doc_id, created, changed)
        return doc_id, created, story_id

    def store_many(self, jobs: list[tuple[Page, dict, bool]]) -> list[tuple[str, object]]:
        """Several pages in one transaction (fewer commits and round trips for a fast crawl); if it
        fails, each page alone, so one bad page fails by itself. ("ok", (id, created, story)) or
        ("error", message) per page, in order."""
        try:
            results = transaction(self.factory, lambda session: [self._store_one(session, *job) for job in jobs])
        except Exception:  # one page's failure must not take the others with it
            self.analyzer.reset()
            out = []
            for job in jobs:
                try:
                    out.append(("ok", self.store(*job)))
                except Exception as exc:
                    out.append(("error", f"{type(exc).__name__}: {exc}"))
            return out
        out = []
        for doc_id, created, changed, story_id in results:
            self._stored(doc_id, created, changed)
            out.append(("ok", (doc_id, created, story_id)))
        return out

    def flush(self, stories: set[int] | None = None) -> int:
        """Derive the trees of the stories that grew since their last derivation (those of them in
        ``stories``, when given); returns how many. At the crawl's end (``stories`` not given) also
        those an earlier crawl, stopped between two rounds, left without a tree."""
        if stories is None:
            self.dirty |= transaction(self.factory, reads.stories_without_tree)
        chosen = sorted(self.dirty if stories is None else stories & self.dirty)
        self.dirty.difference_update(chosen)
        for story_id in chosen:
            self.waited.pop(story_id, None)
        return self._derive(chosen) if chosen else 0

    def _derive(self, story_ids: list[int]) -> int:
        """Derive these stories' trees again; returns how many still have members."""

        def derive_tree(session, story_id: int) -> int:
            members = sorted(reads.story_members(session, [story_id]))
            if members:
                writes.write_story(session, story_id, self.analyzer.story(session, members), reassign=False)
            return int(bool(members))

        try:  # one transaction a round: a commit a story cost as much as deriving a small one
            return transaction(self.factory, lambda session: sum(derive_tree(session, s) for s in story_ids))
        except Exception:  # story by story, so the trees derived before a failing one are kept
            return sum(transaction(self.factory, partial(derive_tree, story_id=s)) for s in story_ids)

    def same_story(self, doc_id: int, other: int) -> bool:
        with self.factory() as session:
            stories = reads.stories_of(session, [doc_id, other])
        return stories.get(doc_id) is not None and stories.get(doc_id) == stories.get(other)

    def first_seen(self, doc_id: int, when: datetime, source: str) -> None:
        seen = FirstSeen(when, source)
        story_id = transaction(self.factory, lambda session: writes.note_first_seen(session, doc_id, seen))
        if story_id is not None:
            self.analyzer.forget([doc_id])  # its cached copy holds the date it had
            self.dirty.add(story_id)

    def record_check(self, url: str, previous: int, current: int | None, status: int | None,
                     detail: str | None) -> str:
        return transaction(self.factory, lambda session: recheck.record_check(session, url, previous, current,
                                                                              status, detail))

    def derive(self, doc_ids: list[int]) -> int:
        self.dirty.clear()
        self.growing.clear()
        self.waited.clear()
        return analyze_many(self.factory, self.db, doc_ids, workers=1)["stories"]

    def skip(self, url: str, reason: str, capture: dict) -> None:
        transaction(self.factory, lambda session: writes.add_skipped(
            session, url, reason, capture.get("warc_file"), capture.get("warc_offset")))


_writer: GraphWriter | None = None  # this process's, made by :func:`start`


def start(db: str | None, rounds: bool = True) -> None:
    """Process initializer: open the database (raising here reports a bad URL at crawl start)."""
    global _writer
    _writer = GraphWriter(session_factory(db, keep_connections=True), db, rounds)


# What the crawler submits to the writer process: module-level, so the pool can pickle them.

def store(page: Page, capture: dict, analyze: bool) -> tuple[int, bool, int | None]:
    """Store one page and match it with its copies. Returns (document id, created, story id)."""
    return _writer.store(page, capture, analyze)


def store_many(jobs: list[tuple[Page, dict, bool]]) -> list[tuple[str, object]]:
    """Several pages in one transaction (:meth:`GraphWriter.store_many`)."""
    return _writer.store_many(jobs)


def flush() -> int:
    """Derive the trees of the stories that grew since the last flush; returns how many."""
    return _writer.flush()


def same_story(doc_id: int, other: int) -> bool:
    """Whether two documents are copies in one story (a discovery candidate matched)."""
    return _writer.same_story(doc_id, other)


def first_seen(doc_id: int, when: datetime, source: str) -> None:
    """Record a public archive's first capture of a document (the earliest one known wins); its
    story's tree is derived again, since the date is evidence."""
    _writer.first_seen(doc_id, when, source)


def record_check(url: str, previous: int, current: int | None, status: int | None, detail: str | None) -> str:
    """Store the outcome of re-fetching a stored copy; returns it (unchanged, changed or gone)."""
    return _writer.record_check(url, previous, current, status, detail)


def created() -> list[int]:
    """The documents this process added."""
    return list(_writer.created)


def derive(doc_ids: list[int]) -> int:
    """Match and derive the stories of ``doc_ids`` (a whole shared crawl's); returns how many."""
    return _writer.derive(doc_ids)


def skip(url: str, reason: str, capture: dict) -> None:
    _writer.skip(url, reason, capture)
