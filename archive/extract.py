"""Turn one captured HTML page into the plain record the graph stores.

trafilatura gives body text and metadata; lxml reads the signals that provenance needs and
trafilatura drops: the served ``<title>`` (outlet suffixes leak there), canonical and source meta
tags, schema.org ``isBasedOn``, credit lines with their links, wire datelines, spinner marks, and a
publication date with how far it can be trusted.

:func:`extract_page` is a pure function of (body, url, content type) returning a picklable dict,
so the crawler can run it in worker processes and ``ingest`` in a pool.
"""

from __future__ import annotations

import json
from dataclasses import asdict
import logging
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import htmldate
import lxml.html
import trafilatura
from dateutil import parser as dateparser
from lxml import etree
from w3lib.encoding import html_to_unicode

from archive.provenance.credits import credit_lines, spin_marks
from archive.urls import canonical_url

LOGGER = logging.getLogger(__name__)

MIN_WORDS = 5  # less is a menu or an error page, not an article
TRUST_META = 1.0  # machine-readable publication date
TRUST_VISIBLE = 0.6  # a date printed in the article's date or byline element
TRUST_TEXT = 0.4  # a date htmldate found somewhere in the page
TRUST_URL = 0.25  # only the URL's /2024/04/ path: day or month may be missing

_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
)
_META_SOURCE_KEYS = {"original-source": "original_source", "syndication-source": "syndication_source"}
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])(?:[/-](0[1-9]|[12]\d|3[01]))?(?:/|$)")
_HAS_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE_NODES = (
    "//body//*[self::time or self::span or self::div or self::p or self::small]"
    "[contains(@class,'date') or contains(@class,'posted') or contains(@class,'published')"
    " or contains(@class,'byline') or contains(@class,'meta') or contains(@class,'dateline')]"
    "[string-length(normalize-space()) < 80]"
)
_SKIP_LINK_AREAS = {"nav", "header", "footer", "aside", "form", "script", "style"}


class ExtractionError(ValueError):
    """The page has no text to extract (empty, not HTML, or unparsable)."""


def decode(body: bytes, content_type: str | None = None) -> str:
    _, text = html_to_unicode(content_type, body)
    return text


def extract_page(body: bytes | str, url: str, content_type: str | None = None) -> dict[str, Any]:
    html = decode(body, content_type) if isinstance(body, bytes) else body
    if not html.strip():
        raise ExtractionError("empty page")
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"unparsable HTML: {exc}") from exc
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True, fast=True,
    )
    if doc is None or len((doc.text or "").split()) < MIN_WORDS:
        raise ExtractionError("no article text found")
    meta = _meta(tree)
    jsonld = _jsonld(tree)
    text = doc.text.strip()
    date, trust = _published(tree, html, meta, jsonld, url)
    credits = [asdict(c) for c in credit_lines(text)] + _source_signals(tree, meta, jsonld, url)
    credits += _credit_links(tree, url)
    return {
        "url": url,
        "title": (doc.title or meta.get("og:title") or "").strip(),
        "page_title": _page_title(tree),
        "author": doc.author,
        "date": date.isoformat() if date else None,
        "date_trust": trust,
        "site_name": (meta.get("og:site_name") or _publisher(jsonld) or doc.sitename or "").strip(),
        "language": (tree.get("lang") or meta.get("og:locale") or doc.language or "")[:12] or None,
        "description": doc.description,
        "text": text,
        "credits": _unique(credits),
        "links": _outlinks(tree, url),
        "spin_marks": spin_marks(text),
    }


def _unique(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for item in items:
        key = (item["kind"], item["text"], item.get("url"))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _page_title(tree) -> str:
    node = tree.find(".//title")
    return " ".join((node.text_content() if node is not None else "").split())


def _meta(tree) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = node.get("content")
        if key and value and key not in out:
            out[key] = value.strip()
    return out


def _jsonld(tree) -> list[dict]:
    found: list[dict] = []
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(node.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return found


def _publisher(jsonld: list[dict]) -> str | None:
    for item in jsonld:
        pub = item.get("publisher")
        if isinstance(pub, dict) and isinstance(pub.get("name"), str):
            return pub["name"]
    return None


def _parse_date(value: str | None, fuzzy: bool = False) -> datetime | None:
    if not value or (fuzzy and not _HAS_YEAR.search(value)):
        return None
    try:
        parsed = dateparser.parse(value, fuzzy=fuzzy)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _url_date(url: str) -> datetime | None:
    m = _URL_DATE.search(url)
    if not m:
        return None
    return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))


def _published(tree, html: str, meta: dict, jsonld: list[dict], url: str) -> tuple[datetime | None, float]:
    """The publication date and how much it can be trusted (see the TRUST_* constants)."""
    candidates = [item.get("datePublished") for item in jsonld]
    candidates += [meta.get(k) for k in _META_DATE_KEYS]
    candidates += [n.get("datetime") for n in tree.xpath("//article//time[@datetime]|//time[@datetime]")[:1]]
    for value in candidates:
        date = _parse_date(value if isinstance(value, str) else None)
        if date:
            return date, TRUST_META
    for node in tree.xpath(_DATE_NODES)[:4]:
        date = _parse_date(" ".join(node.text_content().split())[:80], fuzzy=True)
        if date:
            return date, TRUST_VISIBLE
    from_url = _url_date(url)
    try:
        found = htmldate.find_date(html, extensive_search=True, original_date=True,
                                   outputformat="%Y-%m-%dT%H:%M:%S")
    except Exception as exc:  # htmldate raises assorted errors on odd markup
        LOGGER.debug("htmldate failed on %s: %s", url, exc)
        found = None
    date = _parse_date(found)
    if date and not _looks_like_url_date(date, tree, url):
        return date, TRUST_TEXT
    if from_url:
        return from_url, TRUST_URL
    return None, 0.0


def _looks_like_url_date(date: datetime, tree, url: str) -> bool:
    """htmldate falls back on dates in links; such a date is no better than the URL itself."""
    urls = [url] + [n.get("href", "") for n in tree.xpath("//link[@rel='canonical']|//a[@href]")[:200]]
    return any(_url_date(candidate) == date.replace(hour=0, minute=0, second=0) for candidate in urls)


def _source_signals(tree, meta: dict, jsonld: list[dict], url: str) -> list[dict]:
    out = []
    for node in tree.xpath("//link[@rel and @href]"):
        if "canonical" in node.get("rel", "").lower().split():
            out.append({"kind": "canonical", "text": node.get("href"), "url": _abs(url, node.get("href"))})
    if meta.get("og:url"):
        out.append({"kind": "og_url", "text": meta["og:url"], "url": _abs(url, meta["og:url"])})
    for key, kind in _META_SOURCE_KEYS.items():
        if meta.get(key):
            out.append({"kind": kind, "text": meta[key], "url": _abs(url, meta[key])})
    for item in jsonld:
        based = item.get("isBasedOn") or item.get("isBasedOnUrl")
        for value in based if isinstance(based, list) else [based]:
            target = value.get("url") or value.get("@id") if isinstance(value, dict) else value
            if isinstance(target, str):
                out.append({"kind": "is_based_on", "text": target, "url": _abs(url, target)})
    return [c for c in out if c["url"]]


_READ_MORE = re.compile(r"\b(?:read|continue|see)\s+(?:more|the\s+(?:original|full)\s*\w*|the\s+rest)\b"
                        r"|\b(?:original|full)\s+(?:article|story)\b|\bsource\s*:", re.IGNORECASE)


def page_leads(tree, url: str) -> list[tuple[str, str]]:
    """URLs a page names as its source or as another copy, with how it names them: canonical and
    og:url, original-source / syndication-source meta, schema.org isBasedOn, links inside credit
    lines, and "read more at" links. Cheap enough for the crawler's reactor thread."""
    leads = [(c["url"], c["kind"]) for c in _source_signals(tree, _meta(tree), _jsonld(tree), url)]
    leads += [(c["url"], "credit_link") for c in _credit_links(tree, url)]
    for node in tree.xpath("//body//a[@href]"):
        if _READ_MORE.search(" ".join(node.text_content().split())[:120]):
            target = _abs(url, node.get("href"))
            if target:
                leads.append((target, "read_more"))
    first: dict[str, str] = {}
    for target, via in leads:
        first.setdefault(target, via)
    own = canonical_url(url)
    return [(target, via) for target, via in first.items() if target != own]


def _credit_links(tree, url: str) -> list[dict]:
    """Links inside credit sentences ("originally published by <a>Pacific Forum</a>")."""
    out = []
    for node in tree.xpath("//body//a[@href]"):
        block = node.getparent()
        while block is not None and block.tag in {"a", "em", "strong", "i", "b", "span", "small"}:
            block = block.getparent()
        if block is None:
            continue
        context = " ".join(block.text_content().split())
        if len(context.split()) > 80:
            continue
        for credit in credit_lines(context):
            if credit.kind == "line":
                out.append({"kind": "link", "text": credit.text, "url": _abs(url, node.get("href"))})
                break
    return [c for c in out if c["url"]]


def _outlinks(tree, url: str) -> list[str]:
    links = []
    for node in tree.xpath("//body//a[@href]"):
        if any(a.tag in _SKIP_LINK_AREAS for a in node.iterancestors()):
            continue
        target = _abs(url, node.get("href"))
        if target:
            links.append(target)
    return list(dict.fromkeys(links))


def _abs(base: str, href: str | None) -> str | None:
    if not href:
        return None
    target = urljoin(base, href.strip())
    if not target.startswith(("http://", "https://")):
        return None
    return canonical_url(target)
