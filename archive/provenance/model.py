"""Plain data the provenance engine works on: no database, no crawler, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archive.provenance.text import Tokens, tokens
from archive.provenance.wires import credit_line, wire_of

if TYPE_CHECKING:
    from archive.page import Page


class Relation(StrEnum):
    """How a copy came from its source (``origin`` marks a story's root)."""

    ORIGIN = "origin"
    REPUBLICATION = "republication"  # full copy that credits its source
    SYNDICATION = "syndication"  # wire/aggregator copy (dateline or syndication meta)
    EXCERPT = "excerpt"  # cut short
    SPIN = "spin"  # rewritten by synonym substitution
    COPY = "copy"  # uncredited verbatim copy
    PARTIAL = "partial"  # reuses some passages of the source inside its own reporting
    REWRITE = "rewrite"  # the source's sentences reworded beyond synonym swaps
    QUOTES = "quotes"  # quotes a passage: not a derivation


DERIVATIONS = frozenset(Relation) - {Relation.ORIGIN, Relation.QUOTES}


@dataclass(frozen=True, slots=True)
class Credit:
    """A place where a page names or points to a source."""

    kind: str  # canonical, og_url, original_source, syndication_source, is_based_on, link, line, dateline, title
    text: str  # the sentence, URL or title suffix as found
    url: str | None = None  # where it points, when it is a link

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "url": self.url}

    def __reduce__(self):  # pickled as a plain tuple: pages carry many across the process pools
        return Credit, (self.kind, self.text, self.url)


@dataclass(eq=False)
class Doc:
    """One capture as the engine sees it."""

    key: int | str
    url: str
    text: str
    title: str = ""  # the page's <title>, as served (outlet suffix included)
    site_name: str = ""
    published: datetime | None = None
    date_trust: float = 0.0  # 1 = machine-readable metadata, lower for guesses, 0 = none
    credits: tuple[Credit, ...] = ()
    links: tuple[str, ...] = ()  # outlinks of the article body, normalised
    spin_marks: int = 0  # spinner fingerprints seen in the text
    wire: str | None = None  # the agency whose story it carries, by its dateline or credit (wires.py)
    full_text: str | None = None  # the text as extracted, when ``text`` leaves template text out
    redated: bool = False  # it stated a date before the day its URL states (``published`` is the URL's day)

    # What comparisons read of a document again and again, computed once (by the module that uses it).

    @cached_property
    def tok(self) -> Tokens:
        return tokens(self.text)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of the page as extracted: a copy may carry the template text left out of
        this one, and it is still this one's."""
        return frozenset(tokens(self.full_text).norm if self.full_text else self.tok.norm)

    @cached_property
    def outlet_names(self) -> list[str]:
        from archive.provenance.evidence import outlet_names  # (the engine's modules import this one)

        return outlet_names(self)

    @cached_property
    def title_core(self) -> str:
        from archive.provenance.evidence import title_core

        return title_core(self)

    @cached_property
    def quote_grams(self) -> tuple[list[int], frozenset[int]]:
        from archive.provenance.compare import quote_grams

        return quote_grams(self)

    @cached_property
    def sentences(self) -> list[str]:
        from archive.provenance.compare import sentences

        return sentences(self)

    @cached_property
    def trigrams(self) -> frozenset[int]:
        """Hashes of the text's three-word runs (:func:`archive.provenance.evidence.shared_runs`)."""
        words = self.tok.norm
        return frozenset(hash(words[k : k + 3]) for k in range(len(words) - 2))

    @cached_property
    def joined(self) -> str:
        """The words as one string, padded, to find a line in it word for word (story.py)."""
        return f" {' '.join(self.tok.norm)} "

    @cached_property
    def wire_line(self) -> str | None:
        """The agency's credit or copyright line the page closes with, template text or not
        (:func:`archive.provenance.wires.credit_line`)."""
        return credit_line(self.full_text or self.text, self.wire) if self.wire else None

    @cached_property
    def credit_spans(self) -> list[tuple[int, int, str]]:
        from archive.provenance.relations import credit_spans

        return credit_spans(self)

    def __len__(self) -> int:
        return len(self.tok)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason for (positive weight) or against (negative) an edge, readable by a person."""

    kind: str
    weight: float
    detail: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "weight": round(self.weight, 2), "detail": self.detail}


@dataclass
class EdgeResult:
    source: int | str
    derived: int | str
    relation: Relation
    confidence: float
    evidence: list[Evidence]
    primary: bool = True
    stats: dict = field(default_factory=dict)


@dataclass
class StoryResult:
    members: list[int | str]
    origin: int | str | None
    edges: list[EdgeResult]


# How far a page's date can be trusted (``date_trust``), by where extraction found it (archive/extract.py)
TRUST_META = 1.0  # machine-readable publication date
TRUST_VISIBLE = 0.6  # a date printed in the article's date or byline element
TRUST_TEXT = 0.4  # a date htmldate found somewhere in the page
TRUST_URL = 0.25  # only the URL's /2024/04/ path: day or month may be missing
FIRST_SEEN_TRUST = 0.6  # an archive's capture date: reliable, but only an upper bound on publication


def _year_only(when: datetime) -> bool:
    """A guessed date of January 1st at midnight is a year alone: htmldate reads a page's bare
    "© 2025" as 2025-01-01. It says nothing of the day."""
    return (when.month, when.day, when.hour, when.minute, when.second) == (1, 1, 0, 0, 0)


# a day in a URL's path: /2025/10/01/, /2025-10-01, or eight digits standing alone (-20251001-, /20251001/)
_URL_DAY = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?:([/-])(0[1-9]|1[0-2])\2(0[1-9]|[12][0-9]|3[01])|"
                      r"(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]))(?![0-9])")
URL_DAY_SLACK = timedelta(hours=12)  # a stated date may be local time: this much before the URL's day is that day


def url_day(url: str) -> datetime | None:
    """The day a URL's path states (a CMS puts the day a page came out in its address), if any."""
    for m in _URL_DAY.finditer(urlsplit(url).path):
        year, month, day = m.group(1), m.group(3) or m.group(5), m.group(4) or m.group(6)
        try:
            return datetime(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def _redated(url: str, published: datetime | None) -> datetime | None:
    """The page's own day when the date it states is before the day its URL states: an address is
    made when the page comes out, so a page saying it came out before its own address existed
    states another page's date (a scraper keeps its source's, or back-dates). None otherwise."""
    day = url_day(url)
    if day is None or published is None or published.replace(tzinfo=None) >= day - URL_DAY_SLACK:
        return None
    return day


def doc_from_page(key: int | str, page: Page, text: str | None = None, outlet: str = "") -> Doc:
    """The engine's :class:`Doc` of a page (:class:`archive.page.Page`, as extracted or as stored),
    the one way a ``Doc`` is made. ``text`` is what the engine compares (the page's text with its
    template text left out; the page's own by default); datelines and credits are read in the page's
    text as extracted. ``outlet``: the name of the page's outlet, when the page states no site name."""
    published, trust = page.date, page.date_trust
    if published is not None and trust < 1.0 and _year_only(published):
        published, trust = None, 0.0
    redated = (own := _redated(page.url, published)) is not None
    if redated:  # known to the day, no more
        published, trust = own, TRUST_TEXT
    seen = page.first_seen.date if page.first_seen else None
    if seen:  # a public archive captured the page then: it existed, whatever date it states
        if published is None or seen < published.replace(tzinfo=None):
            published, trust = seen, max(trust, FIRST_SEEN_TRUST)
    full = page.text
    text = full if text is None else text
    return Doc(
        key=key,
        url=page.url,
        text=text,
        title=page.page_title or page.title or "",
        site_name=page.site_name or outlet or "",
        published=published,
        date_trust=trust,
        credits=tuple(page.credits),
        links=tuple(page.links),
        spin_marks=page.spin_marks,
        wire=wire_of(full or text, page.author or ""),
        full_text=full if full != text else None,
        redated=redated,
    )
