"""Word-level alignment of two texts: shared passages, substitutions, additions.

A spinner replaces single words, so a spun copy still aligns with its source as long passages of
identical words broken by one- to three-word substitutions. We align the word sequences with
rapidfuzz's bit-parallel Levenshtein (a fraction of a millisecond for two 1,000-word texts) and
group the result into *passages*: runs of identical words joined across small substitutions.
Paragraphs a copy moved elsewhere are found by aligning what is left of both texts again (by
longest common subsequence, which keeps a moved block whole).
Scattered coincidences (``"one of the"``) never form a passage, which keeps two articles on the
same topic apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import Indel, Levenshtein

from archive.provenance.text import Tokens

MIN_RUN = 3  # identical words that start a passage
MAX_GAP = 4  # words on either side of a substitution still inside one passage
MIN_PASSAGE = 8  # identical words a passage needs to count
MAX_TOKENS = 30_000  # longer texts are compared on their first MAX_TOKENS words
MOVED_PASSES = 3  # alignments of what is left, for paragraphs moved around (longest common runs)
MIN_MOVED = 15  # identical words a moved passage needs (a paragraph, not a phrase spun around)


@dataclass(frozen=True, slots=True)
class Span:
    a0: int
    a1: int
    b0: int
    b1: int


@dataclass(slots=True)
class Passage:
    a0: int
    a1: int
    b0: int
    b1: int
    equal: int = 0  # identical words inside
    substitutions: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Alignment:
    len_a: int
    len_b: int
    passages: list[Passage]

    @property
    def covered_a(self) -> int:
        return sum(p.a1 - p.a0 for p in self.passages)

    @property
    def covered_b(self) -> int:
        return sum(p.b1 - p.b0 for p in self.passages)

    @property
    def equal(self) -> int:
        return sum(p.equal for p in self.passages)

    @property
    def contain_a(self) -> float:
        """Share of A found in B."""
        return self.covered_a / self.len_a if self.len_a else 0.0

    @property
    def contain_b(self) -> float:
        """Share of B found in A."""
        return self.covered_b / self.len_b if self.len_b else 0.0

    @property
    def substitutions(self) -> list[Span]:
        return [s for p in self.passages for s in p.substitutions]

    @property
    def substituted_b(self) -> int:
        """Words of B that replace words of A one for one or nearly (a spinner's work)."""
        return sum(s.b1 - s.b0 for s in self.substitutions if s.a1 > s.a0 and s.b1 > s.b0)



def align(a: Tokens, b: Tokens, moved: bool = False) -> Alignment:
    """Shared passages in order, then those a reordering of paragraphs moved: what the first,
    in-order alignment left of each text is aligned once more. Texts that share nothing in order
    are not aligned again unless ``moved`` says they share a run somewhere (a paragraph reused
    far from where it stood in its source, which no in-order alignment reaches)."""
    sa, sb = a.norm[:MAX_TOKENS], b.norm[:MAX_TOKENS]
    passages = _passages(_equal_spans(sa, sb, Levenshtein))
    for _ in range(MOVED_PASSES if passages or moved else 0):
        rest_a = _uncovered(len(sa), [(p.a0, p.a1) for p in passages])
        rest_b = _uncovered(len(sb), [(p.b0, p.b1) for p in passages])
        if len(rest_a) < 2 * MIN_PASSAGE or len(rest_b) < 2 * MIN_PASSAGE:
            break
        moved = _equal_spans(tuple(sa[i] for i in rest_a), tuple(sb[i] for i in rest_b), Indel)
        found = [p for p in _passages([piece for s in moved for piece in _mapped(s, rest_a, rest_b)])
                 if p.equal >= MIN_MOVED]
        if not found:
            break
        passages = sorted(passages + found, key=lambda p: p.b0)
    return Alignment(len(sa), len(sb), passages)


def _equal_spans(sa: tuple[str, ...], sb: tuple[str, ...], metric) -> list[Span]:
    # as_list: plain tuples, not one Opcode object per operation (most operations are not "equal")
    return [Span(a0, a1, b0, b1) for tag, a0, a1, b0, b1 in metric.opcodes(sa, sb).as_list() if tag == "equal"]


def _uncovered(length: int, covered: list[tuple[int, int]]) -> list[int]:
    taken = bytearray(length)
    for start, end in covered:
        taken[start:end] = b"\x01" * (end - start)
    return [i for i in range(length) if not taken[i]]


def _mapped(span: Span, index_a: list[int], index_b: list[int]) -> list[Span]:
    """A span of the remainders in the texts' own positions, cut where either skips a passage."""
    out, start = [], 0
    n = span.a1 - span.a0
    for k in range(1, n + 1):
        if k == n or index_a[span.a0 + k] != index_a[span.a0 + k - 1] + 1 or index_b[span.b0 + k] != index_b[span.b0 + k - 1] + 1:
            a0, b0 = index_a[span.a0 + start], index_b[span.b0 + start]
            out.append(Span(a0, a0 + k - start, b0, b0 + k - start))
            start = k
    return out


def _passages(spans: list[Span]) -> list[Passage]:
    passages: list[Passage] = []
    current: Passage | None = None
    pending: list[Span] = []  # short equal runs after the current passage, not yet joined
    for s in spans:
        n = s.a1 - s.a0
        if current is not None:
            last_a = pending[-1].a1 if pending else current.a1
            last_b = pending[-1].b1 if pending else current.b1
            if s.a0 - last_a <= MAX_GAP and s.b0 - last_b <= MAX_GAP:
                pending.append(s)
                if n >= MIN_RUN:
                    _extend(current, pending)
                    pending = []
                continue
            _close(current, passages)
            current, pending = None, []
        if n >= MIN_RUN:
            current = Passage(s.a0, s.a1, s.b0, s.b1, n)
    if current is not None:
        _close(current, passages)
    return passages


def _extend(p: Passage, runs: list[Span]) -> None:
    for s in runs:
        if s.a0 > p.a1 or s.b0 > p.b1:
            p.substitutions.append(Span(p.a1, s.a0, p.b1, s.b0))
        p.a1, p.b1 = s.a1, s.b1
        p.equal += s.a1 - s.a0


def _close(p: Passage, out: list[Passage]) -> None:
    if p.equal >= MIN_PASSAGE:
        out.append(p)
