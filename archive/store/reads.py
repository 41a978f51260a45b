"""Reading the provenance graph on the hot paths: candidates, documents as the engine sees them,
stories and their members, which URLs are stored."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from archive.page import stored_page
from archive.provenance import index as candidate_rules
from archive.provenance.index import PREFETCH, CandidateIndex, Candidates, choose, with_rare
from archive.provenance.model import Doc, doc_from_page
from archive.provenance.template import masked
from archive.store import templates
from archive.store.db import Hot
from archive.store.models import Document, Edge, Fingerprint, Outlet, Skipped
from archive.urls import INFERRED_PREFIX, url_key


# Built once, compiled once (archive/store/db.py, the writer's hot path): a crawl's writer runs
# these for every page, and building a statement costs more than SQLite running it.
_CANDIDATES = Hot(
    select(Fingerprint.document_id, func.count().label("shared"))
    .where(Fingerprint.hash.in_(bindparam("hashes", expanding=True)))
    .where(Fingerprint.document_id != bindparam("me"))
    .group_by(Fingerprint.document_id)
    .order_by(func.count().desc(), Fingerprint.document_id)
    .limit(PREFETCH)
)
_OTHER = aliased(Fingerprint)


def _held_past(cap: str):
    """Is the fingerprint held by more than ``cap`` documents? A look past the cap-th posting, so
    a common fingerprint costs ``cap`` index entries, not all of them."""
    return select(_OTHER.hash).where(_OTHER.hash == Fingerprint.hash).limit(1).offset(bindparam(cap)).exists()


# The document's fingerprints held by more than ``least`` documents, each with whether it is past
# the in-memory index's cap and past the rare route's (``least``: the lower of the two): one
# statement for both
_COMMON = Hot(
    select(Fingerprint.hash, _held_past("cap"), _held_past("rare"))
    .where(Fingerprint.document_id == bindparam("me"))
    .where(_held_past("least"))
)
INFERRED = Document.__table__.c.url_key.startswith(INFERRED_PREFIX, autoescape=True)  # not captures
_COUNTS = Hot(select(Document.id, Document.fingerprint_count).where(Document.id.in_(bindparam("ids", expanding=True))))
_STORY_OF = Hot(select(Document.story_id).where(Document.id == bindparam("id")))
_STORIES_OF = Hot(select(Document.id, Document.story_id).where(Document.id.in_(bindparam("ids", expanding=True))))
_MEMBERS = Hot(select(Document.id).where(Document.story_id.in_(bindparam("ids", expanding=True)), ~INFERRED))


def find_capture(session: Session, url: str, digest: str) -> int | None:
    with session.no_autoflush:
        return session.scalar(select(Document.id).where(Document.url_key == url_key(url), Document.text_digest == digest))


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
    ids = list(doc_ids)
    return dict(_STORIES_OF.rows(session, {"ids": ids}))


def story_of(session: Session, doc_id: int) -> int | None:
    found = _STORY_OF.rows(session, {"id": doc_id})
    return found[0][0] if found else None


def latest_captures(session: Session, story_id: int | None = None, url: str | None = None,
                    everything: bool = False) -> list[tuple[int, str]]:
    """(document id, URL) of the newest capture of each URL: of a story, of one URL, or all."""
    newest = select(func.max(Document.id)).where(~INFERRED).group_by(Document.url_key)
    if story_id is not None:
        keys = select(Document.url_key).where(Document.story_id == story_id)
        newest = newest.where(Document.url_key.in_(keys))
    elif url is not None:
        newest = newest.where(Document.url_key == url_key(url))
    elif not everything:
        return []
    return [tuple(row) for row in session.execute(
        select(Document.id, Document.url).where(Document.id.in_(newest)).order_by(Document.id))]


def candidates(session: Session, doc_id: int, hashes: list[int] | None = None,
               counts: MutableMapping[int, int] | None = None) -> Candidates:
    """Stored documents sharing enough rare word pairs with the stored document ``doc_id`` to be
    worth aligning (``hashes``: its fingerprints, when the caller has them already; ``counts``:
    documents' fingerprint counts known already, filled in here: a count never changes once its
    document is stored)."""
    if hashes is None:
        hashes = list(session.scalars(select(Fingerprint.hash).where(Fingerprint.document_id == doc_id)))
    if not hashes:
        return Candidates()
    counts = {} if counts is None else counts
    own_count = len(hashes)
    cap, rare_cap = candidate_rules.MAX_POSTINGS, candidate_rules.REUSE_POSTINGS
    past = {h: (common, rarer) for h, common, rarer in _COMMON.rows(
        session, {"me": doc_id, "cap": cap, "rare": rare_cap, "least": min(cap, rare_cap)})}
    usable = [h for h in hashes if not past.get(h, (False, False))[0]]
    if not usable:
        return Candidates()
    ranked = _CANDIDATES.rows(session, {"hashes": usable, "me": doc_id})
    if not ranked:
        return Candidates()
    rare = [h for h in usable if not past.get(h, (False, False))[1]]
    if len(rare) == len(usable):  # none of them between the two caps: the same query, the same rows
        rare_ranked = ranked
    else:
        rare_ranked = _CANDIDATES.rows(session, {"hashes": rare, "me": doc_id}) if rare else []
    # counts in a second, keyed query: joining them into the grouping costs four times as much
    missing = list({doc for doc, _ in (*ranked, *rare_ranked) if doc not in counts})
    if missing:
        counts.update(_COUNTS.rows(session, {"ids": missing}))
    chosen = choose(((doc, shared, counts.get(doc, 0)) for doc, shared in ranked), own_count)
    return with_rare(chosen, ((doc, shared, counts.get(doc, 0)) for doc, shared in rare_ranked), own_count)


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
             .where(Document.id.in_(ids), ~INFERRED))
    with session.no_autoflush:
        rows = session.execute(query).all()
        template = templates.masks(session, ids)
    docs = []
    for doc_id, url, text, title, page_title, author, site, outlet_name, published, trust, signals in rows:
        page = stored_page(url, text, title, page_title, author, site, published, trust, signals)
        compared = masked(text, template.get(doc_id, set()), page.credits)
        docs.append(doc_from_page(doc_id, page, compared, outlet_name or ""))
    return docs


def stories_without_tree(session: Session) -> set[int]:
    """Stories of two captured documents or more and no edge: their members changed and the
    process that changed them stopped before it derived their trees again (a killed crawl)."""
    several = (select(Document.story_id).where(Document.story_id.is_not(None), ~INFERRED)
               .group_by(Document.story_id).having(func.count() > 1))
    return set(session.scalars(several.except_(select(Edge.story_id).where(Edge.story_id.is_not(None)))))


def story_members(session: Session, story_ids: Sequence[int]) -> set[int]:
    if not story_ids:
        return set()
    ids = list(story_ids)
    return {d for d, in _MEMBERS.rows(session, {"ids": ids})}
