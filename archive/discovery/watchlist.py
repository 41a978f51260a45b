"""The outlets a user watches for copies: a TOML file.

    [[outlet]]
    name = "MENAFN"
    home = "https://menafn.com/"
    feeds = ["https://menafn.com/rss/latest.xml"]
    sitemaps = ["https://menafn.com/sitemap-news.xml"]
    search = "https://menafn.com/search?q={query}"   # optional; {query} is URL-encoded
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class WatchListError(ValueError):
    pass


@dataclass
class WatchedOutlet:
    name: str
    home: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    search: str | None = None


def _urls(entry: dict, key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in value):
        raise WatchListError(f"{where}: {key} must be a list of http(s) URLs")
    return value


def load(path: str | Path) -> list[WatchedOutlet]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WatchListError(f"cannot read the watch list {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WatchListError(f"{path} is not valid TOML: {exc}") from exc
    outlets = []
    for n, entry in enumerate(data.get("outlet", []), 1):
        where = f"{path}, outlet {n}"
        if not isinstance(entry, dict) or not entry.get("name") or not str(entry.get("home", "")).startswith("http"):
            raise WatchListError(f"{where}: needs a name and a home URL")
        search = entry.get("search")
        if search is not None and (not isinstance(search, str) or "{query}" not in search):
            raise WatchListError(f"{where}: search must be a URL template containing {{query}}")
        outlets.append(WatchedOutlet(entry["name"], entry["home"], _urls(entry, "feeds", where),
                                     _urls(entry, "sitemaps", where), search))
    if not outlets:
        raise WatchListError(f"{path}: no [[outlet]] entries")
    return outlets
