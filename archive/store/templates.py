"""What the archive knows of each site's template text: segments stored, template segments learnt.

Each stored document's segments (:mod:`archive.provenance.template`) are indexed by site and hash.
When a document arrives, the pages that share segments with it are looked up: on its own site
(registered domain) any segment it shares with a different article is template text there; on
other sites, labels and footer lines at the top or bottom of both pages (one network's template).
The segments learnt this way are recorded with the sites that showed them, and they are masked
in every document that holds them, on any site: a scraper's copy carries its source's template,
and masking one side of a pair only would make that text look like the copy's own. The documents
holding newly learnt segments are returned: their masks changed, so their links and stories must
be brought up to date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from archive.provenance.template import Segment, different_articles, segments, shared_template
from archive.store.db import Hot, insert_ignoring, insert_ignoring_on
from archive.store.models import Document, Segment as SegmentRow, TemplateSegment
from archive.urls import outlet_domain, url_key

NEIGHBOURS = 200  # pages sharing segments looked at per new page (the most recent first)

_SEG = SegmentRow.__table__
_TPL = TemplateSegment.__table__
# Built once, compiled once (archive/store/db.py, the writer's hot path).
_SHARING = Hot(
    select(_SEG.c.document_id, _SEG.c.hash, _SEG.c.site)
    .where(_SEG.c.hash.in_(bindparam("hashes", expanding=True)))
    .where(_SEG.c.document_id != bindparam("me"))
    .order_by(_SEG.c.document_id.desc())
    .limit(20 * NEIGHBOURS)
)
_KNOWN = Hot(select(_TPL.c.hash).where(_TPL.c.hash.in_(bindparam("hashes", expanding=True))).distinct())
_HOLDERS = Hot(select(_SEG.c.document_id).where(_SEG.c.hash == bindparam("hash")))
_ABOUT = Hot(select(Document.id, Document.url_key, func.coalesce(Document.page_title, Document.title), Document.text)
             .where(Document.id.in_(bindparam("ids", expanding=True))))
_MASKS = Hot(
    select(_SEG.c.document_id, _SEG.c.hash)
    .join(_TPL, _TPL.c.hash == _SEG.c.hash)
    .where(_SEG.c.document_id.in_(bindparam("ids", expanding=True)))
)
_SEGMENT_COLUMNS = ("hash", "document_id", "site", "words")


@lru_cache(maxsize=None)
def _add_segments(dialect: str) -> Hot:
    """Insert segments unless stored (a page's repeated lines, another process's same page)."""
    return Hot(insert_ignoring_on(dialect, _SEG), _SEGMENT_COLUMNS)


def site_of(url: str) -> str:
    return outlet_domain(url) or "unknown"


def known_template(session: Session, hashes: Iterable[int]) -> set[int]:
    """Those of ``hashes`` known as template text (of any site: a copy carries its source's)."""
    hashes = list(set(hashes))
    if not hashes:
        return set()
    return {h for h, in _KNOWN.rows(session, {"hashes": hashes})}


class Learnt(NamedTuple):
    changed: set[int]  # the other documents whose template text changed
    template: set[int]  # the new document's segments (hashes) known as template text now


def learn(session: Session, doc_id: int, url: str, title: str, body: str, segs: Sequence[Segment]) -> Learnt:
    """Store a new document's segments and learn the template text it reveals."""
    site = site_of(url)
    unique = {s.hash: s for s in segs}
    _add_segments(session.get_bind().dialect.name).insert(
        session, [(s.hash, doc_id, site, s.words) for s in unique.values()])
    known = known_template(session, unique)
    asked = [h for h in unique if h not in known]
    if not asked:
        return Learnt(set(), known)
    sharing: dict[int, str] = {}
    for other, _, other_site in _SHARING.rows(session, {"hashes": asked, "me": doc_id}):
        if other not in sharing and len(sharing) < NEIGHBOURS:
            sharing[other] = other_site
    if not sharing:
        return Learnt(set(), known)
    about = {d: (k, t or "", body or "") for d, k, t, body in _ABOUT.rows(session, {"ids": list(sharing)})}
    mine_key = url_key(url)
    learnt: set[tuple[str, int]] = set()
    for other, other_site in sharing.items():
        key, other_title, other_body = about.get(other, ("", "", ""))
        if key == mine_key:  # another capture of this very page
            continue
        same_site = other_site == site
        other_segs = segments(other_body)
        # what the pair would make template text if they were two articles; most pairs of sites
        # share nothing of the kind, and then whether they are two articles (the costly test,
        # 70 % of the calls on benchmarks.crawl_throughput's site) cannot change the answer
        found = shared_template(segs, other_segs, same_site, True)
        if not found or not different_articles(body, segs, other_body, other_segs, same_site, title, other_title):
            continue
        learnt.update((site, h) for h in found)
        learnt.update((other_site, h) for h in found)
    return Learnt(_record(session, learnt, doc_id), known | {h for _, h in learnt})


def _record(session: Session, learnt: set[tuple[str, int]], doc_id: int) -> set[int]:
    """Record template segments; returns the documents (other than ``doc_id``) holding the new ones."""
    if not learnt:
        return set()
    connection = session.connection()
    fresh = {h for _, h in learnt} - known_template(session, {h for _, h in learnt})
    connection.execute(insert_ignoring(session, _TPL), [{"site": s, "hash": h} for s, h in sorted(learnt)])
    changed: set[int] = set()
    for h in sorted(fresh):
        changed.update(d for d, in _HOLDERS.rows(session, {"hash": h}))
    changed.discard(doc_id)
    return changed


def masks(session: Session, doc_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each document's template segments (hashes)."""
    ids = list(doc_ids)
    found: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for doc_id, h in _MASKS.rows(session, {"ids": part}):
            found[doc_id].add(h)
    return found


def backfill(session: Session) -> int:
    """Segments (and the template text they reveal) for documents stored without them, in id order."""
    rows = session.execute(text(
        "SELECT d.id, d.url, COALESCE(d.page_title, d.title, ''), d.text FROM documents d "
        "WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.document_id = d.id) ORDER BY d.id")).all()
    for doc_id, url, title, body in rows:
        learn(session, doc_id, url, title, body or "", segments(body or ""))
    session.flush()
    return len(rows)
