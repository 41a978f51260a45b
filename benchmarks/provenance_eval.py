"""Provenance accuracy on generated corpora, against the MinHash + earliest-date baseline.

    python -m benchmarks.provenance_eval [--stories 150] [--seeds 1 2 3] [--sample ../shared/eval-sample]

For each seed: generate a corpus (benchmarks/evalcorpus.py), write it as a WARC, run
``provenance ingest`` on it (the real pipeline: WARC reader, extraction, store, incremental
analysis), read the edges back and score them; the baseline is scored on the same extracted
texts. Also checks that ``provenance analyze`` (batch) gives the same edges as the ingest
(incremental), and scores spin recall at the heaviest substitution rate.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.evalcorpus import build, write_warc
from benchmarks.scoring import minhash_baseline, score


def _edges(factory) -> list[dict]:
    from archive.queries import all_edges

    with factory() as session:
        return [{"source": e.source.url, "derived": e.derived.url, "relation": e.relation,
                 "confidence": e.confidence, "primary": e.is_primary} for e in all_edges(session)]


def _documents(factory) -> dict[str, tuple[str, str | None]]:
    from sqlalchemy import select

    from archive.store.models import Document

    with factory() as session:
        return {d.url: (d.text, d.published.isoformat() if d.published else None)
                for d in session.scalars(select(Document))}


def run_warc(warc: Path, truth: dict, workdir: Path, label: str) -> dict:
    from archive.analysis import analyze_all
    from archive.ingest import ingest
    from archive.store.db import session_factory

    factory = session_factory(f"sqlite:///{workdir / (label + '.db')}")
    started = time.perf_counter()
    report = ingest([warc], factory)
    elapsed = time.perf_counter() - started
    incremental = _edges(factory)
    result = {"documents": report.added, "ingest_seconds": round(elapsed, 1),
              "engine": score(truth, incremental),
              "baseline": score(truth, minhash_baseline(_documents(factory)))}
    analyze_all(factory, f"sqlite:///{workdir / (label + '.db')}")
    batch = _edges(factory)
    key = lambda e: (e["source"], e["derived"], e["relation"], e["primary"])  # noqa: E731
    result["incremental_equals_batch"] = sorted(map(key, incremental)) == sorted(map(key, batch))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=120)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sample", type=Path, default=None, help="also score a corpus folder (corpus.warc.gz + truth.json)")
    parser.add_argument("--spin-rate", type=float, default=0.35,
                        help="also score a corpus spun at exactly this share of content words")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for seed in args.seeds:
            corpus = build(n_stories=args.stories, seed=seed, quotes=args.stories // 6, unrelated=args.stories // 4)
            warc = write_warc(corpus, work / f"corpus-{seed}.warc.gz")
            results[f"generated seed={seed}"] = run_warc(warc, corpus.truth, work, f"seed{seed}")
        if args.spin_rate:
            corpus = build(n_stories=args.stories, seed=99, quotes=args.stories // 6, unrelated=args.stories // 4,
                           spin_rate=args.spin_rate)
            warc = write_warc(corpus, work / "spun.warc.gz")
            results[f"generated, spin rate {args.spin_rate:.0%}"] = run_warc(warc, corpus.truth, work, "spun")
        if args.sample:
            truth = json.loads((args.sample / "truth.json").read_text())
            results["sample"] = run_warc(args.sample / "corpus.warc.gz", truth, work, "sample")
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, r in results.items():
        print(f"\n== {name}: {r['documents']} documents, ingest {r['ingest_seconds']} s, "
              f"incremental == batch: {r['incremental_equals_batch']}")
        print(f"{'':28}{'engine':>12}{'baseline':>12}")
        for metric in ("parent_precision", "parent_recall", "parent_f1", "origin_accuracy", "cross_story_false_links"):
            print(f"{metric:28}{r['engine'][metric]:>12}{r['baseline'][metric]:>12}")
        print("recall by relation (engine):  ", r["engine"]["recall_by_relation"])
        print("recall by relation (baseline):", r["baseline"]["recall_by_relation"])
        print("relation label accuracy:      ", r["engine"]["relation_label_accuracy"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
