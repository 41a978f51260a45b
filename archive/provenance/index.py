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
PREFETCH = 2 * MAX_CANDIDATES  # rows the ranking keeps before the share test
# A fingerprint found in more documents than this is too common to point at a copy (a name in
# the news of the month): candidate search leaves it out. Copies share many rarer ones; without
# the cap, search time grows with the archive (its lists lengthen with every document).
MAX_POSTINGS = 1000


def choose(rows: Iterable[tuple[int, int, int]], own_count: int) -> list[int]:
    """From (document, shared fingerprints, its fingerprint count) ranked by shared count
    descending then id, the candidates worth aligning. The test reads the same from either side."""
    out = []
    for other_id, shared, other_count in rows:
        smaller = min(own_count, other_count or 0)
        if shared >= (1 if smaller < SHORT else MIN_SHARED) and (
                shared >= MIN_SHARED_SHARE * max(1, smaller) or shared >= REUSE_SHARED):
            out.append(other_id)
    return out[:MAX_CANDIDATES]


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

    def candidates(self, doc_id: int, hashes: np.ndarray | list[int]) -> list[int]:
        hashes = np.asarray(hashes, dtype=np.int64)
        if not len(hashes):
            return []
        left = np.searchsorted(self.hashes, hashes, side="left")
        right = np.searchsorted(self.hashes, hashes, side="right")
        usable = (right > left) & (right - left <= MAX_POSTINGS)
        hits = np.concatenate([self.doc_ids[a:b] for a, b in zip(left[usable], right[usable])]
                              or [np.empty(0, np.int64)])
        hits = hits[hits != doc_id]
        if not len(hits):
            return []
        ids, shared = np.unique(hits, return_counts=True)
        ranked = np.lexsort((ids, -shared))[:PREFETCH]
        rows = zip(ids[ranked].tolist(), shared[ranked].tolist(), self.count(ids[ranked]).tolist())
        return choose(rows, len(hashes))
