"""The demo web: ``site/<host>/<path>/index.html`` files, with ``{scheme}`` in their links."""

from __future__ import annotations

from pathlib import Path

SITE = Path(__file__).parent / "site"
SEEDS = [
    "{scheme}://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/",
    "{scheme}://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/",
]


def pages(scheme: str = "https", root: Path = SITE) -> dict[str, bytes]:
    """Every page of the site by URL."""
    out = {}
    for path in sorted(root.rglob("index.html")):
        host, *parts = path.relative_to(root).parent.parts
        url = f"{scheme}://{host}/" + "".join(f"{p}/" for p in parts)
        out[url] = path.read_text().replace("{scheme}", scheme).encode()
    return out


def seeds(scheme: str = "https") -> list[str]:
    return [s.replace("{scheme}", scheme) for s in SEEDS]
