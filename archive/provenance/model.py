"""Plain data the provenance engine works on: no database, no crawler, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from archive.provenance.text import Tokens, tokens
from archive.provenance.wires import wire_of


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
    extra: dict = field(default_factory=dict)

    @cached_property
    def tok(self) -> Tokens:
        return tokens(self.text)

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


FIRST_SEEN_TRUST = 0.6  # an archive's capture date: reliable, but only an upper bound on publication


def doc_from_page(key: int | str, page: dict) -> Doc:
    """A :class:`Doc` from the dict :func:`archive.extract.extract_page` returns (or its stored form).
    ``text`` is what the engine compares (template text left out); ``full_text``, when given, the
    text as extracted, where datelines and credits are read."""
    published = page.get("date")
    if isinstance(published, str):
        published = datetime.fromisoformat(published)
    trust = page.get("date_trust") or 0.0
    seen = (page.get("first_seen") or {}).get("date")
    if seen:  # a public archive captured the page then: it existed, whatever date it states
        seen = datetime.fromisoformat(seen)
        if published is None or seen < published.replace(tzinfo=None):
            published, trust = seen, max(trust, FIRST_SEEN_TRUST)
    full = page.get("full_text")
    extra = {"_vocabulary": frozenset(tokens(full).norm)} if full and full != page.get("text") else {}
    return Doc(
        key=key,
        url=page["url"],
        text=page.get("text") or "",
        title=page.get("page_title") or page.get("title") or "",
        site_name=page.get("site_name") or "",
        published=published,
        date_trust=trust,
        credits=tuple(Credit(c["kind"], c["text"], c.get("url")) for c in page.get("credits") or ()),
        links=tuple(page.get("links") or ()),
        spin_marks=page.get("spin_marks") or 0,
        wire=wire_of(full or page.get("text") or "", page.get("author") or ""),
        extra=extra,  # a copy may carry the template text left out of this one: it is still this one's
    )
