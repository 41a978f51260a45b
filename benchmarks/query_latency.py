"""Query latency of ``origin``, ``tree`` and ``copies`` on a large graph.

    python -m benchmarks.query_latency [--docs 1000000] [--db URL] [--queries 2000]

Writes a graph of ``--docs`` documents straight into a fresh database (SQLite in a temporary
folder unless ``--db`` names another, e.g. a PostgreSQL database to fill): stories of 10 copies
whose derivation trees are up to 4 levels deep, each copy with its chosen parent and an
alternative. Texts are short: this measures the graph queries, not storage of text. Then it
times the queries the ``provenance`` command runs, on random documents, and prints percentiles
and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from archive import queries
from archive.store.db import session_factory
from archive.store.models import Document, Edge, Outlet, Story

STORY = 10  # documents per story
PARENTS = [None, 0, 0, 1, 1, 2, 3, 4, 5, 6]  # index of each copy's parent inside its story
BATCH = 20_000


def fill(factory, n_docs: int) -> None:
    with factory.begin() as session:
        session.execute(insert(Outlet), [{"id": i + 1, "domain": f"outlet{i}.example"} for i in range(200)])
    start = datetime(2024, 1, 1)
    next_edge = 1
    for first in range(0, n_docs, BATCH):
        ids = range(first + 1, min(n_docs, first + BATCH) + 1)
        stories = sorted({(i - 1) // STORY + 1 for i in ids})
        docs, edges = [], []
        for i in ids:
            story, position = (i - 1) // STORY + 1, (i - 1) % STORY
            docs.append({"id": i, "url": f"https://outlet{i % 200}.example/{i}/", "url_key": f"outlet{i % 200}.example/{i}",
                         "outlet_id": i % 200 + 1, "story_id": story, "title": f"story {story}", "text": "text",
                         "text_digest": f"{i:064x}", "published": start + timedelta(minutes=i), "date_trust": 1.0,
                         "signals": {}, "fingerprint_count": 0})
            parent = PARENTS[position]
            if parent is not None:
                base = i - position
                edges.append({"id": next_edge, "story_id": story, "source_id": base + parent, "derived_id": i,
                              "relation": "copy", "confidence": 0.9, "is_primary": True, "evidence": [], "stats": {}})
                next_edge += 1
                if parent != 0:  # an alternative parent: the origin itself
                    edges.append({"id": next_edge, "story_id": story, "source_id": base, "derived_id": i,
                                  "relation": "copy", "confidence": 0.5, "is_primary": False, "evidence": [],
                                  "stats": {}})
                    next_edge += 1
        with factory.begin() as session:
            session.execute(insert(Story), [{"id": s} for s in stories if (s - 1) * STORY + 1 in ids])
            session.execute(insert(Document), docs)
            session.execute(insert(Edge), edges)
    with factory.begin() as session:  # planner statistics, as autovacuum (or a DBA) gives after a bulk load
        session.execute(text("ANALYZE"))


def timed(fn, docs) -> list[float]:
    out = []
    for doc in docs:
        start = time.perf_counter()
        fn(doc)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="an empty database to fill [default: SQLite in a temp folder]")
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        factory = session_factory(args.db or f"sqlite:///{Path(tmp) / 'graph.db'}")
        began = time.perf_counter()
        fill(factory, args.docs)
        print(f"graph: {args.docs:,} documents, {args.docs // STORY:,} stories, written in "
              f"{time.perf_counter() - began:.0f} s ({factory.kw['bind'].dialect.name})")
        rng = random.Random(7)
        ids = [rng.randint(1, args.docs) for _ in range(args.queries)]
        with factory() as session:
            docs = [session.get(Document, i) for i in ids]
            results = {
                "origin (ancestry, recursive CTE)": timed(lambda d: queries.origin(session, d), docs),
                "tree (origin + all copies)": timed(lambda d: list(queries.tree(session, d)), docs),
                "copies": timed(lambda d: queries.copies(session, d), docs),
            }
        print(f"{'query':36}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
        for name, values in results.items():
            values.sort()
            print(f"{name:36}{statistics.median(values):>9.2f}{values[int(len(values) * 0.95)]:>9.2f}{values[-1]:>9.2f}")
        print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
