"""Crawl throughput of the full pipeline against a bare Scrapy crawl of the same local site.

    python -m benchmarks.crawl_throughput [--pages 1500]

A local site of article pages (~20 KB each, benchmarks/evalcorpus.py, a fifth of them copies of
each other) is served on 127.0.0.1 by demo/server.py. Scrapy crawls it twice with the same
concurrency settings: once bare (benchmarks/bare_spider.py: fetch, yield a tiny item) and once as
``scrapy crawl syndication`` (fetch, archive to WARC, extract in worker processes, store and
analyse each page as it arrives). Prints pages/s of each, from Scrapy's own elapsed time, the
ratio (target >= 0.45), and how many pages the full crawl stored (documents in its graph).
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from archive.urls import INFERRED_PREFIX
from benchmarks.ingest_throughput import corpus_of
from demo.server import SiteServer

ROOT = Path(__file__).resolve().parent.parent
COMMON = ["-s", "ROBOTSTXT_OBEY=False", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
          "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "TELNETCONSOLE_ENABLED=False",
          "-s", "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=True", "-s", "DISCOVERY_SOURCES={}"]


def _run(args: list[str], proxy: str) -> tuple[float, int]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["http_proxy"] = proxy
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr).group(1))
    pages = int(re.search(r"'response_received_count': (\d+)", result.stderr).group(1))
    return elapsed, pages


def stored_pages(db: Path) -> int:
    """Documents in a crawl's graph (inferred wire sources are not pages)."""
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM documents WHERE url_key NOT LIKE ? || '%'",
                                  (INFERRED_PREFIX,)).fetchone()[0]


def commands(tmp: str, urls: Path, pages: int) -> tuple[list[str], list[str]]:
    """The bare Scrapy crawl and the full pipeline's crawl of the URLs listed in ``urls``."""
    scrapy = str(Path(sys.executable).parent / "scrapy")
    bare = [scrapy, "runspider", str(ROOT / "benchmarks" / "bare_spider.py"), "-a", f"urls={urls}",
            "-o", str(Path(tmp) / "bare.jsonl"), *COMMON]
    full = [scrapy, "crawl", "syndication", "-a", f"urls={urls}", "-s", "PROVENANCE_DEPTH=0",
            "-s", f"PROVENANCE_BUDGET={pages + 10}", "-s", f"PROVENANCE_DB=sqlite:///{tmp}/graph.db",
            "-s", f"WARC_DIR={tmp}/warc", *COMMON]
    return bare, full


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1500)
    args = parser.parse_args(argv)
    corpus = corpus_of(args.pages)
    pages = {u.replace("https://", "http://"): body for u, body in corpus.pages.items()}
    with tempfile.TemporaryDirectory() as tmp, SiteServer(pages) as server:
        urls = Path(tmp) / "urls.txt"
        urls.write_text("\n".join(pages) + "\n")
        bare_command, full_command = commands(tmp, urls, len(pages))
        bare, full = _run(bare_command, server.proxy), _run(full_command, server.proxy)
        stored = stored_pages(Path(tmp) / "graph.db")
    rate = lambda r: r[1] / r[0]  # noqa: E731
    print(f"local site: {len(pages)} pages of ~{sum(map(len, pages.values())) // len(pages) // 1000} KB")
    print(f"{'':44}{'pages':>7}{'seconds':>9}{'pages/s':>9}")
    print(f"{'bare Scrapy (fetch only)':44}{bare[1]:>7}{bare[0]:>9.1f}{rate(bare):>9.1f}")
    print(f"{'full pipeline (fetch+WARC+extract+graph)':44}{full[1]:>7}{full[0]:>9.1f}{rate(full):>9.1f}")
    print(f"full / bare: {rate(full) / rate(bare):.2f} (target >= 0.45); stored {stored} of {len(pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
