"""Reading and writing the provenance graph: documents, fingerprints, stories, edges."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from archive.provenance import index as candidate_rules
from archive.provenance.fingerprint import fingerprints
from archive.provenance.index import PREFETCH, CandidateIndex, choose
from archive.page import FirstSeen, Page, stored_page
from archive.provenance.model import Doc, EdgeResult, Relation, StoryResult, doc_from_page
from archive.provenance.template import masked, segments
from archive.provenance.text import tokens
from archive.store import templates
from archive.store.db import insert_ignoring
from archive.store.models import Check, Document, Edge, Fingerprint, Outlet, Skipped, Story, utcnow
from archive.provenance.wires import BY_SLUG
from archive.urls import INFERRED_PREFIX, is_inferred, outlet_domain, url_key


_CANDIDATES = (
    select(Fingerprint.document_id, func.count().label("shared"))
    .where(Fingerprint.hash.in_(bindparam("hashes", expanding=True)))
    .where(Fingerprint.document_id != bindparam("me"))
    .group_by(Fingerprint.document_id)
    .order_by(func.count().desc(), Fingerprint.document_id)
    .limit(PREFETCH)
)
_OTHER = aliased(Fingerprint)
# The document's fingerprints found in more than ``cap`` documents (the in-memory index's cap):
# a look past the cap-th posting, so a common fingerprint costs ``cap`` index entries, not all of them.
_COMMON = (
    select(Fingerprint.hash)
    .where(Fingerprint.document_id == bindparam("me"))
    .where(select(_OTHER.hash).where(_OTHER.hash == Fingerprint.hash).limit(1).offset(bindparam("cap")).exists())
)
_INFERRED = Document.__table__.c.url_key.startswith(INFERRED_PREFIX, autoescape=True)  # not captures
_COUNTS = select(Document.id, Document.fingerprint_count).where(Document.id.in_(bindparam("ids", expanding=True)))


def outlet_id(session: Session, url: str, name: str | None) -> int:
    """The id of the url's outlet, created on first sight (cached for the session's life)."""
    domain = outlet_domain(url) or "unknown"
    cache = session.info.setdefault("outlet_ids", {})
    if domain in cache:
        return cache[domain]
    # insert-or-ignore: another process (a crawl and an ingest) may be adding the same outlet
    session.connection().execute(insert_ignoring(session, Outlet.__table__, ["domain"]),
                                 [{"domain": domain, "name": name or None}])
    outlet = session.scalar(select(Outlet).where(Outlet.domain == domain))
    if name and not outlet.name:
        outlet.name = name
    cache[domain] = outlet.id
    return outlet.id


def prepared(page: Page) -> Page:
    """The page with what storage needs computed: text digest, segments and fingerprints (of the
    text without its chrome lines). Workers call this so the process that writes the database
    has less to do."""
    if page.fingerprints is None:
        words = tokens(page.text)
        page.text_digest = hashlib.sha1(" ".join(words.norm).encode()).hexdigest()
        page.fingerprints = sorted(fingerprints(tokens(masked(page.text, set(), page.credits))))
    if page.segments is None:
        page.segments = segments(page.text)
    return page


class Stored(NamedTuple):
    id: int
    created: bool
    retemplated: frozenset[int] = frozenset()  # other documents whose template text this one revealed


def find_capture(session: Session, url: str, digest: str) -> int | None:
    with session.no_autoflush:
        return session.scalar(select(Document.id).where(Document.url_key == url_key(url), Document.text_digest == digest))


def add_document(session: Session, page: Page, capture: dict[str, Any]) -> Stored:
    """Store one extracted page; returns its id, whether it is new, and the other documents whose
    template text it revealed. The same URL with the same text is the same capture, so re-running a
    crawl or an ingest adds nothing. Fingerprints leave out the template text known by then."""
    page = prepared(page)
    hashes = page.fingerprints
    # one round trip: insert unless this capture is stored already (unique url_key + text digest)
    connection = session.connection()  # Core, not the ORM's per-row bookkeeping: this is the hot path
    insert_new = insert_ignoring(session, Document.__table__, ["url_key", "text_digest"])
    doc_id = connection.execute(insert_new.returning(Document.__table__.c.id), [{
        "url": page.url,
        "url_key": url_key(page.url),
        "outlet_id": outlet_id(session, page.url, page.site_name),
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
    }]).scalar()
    if doc_id is None:
        return Stored(find_capture(session, page.url, page.text_digest), False)
    segs = page.segments
    retemplated = templates.learn(session, doc_id, page.url, page.page_title or page.title or "", page.text, segs)
    own = templates.known_template(session, (s.hash for s in segs))
    if own:
        hashes = sorted(fingerprints(tokens(masked(page.text, own, page.credits))))
        connection.execute(update(Document.__table__).where(Document.__table__.c.id == doc_id)
                           .values(fingerprint_count=len(hashes)))
    if hashes:
        connection.execute(insert(Fingerprint.__table__), [{"hash": h, "document_id": doc_id} for h in hashes])
    return Stored(doc_id, True, frozenset(retemplated))


def story_url_keys(session: Session, seed_keys: Sequence[str]) -> set[str]:
    """The URLs (keys) of every stored copy in the stories of the given seeds."""
    stories = select(Document.story_id).where(Document.url_key.in_(seed_keys), Document.story_id.is_not(None))
    return set(session.scalars(select(Document.url_key).where(Document.story_id.in_(stories))))


def stored_urls(session: Session, urls: Sequence[str]) -> set[str]:
    """Those of ``urls`` that have a document, or were recorded as giving none."""
    keys = {url_key(u): u for u in urls}
    found = {keys[k] for k in session.scalars(select(Document.url_key).where(Document.url_key.in_(keys)))}
    return found | set(session.scalars(select(Skipped.url).where(Skipped.url.in_(urls))))


def stories_of(session: Session, doc_ids: Sequence[int]) -> dict[int, int | None]:
    return dict(session.execute(select(Document.id, Document.story_id).where(Document.id.in_(doc_ids))).all())


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


def latest_captures(session: Session, story_id: int | None = None, url: str | None = None,
                    everything: bool = False) -> list[tuple[int, str]]:
    """(document id, URL) of the newest capture of each URL: of a story, of one URL, or all."""
    newest = select(func.max(Document.id)).where(~_INFERRED).group_by(Document.url_key)
    if story_id is not None:
        keys = select(Document.url_key).where(Document.story_id == story_id)
        newest = newest.where(Document.url_key.in_(keys))
    elif url is not None:
        newest = newest.where(Document.url_key == url_key(url))
    elif not everything:
        return []
    return [tuple(row) for row in session.execute(
        select(Document.id, Document.url).where(Document.id.in_(newest)).order_by(Document.id))]


def record_check(session: Session, url: str, previous: int, current: int | None, status: int | None,
                 detail: str | None) -> str:
    """A recheck's outcome, with what changed when the text did (credit lines removed, words)."""
    if current is None:
        outcome = "gone"
    elif current == previous:
        outcome = "unchanged"
    else:
        outcome = "changed"
        old, new = session.get(Document, previous), session.get(Document, current)
        detail = change_summary(old, new)
    session.add(Check(url=url, url_key=url_key(url), outcome=outcome, http_status=status,
                      document_id=current, detail=detail))
    return outcome


def change_summary(old: Document, new: Document) -> str:
    credits = lambda doc: {c["text"] for c in (doc.signals or {}).get("credits") or () if c.get("kind") != "canonical"}  # noqa: E731
    removed = credits(old) - credits(new)
    parts = [f"credit removed: {text!r}" for text in sorted(removed)]
    if (old.title or "") != (new.title or ""):
        parts.append(f"title was {old.title!r}")
    delta = len(new.text.split()) - len(old.text.split())
    parts.append(f"text {'+' if delta >= 0 else ''}{delta} words")
    return "; ".join(parts)


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


def candidates(session: Session, doc_id: int, hashes: list[int] | None = None) -> list[int]:
    """Stored documents sharing enough rare word pairs with the stored document ``doc_id`` to be
    worth aligning (``hashes``: its fingerprints, when the caller has them already)."""
    if hashes is None:
        hashes = list(session.scalars(select(Fingerprint.hash).where(Fingerprint.document_id == doc_id)))
    if not hashes:
        return []
    own_count = len(hashes)
    connection = session.connection()  # Core: a crawl asks this for every page
    common = set(connection.execute(_COMMON, {"me": doc_id, "cap": candidate_rules.MAX_POSTINGS}).scalars())
    usable = [h for h in hashes if h not in common]
    if not usable:
        return []
    ranked = connection.execute(_CANDIDATES, {"hashes": usable, "me": doc_id}).all()
    if not ranked:
        return []
    # counts in a second, keyed query: joining them into the grouping costs four times as much
    counts = dict(connection.execute(_COUNTS, {"ids": [doc for doc, _ in ranked]}).all())
    return choose(((doc, shared, counts.get(doc, 0)) for doc, shared in ranked), own_count)


def fingerprint_index(session: Session) -> CandidateIndex:
    """All fingerprints as an in-memory index (batch analysis)."""
    rows = session.execute(select(Fingerprint.hash, Fingerprint.document_id).execution_options(yield_per=50_000))
    return CandidateIndex.from_pairs(rows)


_DOC_COLUMNS = (Document.id, Document.url, Document.text, Document.title, Document.page_title, Document.author,
                Document.site_name, Outlet.name, Document.published, Document.date_trust, Document.signals)


def load_docs(session: Session, ids: Iterable[int]) -> list[Doc]:
    """Documents as the engine sees them, read in one query (no ORM objects)."""
    ids = list(ids)
    if not ids:
        return []
    query = (select(*_DOC_COLUMNS).join(Outlet, Outlet.id == Document.outlet_id)
             .where(Document.id.in_(ids), ~_INFERRED))
    with session.no_autoflush:
        rows = session.execute(query).all()
        template = templates.masks(session, ids)
    docs = []
    for doc_id, url, text, title, page_title, author, site, outlet_name, published, trust, signals in rows:
        page = stored_page(url, text, title, page_title, author, site, published, trust, signals)
        docs.append(doc_from_page(doc_id, page, masked(text, template.get(doc_id, set()), page.credits), outlet_name or ""))
    return docs


def story_members(session: Session, story_ids: Sequence[int]) -> set[int]:
    if not story_ids:
        return set()
    return set(session.scalars(select(Document.id).where(Document.story_id.in_(story_ids), ~_INFERRED)))


def assign_story(session: Session, story_id: int | None, members: Sequence[int], merged: Sequence[int] = (),
                 reassign: bool = True) -> int:
    """Make ``members`` one story (new, or ``story_id``, absorbing the ``merged`` ones); its tree
    is written by :func:`write_story`, now or later. ``reassign=False``: the members are the
    story's already (its tree is only derived again). Core statements: this runs for every page
    of a crawl, and the ORM's bookkeeping would cost more than the database."""
    connection = session.connection()
    others = [s for s in merged if s != story_id]
    stories, edges = Story.__table__, Edge.__table__
    stale = [*others] if story_id is None else [story_id, *others]  # their trees are replaced
    if story_id is None:
        story_id = connection.execute(insert(stories).returning(stories.c.id), [{}]).scalar_one()
    if stale:
        connection.execute(delete(edges).where(edges.c.story_id.in_(stale)))
    if reassign:
        connection.execute(update(Document.__table__).where(Document.__table__.c.id.in_(list(members)))
                           .values(story_id=story_id))
    if others:
        connection.execute(update(stories).where(stories.c.id.in_(others)).values(origin_id=None))
        connection.execute(delete(Document.__table__).where(Document.__table__.c.story_id.in_(others), _INFERRED))
        connection.execute(delete(stories).where(stories.c.id.in_(others)))
    return story_id


def write_story(session: Session, story_id: int | None, result: StoryResult, merged: Sequence[int] = (),
                reassign: bool = True) -> int:
    """Replace a story's tree with ``result``; stories merged into it are removed. Inferred sources
    (wire stories no captured page holds) become documents of the story, marked as not captured."""
    story_id = assign_story(session, story_id, result.members, merged, reassign)
    ids = _inferred_documents(session, story_id, result)
    stories = Story.__table__
    session.connection().execute(update(stories).where(stories.c.id == story_id)
                                 .values(origin_id=ids.get(result.origin, result.origin)))
    if result.edges:  # Core executemany: the ORM's per-object bookkeeping dominates at scale
        session.connection().execute(insert(Edge.__table__), [_edge_row(story_id, e, ids) for e in result.edges])
    return story_id



def _inferred_documents(session: Session, story_id: int, result: StoryResult) -> dict[str, int]:
    """The story's inferred sources as documents (made on first use; those no longer used gone)."""
    keys = sorted({k for k in [result.origin, *(e.source for e in result.edges)] if isinstance(k, str) and is_inferred(k)})
    documents = Document.__table__
    connection = session.connection()
    stale = delete(documents).where(documents.c.story_id == story_id, _INFERRED)
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
            "url": key, "url_key": key, "outlet_id": outlet_id(session, f"https://{agency.domain}/", agency.name),
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
                                                                   ~_INFERRED)).scalars())
    empty = [s for s in story_ids if s not in used]
    if empty:
        connection.execute(delete(Edge.__table__).where(Edge.__table__.c.story_id.in_(empty)))
        connection.execute(update(stories).where(stories.c.id.in_(empty)).values(origin_id=None))
        connection.execute(delete(Document.__table__).where(Document.__table__.c.story_id.in_(empty), _INFERRED))
        connection.execute(delete(stories).where(stories.c.id.in_(empty)))


def write_quote(session: Session, source_id: int, derived_id: int, evidence: list[dict]) -> None:
    exists = session.scalar(select(Edge.id).where(Edge.source_id == source_id, Edge.derived_id == derived_id))
    if exists is None:
        session.add(Edge(story_id=None, source_id=source_id, derived_id=derived_id,
                         relation=Relation.QUOTES.value, confidence=0.9, is_primary=True,
                         evidence=evidence, stats={}))
