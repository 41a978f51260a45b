"""The candidate index in memory (numpy), for batch analysis and its benchmark.

The same rule as the database query (:func:`choose`) decides which documents are candidates, so
batch analysis on this index and incremental analysis on the database find the same pairs.
Fingerprints are kept as two parallel arrays sorted by hash, and again grouped by document
(32 bytes a fingerprint): a lookup is a binary search per hash and a count of the document ids
it lands on.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

import numpy as np

MAX_CANDIDATES = 25
MIN_SHARED = 2  # fingerprints two documents must share to be aligned...
SHORT = 12  # ...or just one, when either has fewer fingerprints than this (a short excerpt)
MIN_SHARED_SHARE = 0.2  # shared fingerprints / fingerprints of the smaller document (copies: >= 0.33 measured)
REUSE_SHARED = 4  # ...or this many, whatever the share: a story reusing two paragraphs of a long one
# ...or, whatever the share and count, REUSE_RARE fingerprints found in REUSE_POSTINGS documents at
# most (one, when either has fewer than SHORT): a paragraph or two reused from another story keep
# two or three of its fingerprints (one rare word pair in four is kept), a short excerpt one or two
# of its few, and pairs that rare belong to a story and its copies, not to a topic's news (the B
# corpora's stories hold theirs in 3-17 documents)
REUSE_RARE = 2
REUSE_POSTINGS = 20
PREFETCH = 2 * MAX_CANDIDATES  # rows the ranking keeps before the share test
# A fingerprint found in more documents than this is too common to point at a copy (a name in
# the news of the month): candidate search leaves it out. Copies share many rarer ones; without
# the cap, search time grows with the archive (its lists lengthen with every document).
MAX_POSTINGS = 1000


def choose(rows: Iterable[tuple[int, int, int]], own_count: int) -> Candidates:
    """From (document, shared fingerprints, its fingerprint count) ranked by shared count
    descending then id, the candidates worth aligning. The test reads the same from either side.
    Those only ``REUSE_SHARED`` admits (too small a share for a copy) are ``need_passage``."""
    out, few = Candidates(), set()
    for other_id, shared, other_count in rows:
        smaller = min(own_count, other_count or 0)
        if shared >= (1 if smaller < SHORT else MIN_SHARED) and (
                shared >= MIN_SHARED_SHARE * max(1, smaller) or shared >= REUSE_SHARED):
            out.append(other_id)
            if shared < MIN_SHARED_SHARE * max(1, smaller):
                few.add(other_id)
    del out[MAX_CANDIDATES:]
    out.need_passage = frozenset(few) & frozenset(out)
    return out


class Candidates(list):
    """Candidate documents, best first. ``need_passage``: those too few fingerprints admitted for
    a copy's share (the rare route, ``REUSE_SHARED``): what those routes exist for, partial reuse,
    short excerpts and quotations, shares a passage, and a pair sharing none is not worth aligning.
    On the crawl benchmark's site the rare route alone made five times the comparisons, and of
    2,965 pairs ``REUSE_SHARED`` admitted 2,938 were unrelated (26 quotations, 1 reuse, each with
    its passage)."""

    need_passage: frozenset[int] = frozenset()


def with_rare(chosen: Candidates, rare_rows: Iterable[tuple[int, int, int]], own_count: int) -> Candidates:
    """The candidates :func:`choose` kept, then those of (document, shared rare fingerprints, its
    fingerprint count), ranked like its rows, that share enough rare fingerprints."""
    rare = [other_id for other_id, shared, other_count in rare_rows if other_id not in chosen
            and shared >= (1 if min(own_count, other_count or 0) < SHORT else REUSE_RARE)]
    out = Candidates([*chosen, *rare][:MAX_CANDIDATES])
    out.need_passage = (frozenset(rare) | chosen.need_passage) & frozenset(out)
    return out


class CandidateIndex:
    def __init__(self, hashes: np.ndarray, doc_ids: np.ndarray):
        order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[order]
        self.doc_ids = doc_ids[order]
        by_doc = np.argsort(doc_ids, kind="stable")  # the same fingerprints, grouped by document
        self._docs_sorted = doc_ids[by_doc]
        self._hashes_by_doc = hashes[by_doc]
        self._count_ids, self._counts = np.unique(self._docs_sorted, return_counts=True)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, int]]) -> CandidateIndex:
        """From (hash, document) pairs, read straight into one array (no list of tuples: at a
        million documents that list alone would take gigabytes)."""
        data = np.fromiter(chain.from_iterable(pairs), dtype=np.int64).reshape(-1, 2)
        return cls(data[:, 0].copy(), data[:, 1].copy())

    def __len__(self) -> int:
        return len(self._count_ids)

    def count(self, doc_ids: np.ndarray) -> np.ndarray:
        """How many fingerprints each of ``doc_ids`` (all indexed) has."""
        return self._counts[np.searchsorted(self._count_ids, doc_ids)]

    def fingerprints_of(self, doc_id: int) -> np.ndarray:
        start = np.searchsorted(self._docs_sorted, doc_id, side="left")
        end = np.searchsorted(self._docs_sorted, doc_id, side="right")
        return self._hashes_by_doc[start:end]

    def candidates(self, doc_id: int, hashes: np.ndarray | list[int]) -> Candidates:
        hashes = np.asarray(hashes, dtype=np.int64)
        if not len(hashes):
            return Candidates()
        left = np.searchsorted(self.hashes, hashes, side="left")
        right = np.searchsorted(self.hashes, hashes, side="right")
        postings = right - left
        usable = (postings > 0) & (postings <= MAX_POSTINGS)
        ids, shared = self._ranked(doc_id, left, right, usable)
        if not len(ids):
            return Candidates()
        chosen = choose(zip(ids.tolist(), shared.tolist(), self.count(ids).tolist()), len(hashes))
        rare_ids, rare_shared = self._ranked(doc_id, left, right, usable & (postings <= REUSE_POSTINGS))
        rare_rows = zip(rare_ids.tolist(), rare_shared.tolist(), self.count(rare_ids).tolist())
        return with_rare(chosen, rare_rows, len(hashes))

    def _ranked(self, doc_id: int, left: np.ndarray, right: np.ndarray, usable: np.ndarray):
        """The other documents holding the usable fingerprints, with how many each holds, ranked by
        that count descending then id, the first PREFETCH (as the database query ranks them)."""
        hits = np.concatenate([self.doc_ids[a:b] for a, b in zip(left[usable], right[usable])]
                              or [np.empty(0, np.int64)])
        hits = hits[hits != doc_id]
        ids, shared = np.unique(hits, return_counts=True)
        ranked = np.lexsort((ids, -shared))[:PREFETCH]
        return ids[ranked], shared[ranked]
