"""Keeping the graph's stories and edges up to date, one document at a time or all at once.

Both ways compute the same thing: stories are the connected groups of documents that align as
copies (candidate search, then alignment), and each story's tree is a pure function of its set of
members (:mod:`archive.provenance.story`). Incremental analysis re-derives only the story a new
document joins; ``provenance analyze`` rebuilds every story from scratch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import networkx as nx
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from archive.provenance.compare import Kinship, Pair, compare
from archive.provenance.model import Doc
from archive.provenance.story import analyze_story
from archive.store import graph
from archive.store.models import Document, Edge, Story

LOGGER = logging.getLogger(__name__)


def _quote(session: Session, pair: Pair) -> None:
    """Record that one document quotes the other: the one where the shared words weigh less."""
    a, b = pair.a, pair.b
    quoting, quoted = (b, a) if len(b) >= len(a) else (a, b)
    graph.write_quote(session, quoted.key, quoting.key, [{
        "kind": "shared_sentence", "weight": 0.0,
        "detail": f"quotes a passage of {quoted.url} without copying the article",
    }])


def related(session: Session, row: Document, doc: Doc | None = None) -> list[int]:
    """Documents that ``row`` is a copy of or a source of; quotations are recorded on the way."""
    doc = doc or graph.as_doc(row)
    out = []
    for other_id in graph.candidates(session, row):
        other = graph.as_doc(session.get(Document, other_id))
        pair = compare(doc, other)
        if pair.kinship is Kinship.COPY:
            out.append(other_id)
        elif pair.kinship is Kinship.QUOTE:
            _quote(session, pair)
    return out


def analyze_document(session: Session, doc_id: int) -> int | None:
    """Fold one newly stored document into the graph; returns its story id (None if alone)."""
    row = session.get(Document, doc_id)
    links = related(session, row)
    if not links:
        return row.story_id
    story_ids = sorted({s for s in session.scalars(select(Document.story_id).where(Document.id.in_(links))) if s})
    members = graph.story_members(session, story_ids) | set(links) | {doc_id}
    result = analyze_story(graph.load_docs(session, members))
    return graph.write_story(session, story_ids[0] if story_ids else None, result, story_ids)


def analyze_all(factory: sessionmaker[Session], progress: Callable[[int, int], None] | None = None) -> dict:
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
            row = session.get(Document, doc_id)
            links.add_edges_from((doc_id, other) for other in related(session, row))
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
            graph.write_story(session, None, analyze_story(graph.load_docs(session, component)))
        stories += 1
    return {"documents": len(ids), "stories": stories}
