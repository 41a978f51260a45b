"""What one line of extracted text is: its words, a heading, a label, template, navigation, a credit.

Pure tests over a line (and the page's link texts), shared by the cleaning of every candidate
(:mod:`archive.extraction.choice`) and the cutting of boxes of other stories
(:mod:`archive.extraction.boxes`).
"""

from __future__ import annotations

import functools
import re

from archive.extraction.candidates import flat
from archive.provenance.credits import credit_lines
from archive.provenance.wires import AGENCIES

MIN_WORDS = 40  # an article has at least this many words: fewer, and an extractor missed it
_SEPARATORS = re.compile(r"\s+(?:\||·|•|»|/|-)\s+")
_TEMPLATE_LINE = re.compile(
    r"^(?:posted\b|last (?:updated|modified)\b|updated:|published:|e-?mail this\b|print this\b"
    r"|copyright\b|©|\(c\)\s*\d{4}|all rights reserved|related (?:stories|articles|links)\b|share this\b"
    r"|(?:by|von|par|por|av|door|af)(?:\s+[\w.,'&-]+){1,6}(?<![.!?])\s*$"  # a byline, not a sentence that starts with "By"
    r"|(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today),? .*\d)"  # "Tuesday, 6/3/2008 ..."
    r"|all rights reserved\.?$|\bweather: \d", re.IGNORECASE)
# a picture's credit ("Photo: AFP", "Image: Jane Doe/Agency", "Фото: ..."): never the article's text, nor
# evidence of where the text came from
_PICTURE_CREDIT = re.compile(r"^(?:photo(?:graph)?|image|picture|pic|foto|bild|фото|zdjęcie|kuva|billede)s?"
                             r"(?: credits?)?\s*:\s*\S", re.IGNORECASE)
PICTURE_CREDIT_WORDS = 10
_DATE_ONLY = re.compile(r"^[\w.,:/ -]{0,40}\b(?:19|20)\d\d\b[\w.,:/ -]{0,25}$")
# "2025年1月14日 01時28分 (1月14日 01時40分更新)": a Chinese or Japanese date line, an update note at most
_CJK_DATE_ONLY = re.compile(r"^\s*(?:19|20)\d\d年[\d\s年月日時分秒:：/.()（）]*(?:更新|発行|公開|配信)?[)）]?\s*$")
EDGE_LINE_WORDS = 25  # template lines are short; a long line at the edge is text
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*(?:19|20)\d\d)", re.IGNORECASE)
COPYRIGHT_LINE_WORDS = 60  # copyright footers run on ("... may not be published, broadcast, ...")
LABEL_WORDS = 3
HEADING_WORDS = 20
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Words, counting Chinese and Japanese (written without spaces) at two characters a word."""
    return _count_line(text) if len(text) < CACHED_CHARS else _count(text)


CACHED_CHARS = 2000  # lines are counted again and again by the cleaning (a string keeps its hash); texts are not


def _count(text: str) -> int:
    return len(text.split()) + (0 if text.isascii() else len(_CJK.findall(text)) // 2)


_count_line = functools.lru_cache(maxsize=4096)(_count)


def cells(line: str) -> list[str]:
    """A trafilatura table row ("| a | b |") as its cells; any other line as itself."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        return [line]
    inner = stripped[1:-1]
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", inner) if cell.strip(" -")]


def is_navigation(line: str, anchors: frozenset[str]) -> bool:
    """Link texts of the page, one or several ("Home | News")."""
    if not anchors:
        return False
    pieces = [flat(p) for p in _SEPARATORS.split(line)]
    return all(p in anchors or not p for p in pieces) and any(pieces)


def names_a_source(line: str) -> bool:
    """A wire credit, agency byline or copyright ("By JOHN SMITH, Associated Press Writer", "Copyright
    2008 Courtesy of The Sports Network") or a credit line: evidence the engine reads, never chrome."""
    # An agency's patterns are searched only when the line holds one of its needles, the words
    # every match holds (archive/provenance/wires.py); a dotless ı matches "i" when case is
    # ignored, and casefold keeps it.
    seen = line.casefold().replace("\u0131", "i")
    return any(any(n in seen for n in a.needles) and a.head.search(line)
               or a.anywhere is not None and any(n in seen for n in a.credit_needles) and a.anywhere.search(line)
               for a in AGENCIES) or bool(credit_lines(line))


def is_template(line: str) -> bool:
    words = count_words(line)
    template = (words <= COPYRIGHT_LINE_WORDS and bool(_COPYRIGHT.match(line))
                or words <= EDGE_LINE_WORDS and bool(_TEMPLATE_LINE.search(line) or _DATE_ONLY.match(line)
                                                          or _CJK_DATE_ONLY.match(line)))
    return template and not names_a_source(line)  # the costlier test, on the few template lines


def is_picture_credit(line: str) -> bool:
    return bool(_PICTURE_CREDIT.match(line)) and count_words(line) <= PICTURE_CREDIT_WORDS


def is_heading(line: str) -> bool:
    return count_words(line) <= HEADING_WORDS and not line.rstrip().endswith((".", "!", "?", '"'))


def is_label(line: str) -> bool:
    """A block heading such as "Sections" or "Most Popular": short, no sentence punctuation."""
    return count_words(line) <= LABEL_WORDS and not line.rstrip().endswith((".", "!", "?", ":", '"'))


def links_elsewhere(line: str, anchors: frozenset[str]) -> bool:
    """A heading that ends with the text of one of the page's links, two words or more: another
    story's headline, maybe after its kicker ("Editorial Fraser's lasting legacy")."""
    if not is_heading(line):
        return False
    words = flat(line).split()
    return any(" ".join(words[start:]) in anchors for start in range(len(words) - 1))
