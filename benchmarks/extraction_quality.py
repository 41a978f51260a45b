"""Body-text quality of our extraction against ``trafilatura.extract()`` on pages with known text.

    python -m benchmarks.extraction_quality [--pages 400]

Pages come from benchmarks/evalcorpus.py: real news articles (Lee corpus) inside six news-site
templates with navigation, mega-menus, related-article lists, cookie banners, comments and long
footers; the gold text is the article (headline, paragraphs, credit lines and notes) as the page
shows it. Scored like the public article-extraction benchmarks: precision, recall and F1 of the
extracted words against the gold words (bags of words), averaged over pages.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=400)
    args = parser.parse_args(argv)
    corpus = build(n_stories=args.pages // 4, seed=31, quotes=args.pages // 20, unrelated=args.pages // 5)
    urls = sorted(corpus.pages)[: args.pages]
    scores: dict[str, list[tuple[float, float, float]]] = {"provenance extract_page": [], "trafilatura.extract()": []}
    for url in urls:
        gold, body = corpus.texts[url], corpus.pages[url]
        try:
            ours = extract_page(body, url)["text"]
        except ExtractionError:
            ours = ""
        theirs = trafilatura.extract(body.decode()) or ""
        scores["provenance extract_page"].append(prf(ours, gold))
        scores["trafilatura.extract()"].append(prf(theirs, gold))
    print(f"{len(urls)} pages with known article text (real news texts in 6 site templates)")
    print(f"{'':28}{'precision':>10}{'recall':>8}{'F1':>7}")
    for name, values in scores.items():
        p, r, f = (sum(v[k] for v in values) / len(values) for k in range(3))
        print(f"{name:28}{p:>10.3f}{r:>8.3f}{f:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
