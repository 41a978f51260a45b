"""False links on real pages and on template-heavy sites, and how well real wire copies connect.

    python -m benchmarks.false_links [--seeds 1 2 3] [--real-pages ../shared/real-pages] [--worst 8] [--json]

Each corpus is stored with ``provenance ingest`` into a fresh SQLite file and read back with
``provenance edges --format jsonl --with-quotes`` and ``provenance documents --format jsonl``,
exactly as a user would:

(a) ../shared/real-pages/corpus.warc.gz: 257 real pages of different articles, so every edge is false;
(b) benchmarks/templatecorpus.py, one corpus per seed: template-heavy sites whose pages are
    distinct articles, with real-style wire stories (AP versions, Thomson Financial and a rewrite,
    Xinhua and a rewording, a Business Wire release) mixed in.

For each: documents, derivation edges, false links (derivation edges between two different truth
stories; an inferred source counts as part of the story most of its copies belong to), false
``quotes`` edges, how many of either join two pages of one site, and the worst false links with
the longest run of words their texts share. On the wire stories: the share of true copy pairs
connected in the graph (directly, through a common parent or an inferred source) and the
wire-sibling recall (pairs of copies of one uncaptured wire story given one inferred parent).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import re
import subprocess
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import urlsplit

from archive.provenance.model import Relation
from archive.urls import is_inferred, outlet_domain
from benchmarks.templatecorpus import REAL_PAGES, SITES, build, write_warc

WIRE = "wire:"
FAMILIES = {s.domain: s.group for s in SITES if s.group}


def _provenance(db: str, *args: str) -> str:
    exe = Path(sys.executable).parent / "provenance"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "archive.cli"]
    done = subprocess.run(cmd + ["--db", db, *args], capture_output=True, text=True)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SystemExit(f"false_links: `provenance {' '.join(args)}` failed: {last}")
    return done.stdout


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def ingest(warc: Path, workdir: Path, label: str) -> tuple[list[dict], list[dict], float]:
    """(documents, edges with quotes, seconds of ingest) for one WARC in a fresh database."""
    db = f"sqlite:///{workdir / (label + '.db')}"
    started = time.perf_counter()
    _provenance(db, "ingest", str(warc))
    seconds = time.perf_counter() - started
    return _jsonl(_provenance(db, "documents", "--format", "jsonl")), \
        _jsonl(_provenance(db, "edges", "--format", "jsonl", "--with-quotes")), seconds


def _norm(url: str) -> str:
    return url.rstrip("/")


def _shared_run(a: str, b: str) -> str:
    """The longest run of words two texts share (what a false link is made of)."""
    wa, wb = a.split(), b.split()
    m = SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb))
    run = wa[m.a : m.a + m.size]
    return " ".join(run[:25]) + (" ..." if len(run) > 25 else "")


def mostly_template(stored: str, article: str) -> bool:
    """Is under half of a stored text's words in the page's true article (the rest is template)?"""
    words = re.findall(r"\w+", stored.lower())
    known = set(re.findall(r"\w+", article.lower()))
    return sum(w in known for w in words) < len(words) / 2


def measure(truth: dict[str, dict], documents: list[dict], edges: list[dict], worst: int = 8,
            articles: dict[str, str] | None = None, families: dict[str, str] | None = None) -> dict:
    """The false-link and wire-copy figures of one corpus. ``truth``: url -> {story, parent, ...};
    a page missing from it is its own story. ``articles``: url -> the page's true article text;
    ``families``: host -> the template family its site shares with other domains (a broadcast
    group, a newspaper network)."""
    story = {_norm(u): v["story"] for u, v in truth.items()}
    texts = {_norm(d["url"]): d.get("text") or "" for d in documents if not is_inferred(d["url"])}
    derivations = [e for e in edges if e["relation"] != Relation.QUOTES]
    children = collections.defaultdict(list)
    for e in derivations:
        if is_inferred(e["source"]):
            children[e["source"]].append(story.get(_norm(e["derived"]), e["derived"]))

    def story_of(url: str) -> str:
        if is_inferred(url):  # the story most of its copies belong to
            return collections.Counter(children[url]).most_common(1)[0][0] if children[url] else url
        return story.get(_norm(url), url)

    def same_site(e: dict) -> bool:
        return not is_inferred(e["source"]) and outlet_domain(e["source"]) == outlet_domain(e["derived"])

    def same_family(e: dict) -> bool:
        a, b = (families or {}).get(urlsplit(e["source"]).hostname), (families or {}).get(urlsplit(e["derived"]).hostname)
        return bool(a) and a == b and not same_site(e)

    def false(group: list[dict]) -> list[dict]:
        return [e for e in group if story_of(e["source"]) != story_of(e["derived"])]

    false_links = false(derivations)
    false_quotes = false([e for e in edges if e["relation"] == Relation.QUOTES])

    def listing(group: list[dict], n: int) -> list[dict]:
        return [_describe(e, texts) for e in sorted(group, key=lambda e: -float(e.get("confidence") or 0))[:n]]

    result = {
        "documents": len(texts), "edges": len(derivations), "primary_edges": sum(1 for e in derivations if e.get("primary")),
        "false_links": len(false_links), "false_links_primary": sum(1 for e in false_links if e.get("primary")),
        "false_links_same_site": sum(map(same_site, false_links)),
        "false_links_same_family": sum(map(same_family, false_links)),
        "false_quotes": len(false_quotes), "false_quotes_same_site": sum(map(same_site, false_quotes)),
        "mostly_template": sum(mostly_template(texts[_norm(u)], a) for u, a in (articles or {}).items()
                               if _norm(u) in texts),
        "inferred_sources": len({e["source"] for e in derivations if is_inferred(e["source"])}),
        "worst": listing(false_links, worst), "worst_quotes": listing(false_quotes, max(1, worst // 3)),
    }
    wrong = {id(e) for e in false_links}
    result.update(wire_figures(truth, [e for e in derivations if id(e) not in wrong]))
    return result


def _describe(e: dict, texts: dict[str, str]) -> dict:
    return {"source": e["source"], "derived": e["derived"], "relation": e["relation"],
            "confidence": round(float(e.get("confidence") or 0), 3),
            "shared_words": (e.get("stats") or {}).get("shared_words"),
            "shared_run": "" if is_inferred(e["source"]) else
            _shared_run(texts.get(_norm(e["source"]), ""), texts.get(_norm(e["derived"]), ""))}


def wire_figures(truth: dict[str, dict], derivations: list[dict]) -> dict:
    """Copy pairs connected (by a path of true derivation edges, inferred sources included; false
    links are left out of ``derivations``, so a path through another story does not count) and
    wire-sibling recall (two copies of one uncaptured wire story with the same inferred primary parent)."""
    truth = {_norm(u): v for u, v in truth.items()}
    members = collections.defaultdict(list)
    for url, v in truth.items():
        members[v["story"]].append(url)
    pairs = [p for m in members.values() for p in itertools.combinations(sorted(m), 2)]
    if not pairs:
        return {}
    root: dict[str, str] = {}

    def find(x: str) -> str:
        root.setdefault(x, x)
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for e in derivations:
        root[find(_norm(e["source"]))] = find(_norm(e["derived"]))
    parent = {_norm(e["derived"]): e["source"] for e in derivations if e.get("primary")}

    def wire(url: str) -> str:
        value = truth[url]["parent"] or ""
        return value if value.startswith(WIRE) else ""

    siblings = [(a, b) for a, b in pairs if wire(a) and wire(a) == wire(b)]
    wired = [u for u in truth if wire(u)]
    inferred = [u for u in wired if is_inferred(parent.get(u, ""))]
    return {"copy_pairs": len(pairs), "copy_pairs_connected": sum(1 for a, b in pairs if find(a) == find(b)),
            "wire_sibling_pairs": len(siblings),
            "wire_siblings_joined": sum(1 for a, b in siblings if a in inferred and parent[a] == parent.get(b)),
            "wire_copies": len(wired),
            "wire_copies_inferred_agency_right": sum(1 for u in inferred if _agency(parent[u]) == _agency(wire(u)))}


def _agency(value: str) -> str:
    """The agency slug of ``wire:<agency>`` or ``urn:provenance:inferred:wire:<agency>:<hex>``, letters only."""
    part = value.split("wire:", 1)[1] if "wire:" in value else ""
    return "".join(ch for ch in part.split(":")[0] if ch.isalnum())


def _real_truth(bodies: dict[str, str]) -> dict[str, dict]:
    return {url: {"story": url, "parent": None, "relation": "origin"} for url in bodies}


def _print(name: str, r: dict, seconds: float) -> None:
    print(f"\n== {name}: {r['documents']} documents, {r['edges']} derivation edges ({r['primary_edges']} primary), "
          f"ingest {seconds:.0f} s")
    print(f"   false links {r['false_links']} ({r['false_links_primary']} primary; {r['false_links_same_site']} "
          f"within one site, {r['false_links_same_family']} between two sites of one template family); false quotes edges {r['false_quotes']} ({r['false_quotes_same_site']} within one site); "
          f"inferred sources {r['inferred_sources']}")
    print(f"   stored texts mostly template (under half their words in the article): {r['mostly_template']}")
    if "copy_pairs" in r:
        print(f"   wire stories: copy pairs connected {r['copy_pairs_connected']}/{r['copy_pairs']}, wire siblings "
              f"under one inferred source {r['wire_siblings_joined']}/{r['wire_sibling_pairs']}, wire copies whose "
              f"inferred parent names their agency {r['wire_copies_inferred_agency_right']}/{r['wire_copies']}")
    for w in r["worst"] + r["worst_quotes"]:
        print(f"   {w['relation']:>13} {w['confidence']:.2f}  {w['source']}\n"
              f"   {'':>18}-> {w['derived']}\n   {'':>18}shared words {w['shared_words']}: \"{w['shared_run']}\"")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3], help="template corpus seeds")
    parser.add_argument("--scale", type=int, default=1, help="template corpus size multiplier")
    parser.add_argument("--real-pages", type=Path, default=None,
                        help=f"folder with corpus.warc.gz and truth.json (default {REAL_PAGES})")
    parser.add_argument("--worst", type=int, default=8, help="false links listed per corpus")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    folder = args.real_pages or REAL_PAGES
    if not (folder / "corpus.warc.gz").exists() or not (folder / "truth.json").exists():
        message = f"false_links: no real pages at {folder} (corpus.warc.gz and truth.json)"
        if args.real_pages:
            print(message, file=sys.stderr)
            return 2
        print(message + "; part (a) skipped, template corpora built from the Lee corpus only", file=sys.stderr)
        folder = None
    results, timing = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if folder:
            docs, edges, timing["real pages"] = ingest(folder / "corpus.warc.gz", work, "real")
            bodies = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
            results["real pages"] = measure(_real_truth(bodies), docs, edges, args.worst, bodies)
        for seed in args.seeds:
            try:
                corpus = build(seed, scale=args.scale)
            except RuntimeError as problem:  # the text pool ran out
                print(f"false_links: seed {seed}: {problem}", file=sys.stderr)
                return 2
            warc = write_warc(corpus, work / f"templates-{seed}.warc.gz")
            name = f"template sites seed={seed}"
            docs, edges, timing[name] = ingest(warc, work, f"templates{seed}")
            results[name] = measure(corpus.truth, docs, edges, args.worst, corpus.texts, FAMILIES)
    if args.json:
        print(json.dumps({k: dict(v, ingest_seconds=round(timing[k], 1)) for k, v in results.items()}, indent=2))
    else:
        for name, r in results.items():
            _print(name, r, timing[name])
        generated = [r for name, r in results.items() if name.startswith("template")]
        if len(generated) > 1:
            total = {k: sum(r[k] for r in generated) for k in
                     ("documents", "edges", "false_links", "false_links_same_site", "false_links_same_family",
                      "false_quotes",
                      "false_quotes_same_site", "copy_pairs", "copy_pairs_connected", "wire_sibling_pairs",
                      "wire_siblings_joined")}
            print(f"\n== template sites, {len(generated)} seeds: {total['documents']} documents, {total['edges']} "
                  f"derivation edges, false links {total['false_links']} ({total['false_links_same_site']} within one "
                  f"site, {total['false_links_same_family']} within one template family), false quotes {total['false_quotes']} ({total['false_quotes_same_site']} within one site), "
                  f"copy pairs connected {total['copy_pairs_connected']}/{total['copy_pairs']}, wire siblings joined "
                  f"{total['wire_siblings_joined']}/{total['wire_sibling_pairs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
