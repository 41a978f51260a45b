"""Keeping the graph's stories and edges up to date, one document at a time or all at once.

Both ways compute the same thing: stories are the connected groups of documents that align as
copies (candidate search, then alignment), and each story's tree is a pure function of its set of
members (:mod:`archive.provenance.story`). Incremental analysis re-derives only the story a new
document joins; ``provenance analyze`` rebuilds every story from scratch.

An :class:`Analyzer` keeps bounded caches of loaded documents (with their tokens) and of
comparisons, so a story that grows one copy at a time aligns each new pair once.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable

import networkx as nx
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from archive.provenance.compare import Kinship, Pair, compare
from archive.provenance.model import Doc, doc_from_page
from archive.provenance.story import analyze_story
from archive.store import graph
from archive.store.models import Document, Edge, Story

LOGGER = logging.getLogger(__name__)


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


class Analyzer:
    def __init__(self, cache_size: int = 512):
        self._docs: _Bounded = _Bounded(cache_size)
        self._pairs: _Bounded = _Bounded(cache_size * 2)

    # -- loading and comparing, cached ---------------------------------------------------------

    def docs(self, session: Session, ids: Iterable[int]) -> list[Doc]:
        ids = list(dict.fromkeys(ids))
        missing = [i for i in ids if i not in self._docs]
        if missing:
            rows = session.scalars(select(Document).options(selectinload(Document.outlet))
                                   .where(Document.id.in_(missing)))
            for row in rows:
                self._docs.remember(row.id, graph.as_doc(row))
        return [self._docs[i] for i in ids if i in self._docs]

    def pair(self, a: Doc, b: Doc) -> Pair:
        key = (a.key, b.key) if a.key < b.key else (b.key, a.key)
        cached = self._pairs.get(key)
        if cached is None:
            cached = self._pairs.remember(key, compare(a, b))
        return cached if cached.a is a or cached.a.key == a.key else cached.flipped()

    def forget(self, doc_id: int) -> None:
        self._docs.pop(doc_id, None)

    # -- analysis ------------------------------------------------------------------------------

    def add(self, doc_id: int, page: dict) -> Doc:
        """Remember a just-stored document from its extracted page (no need to read it back)."""
        return self._docs.remember(doc_id, doc_from_page(doc_id, page))

    def related(self, session: Session, doc_id: int, hashes: list[int] | None = None) -> list[int]:
        """Documents that ``doc_id`` is a copy of or a source of; quotations are recorded on the way."""
        others = graph.candidates(session, doc_id, hashes)
        if not others:
            return []
        doc, *candidates = self.docs(session, [doc_id, *others])
        out = []
        for other in candidates:
            pair = self.pair(doc, other)
            if pair.kinship is Kinship.COPY:
                out.append(other.key)
            elif pair.kinship is Kinship.QUOTE:
                _quote(session, pair)
        return out

    def story(self, session: Session, members: Iterable[int]):
        docs = sorted(self.docs(session, members), key=lambda d: (d.url, str(d.key)))
        pairs = {(i, j): self.pair(docs[i], docs[j]) for i in range(len(docs)) for j in range(i + 1, len(docs))}
        return analyze_story(docs, pairs)

    def analyze_document(self, session: Session, doc_id: int) -> int | None:
        """Fold one newly stored document into the graph; returns its story id (None if alone)."""
        self.fold(session, {doc_id: self.related(session, doc_id)})
        return session.scalar(select(Document.story_id).where(Document.id == doc_id))

    def fold(self, session: Session, links: dict[int, list[int]]) -> int:
        """Fold new documents into the graph, given the copies each was found related to: every
        group of linked documents, with the stories they already belong to, becomes one story
        whose tree is derived afresh. Returns how many stories were (re)built."""
        groups = nx.Graph()
        for doc_id, others in links.items():
            groups.add_edges_from((doc_id, other) for other in others)
        built = 0
        for component in nx.connected_components(groups):
            story_ids = sorted({s for s in session.scalars(
                select(Document.story_id).where(Document.id.in_(list(component)))) if s})
            members = graph.story_members(session, story_ids) | set(component)
            graph.write_story(session, story_ids[0] if story_ids else None, self.story(session, members), story_ids)
            built += 1
        return built

    def analyze_all(self, factory: sessionmaker[Session], progress: Callable[[int, int], None] | None = None) -> dict:
        """Rebuild all stories and edges from the stored documents."""
        with factory.begin() as session:
            session.execute(delete(Edge))
            session.execute(update(Document).values(story_id=None))
            session.execute(update(Story).values(origin_id=None))
            session.execute(delete(Story))
        links = nx.Graph()
        with factory() as session:
            ids = list(session.scalars(select(Document.id).order_by(Document.id)))
            links.add_nodes_from(ids)
            for n, doc_id in enumerate(ids, 1):
                links.add_edges_from((doc_id, other) for other in self.related(session, doc_id))
                if n % 200 == 0:
                    session.commit()
                    session.expunge_all()
                if progress:
                    progress(n, len(ids))
            session.commit()
        stories = 0
        for component in nx.connected_components(links):
            if len(component) < 2:
                continue
            with factory.begin() as session:
                graph.write_story(session, None, self.story(session, component))
            stories += 1
        return {"documents": len(ids), "stories": stories}


def _quote(session: Session, pair: Pair) -> None:
    """Record that one document quotes the other: the one where the shared words weigh less."""
    a, b = pair.a, pair.b
    quoting, quoted = (b, a) if len(b) >= len(a) else (a, b)
    graph.write_quote(session, quoted.key, quoting.key, [{
        "kind": "shared_sentence", "weight": 0.0,
        "detail": f"quotes a passage of {quoted.url} without copying the article",
    }])


def analyze_document(session: Session, doc_id: int, analyzer: Analyzer | None = None) -> int | None:
    return (analyzer or Analyzer(cache_size=256)).analyze_document(session, doc_id)


def analyze_all(factory: sessionmaker[Session], progress: Callable[[int, int], None] | None = None) -> dict:
    return Analyzer().analyze_all(factory, progress)
