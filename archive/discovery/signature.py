"""What identifies an article in a search: phrases that survive spinning and truncation.

Spinners swap common content words for synonyms but leave names, numbers and function words
alone, and excerpts keep the beginning of a text. So a query phrase is a short run of words made of
names, numbers and function words, taken from several parts of the text, the first part first;
and a search result "looks like" the article when it shares its headline words or its names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from wordfreq import zipf_frequency

_WORD = re.compile(r"[\w'’-]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
PHRASE_WORDS = (4, 8)  # a phrase is this many words, fewest to most
STABLE_ZIPF = 6.2  # words at least this common ("the", "of", "with") are left alone by spinners
RARE_ZIPF = 3.5  # words rarer than this are distinctive (and rarely in a spinner's thesaurus)


_CLEAN = re.compile(r"^[\w%$€£.,:;!?-]+$")
_PUNCT = ".,;:!?\"'()“”‘’"


def _stable(word: str) -> bool:
    """A word a spinner keeps: a name, a number, a function word or a rare word."""
    if not _CLEAN.match(word):
        return False  # quotes and debris inside a word: a search engine would not match it
    word = word.strip(_PUNCT)
    if any(ch.isdigit() for ch in word) or word[:1].isupper():
        return True
    frequency = zipf_frequency(word.lower(), "en")
    return frequency >= STABLE_ZIPF or 0 < frequency < RARE_ZIPF


def _distinctive(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or (word[:1].isupper() and zipf_frequency(word.lower(), "en") < 5.0)


def names(text: str) -> set[str]:
    """Names and numbers of a text, lower-cased (words a spinner does not change)."""
    out = set()
    for sentence in _SENTENCE.split(text):
        words = _WORD.findall(sentence)
        out.update(w.lower() for w in words[1:] if _distinctive(w))  # a sentence's first word is capitalised anyway
        if words and any(ch.isdigit() for ch in words[0]):
            out.add(words[0].lower())
    return out


def content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if zipf_frequency(w.lower(), "en") < 5.5 and len(w) > 2}


def phrases(text: str, count: int = 3) -> list[str]:
    """Up to ``count`` exact phrases that identify ``text``: the best stable run in each part."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    if not sentences:
        return []
    parts = [sentences[: max(1, len(sentences) // 3)], sentences[len(sentences) // 3 : 2 * len(sentences) // 3],
             sentences[2 * len(sentences) // 3 :]]
    chosen: list[str] = []
    for part in parts * 2:  # a second pass when a part gave nothing
        if len(chosen) >= count:
            break
        best = _best_run(part, exclude=chosen)
        if best:
            chosen.append(best)
    return chosen


def _best_run(sentences: list[str], exclude: list[str]) -> str | None:
    best, best_score = None, 1
    lo, hi = PHRASE_WORDS
    for sentence in sentences:
        words = sentence.split()
        stable = [_stable(w) for w in words]
        for start in range(len(words)):
            end = start
            while end < len(words) and end - start < hi and stable[end]:
                end += 1
            if end - start < lo:
                continue
            run = words[start:end]
            score = sum(_distinctive(w.strip(_PUNCT)) for w in run[1:])
            phrase = " ".join(run).strip(_PUNCT)
            if score > best_score and not any(phrase in e or e in phrase for e in exclude):
                best, best_score = phrase, score
    return best


@dataclass
class Signature:
    """What discovery searches for, built from a stored copy of the story."""

    title: str
    phrases: list[str]
    names: set[str] = field(default_factory=set)
    title_words: set[str] = field(default_factory=set)
    date: datetime | None = None

    @classmethod
    def of(cls, title: str | None, text: str, date: datetime | str | None = None) -> Signature:
        if isinstance(date, str):
            try:
                date = datetime.fromisoformat(date)
            except ValueError:
                date = None
        title = (title or "").strip()
        return cls(title=title, phrases=phrases(text), names=names(text), title_words=content_words(title),
                   date=date.replace(tzinfo=None) if date else None)

    def queries(self) -> list[str]:
        """Exact-phrase queries, the headline first."""
        out = [self.title] if len(self.title.split()) >= 4 else []
        return out + [p for p in self.phrases if p != self.title]

    def looks_like(self, title: str = "", summary: str = "") -> bool:
        """Whether a search result (headline, lead) may be a copy: most of the headline's words,
        or several of the article's names, are in it. Fetching and aligning decides for real."""
        seen = content_words(f"{title} {summary}")
        if self.title_words and len(self.title_words & seen) >= 0.6 * len(self.title_words):
            return True
        return len(self.names & names(f"{title}. {summary}")) >= 3
