"""Fingerprints for finding candidate copies among many documents.

Ordinary 5-word shingles keep only ~14 % of a spun copy. We index *rare word pairs* instead: two
consecutive words of which one is rare in the language (``wordfreq`` Zipf < 4) or a number. A
spinner swaps common words for synonyms and leaves names, numbers and unusual terms alone, so
about half of these pairs survive 35 % spinning (measured on the seed pair: 0.45), while two
articles on one topic share only the few pairs their names make. A fixed quarter of the pairs
(by hash) is kept, so an excerpt keeps exactly the fingerprints of the passage it kept; the
``KEEP_SMALLEST`` smallest hashes are kept too, so a short article (a 70-word brief has about as
many rare pairs) is never left without fingerprints, and its copies share them.

Rarity comes from a fixed word list, not from the corpus, so a document's fingerprints never
change as the archive grows: incremental and batch analysis index the same values.
"""

from __future__ import annotations

import hashlib
import heapq
from functools import lru_cache

from wordfreq import get_frequency_list, zipf_frequency

from archive.provenance.text import Tokens, stopwords

RARE_ZIPF = 4.0
SAMPLE = 4  # keep one pair in SAMPLE, chosen by hash
KEEP_SMALLEST = 6  # and the smallest hashes, whatever the sample


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """The plain lower-case words at ``RARE_ZIPF`` or above: wordfreq's list is in buckets of one
    frequency each, most frequent first, so the buckets down to the first rare one (each bucket's
    Zipf value read from one of its words, exactly as ``zipf_frequency`` gives it)."""
    common: set[str] = set()
    for bucket in get_frequency_list("en"):
        plain = next((w for w in bucket if _plain(w)), None)
        if plain is not None and zipf_frequency(plain, "en") < RARE_ZIPF:
            break
        common.update(w for w in bucket if _plain(w))
    return frozenset(common)


def load_word_lists() -> None:
    """Read wordfreq's list and jusText's stoplist now (about 0.3 s): a process that forks its
    workers afterwards has them read once for all, not once a worker."""
    _common()
    stopwords()
    zipf_frequency("the", "en")


def _plain(word: str) -> bool:
    """A word wordfreq's tokenizer reads as itself: ASCII lower-case letters only."""
    return word.isascii() and word.isalpha() and word.islower()


@lru_cache(maxsize=200_000)
def _rare(word: str) -> bool:
    if _plain(word):  # a set look-up; zipf_frequency tokenizes the word first, 0.1 ms a word
        return word not in _common()
    return any(c.isdigit() for c in word) or zipf_frequency(word, "en") < RARE_ZIPF


def _hash(pair: str) -> int:
    return int.from_bytes(hashlib.blake2b(pair.encode(), digest_size=8).digest(), "big", signed=True)


def fingerprints(tok: Tokens) -> set[int]:
    words, stop = tok.norm, stopwords()
    pairs = set()
    for first, second in zip(words, words[1:]):
        if first in stop and second in stop:
            continue
        if not (_rare(first) or _rare(second)):
            continue
        pairs.add(_hash(f"{first} {second}"))
    return {h for h in pairs if h % SAMPLE == 0} | set(heapq.nsmallest(KEEP_SMALLEST, pairs))
