"""Writing the provenance graph: documents with their fingerprints and segments, stories and their
trees, quotations, first-seen dates, pages that gave no document."""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from archive.page import FirstSeen, Page
from archive.provenance.fingerprint import fingerprints
from archive.provenance.model import EdgeResult, Relation, StoryResult
from archive.provenance.template import masked, segments
from archive.provenance.text import tokens
from archive.provenance.wires import BY_SLUG
from archive.store import templates
from archive.store.db import Hot, insert_ignoring, insert_ignoring_on
from archive.store.models import Document, Edge, Fingerprint, Outlet, Skipped, Story, utcnow
from archive.store.reads import INFERRED, find_capture
from archive.urls import INFERRED_PREFIX, is_inferred, outlet_domain, url_key


_DOCS, _STORIES, _EDGES = Document.__table__, Story.__table__, Edge.__table__
# Built once: the writer of a crawl runs these for every page, and building a statement costs
# more than SQLite running it.
_COUNT = update(_DOCS).where(_DOCS.c.id == bindparam("doc")).values(fingerprint_count=bindparam("count"))
_FINGERPRINTS = Hot(insert(Fingerprint.__table__), ("hash", "document_id"))  # archive/store/db.py's hot path
_NEW_STORY = insert(_STORIES).returning(_STORIES.c.id)
_DROP_TREES = Hot(delete(_EDGES).where(_EDGES.c.story_id.in_(bindparam("stories", expanding=True))))
_JOIN_STORY = Hot(update(_DOCS).where(_DOCS.c.id.in_(bindparam("ids", expanding=True))).values(
    story_id=bindparam("story")))
_ORIGIN = update(_STORIES).where(_STORIES.c.id == bindparam("story")).values(origin_id=bindparam("origin"))
_EDGE_ROWS = insert(_EDGES)


@lru_cache(maxsize=None)
def _insert_document(dialect: str, columns: tuple[str, ...]) -> Hot:
    """Insert unless this capture is stored already (unique url_key + text digest), returning its
    id; ``columns``: the row's keys, so the statement gives every value the row has."""
    statement = insert_ignoring_on(dialect, _DOCS, ("url_key", "text_digest")).returning(_DOCS.c.id)
    return Hot(statement, columns)


# Outlets found stored (committed) with a name, per database, for the life of the process: an
# outlet's id never changes and its name, once set, stays. A crawl's writer opens a session per
# batch, and looking each batch's outlets up again took a tenth of its time.
_NAMED_OUTLETS: weakref.WeakKeyDictionary[Engine, dict[str, tuple[int, str]]] = weakref.WeakKeyDictionary()


def outlet(session: Session, url: str, name: str | None) -> tuple[int, str]:
    """The id and name of the url's outlet, created on first sight (cached for the session's life,
    and for the process's once it is stored with a name)."""
    domain = outlet_domain(url) or "unknown"
    cache = session.info.setdefault("outlets", {})
    if domain in cache:
        return cache[domain]
    named = _NAMED_OUTLETS.setdefault(session.get_bind(), {})
    if domain in named:
        return named[domain]
    # insert-or-ignore: another process (a crawl and an ingest) may be adding the same outlet
    added = session.connection().execute(insert_ignoring(session, Outlet.__table__, ["domain"]),
                                         {"domain": domain, "name": name or None}).rowcount
    row = session.scalar(select(Outlet).where(Outlet.domain == domain))
    if not added and row.name:  # stored before this transaction began, name and all
        named[domain] = row.id, row.name
    if name and not row.name:
        row.name = name
    cache[domain] = row.id, row.name or ""
    return cache[domain]


def prepared(page: Page) -> Page:
    """The page with what storage needs computed: text digest, segments and fingerprints (of the
    text without its chrome lines). Workers call this so the process that writes the database
    has less to do."""
    if page.segments is None:
        page.segments = segments(page.text)
    if page.fingerprints is None:
        words = tokens(page.text)
        page.text_digest = hashlib.sha1(" ".join(words.norm).encode()).hexdigest()
        compared = masked(page.text, set(), page.credits, page.segments)  # the text itself when nothing is masked
        page.fingerprints = sorted(fingerprints(words if compared is page.text else tokens(compared)))
    return page


class Stored(NamedTuple):
    id: int
    created: bool
    retemplated: frozenset[int] = frozenset()  # other documents whose template text this one revealed
    fingerprints: Sequence[int] = ()  # a new document's, as stored (its known template text left out)
    outlet: str = ""  # the name of its outlet, as the store gives it back with the document
    template: frozenset[int] = frozenset()  # a new document's segments known as template text


def add_document(session: Session, page: Page, capture: dict[str, Any]) -> Stored:
    """Store one extracted page; returns its id, whether it is new, and the other documents whose
    template text it revealed. The same URL with the same text is the same capture, so re-running a
    crawl or an ingest adds nothing. Fingerprints leave out the template text known by then."""
    page = prepared(page)
    hashes = page.fingerprints
    # one round trip: insert unless this capture is stored already (unique url_key + text digest)
    connection = session.connection()  # Core, not the ORM's per-row bookkeeping: this is the hot path
    outlet_key, outlet_name = outlet(session, page.url, page.site_name)
    row = {
        "url": page.url,
        "url_key": url_key(page.url),
        "outlet_id": outlet_key,
        "title": page.title,
        "page_title": page.page_title,
        "author": page.author,
        "published": page.date,
        "date_trust": page.date_trust,
        "site_name": page.site_name,
        "language": page.language,
        "text": page.text,
        "text_digest": page.text_digest,
        "signals": page.signals(),
        "fingerprint_count": len(hashes),
        "fetched_at": _datetime(capture.get("fetched_at")),
        "http_status": capture.get("status"),
        "payload_digest": capture.get("payload_digest"),
        "warc_file": capture.get("warc_file"),
        "warc_offset": capture.get("warc_offset"),
        "warc_length": capture.get("warc_length"),
        "warc_record_id": capture.get("warc_record_id"),
        "discovered_via": capture.get("discovered_via"),
        "added_at": utcnow(),
    }
    inserted = _insert_document(session.get_bind().dialect.name, tuple(row)).rows(session, row)
    doc_id = inserted[0][0] if inserted else None
    if doc_id is None:
        return Stored(find_capture(session, page.url, page.text_digest), False)
    segs = page.segments
    learnt = templates.learn(session, doc_id, page.url, page.page_title or page.title or "", page.text, segs)
    own = learnt.template
    if own:  # fingerprinted again without its template text, unless that text was left out already (chrome)
        compared = masked(page.text, own, page.credits, segs)
        if compared != masked(page.text, set(), page.credits, segs):
            hashes = sorted(fingerprints(tokens(compared)))
            connection.execute(_COUNT, {"doc": doc_id, "count": len(hashes)})
    _FINGERPRINTS.insert(session, [(h, doc_id) for h in hashes])
    return Stored(doc_id, True, frozenset(learnt.changed), hashes, outlet_name, frozenset(own))


def note_first_seen(session: Session, doc_id: int, seen: FirstSeen) -> int | None:
    """Keep the earliest first-seen date of a document; returns its story if the date changed."""
    doc = session.get(Document, doc_id)
    if doc is None:
        return None
    known = FirstSeen.from_json((doc.signals or {}).get("first_seen"))
    if known and known.date <= seen.date:
        return None
    doc.signals = {**(doc.signals or {}), "first_seen": seen.as_json()}
    return doc.story_id


def add_skipped(session: Session, url: str, reason: str, warc_file: str | None, offset: int | None) -> None:
    exists = session.scalar(select(Skipped.id).where(
        Skipped.url == url, Skipped.reason == reason[:300], Skipped.warc_file == warc_file,
        Skipped.warc_offset == offset))
    if exists is None:
        session.add(Skipped(url=url, reason=reason[:300], warc_file=warc_file, warc_offset=offset))


def _datetime(value):
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def assign_story(session: Session, story_id: int | None, members: Sequence[int], merged: Sequence[int] = (),
                 reassign: bool = True) -> int:
    """Make ``members`` one story (new, or ``story_id``, absorbing the ``merged`` ones); its tree
    is written by :func:`write_story`, now or later. ``reassign=False``: the members are the
    story's already (its tree is only derived again). Core statements: this runs for every page
    of a crawl, and the ORM's bookkeeping would cost more than the database."""
    connection = session.connection()
    others = [s for s in merged if s != story_id]
    stories = _STORIES
    stale = [*others] if story_id is None else [story_id, *others]  # their trees are replaced
    if story_id is None:
        story_id = connection.execute(_NEW_STORY, [{}]).scalar_one()
    if stale:
        _DROP_TREES.execute(session, {"stories": stale})
    if reassign:
        ids = list(members)
        _JOIN_STORY.execute(session, {"ids": ids, "story": story_id})
    if others:
        connection.execute(update(stories).where(stories.c.id.in_(others)).values(origin_id=None))
        connection.execute(delete(Document.__table__).where(Document.__table__.c.story_id.in_(others), INFERRED))
        connection.execute(delete(stories).where(stories.c.id.in_(others)))
    return story_id


def write_story(session: Session, story_id: int | None, result: StoryResult, merged: Sequence[int] = (),
                reassign: bool = True) -> int:
    """Replace a story's tree with ``result``; stories merged into it are removed. Inferred sources
    (wire stories no captured page holds) become documents of the story, marked as not captured."""
    story_id = assign_story(session, story_id, result.members, merged, reassign)
    ids = _inferred_documents(session, story_id, result)
    session.connection().execute(_ORIGIN, {"story": story_id, "origin": ids.get(result.origin, result.origin)})
    if result.edges:  # Core executemany: the ORM's per-object bookkeeping dominates at scale
        session.connection().execute(_EDGE_ROWS, [_edge_row(story_id, e, ids) for e in result.edges])
    return story_id



def _inferred_documents(session: Session, story_id: int, result: StoryResult) -> dict[str, int]:
    """The story's inferred sources as documents (made on first use; those no longer used gone)."""
    keys = sorted({k for k in [result.origin, *(e.source for e in result.edges)] if isinstance(k, str) and is_inferred(k)})
    documents = Document.__table__
    connection = session.connection()
    stale = delete(documents).where(documents.c.story_id == story_id, INFERRED)
    connection.execute(stale.where(documents.c.url_key.not_in(keys)) if keys else stale)
    if not keys:
        return {}
    children: dict[str, list[int]] = {}
    for e in result.edges:
        if e.source in keys:
            children.setdefault(e.source, []).append(e.derived)
    dates = dict(connection.execute(select(documents.c.id, documents.c.published)
                                    .where(documents.c.id.in_([d for ds in children.values() for d in ds]))).all())
    ids = {}
    for key in keys:
        agency = BY_SLUG[key.removeprefix(INFERRED_PREFIX).split(":")[1]]
        known = [dates[d] for d in children.get(key, []) if dates.get(d) is not None]
        row = {
            "url": key, "url_key": key, "outlet_id": outlet(session, f"https://{agency.domain}/", agency.name)[0],
            "story_id": story_id, "title": f"{agency.name} wire story (not captured)", "page_title": None,
            "author": agency.name, "published": min(known) if known else None, "date_trust": 0.0,
            "site_name": f"{agency.name} (wire, not captured)", "language": None, "text": "",
            "text_digest": hashlib.sha1(key.encode()).hexdigest(), "fingerprint_count": 0,
            "signals": {"inferred": {"kind": "wire", "agency": agency.slug, "copies": len(children.get(key, []))}},
            "discovered_via": "inferred", "added_at": utcnow(),
        }
        found = connection.execute(select(documents.c.id).where(documents.c.url_key == key)).scalar()
        if found is None:
            found = connection.execute(insert(documents).returning(documents.c.id), [row]).scalar_one()
        else:
            connection.execute(update(documents).where(documents.c.id == found).values(
                story_id=story_id, published=row["published"], signals=row["signals"]))
        ids[key] = found
    return ids


def _edge_row(story_id: int | None, e: EdgeResult, inferred: dict[str, int] | None = None) -> dict:
    source = (inferred or {}).get(e.source, e.source)
    return {
        "story_id": story_id, "source_id": source, "derived_id": e.derived, "relation": e.relation.value,
        "confidence": e.confidence, "is_primary": e.primary, "evidence": [x.as_dict() for x in e.evidence],
        "stats": e.stats,
    }


def delete_quotes(session: Session, doc_ids: Sequence[int]) -> None:
    """Forget the quotations a set of documents make or receive (they are found again)."""
    edges = Edge.__table__
    ids = list(doc_ids)
    session.connection().execute(delete(edges).where(
        edges.c.relation == Relation.QUOTES.value, edges.c.source_id.in_(ids) | edges.c.derived_id.in_(ids)))


def leave_story(session: Session, doc_ids: Iterable[int]) -> None:
    """Documents that are nobody's copy any more: out of their story."""
    session.connection().execute(update(Document.__table__).where(Document.__table__.c.id.in_(list(doc_ids)))
                                 .values(story_id=None))


def drop_empty_stories(session: Session, story_ids: Sequence[int]) -> None:
    """Stories left without members (after a split) are removed with their edges."""
    if not story_ids:
        return
    connection = session.connection()
    stories = Story.__table__
    used = set(connection.execute(select(Document.story_id).where(Document.story_id.in_(list(story_ids)),
                                                                   ~INFERRED)).scalars())
    empty = [s for s in story_ids if s not in used]
    if empty:
        connection.execute(delete(Edge.__table__).where(Edge.__table__.c.story_id.in_(empty)))
        connection.execute(update(stories).where(stories.c.id.in_(empty)).values(origin_id=None))
        connection.execute(delete(Document.__table__).where(Document.__table__.c.story_id.in_(empty), INFERRED))
        connection.execute(delete(stories).where(stories.c.id.in_(empty)))


def write_quote(session: Session, source_id: int, derived_id: int, evidence: list[dict]) -> None:
    exists = session.scalar(select(Edge.id).where(Edge.source_id == source_id, Edge.derived_id == derived_id))
    if exists is None:
        session.add(Edge(story_id=None, source_id=source_id, derived_id=derived_id,
                         relation=Relation.QUOTES.value, confidence=0.9, is_primary=True,
                         evidence=evidence, stats={}))
