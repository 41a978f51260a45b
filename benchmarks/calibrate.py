"""Fit the engine's confidence (archive/provenance/calibration.json) on corpora with known truth.

    python -m benchmarks.calibrate [--stories 60] [--fit 1 2 3 11] [--fit-t 1 2] [--fit-b 1 2 3]
                                   [--check 5 7 13] [--check-b 4 5 6] [--write]

Each corpus of the first generator (benchmarks/evalcorpus.py) and of the template-heavy sites
(benchmarks/templatecorpus.py, whose wire stories teach what an inferred source is worth) is
written as a WARC and ingested by
``provenance ingest``; every edge the engine stores (chosen parents and close alternatives) is a
sample, labelled right when its source is the copy's true parent. A logistic regression (L2, fitted
by Newton's method in numpy) on the edges' features (archive/provenance/confidence.py) gives the
probability that a parent is right. It is fitted on the ``--fit``, ``--fit-t`` and ``--fit-b`` seeds only
(the second generator's development seeds, benchmarks/evalcorpus_b.py); the reliability table and the
expected calibration error are printed for those and for the ``--check`` and ``--check-b`` seeds, which
were not used.
``--write`` stores the weights.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from archive.provenance.confidence import FEATURES, MODEL
from archive.urls import is_inferred

L2 = 1.0  # ridge penalty: a few hundred samples, fifteen features


def right(truth: dict, source: str, derived: str) -> bool:
    """Is ``source`` the true parent of ``derived``? An inferred wire source is right for a copy
    whose true source is that agency's uncaptured wire story."""
    parent = (truth.get(derived) or {}).get("parent")
    if parent is None:
        return False
    if is_inferred(source):
        return parent.startswith("wire:") and source.split(":")[4] == parent.split(":", 1)[1]
    return parent == source


def samples(warc: Path, truth: dict, workdir: Path, label: str) -> list[tuple[dict, bool, bool]]:
    """(features, right, primary) for every stored edge of an ingested corpus."""
    from archive.ingest import ingest
    from archive.queries import all_edges
    from archive.store.db import session_factory

    factory = session_factory(f"sqlite:///{workdir / (label + '.db')}")
    ingest([warc], factory)
    with factory() as session:
        return [(e.stats["features"], right(truth, e.source.url, e.derived.url), e.is_primary)
                for e in all_edges(session) if e.relation != "quotes" and "features" in (e.stats or {})]


def fit(rows: list[tuple[dict, bool, bool]]) -> dict[str, float]:
    x = np.array([[f[name] for name in FEATURES] for f, _, _ in rows])
    y = np.array([float(ok) for _, ok, _ in rows])
    w = np.zeros(len(FEATURES))
    penalty = L2 * np.eye(len(FEATURES))
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(len(FEATURES))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {name: round(float(v), 4) for name, v in zip(FEATURES, w)}


def reliability(confidences: list[float], correct: list[bool], bins: int = 10) -> tuple[float, list[tuple]]:
    """Expected calibration error and the table (range, count, mean confidence, share right)."""
    table, total, ece = [], len(confidences), 0.0
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        inside = [(c, ok) for c, ok in zip(confidences, correct) if low <= c < high or (k == bins - 1 and c == 1.0)]
        if not inside:
            continue
        mean = sum(c for c, _ in inside) / len(inside)
        share = sum(ok for _, ok in inside) / len(inside)
        ece += len(inside) / total * abs(mean - share)
        table.append((f"{low:.1f}-{high:.1f}", len(inside), round(mean, 3), round(share, 3)))
    return round(ece, 4), table


def _report(name: str, rows, weights) -> float:
    z = lambda f: sum(weights.get(n, 0.0) * f[n] for n in FEATURES)  # noqa: E731
    primary = [(f, ok) for f, ok, is_primary in rows if is_primary]
    conf = [float(1 / (1 + np.exp(-np.clip(z(f), -30, 30)))) for f, _ in primary]
    ece, table = reliability(conf, [ok for _, ok in primary])
    print(f"\n== {name}: {len(primary)} chosen parents ({sum(ok for _, ok in primary)} right), "
          f"{len(rows)} edges; expected calibration error {ece}")
    print(f"{'confidence':>12}{'parents':>9}{'mean conf':>11}{'right':>8}")
    for rng, count, mean, share in table:
        print(f"{rng:>12}{count:>9}{mean:>11}{share:>8}")
    return ece


def corpora(generator: str, seeds: list[int], stories: int, work: Path):
    module = __import__(f"benchmarks.{generator}", fromlist=["build", "write_warc"])
    for seed in seeds:
        if generator == "templatecorpus":
            corpus = module.build(seed=seed)
        else:
            corpus = module.build(n_stories=stories, seed=seed, quotes=stories // 6, unrelated=stories // 4)
        warc = module.write_warc(corpus, work / f"{generator}-{seed}.warc.gz")
        yield f"{generator} seed {seed}", samples(warc, corpus.truth, work, f"{generator}-{seed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=60)
    parser.add_argument("--fit", type=int, nargs="+", default=[1, 2, 3, 11])
    parser.add_argument("--fit-t", type=int, nargs="*", default=[1, 2], help="template-site corpora fitted on too")
    parser.add_argument("--check", type=int, nargs="*", default=[5, 7, 13])
    parser.add_argument("--fit-b", type=int, nargs="*", default=[1, 2, 3],
                        help="the second generator's development seeds, fitted on too")
    parser.add_argument("--check-b", type=int, nargs="*", default=[4, 5, 6], help="held-out seeds of the second generator")
    parser.add_argument("--write", action="store_true", help=f"store the fitted weights in {MODEL}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fitted = [r for _, rows in corpora("evalcorpus", args.fit, args.stories, work) for r in rows]
        fitted += [r for _, rows in corpora("templatecorpus", args.fit_t, args.stories, work) for r in rows]
        fitted += [r for _, rows in corpora("evalcorpus_b", args.fit_b, args.stories, work) for r in rows]
        weights = fit(fitted)
        print("weights:", json.dumps(weights))
        _report(f"fitted on: first generator, seeds {args.fit}; template sites, seeds {args.fit_t}; "
                f"second generator, seeds {args.fit_b}", fitted, weights)
        held: dict[str, float] = {}
        for name, rows in corpora("evalcorpus", args.check, args.stories, work):
            held[name] = _report(f"held out: {name}", rows, weights)
        for name, rows in corpora("evalcorpus_b", args.check_b, args.stories, work):
            held[name] = _report(f"held out (other generator): {name}", rows, weights)
    if args.write:
        MODEL.write_text(json.dumps({
            "weights": weights, "features": list(FEATURES),
            "fitted_on": f"benchmarks.evalcorpus seeds {args.fit}, {args.stories} stories each; "
                         f"benchmarks.templatecorpus seeds {args.fit_t}; benchmarks.evalcorpus_b seeds {args.fit_b}",
            "held_out_ece": held,
        }, indent=1) + "\n")
        print(f"\nwritten: {MODEL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
