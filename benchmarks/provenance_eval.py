"""Provenance accuracy on corpora of both generators, against the MinHash + earliest-date baseline.

    python -m benchmarks.provenance_eval [--stories 40] [--seeds 1 2 3 11 5 7] [--seeds-b 1 2 3]
                                         [--spin-rate 0.35] [--sample ../shared/eval-sample] [--json] [--errors]

Generator A is benchmarks/evalcorpus.py, generator B benchmarks/evalcorpus_b.py (written apart:
other texts, outlets, templates, credits, wire stories without their original, another spinner).
Generator A's seeds 1, 2, 3 and 11 are the tuning set (the engine was tuned on them); generator
B's seeds 1, 2, 3 and 10-19 are its development set (their errors were looked at, and the confidence is
fitted on them); every other seed of either generator is held out. For each corpus: write it as a
WARC, run ``provenance ingest`` on it (the real pipeline: WARC reader, extraction, store,
incremental analysis), read the edges back and score them (benchmarks/scoring.py); the baseline is scored on the same extracted
texts. Also checks that ``provenance analyze`` (batch) gives the same edges as the ingest
(incremental). Ends with one summary table and, per generator, the reliability table of the
chosen parents' confidences pooled over its corpora. ``--errors`` lists the wrong parents (and the
origins given a parent) of the tuning and development corpora, never of held-out ones.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import evalcorpus, evalcorpus_b
from benchmarks.scoring import minhash_baseline, reliability, score

TUNING_SEEDS_A = frozenset({1, 2, 3, 11})
# looked at while working on issue 13; the confidence is fitted on them too. Seeds 10-14 joined in its seventh
# round, when 4-9 had been reported as held out; 15-19, first measured at that round's end, in its eighth
# (20-24 then never run: the seeds never seen).
DEV_SEEDS_B = frozenset({1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})


def _edges(factory) -> list[dict]:
    from archive.queries import all_edges

    with factory() as session:
        return [{"source": e.source.url, "derived": e.derived.url, "relation": e.relation,
                 "confidence": e.confidence, "primary": e.is_primary} for e in all_edges(session, with_quotes=True)]


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


def _spin_recall(engine: dict) -> str:
    return engine["recall_by_relation"].get("spin", "0/0")


def _print_corpus(name: str, r: dict) -> None:
    e, b = r["engine"], r["baseline"]
    print(f"\n== {name}: {r['documents']} documents, ingest {r['ingest_seconds']} s, "
          f"incremental == batch: {r['incremental_equals_batch']}")
    print(f"{'':28}{'engine':>12}{'baseline':>12}")
    for metric in ("parent_precision", "parent_recall", "parent_f1", "origin_accuracy", "cross_story_false_links",
                   "quotes_false_links", "undirected_link_recall", "ece", "wire_sibling_recall", "wire_agency_match"):
        print(f"{metric:28}{e[metric]!s:>12}{b[metric]!s:>12}")
    print("recall by relation (engine):  ", e["recall_by_relation"])
    print("recall by relation (baseline):", b["recall_by_relation"])
    print("relation label accuracy:      ", e["relation_label_accuracy"])


def _print_errors(name: str, r: dict) -> None:
    """The wrong parents of one corpus: child, truth parent and relation, the parent chosen."""
    print(f"\n== wrong parents, {name}: {len(r['engine']['errors'])}")
    for err in r["engine"]["errors"]:
        got = err["got"]
        chosen = f"{got[0]} ({got[2]} {got[1]:.2f})" if got else "none"
        print(f"  {err['derived']}\n      truth {err['truth_parent']} ({err['truth_relation']})\n      got   {chosen}")


def _print_summary(results: dict) -> None:
    cols = ("corpus", "split", "docs", "F1", "origin", "spin", "false", "quotes×", "ECE", "wire sib", "partial",
            "rewrite", "incr=batch")
    rows = []
    for name, r in results.items():
        e = r["engine"]
        rel = e["recall_by_relation"]
        rows.append((name, r["split"], r["documents"], e["parent_f1"], e["origin_accuracy"], _spin_recall(e),
                     e["cross_story_false_links"], e["quotes_false_links"], e["ece"], e["wire_sibling_recall"],
                     rel.get("partial", "-"), rel.get("rewrite", "-"), r["incremental_equals_batch"]))
    widths = [max(len(str(x)) for x in col) for col in zip(cols, *rows)]
    print("\n== summary (engine; 'false' = links between different stories, 'quotes×' = quotes edges between "
          "stories neither of which is a quoting page)")
    for row in (cols, *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))


def _print_reliability(results: dict) -> None:
    groups: dict[str, list] = {}
    for r in results.values():
        groups.setdefault(f"{r['generator']}, {r['split']}", []).extend(r["engine"]["calibration_pairs"])
    for group, pairs in groups.items():
        ece, table = reliability(pairs)
        print(f"\n== reliability of chosen parents' confidence, generator {group}: ECE {ece} over {len(pairs)} parents")
        print(f"{'bin':>9} {'count':>6} {'mean conf':>10} {'correct':>8}")
        for row in table:
            print(f"{row['bin']:>9} {row['count']:>6} {row['mean_confidence']:>10} {row['share_correct']:>8}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=40, help="stories per corpus")
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 11, 5, 7],
                        help=f"generator A seeds ({', '.join(map(str, sorted(TUNING_SEEDS_A)))} are the tuning set)")
    parser.add_argument("--seeds-b", type=int, nargs="*", default=[1, 2, 3, 4, 5, 6],
                        help=f"generator B seeds ({', '.join(map(str, sorted(DEV_SEEDS_B)))} are the development set)")
    parser.add_argument("--sample", type=Path, default=None, help="also score a corpus folder (corpus.warc.gz + truth.json)")
    parser.add_argument("--spin-rate", type=float, default=0.0,
                        help="also score a corpus of each generator spun at exactly this share of content words")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", action="store_true",
                        help="list the wrong parents of tuning and development corpora (never of held-out ones)")
    args = parser.parse_args(argv)
    if args.stories < 1:
        parser.error("--stories must be at least 1")
    if args.sample and not (args.sample / "corpus.warc.gz").exists():
        parser.error(f"--sample: no corpus.warc.gz in {args.sample}")
    plans = []  # (name, generator, split, corpus builder)
    for seed in args.seeds:
        split = "tuning" if seed in TUNING_SEEDS_A else "held out"
        plans.append((f"A seed={seed}", "A", split, lambda seed=seed: evalcorpus.build(
            n_stories=args.stories, seed=seed, quotes=args.stories // 6, unrelated=args.stories // 4)))
    for seed in args.seeds_b:
        split = "dev" if seed in DEV_SEEDS_B else "held out"
        plans.append((f"B seed={seed}", "B", split, lambda seed=seed: evalcorpus_b.build(n_stories=args.stories, seed=seed)))
    if args.spin_rate:
        plans.append((f"A spin {args.spin_rate:.0%}", "A", "held out", lambda: evalcorpus.build(
            n_stories=args.stories, seed=99, quotes=args.stories // 6, unrelated=args.stories // 4, spin_rate=args.spin_rate)))
        plans.append((f"B spin {args.spin_rate:.0%}", "B", "held out", lambda: evalcorpus_b.build(
            n_stories=args.stories, seed=99, spin_rate=args.spin_rate)))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for i, (name, generator, split, make) in enumerate(plans):
            corpus = make()
            warc = evalcorpus.write_warc(corpus, work / f"corpus-{i}.warc.gz")
            results[name] = run_warc(warc, corpus.truth, work, f"c{i}") | {"generator": generator, "split": split}
        if args.sample:
            truth = json.loads((args.sample / "truth.json").read_text())
            results["sample"] = run_warc(args.sample / "corpus.warc.gz", truth, work, "sample") | {
                "generator": "public sample", "split": "held out"}
    if args.json:
        for r in results.values():
            for side in ("engine", "baseline"):
                r[side].pop("calibration_pairs")
                r[side].pop("errors")
        print(json.dumps(results, indent=2))
        return 0
    print(f"Tuning set: generator A seeds {sorted(TUNING_SEEDS_A)}; development set: generator B seeds "
          f"{sorted(DEV_SEEDS_B)}. Held out: every other seed of either generator, the public sample.")
    for name, r in results.items():
        _print_corpus(f"{name} ({r['split']})", r)
        if args.errors and r["split"] in ("tuning", "dev"):
            _print_errors(name, r)
    _print_summary(results)
    _print_reliability(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
