"""Keeping the graph's stories and edges up to date, one document at a time or many at once.

Both ways compute the same thing: stories are the connected groups of documents that align as
copies (candidate search, then alignment), and each story's tree is a pure function of its set of
members (:mod:`archive.provenance.story`). A crawl folds each page in as it arrives
(:meth:`Analyzer.match`, trees derived in rounds); ``ingest`` and ``analyze`` work on many documents at once
(:func:`analyze_many`): links are found, and stories derived, in worker processes that read the
database, and the main process writes the results.

An :class:`Analyzer` keeps bounded caches of loaded documents (with their tokens) and of
comparisons, so a story that grows one copy at a time aligns each new pair once.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sqlite3
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from archive.page import Page
from archive.provenance.align import Alignment
from archive.provenance.compare import DERIVED, Kinship, Pair, compare, quoting_side, shares_passage
from archive.provenance.index import CandidateIndex
from archive.provenance.model import Doc, StoryResult, doc_from_page
from archive.provenance.story import analyze_story
from archive.provenance.template import masked
from archive.store import reads, writes
from archive.store.models import Document, Edge, Story
from archive.urls import INFERRED_PREFIX, url_key

LOGGER = logging.getLogger(__name__)
Aligned = tuple[Alignment, Kinship]  # an alignment and what it made of the pair
CHUNK = 64  # documents per link-finding task
INDEX_FROM = 500  # documents to analyse from which an in-memory candidate index pays off
COUNTS_KEPT = 200_000  # fingerprint counts a writer keeps (about 20 MB) before it starts again


class _Bounded(OrderedDict):
    """A least-recently-used mapping that forgets beyond ``size`` items."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def remember(self, key, value):
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)
        return value


@dataclass
class Links:
    """What comparing documents with their candidates found."""

    copies: dict[int, list[int]] = field(default_factory=dict)  # document -> the copies it aligns with
    quotes: list[tuple[int, int, str]] = field(default_factory=list)  # (quoted, quoting, quoted url)
    alignments: dict[tuple[int, int], Aligned] = field(default_factory=dict)  # (lower id, higher id)


def _quote(pair: Pair) -> tuple[int, int, str]:
    """(quoted, quoting, quoted url), by quotation marks, then dates (:func:`quoting_side`)."""
    quoted, quoting = quoting_side(pair)
    return quoted.key, quoting.key, quoted.url


def _earlier(a: int | str, b: int | str) -> bool:
    return (a < b) if isinstance(a, int) and isinstance(b, int) else str(a) < str(b)


def _worth_aligning(other: Doc, doc: Doc, need_passage: frozenset[int]) -> bool:
    """A candidate admitted by few fingerprints is aligned when the texts share a passage
    (``index.Candidates``); every other candidate is."""
    return other.key not in need_passage or shares_passage(other, doc)


class Analyzer:
    def __init__(self, cache_size: int = 4096, pairs: int = 1024):
        self._docs: _Bounded = _Bounded(cache_size)  # a link-finding chunk's documents and candidates fit
        self._pairs: _Bounded = _Bounded(pairs)  # a pair is met again in its story's tree, soon after
        self._counts: dict[int, int] = {}  # documents' fingerprint counts (fixed once stored), for candidates

    def reset(self) -> None:
        """Forget everything: a transaction that stored documents was rolled back, and the ids it
        gave them will be given to others."""
        self._docs.clear()
        self._pairs.clear()
        self._counts.clear()

    # -- loading and comparing, cached ---------------------------------------------------------

    def docs(self, session: Session, ids: Iterable[int]) -> list[Doc]:
        """The documents (those stored and not inferred), from the cache or read in one query;
        all of them even when they are more than the cache holds."""
        ids = list(dict.fromkeys(ids))
        found = {i: self._docs[i] for i in ids if i in self._docs}
        for doc in reads.load_docs(session, [i for i in ids if i not in found]):
            found[doc.key] = self._docs.remember(doc.key, doc)
        return [found[i] for i in ids if i in found]

    def pair(self, a: Doc, b: Doc) -> Pair:
        key = (a.key, b.key) if a.key < b.key else (b.key, a.key)
        cached = self._pairs.get(key)
        if cached is None:
            cached = self._pairs.remember(key, compare(a, b))
        return cached if cached.a is a or cached.a.key == a.key else cached.flipped()

    def add(self, stored: writes.Stored, page: Page) -> Doc:
        """Remember a just-stored document from its extracted page and what storing it learnt of
        its template text (nothing is read back)."""
        text = masked(page.text, stored.template, page.credits, page.segments)
        self._counts[stored.id] = len(stored.fingerprints)
        return self._docs.remember(stored.id, doc_from_page(stored.id, page, text, stored.outlet))

    def forget(self, doc_ids: Iterable[int]) -> None:
        """Drop documents whose template text changed, and their comparisons, from the caches."""
        gone = set(doc_ids)
        for doc_id in gone:
            self._docs.pop(doc_id, None)
        for key in [k for k in self._pairs if k[0] in gone or k[1] in gone]:
            del self._pairs[key]

    # -- analysis ------------------------------------------------------------------------------

    def links(self, session: Session, doc_ids: Iterable[int], index: CandidateIndex | None = None,
              hashes: dict[int, Sequence[int]] | None = None) -> Links:
        """For each document, the earlier-stored candidates it aligns with as a copy, and the ones
        it quotes. Each pair is compared once, by its later document: a new document meets every
        earlier one, and a batch meets every pair. ``index`` (in memory) answers like the database;
        ``hashes``: fingerprints of documents the caller has just stored (not read back)."""
        found = Links()
        wanted, need_passage = {}, {}
        if len(self._counts) > COUNTS_KEPT:
            self._counts.clear()
        for doc_id in doc_ids:
            others = (index.candidates(doc_id, index.fingerprints_of(doc_id)) if index is not None
                      else reads.candidates(session, doc_id, (hashes or {}).get(doc_id), self._counts))
            wanted[doc_id] = [o for o in others if o < doc_id]
            need_passage[doc_id] = others.need_passage
        loaded = {d.key: d for d in self.docs(session, [i for doc_id, others in wanted.items() if others
                                                        for i in (doc_id, *others)])}
        for doc_id, others in wanted.items():
            found.copies[doc_id] = []
            if not others or doc_id not in loaded:
                continue
            doc = loaded[doc_id]
            for other in (loaded[o] for o in others if o in loaded):
                if not _worth_aligning(other, doc, need_passage[doc_id]):
                    continue
                pair = self.pair(other, doc)
                if pair.kinship in DERIVED:
                    found.copies[doc_id].append(other.key)
                    found.alignments[(other.key, doc_id)] = (pair.alignment, pair.kinship)
                elif pair.kinship is Kinship.QUOTE:
                    found.quotes.append(_quote(pair))
        return found

    def story(self, session: Session, members: Iterable[int],
              known: dict[tuple[int, int], Aligned] | None = None) -> StoryResult:
        """The story's tree; ``known`` alignments (lower id, higher id) are not computed again.
        Later captures of a URL (a page re-fetched after it changed) are versions of its first
        capture, not copies of it: only the first one takes part in the tree."""
        first: dict[str, Doc] = {}
        for doc in self.docs(session, members):
            key = url_key(doc.url)
            if key not in first or _earlier(doc.key, first[key].key):
                first[key] = doc
        docs = sorted(first.values(), key=lambda d: (d.url, str(d.key)))
        for (low, high), (alignment, kind) in (known or {}).items():
            key = (low, high)
            if key not in self._pairs:
                a, b = self._docs.get(low), self._docs.get(high)
                if a is not None and b is not None:
                    self._pairs.remember(key, Pair(a, b, alignment, kind))
        pairs = {(i, j): self.pair(docs[i], docs[j]) for i in range(len(docs)) for j in range(i + 1, len(docs))}
        return analyze_story(docs, pairs)

    def refresh(self, session: Session, doc_ids: Iterable[int]) -> set[int]:
        """Bring the stories of documents whose template text changed up to date: their links may
        be gone (a story splits) or new (stories merge), and their quotations may be gone. Returns
        the stories whose trees must be derived again."""
        doc_ids = sorted(set(doc_ids))
        if not doc_ids:
            return set()
        self.forget(doc_ids)
        old = sorted({s for s in reads.stories_of(session, doc_ids).values() if s})
        members = reads.story_members(session, old) | set(doc_ids)
        writes.delete_quotes(session, doc_ids)
        links = nx.Graph()
        links.add_nodes_from(members)
        docs = {d.key: d for d in self.docs(session, members)}
        ordered = sorted(docs)
        for n, low in enumerate(ordered):
            for high in ordered[n + 1:]:
                if self.pair(docs[low], docs[high]).kinship in DERIVED:
                    links.add_edge(low, high)
        quotes = []
        for doc_id in doc_ids:
            doc = docs.get(doc_id)
            if doc is None:
                continue
            found = reads.candidates(session, doc_id, counts=self._counts)
            for other in self.docs(session, [o for o in found if o not in docs]):
                if not _worth_aligning(other, doc, found.need_passage):
                    continue
                pair = self.pair(other, doc)
                if pair.kinship in DERIVED:
                    links.add_edge(doc_id, other.key)
                elif pair.kinship is Kinship.QUOTE:
                    quotes.append(_quote(pair))
        for doc_id in doc_ids:  # quotations with members, found again
            for other in ordered:
                pair = self.pair(docs[other], docs[doc_id]) if doc_id in docs and other != doc_id else None
                if pair is not None and pair.kinship is Kinship.QUOTE:
                    quotes.append(_quote(pair))
        write_quotes(session, sorted(set(quotes)))
        changed: set[int] = set()
        for component in sorted(nx.connected_components(links), key=min):
            if len(component) == 1:
                writes.leave_story(session, component)
                continue
            story_ids = sorted({s for s in reads.stories_of(session, list(component)).values() if s})
            outside = [s for s in story_ids if s not in old]  # stories a new link merges in, whole
            component |= reads.story_members(session, outside)
            keep = next((s for s in story_ids if s in old and s not in changed), outside[0] if outside else None)
            changed.add(writes.assign_story(session, keep, sorted(component), [s for s in outside if s != keep]))
        writes.drop_empty_stories(session, old)
        return changed

    def match(self, session: Session, stored: writes.Stored) -> set[int]:
        """Fold one newly stored document into its story's membership (its tree is derived later,
        by :meth:`story`); returns the ids of the stories that changed."""
        found = self.links(session, [stored.id], hashes={stored.id: list(stored.fingerprints)})
        write_quotes(session, found.quotes)
        return {writes.assign_story(session, story_ids[0] if story_ids else None, members, story_ids)
                for members, story_ids in stories_to_build(session, found.copies)}


# -- many documents at once, in worker processes -------------------------------------------------

class AlignmentSpill:
    """The alignments a batch's link finding computed, kept on disk until their stories are built
    (a story job reads its own): a batch of millions of documents would otherwise hold every
    alignment in memory at once."""

    def __init__(self, path: Path):
        self.path = path
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS alignments (low INTEGER, high INTEGER, data BLOB, "
                       "PRIMARY KEY (low, high)) WITHOUT ROWID")
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:  # opened in the process that uses it: connections don't survive a fork
            self._db = sqlite3.connect(self.path)
        return self._db

    def add(self, alignments: dict[tuple[int, int], Aligned]) -> None:
        db = self._connection()
        with db:
            db.executemany("INSERT OR REPLACE INTO alignments VALUES (?, ?, ?)",
                           ((low, high, pickle.dumps(a, pickle.HIGHEST_PROTOCOL)) for (low, high), a in alignments.items()))

    def within(self, members: list[int]) -> dict[tuple[int, int], Aligned]:
        """The alignments between two of ``members``."""
        inside, found = set(members), {}
        for part in _chunks(sorted(inside), 500):
            query = f"SELECT low, high, data FROM alignments WHERE low IN ({','.join('?' * len(part))})"
            for low, high, data in self._connection().execute(query, part):
                if high in inside:
                    found[(low, high)] = pickle.loads(data)
        return found

    def __getstate__(self):
        return {"path": self.path, "_db": None}


@dataclass
class AnalysisWorker:
    """An analysis worker process's state: its connection, its caches, the shared candidate index."""

    factory: sessionmaker[Session]
    index: CandidateIndex | None
    analyzer: Analyzer = field(default_factory=Analyzer)

    def links(self, doc_ids: list[int]) -> Links:
        with self.factory() as session:
            return self.analyzer.links(session, doc_ids, self.index)

    def story(self, members: list[int], spill: AlignmentSpill) -> StoryResult:
        with self.factory() as session:
            return self.analyzer.story(session, members, spill.within(members))


_worker: AnalysisWorker | None = None  # this worker process's, made by :func:`_start_worker`


def _start_worker(db: str, index: CandidateIndex | None) -> None:
    """Pool initializer. Workers are forked, so ``index`` is not copied: they share it, copy-on-write."""
    from archive.store.db import session_factory

    global _worker
    _worker = AnalysisWorker(session_factory(db, keep_connections=True), index)


def _links_job(doc_ids: list[int]) -> Links:
    return _worker.links(doc_ids)


def _story_job(job: tuple[list[int], AlignmentSpill]) -> StoryResult:
    return _worker.story(*job)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _known(alignments: dict[tuple[int, int], Aligned], members: list[int]) -> dict:
    inside = set(members)
    return {k: v for k, v in alignments.items() if k[0] in inside and k[1] in inside}


def stories_to_build(session: Session, copies: dict[int, list[int]]) -> Iterator[tuple[list[int], list[int]]]:
    """Each group of linked documents with the stories they already belong to: (members, story ids)."""
    groups = nx.Graph()
    for doc_id, others in copies.items():
        groups.add_edges_from((doc_id, other) for other in others)
    for component in nx.connected_components(groups):
        story_ids = sorted({s for s in reads.stories_of(session, list(component)).values() if s})
        members = reads.story_members(session, story_ids) | set(component)
        yield sorted(members), story_ids


def write(session: Session, result: StoryResult, story_ids: list[int]) -> int:
    return writes.write_story(session, story_ids[0] if story_ids else None, result, story_ids)


def write_quotes(session: Session, quotes: list[tuple[int, int, str]]) -> None:
    for quoted, quoting, url in quotes:
        writes.write_quote(session, quoted, quoting, [{
            "kind": "shared_sentence", "weight": 0.0,
            "detail": f"quotes a passage of {url} without copying the article",
        }])


def analyze_many(factory: sessionmaker[Session], db: str, doc_ids: list[int], workers: int | None = None,
                 progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Find the links of ``doc_ids`` and (re)build the stories they touch. Links and stories are
    computed by ``workers`` processes reading the committed database; this process writes. What
    stays in memory here is the candidate index and the list of links (a few ids a document)."""
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    copies: dict[int, list[int]] = {}
    with factory() as session:
        index = reads.fingerprint_index(session) if len(doc_ids) >= INDEX_FROM else None
    if workers <= 1 or len(doc_ids) < 2 * CHUNK:
        analyzer = Analyzer()
        with factory() as session:
            found = analyzer.links(session, doc_ids, index)
            write_quotes(session, found.quotes)
            built = 0
            for members, story_ids in stories_to_build(session, found.copies):
                write(session, analyzer.story(session, members, _known(found.alignments, members)), story_ids)
                built += 1
            session.commit()
        return {"documents": len(doc_ids), "stories": built}
    with tempfile.TemporaryDirectory(prefix="provenance-analysis-") as tmp:
        spill = AlignmentSpill(Path(tmp) / "alignments.sqlite")
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker, initargs=(db, index)) as pool:
            chunks = list(_chunks(doc_ids, CHUNK))
            with factory() as session:
                for n, part in enumerate(pool.map(_links_job, chunks), 1):
                    copies.update((k, v) for k, v in part.copies.items() if v)
                    spill.add(part.alignments)
                    write_quotes(session, part.quotes)
                    if progress:
                        progress("links", n, len(chunks))
                plans = list(stories_to_build(session, copies))
                results = pool.map(_story_job, [(members, spill) for members, _ in plans], chunksize=4)
                for n, ((_, story_ids), result) in enumerate(zip(plans, results), 1):
                    write(session, result, story_ids)
                    if progress:
                        progress("stories", n, len(plans))
                session.commit()
    return {"documents": len(doc_ids), "stories": len(plans)}


def refresh_stories(factory: sessionmaker[Session], doc_ids: Iterable[int]) -> int:
    """Documents stored earlier whose template text changed: their stories brought up to date and
    their trees derived again; returns how many stories were derived."""
    doc_ids = sorted(set(doc_ids))
    if not doc_ids:
        return 0
    analyzer = Analyzer()
    with factory() as session:
        changed = analyzer.refresh(session, doc_ids)
        for story_id in sorted(changed):
            members = sorted(reads.story_members(session, [story_id]))
            if members:
                writes.write_story(session, story_id, analyzer.story(session, members), reassign=False)
        session.commit()
    return len(changed)


def analyze_all(factory: sessionmaker[Session], db: str, workers: int | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Rebuild all stories and edges from the stored documents."""
    with factory.begin() as session:
        session.execute(delete(Edge))
        session.execute(update(Story).values(origin_id=None))
        session.execute(delete(Document).where(Document.url_key.startswith(INFERRED_PREFIX, autoescape=True)))
        session.execute(update(Document).values(story_id=None))
        session.execute(delete(Story))
        ids = list(session.scalars(select(Document.id).order_by(Document.id)))
    return analyze_many(factory, db, ids, workers, progress)
