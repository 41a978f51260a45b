"""Ingest throughput and memory against single-process trafilatura, on one WARC.

    python -m benchmarks.ingest_throughput [--pages 5000]

Builds a WARC of article pages (benchmarks/evalcorpus.py: distinct generated article texts in
~20 KB news-page templates, a fifth of them in stories with copies), then in separate processes: (1) the baseline, reading the WARC
with warcio and running ``trafilatura.extract`` on each page in one process; (2) ``provenance
ingest`` (extraction in worker processes, storage, incremental analysis) on the same WARC, and on
its first half, to show that peak memory does not grow with the archive. Prints docs/s, MB/s,
the ratio, and peak resident memory of the main process and of the workers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.evalcorpus import Corpus, build, write_warc


def corpus_of(pages: int, seed: int = 7) -> Corpus:
    """About ``pages`` pages: stories of copies (~4.5 pages each) and unrelated articles, on
    distinct generated texts (the real corpus has only ~300 articles)."""
    stories = max(10, pages // 6)
    corpus = build(n_stories=stories, seed=seed, quotes=stories // 10, unrelated=pages - stories * 3,
                   synthetic=True)
    keep = sorted(corpus.pages)[:pages]
    return Corpus({u: corpus.pages[u] for u in keep}, {u: corpus.truth[u] for u in keep})


def _baseline(warc: str, mode: str) -> dict:
    """trafilatura alone, one process: ``text`` is ``extract()`` (body text only), ``metadata``
    is ``bare_extraction(with_metadata=True)`` (text and metadata: what ingest needs)."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    started, docs = time.perf_counter(), 0
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                html = record.content_stream().read().decode("utf-8", "replace")
                if mode == "text":
                    docs += bool(trafilatura.extract(html))
                else:
                    docs += trafilatura.bare_extraction(html, with_metadata=True) is not None
    return {"seconds": time.perf_counter() - started, "docs": docs}


def _ingest(warc: str, db: str) -> dict:
    from archive.ingest import ingest
    from archive.store.db import session_factory

    started = time.perf_counter()
    report = ingest([warc], session_factory(db))
    return {"seconds": time.perf_counter() - started, "docs": report.added}


def _child(task: str, *args: str) -> dict:
    """Run one measured task in a fresh process; report its time and peak memory."""
    code = (f"import json, resource, sys; from benchmarks.ingest_throughput import _{task}; "
            f"r = _{task}(*sys.argv[1:]); "
            "r['rss_main_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
            "r['rss_workers_mb'] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
            "print(json.dumps(r))")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = corpus_of(args.pages)
        full = write_warc(corpus, work / "full.warc.gz")
        half_pages = dict(list(corpus.pages.items())[: len(corpus.pages) // 2])
        half = write_warc(Corpus(half_pages, {}), work / "half.warc.gz")
        size_mb = full.stat().st_size / 1e6
        raw_mb = sum(len(b) for b in corpus.pages.values()) / 1e6
        base_text = _child("baseline", str(full), "text")
        base = _child("baseline", str(full), "metadata")
        ours = _child("ingest", str(full), f"sqlite:///{work / 'full.db'}")
        ours_half = _child("ingest", str(half), f"sqlite:///{work / 'half.db'}")
    rate = lambda r: r["docs"] / r["seconds"]  # noqa: E731
    print(f"WARC: {len(corpus.pages)} article pages, {size_mb:.1f} MB gzip, {raw_mb:.1f} MB of HTML")
    print(f"{'':38}{'docs':>7}{'seconds':>9}{'docs/s':>9}{'MB/s':>7}{'peak RSS main':>15}{'workers':>9}")
    for name, r in (("trafilatura extract(), 1 process", base_text),
                    ("trafilatura with metadata, 1 process", base), ("provenance ingest", ours),
                    ("provenance ingest, half the WARC", ours_half)):
        share = raw_mb * (0.5 if "half" in name else 1.0)
        print(f"{name:38}{r['docs']:>7}{r['seconds']:>9.1f}{rate(r):>9.1f}{share / r['seconds']:>7.2f}"
              f"{r['rss_main_mb']:>12.0f} MB{r['rss_workers_mb']:>6.0f} MB")
    print(f"ingest / single-process trafilatura (text and metadata, as ingest extracts): "
          f"{rate(ours) / rate(base):.2f}x (target >= 1.6x)")
    print(f"ingest / single-process trafilatura extract() (text only): {rate(ours) / rate(base_text):.2f}x")
    print(f"peak memory, full vs half archive: {ours['rss_main_mb']:.0f} MB vs {ours_half['rss_main_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
