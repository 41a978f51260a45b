"""The publisher's headline, not the served ``<title>`` with the outlet's name in it.

Publishers state their headline in several places that disagree: JSON-LD ``headline`` (what
they give search engines), the page's ``<h1>``, ``og:title`` and ``twitter:title`` (often a
shorter or teasing social-media line), and ``<title>`` (the headline with " - Site Name",
"| Section | Site" or "：Site" around it). Each is voted for, without the outlet's name. When
JSON-LD and ``og:title`` disagree, the page's markup says which: a CMS copies one headline into
the ``<h1>`` and ``<title>``, so the one of the two that differs from those copies was written for
this article on purpose (so is an ``og:title`` unlike them on a page without JSON-LD); when the
``<h1>`` prints ``og:title``'s and only ``<title>`` copies JSON-LD's, that pair was written for
search engines and the printed one is the article's; when one holds the other, the longer adds a
kicker or a section. On 2023-2026 pages of 181 publishers this
picks their own parsers' headline on 91.1 % (the vote alone: 82 %).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from archive.urls import outlet_domain, outlet_label

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " « ", "：", "ㅣ", "|", " / ")
_SQUASH = re.compile(r"[\W_]+")
_QUOTES = re.compile("[\"'‘’“”«»„‚‹›]")
MAX_HEADLINE_CHARS = 400  # longer "headlines" are paragraphs someone put in a heading


def _squash(text: str) -> str:
    return _SQUASH.sub("", text.casefold())


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")  # soft hyphens, zero-width marks


def _clean(text: object) -> str:
    return " ".join(_INVISIBLE.sub("", html.unescape(text)).split()) if isinstance(text, str) else ""


_label = lru_cache(maxsize=4096)(outlet_label)  # a public-suffix look-up; one site's pages share it


def site_names(url: str, names: list[str]) -> list[str]:
    """The outlet's names as they might appear in a title: stated names and the domain's label."""
    domain = outlet_domain(url)
    return [s for s in {_squash(n) for n in names if n} | {_squash(domain), _squash(_label(domain))} if s]


def _is_site(part: str, sites: list[str]) -> bool:
    squashed = _squash(part)
    return bool(squashed) and any(squashed == s or (len(s) >= 4 and s in squashed and len(squashed) <= len(s) + 12)
                                  or (len(squashed) >= 4 and squashed in s) for s in sites)


def without_site(title: str, sites: list[str]) -> str:
    """``title`` without the outlet's name (and a section before it) at either end."""
    changed = True
    while changed:
        changed = False
        for sep in _SEPARATORS:
            head, found, tail = title.rpartition(sep)
            if found and head.strip() and _is_site(tail, sites):
                title, changed = head.strip(), True
                break
            first, found, rest = title.partition(sep)
            if found and rest.strip() and _is_site(first, sites):
                title, changed = rest.strip(), True
                break
    return title


def _overlaps(a: str, b: str) -> bool:
    """``a`` and ``b`` share most of their words (an ``<h1>`` that is the headline, not a logo)."""
    wa, wb = set(a.casefold().split()), set(b.casefold().split())
    return bool(wa and wb) and len(wa & wb) >= 0.6 * min(len(wa), len(wb))


# How much each source's word counts when they disagree (tuned on the development split).
WEIGHTS = {"jsonld": 2.1, "h1": 1.5, "og:title": 1.0, "twitter:title": 1.0, "title": 1.0}


def _printed_part(title: str, headings: list[str], sites: list[str]) -> str:
    """The part of a served title that the page prints as a heading ("Story - Unknown Outlet"
    on a page whose ``<b>`` says "Story"): old pages state no site name to cut."""
    printed = {_squash(h) for h in headings}
    for sep in _SEPARATORS:
        parts = [p.strip() for p in title.split(sep)]
        found = [p for p in parts if len(parts) > 1 and p and _squash(p) in printed and not _is_site(p, sites)]
        if found:
            return max(found, key=len)
    return title


def headline(url: str, meta: dict, article: dict, h1s: list[str], page_title: str, names: list[str],
             headings: list[str] = ()) -> str:
    """The headline most sources agree on, each weighted by how often it is the headline;
    ``headings``: other emphasised texts of the page (``<h2>``, ``<b>``, large ``<font>``)."""
    sites = site_names(url, names)
    said = {"jsonld": _clean(article.get("headline")), "og:title": _clean(meta.get("og:title")),
            "twitter:title": _clean(meta.get("twitter:title")),
            "title": _printed_part(_clean(page_title), [*h1s, *headings], sites)}
    others = [without_site(t, sites) for t in said.values() if t]
    said["h1"] = next((h for h in map(_clean, h1s) if h and (not others or any(_overlaps(h, o) for o in others))), "")
    stated = {}
    for source, text in said.items():
        text = without_site(text, sites)
        if text and len(text) <= MAX_HEADLINE_CHARS:
            stated[source] = text
    if not stated:
        return ""
    keys = {source: _squash(text) for source, text in stated.items()}
    votes: dict[str, float] = {}
    for source, key in keys.items():
        votes[key] = votes.get(key, 0.0) + WEIGHTS[source]
    order = list(votes)
    best = max(votes, key=lambda k: (votes[k], -order.index(k)))
    jsonld, social = keys.get("jsonld"), keys.get("og:title")
    if jsonld and social and jsonld != social and best in (jsonld, social):
        if jsonld in social or social in jsonld:  # the longer adds a kicker, a section, a date
            best = min(jsonld, social, key=len)
        else:
            # The CMS copies one headline into the page's <h1> and <title>; the one of JSON-LD
            # and og:title that differs from those copies was written for this article on purpose.
            # When the <h1> prints og:title's and only <title> copies JSON-LD's, that pair is the
            # headline written for search engines, and the printed one is the article's.
            copies = keys.get("h1"), keys.get("title")
            best = social if copies in ((jsonld, jsonld), (social, jsonld)) else jsonld
    elif (social and not jsonld and best != social and best not in social and social not in best
          and not _is_site(stated["og:title"], sites)):
        best = social  # likewise with no JSON-LD: og:title differs from the copies on purpose
    # among spellings of one headline, the one with the fewest quotation marks (JSON-LD's and the
    # <h1>'s often add them), og:title's first: it is written as plain text
    spellings = [stated[s] for s in ("og:title", *stated) if keys.get(s) == best]
    return min(spellings, key=lambda t: len(_QUOTES.findall(t)))
