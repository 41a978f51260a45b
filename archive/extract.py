"""Turn one captured HTML page into the plain record the graph stores.

:mod:`archive.extraction` parses the bytes (whatever the page's age or damage), picks the best
body text from a cascade of extractors and the publisher's headline; lxml reads here the signals
that provenance needs and extractors drop: the served ``<title>`` (outlet suffixes leak there),
canonical and source meta tags, schema.org ``isBasedOn``, credit lines with their links, wire
datelines, spinner marks, and a publication date with how far it can be trusted.

:func:`extract_page` is a pure function of (body, url, content type) returning a
:class:`archive.page.Page`, so the crawler can run it in worker processes and ``ingest`` in a pool.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import htmldate
from dateutil import parser as dateparser
from lxml import etree

from archive.extraction.choice import body_text, count_words
from archive.extraction.headline import headline
from archive.extraction.parsing import ParseError, decode, parse
from archive.page import Page
from archive.provenance.credits import CREDIT_HINT, credit_lines, spin_marks
from archive.provenance.model import TRUST_META, TRUST_TEXT, TRUST_URL, TRUST_VISIBLE, Credit
from archive.urls import canonical_url
from archive.warc.reader import HTML_TYPES

LOGGER = logging.getLogger(__name__)

MIN_WORDS = 5  # less is a menu or an error page, not an article

_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
)
_META_SOURCE_KEYS = {"original-source": "original_source", "syndication-source": "syndication_source"}
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])(?:[/-](0[1-9]|[12]\d|3[01]))?(?:/|$)")
_HAS_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:?\d\d)?)?$")
# Elements found from their attributes (a walk over the attributes is several times faster in
# libxml2 than testing every element's), in document order as the element tests would give them.
# Paths spell the descendant axis out: libxml2 evaluates "//x" as every node's children named x,
# a walk that costs 1.5 times "/descendant::x" (the same nodes, in the same order, without a
# positional predicate).
_DATE_NODES = etree.XPath(
    "/descendant::body/descendant-or-self::*/@class[contains(.,'date') or contains(.,'posted')"
    " or contains(.,'published') or contains(.,'byline') or contains(.,'meta') or contains(.,'dateline')]"
    "/parent::*[self::time or self::span or self::div or self::p or self::small]"
    "[string-length(normalize-space()) < 80]"
)
_TIMES = etree.XPath("/descendant::time[@datetime]")
_AUTHOR_NODES = etree.XPath("/descendant::*/@class[contains(.,'author') or contains(.,'byline')]/parent::*"
                           " | /descendant::*/@rel[.='author']/parent::*")
_JSONLD = etree.XPath('/descendant::script[@type="application/ld+json"]')
_LINKS_WITH_REL = etree.XPath("/descendant::link[@rel and @href]")


class ExtractionError(ValueError):
    """The page has no text to extract (empty, not HTML, or unparsable)."""


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    """An HTML page by its declared type, or by its first bytes when the type is missing or generic."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in HTML_TYPES:
        return True
    if kind and kind not in {"text/plain", "application/octet-stream", "binary/octet-stream"}:
        return False  # PDF, images, JSON, feeds: not articles to extract
    return body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


__all__ = ["ExtractionError", "decode", "extract_page", "looks_like_html", "page_leads"]


def extract_page(body: bytes | str, url: str, content_type: str | None = None) -> Page:
    try:
        tree = parse(body, content_type)
    except ParseError as exc:
        raise ExtractionError(str(exc)) from exc
    # One parse serves our signals, our metadata and every extractor (each copies what it prunes);
    # trafilatura's own metadata pass would cost more than its text extraction.
    meta, jsonld = _meta(tree), _jsonld(tree)
    h1s = list(itertools.islice(tree.iter("h1"), H1S_READ))  # the walk stops at the third
    about = _about(tree, url, meta, jsonld, h1s)
    content = _content_links(tree)  # one XPath walk for the three readers of the body's links
    pointers = _source_signals(tree, meta, jsonld, url) + _credit_links(url, content)
    links = _outlinks(url, content)
    leads = page_leads(tree, url, meta, jsonld, pointers, content)
    stated = _stated_date(tree, meta, jsonld)
    guessed = None if stated else _htmldate(tree, url)
    first_h1 = " ".join(h1s[0].text_content().split()) if h1s else None
    text = _without_headline(body_text(tree, url, about.get("title"), h1s), about.get("title"), first_h1,
                             about["page_title"])
    if count_words(text) < MIN_WORDS:
        raise ExtractionError("no article text found")
    date, trust = stated or _guessed_date(guessed, url, links)
    return Page(
        url=url, **about, date=date, date_trust=trust, text=text,
        credits=_unique([*credit_lines(text), *pointers]), links=links, leads=leads, spin_marks=spin_marks(text),
    )


def _without_headline(text: str, title: str | None, h1: str | None = None, page_title: str = "") -> str:
    """The body without first lines that only repeat the headline (kept in ``title``), the page's
    first ``<h1>`` (the headline as printed, when ``title`` took another source's) or a part of the
    served ``<title>`` ("Kicker | Headline - Site"): some templates put the headline block inside
    the article element, so extractors keep it, others do not; copies of one article must not
    differ by that."""
    flat = lambda s: re.sub(r"\W+", "", s).casefold()  # noqa: E731
    heads = {flat(t) for t in (title, h1, *_TITLE_PARTS.split(page_title)) if t} - {""}
    for _ in range(HEADLINE_LINES):
        first, _, rest = text.partition("\n")
        if not (rest.strip() and flat(first) in heads):
            break
        text = rest.lstrip()
    return text


_TITLE_PARTS = re.compile(r"\s+[|\-–—:·]\s+")
HEADLINE_LINES = 3  # a kicker, the headline, the headline again as printed


def _htmldate(tree, url: str) -> str | None:
    try:
        return htmldate.find_date(tree, extensive_search=True, original_date=True,
                                  outputformat="%Y-%m-%dT%H:%M:%S")
    except Exception as exc:  # htmldate raises assorted errors on odd markup
        LOGGER.debug("htmldate failed on %s: %s", url, exc)
        return None


_HEADINGS = etree.XPath("(/descendant::body/descendant::h2 | /descendant::body/descendant::h3"  # one walk a tag: faster
                        " | /descendant::body/descendant::b | /descendant::body/descendant::strong"
                        " | /descendant::body/descendant::font[@size])[string-length(normalize-space()) < 300]")
HEADINGS_READ = 40  # the headline is near the top of the page
H1S_READ = 3  # the headline is one of the page's first <h1>s (the others: a logo, a box's title)


def _is_article(item: dict) -> bool:
    kinds = item.get("@type")
    return any(str(k).endswith(("Article", "Posting", "Report")) for k in (kinds if isinstance(kinds, list) else [kinds]))


def _about(tree, url: str, meta: dict, jsonld: list[dict], h1_elements: list) -> dict[str, Any]:
    """Title (the publisher's headline), author, site name, language, description: from metadata
    first, page text next (``h1_elements``: the page's first ``<h1>`` elements)."""
    article = next((i for i in jsonld if _is_article(i)), {})
    page_title = _page_title(tree)
    site_name = (meta.get("og:site_name") or _publisher(jsonld) or meta.get("application-name") or "").strip()
    h1s = [" ".join(h.text_content().split()) for h in h1_elements]
    headings = []
    if not article.get("headline") and not meta.get("og:title"):  # an old page: its title may hold the outlet's name
        headings = [" ".join(h.text_content().split()) for h in _HEADINGS(tree)[:HEADINGS_READ]]
    title = headline(url, meta, article, h1s, page_title, [site_name, _publisher(jsonld) or ""], headings)
    return {
        "title": title,
        "page_title": page_title,
        "author": _author(tree, meta, article),
        "site_name": site_name,
        "language": (tree.get("lang") or meta.get("og:locale") or meta.get("content-language") or "")[:12] or None,
        "description": meta.get("description") or meta.get("og:description"),
    }


_BY = re.compile(r"^\s*(?:by|written by|von|par|por)\s+", re.IGNORECASE)


def _author(tree, meta: dict, article: dict) -> str | None:
    names: list[str] = []
    author = article.get("author")
    for item in author if isinstance(author, list) else [author]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    if not names:
        for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
            value = meta.get(key)
            if value and not value.startswith("http"):
                names.append(value.strip())
                break
    if not names:
        for node in _AUTHOR_NODES(tree)[:3]:
            text = _BY.sub("", " ".join(node.text_content().split()))
            text = re.split(r"\s[·|•-]\s|\s{2,}", text)[0].strip()
            if 2 <= len(text) <= 80 and len(text.split()) <= 6:
                names.append(text)
                break
    return "; ".join(dict.fromkeys(names)) or None


def _unique(items: list[Credit]) -> tuple[Credit, ...]:
    return tuple(dict.fromkeys(items))


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
    for node in _JSONLD(tree):
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


def _iso(value: str) -> datetime | None:
    """An ISO 8601 date or time as metadata writes it, read by the standard library (twenty times
    faster than dateutil, which reads these the same way)."""
    if not _ISO_DATE.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _parse_date(value: str | None, fuzzy: bool = False) -> datetime | None:
    if not value or (fuzzy and not _HAS_YEAR.search(value)):
        return None
    parsed = None if fuzzy else _iso(value)
    try:
        parsed = parsed or dateparser.parse(value, fuzzy=fuzzy)
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


def _first_time(tree):
    """The ``datetime`` of the page's first ``<time>`` that has one (a generator: the XPath runs
    only when asked)."""
    for node in _TIMES(tree)[:1]:
        yield node.get("datetime")


def _stated_date(tree, meta: dict, jsonld: list[dict]) -> tuple[datetime, float] | None:
    """A publication date the page states: in its metadata, or in its date/byline element."""
    candidates = itertools.chain(  # in order, each read only when those before it gave no date
        (item.get("datePublished") for item in jsonld), (meta.get(k) for k in _META_DATE_KEYS),
        _first_time(tree))
    for value in candidates:
        date = _parse_date(value if isinstance(value, str) else None)
        if date:
            return date, TRUST_META
    for node in _DATE_NODES(tree)[:4]:
        date = _parse_date(" ".join(node.text_content().split())[:80], fuzzy=True)
        if date:
            return date, TRUST_VISIBLE
    return None


def _guessed_date(found: str | None, url: str, links: list[str]) -> tuple[datetime | None, float]:
    """htmldate's guess from the text, unless it only read a link's /2024/05/ path; then the URL's
    own date path; else nothing."""
    date = _parse_date(found)
    if date and not any(_url_date(u) == date.replace(hour=0, minute=0, second=0) for u in [url, *links[:200]]):
        return date, TRUST_TEXT
    from_url = _url_date(url)
    return (from_url, TRUST_URL) if from_url else (None, 0.0)


def _source_signals(tree, meta: dict, jsonld: list[dict], url: str) -> list[Credit]:
    out = []
    for node in _LINKS_WITH_REL(tree):
        if "canonical" in node.get("rel", "").lower().split():
            out.append(Credit("canonical", node.get("href"), _abs(url, node.get("href"))))
    if meta.get("og:url"):
        out.append(Credit("og_url", meta["og:url"], _abs(url, meta["og:url"])))
    for key, kind in _META_SOURCE_KEYS.items():
        if meta.get(key):
            out.append(Credit(kind, meta[key], _abs(url, meta[key])))
    for item in jsonld:
        based = item.get("isBasedOn") or item.get("isBasedOnUrl")
        for value in based if isinstance(based, list) else [based]:
            target = value.get("url") or value.get("@id") if isinstance(value, dict) else value
            if isinstance(target, str):
                out.append(Credit("is_based_on", target, _abs(url, target)))
    return [c for c in out if c.url]


_READ_MORE = re.compile(r"\b(?:read|continue|see)\s+(?:more|the\s+(?:original|full)\s*\w*|the\s+rest)\b"
                        r"|\b(?:original|full)\s+(?:article|story)\b|\bsource\s*:", re.IGNORECASE)


def page_leads(tree, url: str, meta: dict | None = None, jsonld: list | None = None,
               pointers: list[Credit] | None = None, content: list | None = None) -> list[tuple[str, str]]:
    """URLs a page names as its source or as another copy, with how it names them: canonical and
    og:url, original-source / syndication-source meta, schema.org isBasedOn, links inside credit
    lines, and "read more at" links. ``content``: the page's :func:`_content_links`, when the
    caller has them."""
    if content is None:
        content = _content_links(tree)
    if pointers is None:
        pointers = _source_signals(tree, meta or _meta(tree), jsonld or _jsonld(tree), url) + _credit_links(url, content)
    leads = [(c.url, "credit_link" if c.kind == "link" else c.kind) for c in pointers]
    for node in content:
        if _READ_MORE.search(" ".join(node.text_content().split())[:120]):
            target = _abs(url, node.get("href"))
            if target:
                leads.append((target, "read_more"))
    first: dict[str, str] = {}
    for target, via in leads:
        first.setdefault(target, via)
    own = canonical_url(url)
    return [(target, via) for target, via in first.items() if target != own]


_CONTENT_LINKS = etree.XPath(
    "/descendant::body/descendant::a[@href][not(ancestor::nav or ancestor::header or ancestor::footer"
    " or ancestor::aside or ancestor::form or ancestor::script)]")
_INLINE = {"a", "em", "strong", "i", "b", "span", "small"}


def _content_links(tree) -> list:
    """Links outside navigation, header, footer and asides."""
    return _CONTENT_LINKS(tree)


def _credit_links(url: str, content: list) -> list[Credit]:
    """Links inside credit sentences ("originally published by <a>Pacific Forum</a>"), of the
    page's ``content`` links."""
    out, seen = [], {}
    for node in content:
        block = node.getparent()
        while block is not None and block.tag in _INLINE:
            block = block.getparent()
        if block is None:
            continue
        if block not in seen:
            words = block.text_content().split()
            context = " ".join(words) if len(words) <= 80 else ""
            found = None
            if context and CREDIT_HINT.search(context):  # every wording credit_lines reads, not a few words
                found = next((c.text for c in credit_lines(context) if c.kind == "line"), None)
            seen[block] = found
        target = seen[block] and _abs(url, node.get("href"))  # only links inside credit lines
        if seen[block] and target:
            out.append(Credit("link", seen[block], target))
    return out


def _outlinks(url: str, content: list) -> list[str]:
    """Absolute URLs of the page's ``content`` links (navigation and footers left out)."""
    links = []
    for node in content:
        href = node.get("href", "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            target = urljoin(url, href).split("#", 1)[0]
            if target.startswith(("http://", "https://")):
                links.append(target)
    return list(dict.fromkeys(links))


def _abs(base: str, href: str | None) -> str | None:
    if not href:
        return None
    target = urljoin(base, href.strip())
    if not target.startswith(("http://", "https://")):
        return None
    return canonical_url(target)
