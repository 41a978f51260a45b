"""Analysis at scale: candidate search latency and full analysis of many stored documents.

    python -m benchmarks.scale [--docs 100000] [--workers 2]

Stores ``--docs`` documents straight into a fresh SQLite graph (generated article texts, a fifth
of them copies: excerpts, spins, verbatim copies; extraction is measured elsewhere), then prints:
candidate search latency per document (SQL on the database, as a crawl does; and the in-memory
index batch analysis uses), and the time and peak memory of ``provenance analyze``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from archive.page import Page
from benchmarks.evalcorpus import iter_synthetic_articles, spin


SYLLABLES = "ka ro mel ta vin sor ul be dra ni go pe lan tu mar qui es zo".split()


def _with_particulars(text: str, rng: random.Random) -> str:
    """The text with the names and figures only it has, as every real article has: the generator's
    vocabulary comes from a few hundred articles, and a million texts written from it would share
    every rare word pair, which no real collection does (its vocabulary grows with its size)."""
    out = []
    for word in text.split():
        out.append(word)
        if rng.random() < 0.04:
            out.append(str(rng.randint(2, 99_999)) if rng.random() < 0.5 else
                       "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return " ".join(out)


def _pages(n: int, seed: int = 3):
    """n page records: originals, and for every fourth one a few copies of it."""
    rng = random.Random(seed)
    texts = iter_synthetic_articles(max(1, n * 2 // 3), seed)
    produced = 0
    for k, text in enumerate(texts):
        if produced >= n:
            return
        text = _with_particulars(text, rng)
        yield Page(url=f"https://origin{k % 50}.example/a/{k}/", text=text, title=text[:60], page_title=text[:60],
                   site_name=f"Origin {k % 50}", date=datetime(2024, 1, 1 + k % 28, 8), date_trust=1.0)
        produced += 1
        if k % 4 == 0:
            words = text.split()
            for j, (kind, body) in enumerate((("excerpt", " ".join(words[: len(words) // 3])),
                                              ("spin", spin(text, 0.3, rng)), ("copy", text))):
                if produced >= n:
                    return
                yield Page(url=f"https://copier{j}.example/{kind}/{k}/", text=body, title=text[:60],
                           page_title=text[:60], site_name=f"Copier {j}", date=datetime(2024, 1, 1 + k % 28, 12),
                           date_trust=1.0)
                produced += 1


def _log(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, file=sys.stderr, flush=True)


def _progress(phase: str, done: int, total: int) -> None:
    """Progress of the analysis on stderr, every twentieth of each phase."""
    if done == total or done % max(1, total // 20) == 0:
        _log(f"{phase}: {done}/{total}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    from sqlalchemy import select

    from archive.analysis import analyze_all
    from archive.store import reads, writes
    from archive.store.db import session_factory
    from archive.store.models import Fingerprint

    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'scale.db'}"
        factory = session_factory(db)
        started = time.perf_counter()
        with factory() as session:
            for n, page in enumerate(_pages(args.docs), 1):
                writes.add_document(session, page, {"discovered_via": "benchmark"})
                if n % 2000 == 0:
                    session.commit()
                if n % 50_000 == 0:
                    _log(f"stored {n} documents")
            session.commit()
        stored = time.perf_counter() - started

        with factory() as session:
            sample = random.Random(5).sample(range(1, args.docs + 1), 300)
            hashes = {i: list(session.scalars(select(Fingerprint.hash).where(Fingerprint.document_id == i)))
                      for i in sample}
            started = time.perf_counter()
            for i in sample:
                reads.candidates(session, i, hashes[i])
            sql_ms = (time.perf_counter() - started) / len(sample) * 1000
            started = time.perf_counter()
            index = reads.fingerprint_index(session)
            index_build = time.perf_counter() - started
            started = time.perf_counter()
            for i in sample:
                index.candidates(i, hashes[i])
            index_ms = (time.perf_counter() - started) / len(sample) * 1000
            fingerprints = len(index.hashes)
        del index

        started = time.perf_counter()
        result = analyze_all(factory, db, workers=args.workers, progress=_progress)
        analysis = time.perf_counter() - started
    rss_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"documents: {args.docs} ({fingerprints} fingerprints), stored in {stored:.0f} s")
    print(f"candidate search per document: {sql_ms:.2f} ms (SQL), {index_ms:.2f} ms (in-memory index, "
          f"built in {index_build:.1f} s)  [target < 5 ms]")
    print(f"analyze: {analysis:.0f} s for {result['documents']} documents, {result['stories']} stories "
          f"({result['documents'] / analysis:.0f} docs/s, {args.workers} workers)")
    print(f"peak memory: main {rss_main:.0f} MB, largest worker {rss_workers:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
