"""URL keys and outlet domains.

Copies point to each other with URLs written many ways (``http`` vs ``https``, ``www.``, tracking
parameters, trailing slashes). Matching always goes through :func:`url_key`; storage keeps the
URL as captured.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract
from w3lib.url import canonicalize_url

# The bundled public-suffix snapshot: no network at run time.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid")


INFERRED_PREFIX = "urn:provenance:inferred:"  # a source the evidence names but the archive never captured


def is_inferred(url: str) -> bool:
    """Is this an inferred source (a wire story no page of which was captured), not a capture?"""
    return url.startswith(INFERRED_PREFIX)


def canonical_url(url: str) -> str:
    return canonicalize_url(url.strip(), keep_fragments=False)


@lru_cache(maxsize=65_536)
def url_key(url: str) -> str:
    """A comparison key: scheme, ``www.``, tracking parameters and trailing slash ignored."""
    parts = urlsplit(canonical_url(url))
    host = (parts.hostname or "").removeprefix("www.")
    query = "&".join(
        q for q in parts.query.split("&") if q and not q.split("=", 1)[0].lower().startswith(_TRACKING)
    )
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{query}" if query else "")


@lru_cache(maxsize=65_536)
def outlet_domain(url: str) -> str:
    """The registered domain that publishes ``url`` (``www.asiatimes.com`` -> ``asiatimes.com``)."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def outlet_label(domain: str) -> str:
    """The name-like part of a domain: ``asiatimes.com`` -> ``asiatimes``."""
    parts = _EXTRACT(domain)
    return parts.domain or domain.split(".")[0]


def in_domains(url: str, domains: list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or under one of them."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in (d.lower().strip(".") for d in domains if d))
