"""What kind of copy B is of A (the relation an edge is named by), and the credit lines B shares
with A: a copy's credit lines are found in its words, and which of them it carries from A is
evidence both of the relation and of the parent."""

from __future__ import annotations

from archive.provenance import evidence as ev
from archive.provenance.compare import SPIN_MIN, Kinship, Pair, reworded
from archive.provenance.credits import squash
from archive.provenance.model import Doc, Relation
from archive.provenance.text import tokens

EXCERPT_SHARE = 0.8  # a copy holding less than this share of its source is an excerpt
REWORDED_BREAKS = 0.25  # breaks in the alignment, among breaks and swaps, that make a rewrite, not a spin
REWORDED_EXACT = 0.7  # ... or, in fewer passages, less than this share of the shorter text kept word for word
REACH = ev.REACH  # words between a credit line and the passages around it


def credit_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """Token offsets of the doc's credit lines and datelines, wherever they stand (a copy may
    hold a line twice: its source's at the top, and again at the foot) (``Doc.credit_spans``)."""
    spans, words = [], doc.tok.norm
    for credit in doc.credits:
        if credit.kind not in ("line", "dateline"):
            continue
        needle = tokens(credit.text).norm
        if not needle:
            continue
        for i in range(len(words) - len(needle) + 1):
            if words[i : i + len(needle)] == needle:
                spans.append((i, i + len(needle), credit.text))
    return spans


def carried_lines(pair: Pair) -> list[str]:
    """B's credit lines that B shares with A: aligned inside a passage (spun or not, but not worded
    anew: :func:`_recast`), standing in A's text word for word (a line too short to align on its
    own), or standing where one of A's own credit lines stands, between the same shared passages,
    when B is A spun (a line the spinner reworded, so about as long: two copiers' own lines, worded
    alike, stand at the foot of both), or, B being A spun, the very text of one of A's credit links
    (a spinner keeps a link's words and drops the link)."""
    out, passages = [], pair.alignment.passages
    lines_a = pair.a.credit_spans if pair.spun else []
    links_a = {squash(c.text) for c in pair.a.credits if c.kind == "link"}  # a link's text is its line
    for start, end, text in pair.b.credit_spans:
        inside = sum(max(0, min(end, p.b1) - max(start, p.b0)) for p in passages)
        if ((inside >= 0.5 * (end - start) and not _recast(pair, start, end))
                or f" {' '.join(pair.b.tok.norm[start:end])} " in pair.a.joined
                or (pair.spun and squash(text) in links_a)):
            out.append(text)
            continue
        low = max((p.a1 for p in passages if p.b1 <= start + REACH), default=0)
        high = min((p.a0 for p in passages if p.b0 >= end - REACH), default=pair.alignment.len_a)
        # a spinner swaps a line's words one for one: the reworded line is about as long
        if any(low - REACH <= s0 and e0 <= high + REACH and _alike_length(e0 - s0, end - start)
               for s0, e0, _ in lines_a):
            out.append(text)
    return list(dict.fromkeys(out))


def _recast(pair: Pair, start: int, end: int) -> bool:
    """Does B's line, aligned with A's text, say A's words in words of another length (an editor's
    own "Courtesy of X." where A has "Reprinted with permission of X.")? A spinner swaps a line's
    words one for one; a line worded anew is the copy's own credit, not one it carried."""
    return any(s.b0 < end and s.b1 > start and not _alike_length(s.a1 - s.a0, s.b1 - s.b0)
               for s in pair.alignment.substitutions)


def _alike_length(m: int, n: int) -> bool:
    """Two lines about as long, as a line and its spun version are (a word or a quarter apart)."""
    return abs(m - n) <= max(1, 0.25 * max(m, n))


def relation(pair: Pair) -> Relation:
    """What kind of copy B is of A."""
    if pair.kinship is Kinship.PARTIAL:
        return Relation.PARTIAL
    if pair.kinship is Kinship.REWRITE:
        return Relation.REWRITE
    al, b = pair.alignment, pair.b
    if _reworded(pair):
        return Relation.REWRITE
    if pair.spun:
        return Relation.SPIN
    if al.contain_a < EXCERPT_SHARE and al.len_b < EXCERPT_SHARE * al.len_a:
        return Relation.EXCERPT
    kinds = {c.kind for c in b.credits}
    if "dateline" in kinds or "syndication_source" in kinds:
        return Relation.SYNDICATION
    carried = set(carried_lines(pair))
    own_credit = any(c.kind == "line" and c.text not in carried for c in b.credits)
    named = any(e.kind == "line_names_source" for e in ev.names(pair.a, b))
    if own_credit or named or ev.pointers(pair.a, b):
        return Relation.REPUBLICATION
    return Relation.COPY


def _broken(al) -> bool:
    """The alignment broken where phrases were recast, more than words swapped inside it."""
    changes, breaks = len(al.substitutions), max(0, len(al.passages) - 1)
    return changes >= SPIN_MIN and breaks >= SPIN_MIN and breaks >= REWORDED_BREAKS * (breaks + changes)


def reworked(pair: Pair) -> bool:
    """A newsroom's work on the text (reuse of some passages, a rewrite), not a copier's."""
    return pair.kinship in (Kinship.PARTIAL, Kinship.REWRITE) or _broken(pair.alignment)


def _reworded(pair: Pair) -> bool:
    """Most sentences said again, and not one word for another as a spinner does: a spinner's
    copy stays aligned in long passages with words swapped one for one inside them; a rewrite
    breaks the alignment wherever a phrase was recast, a clause turned around or a sentence split,
    or (a short text kept in one passage) changes words several for several, adds and drops them."""
    al = pair.alignment
    changes, broken = al.substitutions, _broken(al)
    one_for_one = sum(1 for s in changes if 0 < s.a1 - s.a0 == s.b1 - s.b0)
    recast = (al.equal < REWORDED_EXACT * min(al.len_a, al.len_b) and bool(changes)
              and one_for_one < 0.5 * len(changes))
    return (broken or recast) and reworded(pair.a, pair.b)


def pair_stats(pair: Pair) -> dict:
    al = pair.alignment
    return {
        "shared_words": al.equal,
        "source_in_copy": round(al.contain_a, 3),
        "copy_in_source": round(al.contain_b, 3),
        "substituted_words": al.substituted_b,
        "passages": len(al.passages),
    }
