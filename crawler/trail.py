"""What the crawl knows about a request, under one request-meta key: ``request.meta["provenance"]``.

Scrapy's own meta keys (``depth``, ``handle_httpstatus_list``, ``dont_obey_robotstxt``,
``referrer_policy``, ...) stay where Scrapy reads them; everything this project adds to a request
is one :class:`Trail`. It is frozen: ``Request.replace`` and ``copy`` (redirects, retries) copy
meta shallowly, so a redirected or retried request shares its trail, and nobody may change it in
place. The JOBDIR ledger (crawler/ledger.py) writes it whole (:meth:`Trail.as_dict`) and reads it
back (:meth:`Trail.from_dict`), so a field added here survives a resume without anyone copying it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from scrapy import Request
from scrapy.http import Response

KEY = "provenance"


@dataclass(frozen=True, slots=True)
class Trail:
    via: str = "seed"  # how the page was found: seed, a lead's kind (canonical, credit_link...), a source's name
    referrer: str | None = None  # the page that named it
    subject: int | None = None  # discovery: the stored document whose search this serves
    hop: int = 0  # discovery: searches between the seed and this page
    first_seen: dict[str, str] | None = None  # a source's first sighting: {"date", "source"}
    call: str | None = None  # a discovery source's call (API, feed, sitemap, archive index): the source's name
    about: str | None = None  # an archive lookup: the page URL it asks about
    want: str | None = None  # an archive lookup: "copy" (of a gone page) or "first" (its first capture)
    listing: str | None = None  # the watch list's feed or sitemap this call reads
    site_search: str | None = None  # the host of an outlet's site search
    document: int | None = None  # a first-capture lookup: the document it dates
    page: Trail | None = None  # a gone page's lookups: the page's own trail, given to its archived copy
    archived_copy: str | None = None  # a gone page read from a public archive: the page's URL
    warc_record: bool = False  # the answer is a WARC record holding the page (Common Crawl)
    secrets: tuple[str, ...] = ()  # parts of the URL never archived (an API key)
    recheck_of: int | None = None  # the recheck spider: the stored capture this fetch checks
    resumed: bool = False  # scheduled again from the ledger after a crawl was stopped

    @property
    def is_page(self) -> bool:
        """A page of the story (fetched through the frontier), not a call of a discovery source."""
        return self.call is None

    def but(self, **changes: Any) -> Trail:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values (the ledger's line), defaults left out."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}
        if self.page is not None:
            out["page"] = self.page.as_dict()
        if self.secrets:
            out["secrets"] = list(self.secrets)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trail:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("page"):
            values["page"] = cls.from_dict(values["page"])
        if "secrets" in values:
            values["secrets"] = tuple(values["secrets"])
        return cls(**values)


def trail_of(message: Request | Response) -> Trail | None:
    """The trail of a request (or of the request a response answers), None for Scrapy's own
    requests (robots.txt) and requests made outside the crawl."""
    return message.meta.get(KEY)


def with_trail(trail: Trail, **meta: Any) -> dict[str, Any]:
    """Request meta holding ``trail`` (and Scrapy's own keys given)."""
    return {KEY: trail, **meta}
