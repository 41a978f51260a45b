"""A word diff that reads like the two texts: paragraphs and punctuation kept.

Words are aligned exactly as :func:`archive.provenance.diff.word_diff` aligns them (the same
cleaned, case-folded words), but each side is painted over its own text, so the commas,
quotation marks and paragraph breaks between words stay where the reader expects them.
"""

from __future__ import annotations

import html
import re

from rapidfuzz.distance import Levenshtein

from archive.provenance.text import clean

_WORD = re.compile(r"\w+")  # the tokeniser of archive.provenance.text.tokens
_BREAK = re.compile(r"\s*\n\s*")

MARKS = {  # op -> (tag on the source's side, tag on the copy's side)
    "replace": ('<del class="sub">', '<ins class="sub">'),
    "delete": ("<del>", None),
    "insert": (None, "<ins>"),
}
LEGEND = ('<p class="diff-legend"><del>struck red</del>: only in the source (cut) \u00b7 '
          '<ins>green</ins>: only in the copy (added) \u00b7 <del class="sub">yellow</del> '
          '<ins class="sub">yellow</ins>: words swapped (the source\'s, then the copy\'s)</p>')


def _paint(text: str, tag: str | None) -> str:
    """Escaped ``text`` with paragraph breaks, wrapped in ``tag`` piece by piece (a mark never
    spans a paragraph break)."""
    pieces = _BREAK.split(text)
    close = f"</{tag[1:4]}>" if tag else ""
    shown = [f"{tag}{html.escape(p)}{close}" if tag and p else html.escape(p) for p in pieces]
    return "</p><p>".join(shown)


class _Side:
    def __init__(self, text: str):
        self.text = clean(text)
        self.spans = [m.span() for m in _WORD.finditer(self.text)]
        self.norm = [self.text[a:b].casefold() for a, b in self.spans]
        self.out: list[str] = []
        self.pos = 0

    def emit(self, start: int, end: int, tag: str | None) -> None:
        """Words ``start:end``, and the text before them unmarked."""
        if start >= end:
            return
        a, b = self.spans[start][0], self.spans[end - 1][1]
        self.out.append(_paint(self.text[self.pos:a], None) + _paint(self.text[a:b], tag))
        self.pos = b

    def html(self) -> str:
        return "<p>" + "".join(self.out) + _paint(self.text[self.pos:], None) + "</p>"


def diff_html(source: str, copy: str) -> tuple[str, str, dict[str, int]]:
    """The two texts as HTML paragraphs, differences marked (see :data:`MARKS`), and the word
    counts of :func:`archive.provenance.diff.summary`."""
    left, right = _Side(source), _Side(copy)
    counts = {"equal": 0, "substituted": 0, "inserted": 0, "deleted": 0}
    counted = {"equal": "equal", "replace": "substituted", "insert": "inserted", "delete": "deleted"}
    for op in Levenshtein.opcodes(left.norm, right.norm):
        tags = MARKS.get(op.tag, (None, None))
        left.emit(op.src_start, op.src_end, tags[0])
        right.emit(op.dest_start, op.dest_end, tags[1])
        counts[counted[op.tag]] += op.src_end - op.src_start if op.tag in ("equal", "delete") else op.dest_end - op.dest_start
    return left.html(), right.html(), counts


def paragraphs(text: str) -> str:
    """Plain text as escaped HTML paragraphs (the archived text shown in a report)."""
    return "<p>" + _paint(clean(text).strip(), None) + "</p>"
