"""Text normalisation and tokenisation shared by every provenance step.

Copies of an article differ in ways that say nothing about its content: HTML entities left half
decoded by a scraper (``&amp;nbsp,``), typographic quotes, case, paragraph breaks. Everything the
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


def clean(text: str) -> str:
    """Decode entities (also double-escaped ones) and drop the debris spinners leave behind."""
    for _ in range(3):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    if _may_hold_debris(text):
        text = _DEBRIS.sub(" ", text)
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _may_hold_debris(text: str) -> bool:
    """False when :data:`_DEBRIS` cannot match: none of its words, in any case, and no "#". Its
    case-insensitive search tries every position of the text, and most texts hold no debris.
    ("ſ" matches "s" case-insensitively: such a text is searched.)"""
    if "#" in text or "ſ" in text:
        return True
    low = text.lower()
    return "amp" in low or "nbsp" in low or "quot" in low


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
