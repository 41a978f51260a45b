"""Scoring predicted provenance edges against a corpus's truth, and the off-the-shelf baseline.

The metrics follow the public sample's scorer: each derived copy's highest-confidence edge is its
predicted parent; parent precision/recall/F1, origin accuracy (following parents to a root, over
the documents of stories with copies), recall per relation, and links between unrelated stories.
"""

from __future__ import annotations

import collections
import re


def _norm(url: str) -> str:
    return url.rstrip("/") + "/"


def best_parents(edges: list[dict]) -> dict[str, tuple[str, float, str]]:
    best: dict[str, tuple[str, float, str]] = {}
    for e in edges:
        d, c = _norm(e["derived"]), float(e.get("confidence", 1.0))
        if d not in best or c > best[d][1]:
            best[d] = (_norm(e["source"]), c, e.get("relation"))
    return best


def score(truth: dict[str, dict], edges: list[dict]) -> dict:
    truth = {_norm(u): v for u, v in truth.items()}
    best = best_parents(edges)
    true_edges = {(_norm(v["parent"]), u) for u, v in truth.items() if v["parent"]}
    predicted = {(s, d) for d, (s, _, _) in best.items()}
    correct = true_edges & predicted
    p = len(correct) / len(predicted) if predicted else 0.0
    r = len(correct) / len(true_edges) if true_edges else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    story = {u: v["story"] for u, v in truth.items()}
    cross = [e for e in edges if story.get(_norm(e["source"])) != story.get(_norm(e["derived"]))]
    roots = {v["story"]: u for u, v in truth.items() if v["relation"] == "origin"}
    multi = {v["story"] for v in truth.values() if v["parent"]}

    def root(u: str) -> str:
        seen = set()
        while u in best and u not in seen:
            seen.add(u)
            u = best[u][0]
        return u

    docs = [u for u, v in truth.items() if v["story"] in multi]
    origin_ok = sum(1 for u in docs if root(u) == roots.get(story[u])) / len(docs) if docs else 0.0
    by_relation = collections.defaultdict(lambda: [0, 0])
    relation_right = collections.defaultdict(lambda: [0, 0])
    for parent, child in true_edges:
        rel = truth[child]["relation"]
        by_relation[rel][1] += 1
        if (parent, child) in predicted:
            by_relation[rel][0] += 1
            relation_right[rel][1] += 1
            relation_right[rel][0] += best[child][2] == rel
    return {
        "parent_precision": round(p, 3), "parent_recall": round(r, 3), "parent_f1": round(f, 3),
        "origin_accuracy": round(origin_ok, 3), "cross_story_false_links": len(cross),
        "edges_true": len(true_edges), "edges_predicted": len(predicted),
        "recall_by_relation": {k: f"{a}/{b}" for k, (a, b) in sorted(by_relation.items())},
        "relation_label_accuracy": {k: f"{a}/{b}" for k, (a, b) in sorted(relation_right.items())},
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
