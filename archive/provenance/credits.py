"""Finding credit lines, wire datelines and outlet names in a copy's text.

Credits are short sentences near the top or bottom of a copy: "This article was originally
published by Pacific Forum", "Source: The Continental Review", or, after a spinner, "It is
republished with authority". Wire services put their source in a dateline: "(MENAFN- Asia
Times)". A content farm often leaks its source's name in the title: "… – Asia Times".
"""

from __future__ import annotations

import re

from archive.provenance.model import Credit
from archive.provenance.text import clean

_CREDIT = re.compile(
    r"""\b(?:
        (?:originally|first|initially|previously)\s+(?:\w+\s+){0,2}?(?:published|appeared|ran|posted|printed)
      | (?:re-?published|reprinted|re-?posted|syndicated|cross-?posted|reproduced)\b
      | published\s+(?:this|the)\s+(?:article|piece|story|post)
      | (?:this|the)\s+(?:article|story|piece|post|commentary|report)\s+(?:was|is|first|originally)\s+(?:\w+\s+){0,2}?(?:published|appeared|from|written)
      | appeared\s+(?:first\s+)?(?:in|on|at)\b
      | courtesy\s+of | with\s+(?:kind\s+)?(?:permission|authority|authorization)
      | read\s+(?:more|the\s+(?:original|full)(?:\s+\w+)?)\s+(?:at|on)\b | continue\s+reading\s+(?:at|on)\b
      | (?:full|original|complete)\s+(?:article|story|piece|report|version)\s+(?:is\s+)?(?:available\s+)?(?:at|on)\b
      | published\s+in\s+partnership\s+with
      | under\s+a\s+creative\s+commons | via\s+[A-Z]
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_SOURCE_LABEL = re.compile(r"^\s*(?:source|sources|via|credit|from|originally at)\s*:\s*\S", re.IGNORECASE)
# any credit wording credit_lines knows, anywhere in a text: a cheap test before splitting it into sentences
CREDIT_HINT = re.compile(rf"{_CREDIT.pattern} | \b(?:source|sources|via|credit|from|originally\s+at)\s*:",
                         re.IGNORECASE | re.VERBOSE)
_DATELINE = re.compile(r"\(\s*([A-Z][A-Za-z]{1,14})\s*[-–—]\s*([^()]{2,80}?)\s*\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z(])")
_TITLE_SEP = re.compile(r"\s+[-–—|:]\s+")

DATELINE_WORDS = 60  # a wire dateline opens the story, within its first words
ZONE = 3  # paragraphs at the top and at the bottom where credits live
MAX_WORDS = 45  # a longer sentence is prose, not a credit


def _zone(paragraphs: list[str]) -> list[str]:
    if len(paragraphs) <= 2 * ZONE:
        return paragraphs
    return paragraphs[:ZONE] + paragraphs[-ZONE:]


def credit_lines(text: str) -> list[Credit]:
    """Credit sentences and wire datelines found near the start or end of a text."""
    found: list[Credit] = []
    text = clean(text)
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    head = " ".join(text.split()[:DATELINE_WORDS])  # page furniture may come before the dateline
    for m in _DATELINE.finditer(head):
        found.append(Credit("dateline", m.group(0)))
    for para in _zone(paragraphs):
        for sentence in _SENTENCE.split(para):
            if len(sentence.split()) > MAX_WORDS:
                continue
            if _CREDIT.search(sentence) or _SOURCE_LABEL.match(sentence):
                found.append(Credit("line", sentence.strip()))
    return list(dict.fromkeys(found))


def title_suffixes(title: str) -> list[str]:
    """The parts after the headline in a page title: "X – analysis – Asia Times" -> [analysis, Asia Times]."""
    parts = _TITLE_SEP.split(clean(title).strip())
    return [p.strip() for p in parts[1:] if p.strip()]


def squash(text: str) -> str:
    """Lower-case letters and digits only: "Asia Times", "asiatimes.com" and "ASIA-TIMES" meet."""
    return re.sub(r"[\W_]+", "", clean(text).casefold())


def names_outlet(text: str, names: list[str]) -> str | None:
    """The first of ``names`` (already squashed) that ``text`` mentions, if any."""
    flat = squash(text)
    return next((n for n in names if len(n) >= 4 and n in flat), None)


_SPIN_MARKS = (
    re.compile(r"&nbsp|&amp;|&#\d+"),  # entity debris left in the text: "&nbsp,"
    re.compile(r"\w\s+,(?:\s+|$)"),  # "word , word": an entity gone, its comma left standing
    re.compile(r"\(\s+\w[^()]{0,40}\s+\)"),  # "( RINSA )"
    re.compile(r"\w\s+n[’']t\b"),  # "should n’t"
)


def spin_marks(text: str) -> int:
    """Fingerprints that article spinners leave in a page's text (not its HTML, whose templates
    have their own habits)."""
    return sum(len(p.findall(text)) for p in _SPIN_MARKS)
