"""Where a crawled page's CPU goes, per process and per stage (milliseconds of CPU a page).

    python -m benchmarks.crawl_cpu [--pages 600] [--profile worker|writer]

The pages of ``benchmarks.crawl_throughput``'s local site go through the two kinds of worker
process a crawl runs, here in this one process, one after the other, timed with CPU clocks
(``time.process_time``: what a busy, shared machine takes from others does not count):

- the extraction worker: ``extract_page`` (the extractors and our signals), then what storage
  needs (text digest, fingerprints, segments), then pickling the page back to the crawler;
- the graph writer: the batches the crawl sends it (16 pages a transaction), split into storing
  the document, learning template segments, the engine's view of the page, the candidate query,
  comparing with candidates, story membership, tree derivation, and the rest (transactions,
  commits).

Each stage counts its own time, not that of the stages it calls.

``--profile`` prints cProfile's top functions of one of the two instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from archive import graph_writer
from archive.analysis import Analyzer
from archive.extract import extract_page
from archive.store import reads, templates, writes
from crawler.pipelines import BATCH as BATCH_PAGES
from benchmarks.ingest_throughput import corpus_of

SORT = "cumulative"
SPENT: dict[str, float] = defaultdict(float)


@contextmanager
def stage(name: str):
    """CPU time spent inside, less what the stages inside it counted."""
    counted = sum(SPENT.values())
    started = time.process_time()
    try:
        yield
    finally:
        SPENT[name] += time.process_time() - started - (sum(SPENT.values()) - counted)


def _timed(owner, attribute: str, name: str) -> None:
    """Count every call of ``owner.attribute`` as the stage ``name``."""
    function = getattr(owner, attribute)

    def timed(*args, **kwargs):
        with stage(name):
            return function(*args, **kwargs)

    setattr(owner, attribute, timed)


def extraction(pages: dict[str, bytes]) -> list:
    done = []
    for url, body in pages.items():
        with stage("worker: extract_page"):
            page = extract_page(body, url, "text/html")
        with stage("worker: digest, fingerprints, segments"):
            writes.prepared(page)
        with stage("worker: pickle to the crawler"):
            data = pickle.dumps([("ok", page)], pickle.HIGHEST_PROTOCOL)
        with stage("writer: unpickle"):
            done.append(pickle.loads(data)[0][1])
    return done


def writer(pages: list, db: str) -> None:
    _timed(templates, "learn", "writer: template segments")
    _timed(reads, "candidates", "writer: candidate query")
    _timed(Analyzer, "links", "writer: compare with candidates")
    _timed(Analyzer, "story", "writer: tree derivation")
    _timed(Analyzer, "refresh", "writer: stories a template changed")
    _timed(writes, "add_document", "writer: store document, fingerprints")
    _timed(Analyzer, "add", "writer: the engine's Doc of a new page")
    _timed(writes, "assign_story", "writer: story membership, tree writes")
    _timed(writes, "write_story", "writer: story membership, tree writes")
    graph_writer.start(db)
    for start in range(0, len(pages), BATCH_PAGES):
        jobs = [(page, {"status": 200, "discovered_via": "seed"}, True) for page in pages[start:start + BATCH_PAGES]]
        with stage("writer: transaction, commit, rest"):
            graph_writer.store_many(jobs)
    with stage("writer: transaction, commit, rest"):
        graph_writer.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--profile", choices=["worker", "writer"])
    args = parser.parse_args(argv)
    corpus = corpus_of(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'graph.db'}"
        profile = cProfile.Profile()
        if args.profile == "worker":
            profile.enable()
        pages = extraction(corpus.pages)
        profile.disable()
        if args.profile == "writer":
            profile.enable()
        writer(pages, db)
        profile.disable()
    if args.profile:
        pstats.Stats(profile).sort_stats(SORT).print_stats(45)
        return 0
    n = len(pages)
    print(f"{n} pages of benchmarks.crawl_throughput's site; ms of CPU a page")
    for process in ("worker", "writer"):
        rows = [(k, v) for k, v in SPENT.items() if k.startswith(process)]
        for name, spent in sorted(rows, key=lambda r: -r[1]):
            print(f"  {name:46}{spent / n * 1000:8.2f}")
        print(f"  {process + ' total':46}{sum(v for _, v in rows) / n * 1000:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
