"""The real English news texts generator B builds its stories from, shipped in benchmarks/data/realnews/.

They are article bodies (paragraphs as the publisher's page gave them) and titles of English pages in
fundus's parser test data (MIT licence, LICENSE-fundus beside the file), as ../shared/real-pages
holds them. A long article yields two texts, its first and second half: two pages on one topic that
share no passage, the natural "unrelated same-topic" distractors. Texts that share an 8-word run
with an earlier one are left out, so that every base text is independent.

    python -m benchmarks.realnews ../shared/real-pages    # rewrite the shipped file from the set
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "realnews" / "articles.json"
_ENGLISH = frozenset("the and of to in is that for on with was as by at from it his her said".split())
# a dateline the publisher already put on its text: our wire copies add their own
_DATELINE = re.compile(r"^([A-Z][A-Za-z.'/ -]{1,40}(, [A-Z][a-z.]+( \d{1,2})?)? )?\((AP|Reuters|AFP)\) [—–-]+ ")
_CHROME = re.compile(r"sign up|newsletter|click here|read more|subscribe|follow us|advertisement", re.I)
MAX_WORDS = 650


@dataclass(frozen=True)
class Article:
    key: str
    title: str
    author: str | None
    paragraphs: tuple[str, ...]
    topic: str  # the two halves of one long article share it

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _english(text: str) -> bool:
    words = text.split()
    return len(words) >= 200 and sum(w.lower() in _ENGLISH for w in words) / len(words) > 0.15


def _cut(paragraphs: list[str], limit: int) -> list[str]:
    out, n = [], 0
    for p in paragraphs:
        if n >= limit:
            break
        out.append(p)
        n += len(p.split())
    return out


def select(truth: dict[str, str], meta: dict[str, dict]) -> list[dict]:
    """The shipped records from real-pages' truth (url -> body) and meta (url -> title, authors)."""
    records, seen = [], set()
    for url in sorted(truth):
        body = truth[url]
        if not _english(body):
            continue
        paras = [_DATELINE.sub("", p.strip()) for p in body.split("\n")]
        paras = [p for p in paras if len(p.split()) >= 8 and not _CHROME.search(p)]
        total = sum(len(p.split()) for p in paras)
        halves = [paras]
        if total > 2 * 320:
            words, mid = 0, 0
            while words < total / 2:
                words += len(paras[mid].split())
                mid += 1
            halves = [paras[:mid], paras[mid:]]
        authors = [a for a in meta.get(url, {}).get("authors") or [] if a]
        for part, half in enumerate(halves):
            half = _cut(half, MAX_WORDS)
            words = re.findall(r"\w+", " ".join(half).lower())
            grams = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
            if len(words) < 150 or grams & seen:
                continue
            seen |= grams
            title = meta.get(url, {}).get("title") if part == 0 else None
            if not title:
                first = re.split(r"(?<=[.!?])\s", half[0])[0].split()
                title = " ".join(first[:11]).rstrip(",.;:")
            records.append({"key": f"{len(records):03d}", "source": url, "title": title,
                            "author": authors[0] if authors else None, "paragraphs": half,
                            "topic": url})
    return records


@lru_cache(maxsize=1)
def articles() -> tuple[Article, ...]:
    records = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(Article(r["key"], r["title"], r["author"], tuple(r["paragraphs"]), r["topic"]) for r in records)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not (Path(args[0]) / "truth.json").exists():
        print("usage: python -m benchmarks.realnews REAL_PAGES_DIR (holding truth.json and meta.json)", file=sys.stderr)
        return 2
    root = Path(args[0])
    records = select(json.loads((root / "truth.json").read_text()), json.loads((root / "meta.json").read_text()))
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(json.dumps(records, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(records)} texts written to {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
