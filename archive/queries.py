"""Questions the graph answers: where did this come from, who copied it, what is the tree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from archive.store.models import Check, Document, Edge
from archive.urls import url_key


class NotFound(LookupError):
    pass


MAX_ID = 2**63 - 1  # the largest id a database can hold: a larger number names no document


def find_document(session: Session, ref: str) -> Document:
    """A document by id (``#12`` or ``12``) or by URL: of a URL's captures, the one in its story's
    tree (the first capture with edges: later captures of a changed page are versions of it, with
    no edges of their own), else the latest."""
    ref = ref.strip()
    if ref.lstrip("#").isdigit() and int(ref.lstrip("#")) <= MAX_ID:
        doc = session.get(Document, int(ref.lstrip("#")))
        if doc is not None:
            return doc
    captures = select(Document).where(Document.url_key == url_key(ref)).limit(1)
    in_tree = exists().where((Edge.source_id == Document.id) | (Edge.derived_id == Document.id))
    doc = (session.scalars(captures.where(in_tree).order_by(Document.id)).first()
           or session.scalars(captures.order_by(Document.id.desc())).first())
    if doc is None:
        raise NotFound(f"no stored capture of {ref!r} (see `provenance documents`)")
    return doc


MAX_HOPS = 1000  # primary edges form trees; the bound only guards against a corrupted graph


def ancestry(session: Session, doc: Document) -> list[Edge]:
    """Edges from ``doc`` up to its story's origin, nearest first (one recursive query)."""
    chosen = lambda edge: (edge.is_primary, edge.relation != "quotes")  # noqa: E731 (a parent, not a quote)
    up = (select(Edge.id, Edge.source_id, literal(1).label("hops"))
          .where(Edge.derived_id == doc.id, *chosen(Edge)).cte("up", recursive=True))
    parent = aliased(Edge)
    up = up.union_all(
        select(parent.id, parent.source_id, up.c.hops + 1)
        .join(up, parent.derived_id == up.c.source_id)
        .where(*chosen(parent), up.c.hops < MAX_HOPS))
    rows = session.execute(select(up.c.id).order_by(up.c.hops)).scalars().all()
    edges = {e.id: e for e in session.scalars(select(Edge).where(Edge.id.in_(rows)))}
    chain, seen = [], {doc.id}
    for edge_id in rows:
        edge = edges[edge_id]
        if edge.source_id in seen:
            break
        chain.append(edge)
        seen.add(edge.source_id)
    return chain


def origin(session: Session, doc: Document) -> Document:
    chain = ancestry(session, doc)
    return chain[-1].source if chain else doc


def story_exists(session: Session, story_id: int) -> bool:
    return abs(story_id) <= MAX_ID and session.scalar(select(exists().where(Document.story_id == story_id)))


def story_edges(session: Session, story_id: int | None, primary_only: bool = True) -> list[Edge]:
    if story_id is None:
        return []
    query = select(Edge).where(Edge.story_id == story_id)
    if primary_only:
        query = query.where(Edge.is_primary)
    return list(session.scalars(query))


def copies(session: Session, doc: Document) -> list[tuple[Edge, int]]:
    """Every document derived from ``doc``, directly or not, with its depth."""
    children: dict[int, list[Edge]] = {}
    for edge in story_edges(session, doc.story_id):
        children.setdefault(edge.source_id, []).append(edge)
    out, stack = [], [(doc.id, 1)]
    while stack:
        node, depth = stack.pop()
        for edge in sorted(children.get(node, []), key=lambda e: e.derived.url, reverse=True):
            out.append((edge, depth))
            stack.append((edge.derived_id, depth + 1))
    return out


@dataclass
class TreeLine:
    depth: int
    document: Document
    edge: Edge | None


def tree(session: Session, doc: Document) -> Iterator[TreeLine]:
    """The story of ``doc`` as a tree from its origin, depth first."""
    root = origin(session, doc)
    yield TreeLine(0, root, None)
    for edge, depth in copies(session, root):
        yield TreeLine(depth, edge.derived, edge)


def edge_between(session: Session, a: Document, b: Document) -> Edge | None:
    return session.scalars(
        select(Edge).where(
            ((Edge.source_id == a.id) & (Edge.derived_id == b.id)) | ((Edge.source_id == b.id) & (Edge.derived_id == a.id))
        ).order_by(Edge.is_primary.desc(), Edge.confidence.desc())
    ).first()


def all_edges(session: Session, with_alternatives: bool = True, with_quotes: bool = False) -> Iterator[Edge]:
    source, derived = aliased(Document), aliased(Document)
    query = select(Edge).join(source, Edge.source).join(derived, Edge.derived).order_by(Edge.story_id, Edge.id)
    if not with_alternatives:
        query = query.where(Edge.is_primary)
    if not with_quotes:
        query = query.where(Edge.relation != "quotes")
    yield from session.scalars(query)


def path(session: Session, a: Document, b: Document) -> list[Edge]:
    """The derivation path between two copies of one story: up from A to their closest common
    ancestor, then down to B (edges in source -> derived direction)."""
    up_a, up_b = ancestry(session, a), ancestry(session, b)
    chain_a = [a.id] + [e.source_id for e in up_a]
    chain_b = [b.id] + [e.source_id for e in up_b]
    common = next((n for n in chain_a if n in set(chain_b)), None)
    if common is None:
        raise NotFound("the two documents are not in one derivation tree")
    return up_a[: chain_a.index(common)] + list(reversed(up_b[: chain_b.index(common)]))


@dataclass
class OutletFlow:
    source: str
    derived: str
    copies: int = 0
    credited: int = 0
    spun: int = 0
    relations: dict | None = None


CREDITED = {"republication", "syndication"}
CREDIT_EVIDENCE = ("canonical_to_source", "original_source_to_source", "syndication_source_to_source",
                   "is_based_on_to_source", "link_to_source", "links_to_source", "line_names_source",
                   "dateline_names_source")


def outlet_flows(session: Session) -> list[OutletFlow]:
    """Who copies from whom: chosen-parent edges counted by (source outlet, copying outlet)."""
    flows: dict[tuple[str, str], OutletFlow] = {}
    for edge in all_edges(session, with_alternatives=False):
        key = (edge.source.outlet.domain, edge.derived.outlet.domain)
        flow = flows.setdefault(key, OutletFlow(*key, relations={}))
        flow.copies += 1
        flow.relations[edge.relation] = flow.relations.get(edge.relation, 0) + 1
        credited = edge.relation in CREDITED or any(e["kind"] in CREDIT_EVIDENCE for e in edge.evidence)
        flow.credited += credited
        flow.spun += edge.relation == "spin"
    return sorted(flows.values(), key=lambda f: (-f.copies, f.source, f.derived))


@dataclass
class Versions:
    """What is known of a URL over time: how many captures, and the last recheck."""

    captures: int
    last_check: Check | None

    def describe(self) -> str:
        parts = [f"{self.captures} captures"] if self.captures > 1 else []
        if self.last_check is not None:
            check = self.last_check
            parts.append(f"{check.outcome} {check.checked_at:%Y-%m-%d}" + (f": {check.detail}" if check.detail else ""))
        return "; ".join(parts)


def versions(session: Session, docs: list[Document]) -> dict[int, Versions]:
    """Versions of each document's URL (captures and the newest check), in two queries."""
    keys = {doc.url_key for doc in docs}
    counts = dict(session.execute(select(Document.url_key, func.count()).where(Document.url_key.in_(keys))
                                  .group_by(Document.url_key)).all())
    newest = select(func.max(Check.id)).where(Check.url_key.in_(keys)).group_by(Check.url_key)
    checks = {c.url_key: c for c in session.scalars(select(Check).where(Check.id.in_(newest)))}
    return {doc.id: Versions(counts.get(doc.url_key, 1), checks.get(doc.url_key)) for doc in docs}
