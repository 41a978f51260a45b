"""Graph files: GraphML and GEXF with the attributes Gephi reads, and readable Graphviz DOT.

Nodes are captures, labelled by outlet (Gephi's ``label``), with ``captured`` false for an
inferred source; edges run source -> copy with the confidence as ``weight``. GEXF nodes and
edges start at the copy's publication (or capture) day, for Gephi's timeline. Node ids are URLs,
made unique with the document id when a page was captured more than once.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC

from archive.outputs.describe import (COLOURS, OTHER_COLOUR, captured, date_flags, day, edge_label,
                                      evidence_short, generations, how_made, name, primary_parents)
from archive.store.models import Document, Edge


def node_ids(documents: list[Document]) -> dict[int, str]:
    seen = Counter(d.url for d in documents)
    return {d.id: d.url if seen[d.url] == 1 else f"{d.url}#capture-{d.id}" for d in documents}


def _unix(when) -> int:
    return int(when.replace(tzinfo=UTC).timestamp())


def _rgb(colour: str) -> dict:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}


def to_networkx(title: str, documents: list[Document], edges: list[Edge], gexf: bool = False):
    """A networkx DiGraph of the selection. For ``gexf``, nodes and edges also carry their
    ``start`` day (the graph becomes dynamic) and nodes their relation's colour (``viz``)."""
    import networkx as nx

    ids, parents = node_ids(documents), primary_parents(edges)
    by_id = {d.id: d for d in documents}
    depth = generations(documents, parents)
    graph = nx.DiGraph(title=title, name=title)
    for d in documents:
        parent = by_id.get(parents[d.id].source_id) if d.id in parents else None
        data = {
            "label": name(d), "url": d.url, "title": d.title or "", "outlet": d.outlet.domain if d.outlet else "",
            "captured": captured(d), "relation": how_made(d, parents), "generation": depth.get(d.id, 0),
            "published": d.published.isoformat() if d.published else "",
            "captured_at": d.fetched_at.isoformat() if d.fetched_at else "",
            "date_flags": "; ".join(date_flags(d, parent)), "story": d.story_id or -1, "document_id": d.id,
        }
        if d.published:
            data["published_unix"] = _unix(d.published)
        if gexf:
            data["viz"] = {"color": _rgb(COLOURS.get(data["relation"], OTHER_COLOUR))}
            if d.published or d.fetched_at:
                data["start"] = day(d.published or d.fetched_at)
        graph.add_node(ids[d.id], **data)
    for e in edges:
        if e.source_id not in ids or e.derived_id not in ids:
            continue
        data = {"label": edge_label(e), "relation": e.relation, "weight": float(e.confidence),
                "primary": bool(e.is_primary),
                "evidence": ", ".join(dict.fromkeys(evidence_short(x["kind"]) for x in e.evidence))}
        start = graph.nodes[ids[e.derived_id]].get("start")
        if gexf and start:
            data["start"] = start
        graph.add_edge(ids[e.source_id], ids[e.derived_id], **data)
    return graph


def _quote(value) -> str:
    """A DOT string: UTF-8 kept as it is, quotes and backslashes escaped, newlines as \\n."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def _attributes(pairs: dict) -> str:
    return "[" + ", ".join(f"{k}={_quote(v)}" for k, v in pairs.items()) + "]"


def to_dot(title: str, documents: list[Document], edges: list[Edge]) -> str:
    """Graphviz DOT: boxes labelled outlet + date (URL as tooltip and link), arrows coloured by
    relation, alternatives dashed, inferred sources dashed and grey."""
    ids, parents = node_ids(documents), primary_parents(edges)
    lines = [f"digraph {_quote(title)} {{", f"  graph {_attributes({'label': title, 'rankdir': 'TB'})};",
             '  node [shape="box", style="rounded", fontname="Helvetica"];', '  edge [fontname="Helvetica"];']
    for d in documents:
        colour = COLOURS.get(how_made(d, parents), OTHER_COLOUR)
        attrs = {"label": f"{name(d)}\n{day(d.published)}", "tooltip": d.url, "color": colour}
        if captured(d):
            attrs["URL"] = d.url
        else:
            attrs.update(style="rounded,dashed", label=f"{name(d)}\n(not captured)", fontcolor="#555555")
        lines.append(f"  {_quote(ids[d.id])} {_attributes(attrs)};")
    for e in edges:
        if e.source_id not in ids or e.derived_id not in ids:
            continue
        attrs = {"label": f"{e.relation} {e.confidence:.2f}", "tooltip": edge_label(e, clues=4),
                 "color": COLOURS.get(e.relation, OTHER_COLOUR)}
        if e.relation == "quotes":
            attrs["style"] = "dotted"
        elif not e.is_primary:
            attrs["style"] = "dashed"
        lines.append(f"  {_quote(ids[e.source_id])} -> {_quote(ids[e.derived_id])} {_attributes(attrs)};")
    lines.append("}")
    return "\n".join(lines) + "\n"
