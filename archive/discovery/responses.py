"""The answers of the services discovery asks, read into candidates (pure functions over bytes).

Each reader accepts the response shapes the real service sends (GDELT DOC 2.0 ``artlist`` JSON,
Wayback CDX JSON, Common Crawl's CDX index lines, RSS/Atom, XML sitemaps with the news extension,
search APIs' JSON through a JSONPath) and raises :class:`ResponseProblem` with a readable reason
for anything else: services answer errors as text, HTML or empty bodies with status 200.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time

import feedparser
from jsonpath_ng.ext import parse as jsonpath
from jsonpath_ng.exceptions import JsonPathParserError
from lxml import etree


class ResponseProblem(ValueError):
    """A service's answer that cannot be read; the message says what it was."""


@dataclass
class Candidate:
    """A URL that may be a copy, with what the source told about it."""

    url: str
    title: str = ""
    summary: str = ""
    seen: datetime | None = None  # when the source first saw it (GDELT seendate, first capture)
    extra: dict = field(default_factory=dict)


@dataclass
class ArchivedCapture:
    """One capture in a public archive's index (Wayback CDX, Common Crawl)."""

    url: str
    timestamp: datetime
    status: int | None
    mime: str = ""
    filename: str | None = None  # Common Crawl: WARC file, offset and length of the record
    offset: int | None = None
    length: int | None = None


def _json(body: bytes, service: str):
    try:
        return json.loads(body.decode("utf-8-sig") or "null")
    except (UnicodeDecodeError, ValueError):
        snippet = body[:120].decode("utf-8", "replace").strip()
        raise ResponseProblem(f"{service} answered something that is not JSON: {snippet!r}") from None


def _timestamp(value: str) -> datetime | None:
    """14-digit archive timestamps (20241025123456) and GDELT's 20241025T123456Z."""
    digits = "".join(ch for ch in value if ch.isdigit())
    try:
        return datetime.strptime(digits[:14].ljust(14, "0"), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def gdelt_articles(body: bytes) -> list[Candidate]:
    """GDELT DOC 2.0 API, ``mode=artlist&format=json``."""
    data = _json(body, "GDELT")
    if data is None or data == {}:
        return []  # GDELT answers {} when nothing matched
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        raise ResponseProblem(f"GDELT answer without an article list: {str(data)[:120]!r}")
    return [Candidate(a["url"], a.get("title") or "", seen=_timestamp(a.get("seendate") or ""),
                      extra={"domain": a.get("domain"), "language": a.get("language")})
            for a in data.get("articles", []) if isinstance(a, dict) and a.get("url")]


def cdx_captures(body: bytes) -> list[ArchivedCapture]:
    """Wayback Machine CDX server, ``output=json``: a header row, then one row per capture."""
    data = _json(body, "the CDX server")
    if not data:
        return []
    if not isinstance(data, list) or not all(isinstance(row, list) for row in data):
        raise ResponseProblem(f"CDX answer is not a table: {str(data)[:120]!r}")
    header, rows = data[0], data[1:]
    out = []
    for row in rows:
        record = dict(zip(header, row))
        when = _timestamp(record.get("timestamp", ""))
        if when and record.get("original"):
            status = record.get("statuscode", "")
            out.append(ArchivedCapture(record["original"], when, int(status) if status.isdigit() else None,
                                       record.get("mimetype", "")))
    return out


def commoncrawl_captures(body: bytes) -> list[ArchivedCapture]:
    """Common Crawl's URL index (``output=json``): one JSON object a line."""
    out = []
    for line in body.splitlines():
        if not line.strip():
            continue
        record = _json(line, "the Common Crawl index")
        if not isinstance(record, dict):
            raise ResponseProblem(f"Common Crawl index line is not an object: {line[:120]!r}")
        if "message" in record and "url" not in record:  # {"message": "No Captures found for: ..."}
            continue
        when = _timestamp(str(record.get("timestamp", "")))
        if when and record.get("url") and record.get("filename"):
            status = str(record.get("status", ""))
            out.append(ArchivedCapture(record["url"], when, int(status) if status.isdigit() else None,
                                       record.get("mime", ""), record["filename"], int(record["offset"]),
                                       int(record["length"])))
    return out


def search_results(body: bytes, url_path: str, title_path: str | None = None) -> list[Candidate]:
    """Any JSON search API: result URLs (and titles) found by JSONPath expressions."""
    data = _json(body, "the search API")
    try:
        urls = [m.value for m in jsonpath(url_path).find(data)]
        titles = [m.value for m in jsonpath(title_path).find(data)] if title_path else []
    except (JsonPathParserError, Exception) as exc:  # jsonpath-ng raises assorted errors on bad paths
        raise ResponseProblem(f"cannot apply JSONPath {url_path!r}: {exc}") from exc
    titles += [""] * (len(urls) - len(titles))
    return [Candidate(u, str(t or "")) for u, t in zip(urls, titles) if isinstance(u, str) and u.startswith("http")]


def _struct(value: struct_time | None) -> datetime | None:
    return datetime(*value[:6]) if value else None


def feed_items(body: bytes) -> list[Candidate]:
    """RSS and Atom (feedparser): link, headline, summary, date of each item."""
    parsed = feedparser.parse(body)
    if not parsed.entries and (not parsed.version or parsed.bozo):
        raise ResponseProblem(f"not a feed: {parsed.get('bozo_exception') or body[:80]!r}")
    return [Candidate(e.link, e.get("title", ""), e.get("summary", ""),
                      _struct(e.get("published_parsed") or e.get("updated_parsed")))
            for e in parsed.entries if e.get("link")]


def _name(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _sitemap(body: bytes) -> tuple[str, list[dict]]:
    """The sitemap's type and its entries, as dicts of child name to text, keeping the news
    extension's headline and date (``<news:news><news:title>``) under ``"news"``. Parsed as
    Scrapy's sitemap reader does: recovering, no entities resolved, comments dropped."""
    parser = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(body, parser=parser)
    if root is None:
        raise ValueError("no XML element in it")
    entries = []
    for element in root:
        entry: dict = {}
        for child in element:
            name = _name(child)
            if name == "news":
                entry["news"] = {_name(part): (part.text or "").strip() for part in child}
            elif name != "link":
                entry[name] = (child.text or "").strip()
        if entry.get("loc"):
            entries.append(entry)
    return _name(root), entries


def sitemap_entries(body: bytes) -> tuple[str, list[Candidate]]:
    """("urlset", pages) or ("sitemapindex", sitemaps) of an XML sitemap."""
    if not body.lstrip().startswith(b"<"):
        raise ResponseProblem(f"not an XML sitemap: {body[:80]!r}")
    try:
        kind, entries = _sitemap(body)
    except Exception as exc:  # lxml's errors on broken XML
        raise ResponseProblem(f"unreadable sitemap: {exc}") from exc
    out = []
    for entry in entries:
        news = entry.get("news", {})
        when = news.get("publication_date") or entry.get("lastmod") or ""
        out.append(Candidate(entry["loc"], news.get("title", ""), seen=_iso(when)))
    return kind, out


def _iso(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def within(candidate: Candidate, start: datetime | None, end: datetime | None) -> bool:
    """Whether a candidate's date (when it has one) falls in the window."""
    if candidate.seen is None:
        return True
    return (start is None or candidate.seen >= start) and (end is None or candidate.seen <= end)


