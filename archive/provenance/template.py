"""Site template text: what recurs across different pages of one site is not the article.

A page's extracted text often keeps some of its site's chrome: a navigation table, a "Posted:"
line, a related-links box, a copyright footer, a wire credit every brief carries. Two different
articles of one site (or of one network of sites built from one template) share that text, and
without care it aligns as a copy or a quotation. Following Media Cloud's per-source sentence
deduplication, a text is cut into *segments* (its lines, long lines into sentences), and a segment
is template text of a site when two pages of that site that are different articles both hold it:

- two pages are different articles when they are different URLs and each says something of its
  own outside the segments they share (content words the other page never uses: a spun or edited
  copy rewords its source with the source's own names and terms), or, on one site, when they share
  their text under headlines that have little in common (a site whose extracted text is all
  navigation gives its pages the same text and different headlines);
- on different sites, only lines that are not prose (labels, menus, boxes of other stories'
  headlines: short, or not ending a sentence) and sentences at the bottom of both pages (a
  footer), two of them at least, count (a broadcast group's stations, a regional network's editions: the
  same header and footer around different stories), so a sentence one article quotes or reuses
  from another stays evidence;
- lines that are chrome by their wording (copyright and rights notices, "Posted:", "Click here",
  sharing prompts) are template everywhere, whatever else the archive holds.

Template knowledge only grows as pages arrive (more pairs, never fewer), and it depends only on
the set of stored pages, so a crawl, ``ingest`` and ``analyze`` reach the same masks. The engine
compares masked texts: template segments are left out of alignment, containment and quotation.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from archive.provenance.model import Credit
from archive.provenance.text import clean, content_words

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+(?=[\"“‘«(]?[A-Z0-9])")
LONG_LINE = 25  # words: a longer line (a paragraph, a footer of several notices) is cut into sentences
EDGE_MAX_WORDS = 40  # a cross-site template segment is at most this long
PROSE_WORDS = 4  # a line of this many words or more ending a sentence is prose
_PROSE_END = re.compile(r"[.!?…:][\"”’»)]*$")
OWN_WORDS = 8  # content words a page must have outside the shared segments to count as its own article
OWN_NAMES = 5  # ... or names and figures (two briefs on one sport share its words, not its names)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,}|\d[\d,.]*\d|\d)\b", re.MULTILINE)
NOVEL_SHARE = 0.5  # ... of which at least this share the other page does not use
TITLE_KIN = 0.5  # headlines sharing this share of their words belong to one article
CHROME = re.compile(
    r"^(?:copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)\s*\d{4}|all rights reserved|posted(?: on)?:|updated:|last updated\b|"
    r"click here\b|share (?:this|on)\b|follow us\b|sign up\b|subscribe\b|terms of (?:use|service)\b|"
    r"privacy policy\b|advertisement$|related (?:articles|stories|links|content)\b|more headlines\b|"
    r"most (?:popular|read|viewed)\b|read more\b|comments?\s*\(\d+\)|print this|e-?mail this)",
    re.IGNORECASE,
)
RIGHTS = re.compile(r"\b(?:all rights reserved|may not be (?:published|reproduced|redistributed)|"
                    r"copyright \d{4}|© ?\d{4})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Segment:
    """A line or sentence of a text: its characters, its words, a stable hash of its normalised
    words (digits folded, so "Posted: May 3, 2008" recurs as one segment), whether it is page
    chrome and whether it reads as prose."""

    start: int
    end: int
    words: int
    hash: int
    chrome: bool
    prose: bool  # a sentence of the kind articles are made of (a quotation or a reused one), not a label

    def __reduce__(self):  # pickled as a tuple (twice as fast): pages carry dozens across the process pools
        return Segment, (self.start, self.end, self.words, self.hash, self.chrome, self.prose)


def _hash(words: Sequence[str]) -> int:
    key = _DIGIT.sub("0", " ".join(words)).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)


def _pieces(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if len(_WORD.findall(line)) > LONG_LINE:
            cut = start
            for match in _SENTENCE_END.finditer(line):
                yield cut, start + match.start()
                cut = start + match.end()
            yield cut, end
        else:
            yield start, end
        start = end + 1


@lru_cache(maxsize=2048)  # a stored page is the neighbour of many pages that arrive after it
def segments(text: str) -> tuple[Segment, ...]:
    """The text's segments of two words or more, in order."""
    found = []
    for start, end in _pieces(text):
        words = [w.casefold() for w in _WORD.findall(clean(text[start:end]))]
        if len(words) >= 2:
            piece = text[start:end].strip()
            chrome = bool(CHROME.match(piece) or (len(words) <= EDGE_MAX_WORDS and RIGHTS.search(piece)))
            prose = len(words) > EDGE_MAX_WORDS or (len(words) >= PROSE_WORDS and bool(_PROSE_END.search(piece)))
            found.append(Segment(start, end, len(words), _hash(words), chrome, prose))
    return tuple(found)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", clean(text).casefold())


def title_words(title: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(clean(title or "")) if len(w) > 2)


@lru_cache(maxsize=512)  # a new page meets each of its neighbours with the same text
def vocabulary(text: str) -> frozenset[str]:
    """The text's content words: what two copies of one article share, spun or not."""
    return content_words({m.casefold() for m in set(_WORD.findall(clean(text)))})


@lru_cache(maxsize=512)
def names(text: str) -> frozenset[str]:
    """Names and figures: capitalised words inside sentences, and numbers. A spinner or an editor
    leaves them alone; a different story has its own."""
    return frozenset(m.group(1).casefold() for m in _NAME.finditer(clean(text)))


def _rest(text: str, segs: Sequence[Segment], shared: set[int]) -> str:
    return " ".join(text[s.start:s.end] for s in segs if s.hash not in shared)


def _own(rest_a: frozenset[str], rest_b: frozenset[str], all_a: frozenset[str], all_b: frozenset[str],
         least: int) -> bool:
    """Each side's own words (outside what they share) are mostly words the other never uses."""
    return (len(rest_a) >= least and len(rest_b) >= least
            and len(rest_a - all_b) >= NOVEL_SHARE * len(rest_a) and len(rest_b - all_a) >= NOVEL_SHARE * len(rest_b))


def different_articles(text_a: str, segs_a: Sequence[Segment], text_b: str, segs_b: Sequence[Segment],
                       same_site: bool, title_a: str, title_b: str) -> bool:
    """Are two pages (different URLs) that share some segments two articles? Each must say
    something of its own outside what they share: content words, or names and figures, the other
    page does not use at all (a spun or edited copy rewords its source's sentences with the
    source's own names and terms; two briefs in one template tell different stories). On one site, pages with the same text under
    unrelated headlines are two articles whose text is all template."""
    shared = {s.hash for s in segs_a} & {s.hash for s in segs_b}
    rest_a, rest_b = _rest(text_a, segs_a, shared), _rest(text_b, segs_b, shared)
    if _own(vocabulary(rest_a), vocabulary(rest_b), vocabulary(text_a), vocabulary(text_b), OWN_WORDS):
        return True
    if _own(names(rest_a), names(rest_b), names(text_a), names(text_b), OWN_NAMES):
        return True
    words_a, words_b = title_words(title_a), title_words(title_b)
    if same_site and words_a and words_b:
        return len(words_a & words_b) < TITLE_KIN * min(len(words_a), len(words_b))
    return False


def _trailing(segs: Sequence[Segment], shared: set[int]) -> set[int]:
    """The shared segments of the block that ends the text: from its last segment back, segments
    the other page holds too or that are chrome, up to the first that is neither."""
    found = set()
    for seg in reversed(segs):
        if seg.hash in shared:
            found.add(seg.hash)
        elif not seg.chrome:
            break
    return found


def shared_template(mine: Sequence[Segment], theirs: Sequence[Segment], same_site: bool,
                    different: bool) -> set[int]:
    """The segments (hashes) a page and another page of one site (``same_site``) or of another
    site turn into template text, when they are ``different`` articles."""
    if not different:
        return set()
    shared = {s.hash for s in mine} & {s.hash for s in theirs}
    if same_site:
        return shared
    # labels (menus, headlines of other stories in a box) anywhere; sentences only in the block
    # that ends both pages (a footer: a quotation or a reused lede sits at the top or in the middle)
    found = {s.hash for s in mine if s.hash in shared and not s.prose} | (_trailing(mine, shared) & _trailing(theirs, shared))
    return found if len(found) >= 2 else set()


def masked(text: str, template: set[int] | frozenset[int], credits: Iterable[Credit] = (),
           segs: Sequence[Segment] | None = None) -> str:
    """The text without its template segments and chrome lines (what the engine compares). Its
    credit lines and datelines stay, template or not: which copy carries which is evidence.
    ``segs``: the text's :func:`segments`, when the caller has them."""
    keep = [_squash(c.text) for c in credits or () if c.kind in ("line", "dateline")]
    keep = [k for k in keep if len(k) >= 10]
    parts, last = [], 0
    for seg in segments(text) if segs is None else segs:
        if (seg.chrome or seg.hash in template) and not (keep and any(k in _squash(text[seg.start:seg.end]) for k in keep)):
            parts.append(text[last:seg.start])
            last = seg.end
    if not parts:
        return text
    parts.append(text[last:])
    return re.sub(r"\n{2,}", "\n", re.sub(r"[ \t]{2,}", " ", "".join(parts))).strip()
