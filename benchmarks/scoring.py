"""Scoring predicted provenance edges against a corpus's truth, and the off-the-shelf baseline.

The metrics follow the public sample's scorer: each derived copy's highest-confidence derivation
edge is its predicted parent; parent precision/recall/F1, origin accuracy (following parents to a
root, over the documents of stories with copies), recall per relation, and false links (edges
between pages of different truth stories; ``quotes`` edges counted apart).

A truth parent ``wire:<agency>`` is a wire story no page of which is in the corpus: such a copy's
parent is right when it is an inferred source (``urn:provenance:inferred:``) and every sibling
(same story, same wire parent) got that same node; whether the node names the agency is reported
apart. Calibration: the expected calibration error of the chosen parents' confidences over 10
equal-width bins, with the reliability table (bin, count, mean confidence, share correct).
"""

from __future__ import annotations

import collections
import re

from archive.urls import is_inferred

BINS = 10


def _norm(url: str) -> str:
    return url if is_inferred(url) or url.startswith("wire:") else url.rstrip("/") + "/"


def _agency(inferred_url: str) -> str | None:
    """``urn:provenance:inferred:wire:<agency>:<hex>`` -> ``<agency>``."""
    parts = inferred_url.split(":")
    return parts[4] if len(parts) > 4 and parts[3] == "wire" else None


def best_parents(edges: list[dict]) -> dict[str, tuple[str, float, str]]:
    best: dict[str, tuple[str, float, str]] = {}
    for e in edges:
        if e.get("relation") == "quotes":
            continue
        d, c = _norm(e["derived"]), float(e.get("confidence", 1.0))
        if d not in best or c > best[d][1]:
            best[d] = (_norm(e["source"]), c, e.get("relation"))
    return best


def reliability(pairs: list[tuple[float, bool]], bins: int = BINS) -> tuple[float, list[dict]]:
    """Expected calibration error of (confidence, right) pairs, and the table it comes from."""
    rows = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c >= hi)]
        if inside:
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "count": len(inside),
                         "mean_confidence": round(sum(c for c, _ in inside) / len(inside), 3),
                         "share_correct": round(sum(ok for _, ok in inside) / len(inside), 3)})
    total = len(pairs)
    ece = sum(r["count"] / total * abs(r["mean_confidence"] - r["share_correct"]) for r in rows) if total else 0.0
    return round(ece, 3), rows


def score(truth: dict[str, dict], edges: list[dict]) -> dict:
    truth = {_norm(u): dict(v, parent=v["parent"] and _norm(v["parent"])) for u, v in truth.items()}
    best = best_parents(edges)
    story = {u: v["story"] for u, v in truth.items()}
    siblings = collections.defaultdict(list)  # (story, wire:agency) -> copies
    for u, v in truth.items():
        if v["parent"] and v["parent"].startswith("wire:"):
            siblings[(v["story"], v["parent"])].append(u)

    def right(child: str) -> bool:
        parent = truth[child]["parent"]
        got = best.get(child)
        if not parent or got is None:
            return False
        if parent.startswith("wire:"):
            return is_inferred(got[0]) and all(best.get(s, ("",))[0] == got[0] for s in siblings[(story[child], parent)])
        return got[0] == parent

    derived = [u for u, v in truth.items() if v["parent"]]
    correct = [u for u in derived if right(u)]
    n_pred = len(best)
    p = len(correct) / n_pred if n_pred else 0.0
    r = len(correct) / len(derived) if derived else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    ok = set(correct)
    errors = [{"derived": u, "truth_parent": truth[u]["parent"], "truth_relation": truth[u]["relation"],
               "got": best.get(u)} for u in derived if u not in ok]
    errors += [{"derived": u, "truth_parent": None, "truth_relation": truth.get(u, {}).get("relation"),
                "got": best[u]} for u in best if u in truth and not truth[u]["parent"]]
    pairs = [(c, d in ok) for d, (_, c, _) in best.items()]
    ece, table = reliability(pairs)

    # an inferred node belongs to the truth story most of its children are in
    children = collections.defaultdict(collections.Counter)
    for d, (s, _, _) in best.items():
        if is_inferred(s) and d in story:
            children[s][story[d]] += 1
    node_story = dict(story)
    node_story.update({n: c.most_common(1)[0][0] for n, c in children.items()})
    false_links = quotes_false = quotes_edges = 0
    for e in edges:
        a, b = _norm(e["source"]), _norm(e["derived"])
        differ = node_story.get(a) != node_story.get(b)
        if e.get("relation") == "quotes":
            quotes_edges += 1
            # a commentary quoting a story is expected; a quotes edge between any two other stories is not
            quotes_false += differ and "quotes" not in (truth.get(a, {}).get("relation"), truth.get(b, {}).get("relation"))
        else:
            false_links += differ
    linked = {frozenset((_norm(e["source"]), _norm(e["derived"]))) for e in edges if e.get("relation") != "quotes"}
    captured = [u for u in derived if not truth[u]["parent"].startswith("wire:")]
    undirected = sum(frozenset((truth[u]["parent"], u)) in linked for u in captured)

    roots = {v["story"]: u for u, v in truth.items() if v["relation"] == "origin"}
    multi = {v["story"] for v in truth.values() if v["parent"]}

    def root(u: str) -> str:
        seen = set()
        while u in best and u not in seen:
            seen.add(u)
            u = best[u][0]
        return u

    docs = [u for u, v in truth.items() if v["story"] in multi]
    story_roots = collections.defaultdict(set)
    for u in docs:
        story_roots[story[u]].add(root(u))

    def origin_right(u: str) -> bool:
        if story[u] in roots:
            return root(u) == roots[story[u]]
        return is_inferred(root(u)) and len(story_roots[story[u]]) == 1  # a wire story: one inferred root

    origin_ok = sum(map(origin_right, docs)) / len(docs) if docs else 0.0
    by_relation = collections.defaultdict(lambda: [0, 0])
    relation_right = collections.defaultdict(lambda: [0, 0])
    for child in derived:
        rel = truth[child]["relation"]
        by_relation[rel][1] += 1
        if child in ok:
            by_relation[rel][0] += 1
            relation_right[rel][1] += 1
            relation_right[rel][0] += best[child][2] == rel
    wire = [u for group in siblings.values() for u in group]
    wire_ok = [u for u in wire if u in ok]
    agency_ok = sum(_agency(best[u][0]) == truth[u]["parent"].removeprefix("wire:") for u in wire_ok)
    return {
        "parent_precision": round(p, 3), "parent_recall": round(r, 3), "parent_f1": round(f, 3),
        "origin_accuracy": round(origin_ok, 3), "cross_story_false_links": false_links,
        "quotes_edges": quotes_edges, "quotes_false_links": quotes_false,
        "edges_true": len(derived), "edges_predicted": n_pred,
        "undirected_link_recall": round(undirected / len(captured), 3) if captured else None,
        "recall_by_relation": {k: f"{a}/{b}" for k, (a, b) in sorted(by_relation.items())},
        "relation_label_accuracy": {k: f"{a}/{b}" for k, (a, b) in sorted(relation_right.items())},
        "wire_sibling_recall": f"{len(wire_ok)}/{len(wire)}", "wire_agency_match": f"{agency_ok}/{len(wire_ok)}",
        "ece": ece, "reliability": table, "calibration_pairs": pairs, "errors": errors,
    }


def minhash_baseline(docs: dict[str, tuple[str, str | None]]) -> list[dict]:
    """MinHash-LSH over 5-word shingles, then "earliest date wins" within each cluster: the
    off-the-shelf approach the engine is measured against. ``docs``: url -> (text, ISO date)."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    hashes = {}
    for url, (text, _) in docs.items():
        words = re.findall(r"\w+", text.lower())
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))])
        hashes[url] = m
        lsh.insert(url, m)
    parent = {u: u for u in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for url in docs:
        for other in lsh.query(hashes[url]):
            parent[find(url)] = find(other)
    clusters = collections.defaultdict(list)
    for url in docs:
        clusters[find(url)].append(url)
    edges = []
    for members in clusters.values():
        dated = sorted((docs[u][1] or "9999", u) for u in members)
        for _, url in dated[1:]:
            edges.append({"source": dated[0][1], "derived": url, "relation": "copy", "confidence": 0.5})
    return edges
