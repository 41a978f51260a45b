"""Is B a copy of A, does it reuse part of A or reword A, does it only quote A, or are they
unrelated? One alignment decides, and for texts that share too little word for word, a sentence
by sentence comparison tells a rewrite from two reports of one event."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from archive.provenance.align import Alignment, Passage, Span, align
from archive.provenance.model import Doc
from archive.provenance.text import clean, tokens

COPY_CONTAINMENT = 0.5  # share of the smaller text found in the other
COPY_MIN_WORDS = 25  # identical words a copy shares with its source at least
QUOTE_MIN_WORDS = 15  # identical words in one run that make a quotation (a template note is shorter)
SPIN_RATE = 0.02  # substituted words per word of shared passage
SPIN_MIN = 3  # substitutions a spin needs at least


PARTIAL_MIN_WORDS = 40  # identical words outside quotation marks that make reuse, not a quotation
PARTIAL_PASSAGE = 20  # ... in one passage of this length at least
FOOT, HEAD = 0.25, 0.1  # the shares of a text where footers and link boxes, and headers, stand
REWRITE_SENTENCES = 0.6  # share of the shorter text's sentences with a reworded counterpart
REWRITE_MIN_SENTENCES = 4
REWRITE_SIMILARITY = 70  # token-sort ratio (rapidfuzz) of two sentences saying the same thing
SENTENCE_WORDS = 6  # a shorter "sentence" is a heading, a dateline or a fragment
_SENTENCE = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+|\n+")


class Kinship(StrEnum):
    COPY = "copy"
    PARTIAL = "partial"  # some passages reused inside a text of its own
    REWRITE = "rewrite"  # sentence by sentence, reworded
    QUOTE = "quote"
    NONE = "none"


DERIVED = frozenset({Kinship.COPY, Kinship.PARTIAL, Kinship.REWRITE})  # kinships that make one story


@dataclass(slots=True)
class Pair:
    """Two documents compared: ``a`` and ``b`` as given, alignment from a's side."""

    a: Doc
    b: Doc
    alignment: Alignment
    kinship: Kinship

    @property
    def spun(self) -> bool:
        al = self.alignment
        subs = [s for s in al.substitutions if s.a1 > s.a0 and s.b1 > s.b0]
        return len(subs) >= SPIN_MIN and al.substituted_b >= SPIN_RATE * max(1, al.covered_b)

    def flipped(self) -> Pair:
        """The pair the other way round, its passages in the order of the new copy's text, as an
        alignment's are (paragraphs a spinner moved around are out of order on the source's side):
        what is read between consecutive passages does not depend on which text was compared first."""
        al = self.alignment
        passages = sorted((
            Passage(p.b0, p.b1, p.a0, p.a1, p.equal, [Span(s.b0, s.b1, s.a0, s.a1) for s in p.substitutions])
            for p in al.passages), key=lambda p: p.b0)
        return Pair(self.b, self.a, Alignment(al.len_b, al.len_a, passages), self.kinship)


def longest_shared_run(a: Doc, b: Doc) -> int:
    """Longest run of identical words found anywhere in both texts (a quotation need not be
    where a global alignment puts it), ignoring the credit lines that copies share by template."""
    grams_a, seq_b = a.quote_grams, b.quote_grams
    if not shares_passage(a, b):
        return 0
    best = run = 0
    for gram in seq_b[0]:
        run = run + 1 if gram in grams_a[1] else 0
        best = max(best, run)
    return best + QUOTE_MIN_WORDS - 1 if best else 0


def shares_passage(a: Doc, b: Doc) -> bool:
    """Do the texts share a run of QUOTE_MIN_WORDS words anywhere (what a quotation, an excerpt and
    reused paragraphs all hold)? A test of two sets, far cheaper than aligning them."""
    return not a.quote_grams[1].isdisjoint(b.quote_grams[1])


def quote_grams(doc: Doc) -> tuple[list[int], frozenset[int]]:
    """The document's QUOTE_MIN_WORDS-word runs (hashed), in order and as a set (``Doc.quote_grams``)."""
    words = _quotable(doc)
    n, runs = QUOTE_MIN_WORDS, len(words) - QUOTE_MIN_WORDS + 1
    if runs <= 0:
        return [], frozenset()
    # a polynomial hash of the words' hashes, rolled with numpy (wrapping 64-bit arithmetic): a
    # tuple hash per run took half a millisecond a text in the crawl's writer
    word = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    run = word[:runs].copy()
    for k in range(1, n):
        run *= _GRAM_BASE
        run += word[k : runs + k]
    seq = run.view(np.int64).tolist()
    return seq, frozenset(seq)


_GRAM_BASE = np.uint64(1099511628211)  # odd (FNV's prime): every word's place changes the hash


def _quotable(doc: Doc) -> tuple[str, ...]:
    words = doc.tok.norm
    for credit in doc.credits:
        if credit.kind in ("line", "dateline"):
            needle = " ".join(tokens(credit.text).norm)
            words = tuple(" ".join(words).replace(needle, " ").split()) if needle else words
    return words


def kinship(al: Alignment) -> Kinship:
    if al.equal >= COPY_MIN_WORDS and max(al.contain_a, al.contain_b) >= COPY_CONTAINMENT:
        return Kinship.COPY
    return Kinship.NONE


QUOTE_MARKS = "“\"«‘'„"
_OPENS = re.compile(rf"(?<!\w)[{re.escape(QUOTE_MARKS)}]")  # a mark opening a quotation, not an apostrophe
_CLOSING = {"“": "”", '"': '"', "«": "»", "„": "“"}  # double marks and the marks that close them
_DOUBLE_OPENS = re.compile(r"(?<!\w)[“\"«„]")
_CLOSES = re.compile(r"\W{0,2}[”\"»’'](?!\w)")  # ... closing one, right after a passage
_DOUBLE_CLOSES = re.compile(r"\W{0,2}[”\"»](?!\w)")
QUOTED_SHARE = 0.6  # a quotation is at most this share of the text that quotes it (in quotation marks)


_WORD = re.compile(r"\w+")
_GAP = re.compile(r"\W+")
_SPAN = re.compile(r".*", re.S)  # matched between two positions: a Match object for a span found by hand


def _find(text: str, words: Sequence[str]) -> re.Match | None:
    """The first place ``words`` stand in ``text`` one after another with only non-word characters
    between them. Each call's words make a pattern of their own, which Python's regex cache never
    holds again (a tenth of a crawl writer's time went to compiling them): when every word is
    made of word characters the span is found with ``str.find``, as the pattern would find it."""
    if not words:
        return None
    if not all(_WORD.fullmatch(w) for w in words):
        return re.search(r"\W+".join(re.escape(w) for w in words), text)
    first, rest = words[0], words[1:]
    at = text.find(first)
    while at >= 0:
        end = at + len(first)
        for word in rest:
            gap = _GAP.match(text, end)
            if gap is None or not text.startswith(word, gap.end()):
                break
            end = gap.end() + len(word)
        else:
            return _SPAN.match(text, at, end)
        at = text.find(first, at + 1)
    return None


def _quoted(doc: Doc, start: int, end: int) -> bool:
    """Is doc's token span [start, end) inside quotation marks in its text? Either a mark opens
    just before it, or the span starts with the attribution that introduces the quotation (the
    source's name aligns with its credit line: "As the Institute put it, “...") and a mark opens
    in its first words and closes right after its last."""
    text = clean(doc.text)
    found = _find(text, doc.tok.shown[start : min(end, start + 8)])
    if not found:
        return False
    before = text[max(0, found.start() - 25) : found.start()]  # the passage may start a word or two in
    opened = max(before.rfind(ch) for ch in QUOTE_MARKS)
    if opened >= 0 and "”" not in before[opened + 1 :]:
        return True
    return _introduced_quotation(doc, text, found, start, end, _OPENS)


def _introduced_quotation(doc: Doc, text: str, found: re.Match, start: int, end: int, opens: re.Pattern) -> bool:
    """A mark opens in the span's first words, and the quotation it opens closes right after the
    span's last word, not before ("read ahead" in quotation marks is not a quoted article)."""
    last = _find(text, doc.tok.shown[max(start, end - 8) : end])
    if last is None or _CLOSES.match(text, last.end()) is None:
        return False
    for mark in opens.finditer(found.group()):
        closing = _CLOSING.get(mark.group())
        if closing is None:  # a single mark: an apostrophe looks the same, so no more to check
            return True
        inside = text.find(closing, found.start() + mark.end())
        if inside == -1 or inside >= last.end() - 1:
            return True
    return False


def _quotation(pair: Pair) -> bool:
    """B is a text that quotes A (or A quotes B): the shared words are a small, quoted part of it."""
    al = pair.alignment
    if not al.passages:
        return False
    # a passage in double quotation marks in both texts, and closing alike, is the source's own
    # quotation (a speaker's words), reused with its marks: that is reuse, as in :func:`_reuse`
    if _all_in_quotes(pair.a, ((p.a0, p.a1) for p in al.passages)) and _all_in_quotes(
            pair.b, ((p.b0, p.b1) for p in al.passages)) and _marks_alike(pair):
        return False
    if al.contain_b <= QUOTED_SHARE and al.len_b > al.len_a:
        return all(_quoted(pair.b, start, end) for start, end in _runs((p.b0, p.b1) for p in al.passages))
    if al.contain_a <= QUOTED_SHARE and al.len_a > al.len_b:
        return all(_quoted(pair.a, start, end) for start, end in _runs((p.a0, p.a1) for p in al.passages))
    return False


def _runs(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the quoting text, those that follow each other joined: a quotation that leaves out
    a sentence of its source aligns as two passages, but only the first follows the quotation mark."""
    runs: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if runs and start - runs[-1][1] <= 1:
            runs[-1] = (runs[-1][0], max(end, runs[-1][1]))
        else:
            runs.append((start, end))
    return runs


def sentences(doc: Doc) -> list[str]:
    """The document's sentences, normalised, each with its words in sorted order (``Doc.sentences``):
    sorted once a document, so comparing two is a plain ratio (rapidfuzz's token-sort ratio
    sorts both sentences again at every comparison)."""
    return [" ".join(sorted(words)) for words in (tokens(s).norm for s in _SENTENCE.split(doc.text))
            if len(words) >= SENTENCE_WORDS]


def reworded(a: Doc, b: Doc) -> bool:
    """Do most (``REWRITE_SENTENCES``) of the shorter text's sentences say again, in other words,
    one of the other's? Settled as soon as the sentences compared so far decide it: most pairs
    asked are unrelated, and a first run of misses is enough."""
    short, other = sorted((a.sentences, b.sentences), key=len)
    n = len(short)
    if n < REWRITE_MIN_SENTENCES:
        return False
    needed = next(m for m in range(1, n + 1) if m / n >= REWRITE_SENTENCES)
    first = n - needed + 1  # if none of these has a counterpart, too few sentences are left
    matched = _reworded_count(short, other, 0, first)
    if matched == 0 or matched >= needed:
        return matched >= needed
    return matched + _reworded_count(short, other, first, n) >= needed


def _reworded_count(short: list[str], other: list[str], start: int, end: int) -> int:
    """How many of ``short[start:end]`` have a reworded counterpart among ``other``."""
    if start >= end:
        return 0
    scores = cdist(short[start:end], other, scorer=fuzz.ratio, score_cutoff=REWRITE_SIMILARITY, workers=1)
    return int((scores.max(axis=1) > 0).sum())


def _in_quotes(doc: Doc, start: int, end: int) -> bool:
    """Does doc's token span [start, end) start inside double quotation marks (apostrophes and
    single quotes say too little)? An odd number of straight double quotes, or a curly or
    guillemet opening mark not closed yet, in its paragraph before it."""
    text = clean(doc.text)
    found = _find(text, doc.tok.shown[start : min(end, start + 8)])
    if not found:
        return False
    para = text[text.rfind("\n", 0, found.start()) + 1 : found.start()]
    if para.count('"') % 2:
        return True
    opened = max(para.rfind("“"), para.rfind("«"), para.rfind("„"))
    if opened >= 0 and max(para.rfind("”"), para.rfind("»"), para.rfind("“", opened + 1)) < opened:
        return True
    # the span starts with the attribution ("As the Forum put it, “…”")
    return _introduced_quotation(doc, text, found, start, end, _DOUBLE_OPENS)


def _all_in_quotes(doc: Doc, spans: Iterable[tuple[int, int]]) -> bool:
    runs = _runs(spans)
    return bool(runs) and all(_in_quotes(doc, start, end) for start, end in runs)


def _reuse(pair: Pair) -> bool:
    """Passages of one text stand in the other outside quotation marks: reuse, not quotation."""
    al = pair.alignment
    # what both texts end with, or open with, is a footer, a box of links or a header, not a
    # paragraph one reused: it must stand inside the text of at least one of them
    inside = [p for p in al.passages
              if not (p.a0 >= (1 - FOOT) * al.len_a and p.b0 >= (1 - FOOT) * al.len_b)
              and not (p.a1 <= HEAD * al.len_a and p.b1 <= HEAD * al.len_b)]
    if sum(p.equal for p in inside) < PARTIAL_MIN_WORDS or max((p.equal for p in inside), default=0) < PARTIAL_PASSAGE:
        return False
    # a quotation is a passage in quotation marks in one text only: one the source itself
    # quotes (a speaker's words) stands in quotation marks in both, and was reused with them
    quoted_a = _all_in_quotes(pair.a, ((p.a0, p.a1) for p in al.passages))
    quoted_b = _all_in_quotes(pair.b, ((p.b0, p.b1) for p in al.passages))
    return quoted_a == quoted_b and not (quoted_a and not _marks_alike(pair))


def _marks_alike(pair: Pair) -> bool:
    """Do the quotation marks around each shared passage stand alike in both texts? Marks travel
    with the words a copier takes: where the source's quotation closes inside the passage (a
    speaker's words, then the report's own), the copy's closes there too, and it opens with the
    same kind of mark. A passage lying wholly inside one text's quotation marks while the other's
    quotation closes inside it, or standing inside guillemets in one and curly marks in the other,
    was put in marks by a text itself: it quotes the other (or both a third), it does not reuse
    them. A straight mark is alike with any (an editor's software curls them)."""
    al = pair.alignment
    runs_a = _runs((p.a0, p.a1) for p in al.passages)
    runs_b = _runs((p.b0, p.b1) for p in al.passages)
    for (a0, a1), (b0, b1) in zip(runs_a, runs_b):
        around_a, around_b = _quotation_around(pair.a, a0, a1), _quotation_around(pair.b, b0, b1)
        if around_a is None or around_b is None:
            continue
        (open_a, inside_a), (open_b, inside_b) = around_a, around_b
        if inside_a != inside_b or '"' not in (open_a, open_b) and _KIND[open_a] != _KIND[open_b]:
            return False
    return True


_KIND = {"“": "curly", "„": "curly", "«": "guillemet", '"': "straight"}


def _quotation_around(doc: Doc, start: int, end: int) -> tuple[str, bool] | None:
    """The double mark opening the quotation that doc's token span [start, end) starts in, and
    whether that quotation closes before the span's last word (or at its end, or after it); the
    span may start with the words introducing the quotation. None when it stands in no double
    quotation mark."""
    text = clean(doc.text)
    first = _find(text, doc.tok.shown[start : min(end, start + 8)])
    last = _find(text, doc.tok.shown[max(start, end - 8) : end])
    if first is None or last is None or last.end() <= first.start():
        return None
    para = text[text.rfind("\n", 0, first.start()) + 1 : first.start()]
    opened = max(para.rfind("“"), para.rfind("«"), para.rfind("„"))
    if para.count('"') % 2:
        mark, after = '"', first.start()
    elif opened >= 0 and max(para.rfind("”"), para.rfind("»"), para.rfind("“", opened + 1)) < opened:
        mark, after = para[opened], first.start()
    elif found := _DOUBLE_OPENS.search(first.group()):  # the span opens with the attribution ("X wrote: “…")
        mark, after = found.group(), first.start() + found.end()
    else:
        return None
    at = text.find(_CLOSING[mark], after)
    return mark, at != -1 and at < last.end()


def compare(a: Doc, b: Doc) -> Pair:
    """Align two documents. The alignment is always computed in one orientation (by URL), so
    comparing A with B and B with A give the same answer whatever the arrival order."""
    if (a.url, str(a.key)) > (b.url, str(b.key)):
        return compare(b, a).flipped()
    al = align(a.tok, b.tok)
    run = longest_shared_run(a, b) if not al.passages else 0
    if run >= PARTIAL_PASSAGE:  # a passage reused far from where it stood in its source
        al = align(a.tok, b.tok, moved=True)
    pair = Pair(a, b, al, kinship(al))
    if pair.kinship is Kinship.COPY and _quotation(pair):
        pair.kinship = Kinship.QUOTE
    elif pair.kinship is Kinship.NONE:
        if _reuse(pair):
            pair.kinship = Kinship.PARTIAL
        elif reworded(a, b):
            pair.kinship = Kinship.REWRITE
        elif (run or longest_shared_run(a, b)) >= QUOTE_MIN_WORDS:
            pair.kinship = Kinship.PARTIAL if _unquoted_passage(pair) else Kinship.QUOTE
    return pair


def _unquoted_passage(pair: Pair) -> bool:
    """A quotation stands in quotation marks: a passage of PARTIAL_PASSAGE words or more that both
    texts hold outside them, and with none opening inside it (two commentaries quoting one source
    share its sentence and the words introducing it), inside the text of at least one (not where
    both keep footers or link boxes, nor both headers), was reused, however short (a paragraph or
    two of another story)."""
    spans_a, spans_b = (_runs(spans) for spans in _shared_runs(pair))
    len_a, len_b = pair.alignment.len_a, pair.alignment.len_b
    long_a = [(s, e) for s, e in spans_a if e - s >= PARTIAL_PASSAGE]
    long_b = [(s, e) for s, e in spans_b if e - s >= PARTIAL_PASSAGE]
    if not long_a or not long_b:
        return False
    if any(_marked(pair.a, s, e) for s, e in spans_a) or any(_marked(pair.b, s, e) for s, e in spans_b):
        return False
    foot = all(s >= (1 - FOOT) * len_a for s, _ in long_a) and all(s >= (1 - FOOT) * len_b for s, _ in long_b)
    head = all(e <= HEAD * len_a for _, e in long_a) and all(e <= HEAD * len_b for _, e in long_b)
    return not (foot or head)


def _marked(doc: Doc, start: int, end: int) -> bool:
    """Is doc's token span [start, end) quoted (a mark opening just before it, or earlier in its
    paragraph and not closed yet), does a double quotation mark open inside it or close right after
    it (the end of a quotation that opened further back), or can the span not be placed in the text?"""
    text = clean(doc.text)
    first = _find(text, doc.tok.shown[start : min(end, start + 8)])
    last = _find(text, doc.tok.shown[max(start, end - 8) : end])
    if first is None or last is None:
        return True
    return (bool(_DOUBLE_OPENS.search(text, first.start(), last.end())) or _DOUBLE_CLOSES.match(text, last.end()) is not None
            or _quoted(doc, start, end) or _in_quotes(doc, start, end))


def _shared_runs(pair: Pair) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where the words the two texts share in runs of QUOTE_MIN_WORDS stand, in each (a
    quotation is often too short for the global alignment to place)."""
    al = pair.alignment
    if al.passages:
        return [(p.a0, p.a1) for p in al.passages], [(p.b0, p.b1) for p in al.passages]
    n, words_a, words_b = QUOTE_MIN_WORDS, pair.a.tok.norm, pair.b.tok.norm
    grams_b: dict[tuple[str, ...], int] = {}
    for j in range(len(words_b) - n + 1):
        grams_b.setdefault(words_b[j : j + n], j)
    spans_a, spans_b = [], []
    for i in range(len(words_a) - n + 1):
        j = grams_b.get(words_a[i : i + n])
        if j is not None:
            spans_a.append((i, i + n))
            spans_b.append((j, j + n))
    return spans_a, spans_b


def quoting_side(pair: Pair) -> tuple[Doc, Doc]:
    """(quoted, quoting): the text holding the shared words inside quotation marks quotes the
    other; when both or neither do, the later-dated one; undated, the longer one."""
    spans_a, spans_b = _shared_runs(pair)
    in_a, in_b = _all_in_quotes(pair.a, spans_a), _all_in_quotes(pair.b, spans_b)
    if in_a != in_b:
        return (pair.b, pair.a) if in_a else (pair.a, pair.b)
    a, b = pair.a, pair.b
    if a.published is not None and b.published is not None and a.published != b.published:
        return (a, b) if a.published.replace(tzinfo=None) < b.published.replace(tzinfo=None) else (b, a)
    return (a, b) if len(b) >= len(a) else (b, a)
