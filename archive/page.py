"""The one record of an extracted page, from extraction through the store to the engine.

:func:`archive.extract.extract_page` fills it, the extraction worker adds what storage needs
(:func:`archive.store.writes.prepared`), the crawl adds what discovery learnt of the page, the
store writes it and reads it back in the same shape, and the engine's ``Doc`` is built from it
(:func:`archive.provenance.model.doc_from_page`). Dates are datetimes all the way; they become
strings only in the JSON the database keeps (``signals``) and in feed exports. Slotted, so it
crosses the process pools cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from archive.provenance.model import Credit

if TYPE_CHECKING:
    from archive.provenance.template import Segment


@dataclass(frozen=True, slots=True)
class FirstSeen:
    """When a public archive (or GDELT) first saw a page, and which source said so."""

    date: datetime
    source: str

    def as_json(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "source": self.source}

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> FirstSeen | None:
        if not value or not value.get("date"):
            return None
        date = value["date"]
        return cls(date if isinstance(date, datetime) else datetime.fromisoformat(date), value.get("source") or "")


@dataclass(slots=True)
class Page:
    """One extracted page. ``text`` is the body as extracted (template text included)."""

    url: str
    text: str
    title: str | None = None  # the publisher's headline
    page_title: str = ""  # the served <title>, outlet suffix included
    author: str | None = None
    site_name: str = ""
    language: str | None = None
    description: str | None = None
    date: datetime | None = None  # naive UTC
    date_trust: float = 0.0  # 1 = machine-readable metadata, lower for guesses, 0 = none
    credits: tuple[Credit, ...] = ()
    links: list[str] = field(default_factory=list)  # outlinks of the article body
    leads: list[tuple[str, str]] = field(default_factory=list)  # (url, how the page names it)
    spin_marks: int = 0
    # what the crawl learnt of the page besides its bytes
    first_seen: FirstSeen | None = None
    archived_copy: dict[str, str] | None = None  # a gone page read from an archive: {"url", "by"}
    # what storage needs, computed in the extraction worker (archive.store.writes.prepared)
    text_digest: str | None = None
    fingerprints: list[int] | None = None  # of the text without its chrome lines
    segments: list[Segment] | None = None

    def signals(self) -> dict[str, Any]:
        """The provenance signals as the database keeps them (JSON)."""
        found = {"credits": [c.as_dict() for c in self.credits], "links": self.links, "spin_marks": self.spin_marks,
                 "description": self.description,
                 "first_seen": self.first_seen.as_json() if self.first_seen else None,
                 "archived_copy": self.archived_copy}
        return {k: v for k, v in found.items() if v is not None}

    def exported(self) -> dict[str, Any]:
        """The page as feed exports write it: no numbers for the engine, dates as ISO 8601."""
        return {
            "url": self.url, "title": self.title, "page_title": self.page_title, "author": self.author,
            "site_name": self.site_name, "language": self.language, "description": self.description,
            "date": self.date.isoformat() if self.date else None, "date_trust": self.date_trust,
            "text": self.text, "credits": [c.as_dict() for c in self.credits], "links": self.links,
            "leads": self.leads, "spin_marks": self.spin_marks,
        }


def stored_page(url: str, text: str, title: str | None, page_title: str | None, author: str | None,
                site_name: str | None, published: datetime | None, date_trust: float | None,
                signals: dict[str, Any] | None) -> Page:
    """A page as the database gives it back (its columns and its ``signals`` JSON)."""
    signals = signals or {}
    return Page(
        url=url, text=text or "", title=title, page_title=page_title or "", author=author,
        site_name=site_name or "", date=published, date_trust=date_trust or 0.0,
        credits=tuple(Credit(c["kind"], c["text"], c.get("url")) for c in signals.get("credits") or ()),
        links=signals.get("links") or [], spin_marks=signals.get("spin_marks") or 0,
        description=signals.get("description"), first_seen=FirstSeen.from_json(signals.get("first_seen")),
        archived_copy=signals.get("archived_copy"),
    )
