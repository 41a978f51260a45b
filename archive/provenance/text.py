"""Text normalisation and tokenisation shared by every provenance step.

Copies of an article differ in ways that say nothing about its content: HTML entities left half
decoded by a scraper (``&amp;nbsp,``), text decoded in the wrong charset (``â€™``), typographic quotes, case, paragraph breaks. Everything the
engine compares goes through :func:`tokens`, so those differences vanish in one place.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import justext

_WORD = re.compile(r"\w+")
# Entity debris a spinner leaves once the ampersand is gone: "nbsp,", "#160;", "amp;".
_DEBRIS = re.compile(r"(?<![\w&])(?:nbsp|#160|#8217|#8220|#8221|amp|quot)\b;?", re.IGNORECASE)
_DEBRIS_HINTS = ("nbsp", "#160", "#8217", "#8220", "#8221", "amp", "quot")  # one of them is in every match
# UTF-8 read as Windows-1252 ("donâ€™t", "Â " for a no-break space): encoding debris, not words
_MOJIBAKE = re.compile(r"â€.|Â(?=\s)")


def clean(text: str) -> str:
    """Decode entities (also double-escaped ones) and drop the debris spinners leave behind."""
    for _ in range(3):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    folded = text.casefold()  # as the pattern's IGNORECASE folds ("ſ" is an s)
    if any(hint in folded for hint in _DEBRIS_HINTS):  # the pattern is slow to run on every text
        text = _DEBRIS.sub(" ", text)
    if text.isascii():
        return text
    if "â€" in text or "Â" in text:
        text = _MOJIBAKE.sub(" ", text)
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text as comparable words (``norm``) and as the reader saw them (``shown``)."""

    norm: tuple[str, ...]
    shown: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.norm)


def tokens(text: str) -> Tokens:
    words = _WORD.findall(clean(text))
    return Tokens(tuple(map(str.casefold, words)), tuple(words))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English function words (jusText's list): the words a spinner leaves alone."""
    return frozenset(w.casefold() for w in justext.get_stoplist("English"))


def is_content_word(word: str) -> bool:
    return word not in stopwords() and not word.isdigit() and len(word) > 1


def content_words(words: set[str]) -> frozenset[str]:
    """Those of the (case-folded) words that are content words, as :func:`is_content_word` says."""
    return frozenset(w for w in words - stopwords() if not w.isdigit() and len(w) > 1)
