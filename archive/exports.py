"""Exports of a story (or of the whole graph): archives and graph formats."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import queries
from archive.output_file import write_output
from archive.store.models import Document, Edge
from archive.urls import url_key
from archive.wacz import story_warc, write_wacz


class ExportError(RuntimeError):
    pass


@dataclass
class Selection:
    """What an export covers: some documents and the edges among them."""

    title: str
    documents: list[Document]
    edges: list[Edge]
    main_url: str | None = None


def select_story(session: Session, ref: str | None) -> Selection:
    """The story of the document ``ref`` (a URL or #id), or everything when ``ref`` is None."""
    if ref is None:
        docs = list(session.scalars(select(Document).order_by(Document.id)))
        return Selection("all stories", docs, list(queries.all_edges(session, with_quotes=True)))
    doc = queries.find_document(session, ref)
    if doc.story_id is None:
        return Selection(doc.title or doc.url, [doc], [], doc.url)
    docs = list(session.scalars(select(Document).where(Document.story_id == doc.story_id).order_by(Document.id)))
    root = queries.origin(session, doc)
    edges = queries.story_edges(session, doc.story_id, primary_only=False)
    return Selection(f"story of {root.title or root.url}", docs, edges, root.url)


def graph_json(selection: Selection) -> dict:
    return {
        "title": selection.title,
        "documents": [{
            "id": d.id, "url": d.url, "title": d.title, "site": d.site_name, "outlet": d.outlet.domain,
            "published": d.published.isoformat() if d.published else None, "story": d.story_id,
            "warc_record_id": d.warc_record_id,
        } for d in selection.documents],
        "edges": [{
            "source": e.source.url, "derived": e.derived.url, "relation": e.relation, "confidence": e.confidence,
            "primary": e.is_primary, "evidence": e.evidence,
        } for e in selection.edges],
    }


def _local_warc(path: str, tmp: Path) -> Path:
    """A WARC file on disk for ``path``, extracting it when it lives inside a WACZ."""
    if "#" in path and path.split("#", 1)[0].endswith(".wacz"):
        package, member = path.split("#", 1)
        target = tmp / Path(member).name
        with zipfile.ZipFile(package) as z, z.open(member) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        return target
    local = Path(path)
    if not local.is_file():
        raise ExportError(f"the archive {path} cited by the graph is missing")
    return local


def export_wacz(selection: Selection, output: Path, whole_files: bool) -> Path:
    sources = sorted({d.warc_file for d in selection.documents if d.warc_file})
    if not sources:
        raise ExportError("no archived captures to package (documents have no WARC record)")
    pages = [{"id": str(d.id), "url": d.url, "ts": (d.fetched_at or d.added_at).isoformat() + "Z",
              "title": d.title or d.url} for d in selection.documents]
    extra = {"provenance/graph.json": json.dumps(graph_json(selection), indent=2, ensure_ascii=False).encode()}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        local = [_local_warc(s, tmp) for s in sources]
        if whole_files:
            names, warcs = set(), []
            for path in local:
                name = path.name if path.name not in names else f"{len(names)}-{path.name}"
                names.add(name)
                warcs.append((name, path))
        else:
            story = tmp / "story.warc.gz"
            with open(story, "wb") as out:
                story_warc(local, {url_key(d.url) for d in selection.documents}, out)
            warcs = [("story.warc.gz", story)]
        return write_wacz(output, warcs, pages, extra, selection.title, selection.main_url)


# -- graph formats -------------------------------------------------------------------------------

def to_networkx(selection: Selection):
    """The selection as a networkx DiGraph: nodes are captures, edges source -> derived."""
    import networkx as nx

    graph = nx.DiGraph(title=selection.title)
    for d in selection.documents:
        graph.add_node(d.url, title=d.title or "", outlet=d.outlet.domain, site=d.site_name or "",
                       published=d.published.isoformat() if d.published else "", story=d.story_id or -1,
                       document_id=d.id)
    for e in selection.edges:
        graph.add_edge(e.source.url, e.derived.url, relation=e.relation, confidence=e.confidence,
                       primary=e.is_primary,
                       evidence="; ".join(f"{x['kind']} {x['weight']:+}" for x in e.evidence))
    return graph


def to_prov(selection: Selection):
    """W3C PROV: captures are entities, outlets agents; wasDerivedFrom (with the relation as
    prov:type, the confidence and the evidence) or wasQuotedFrom for quotations."""
    from prov.model import PROV_TYPE, ProvDocument

    doc = ProvDocument()
    doc.set_default_namespace("urn:provenance-archive:")
    doc.add_namespace("pa", "https://github.com/provenance-archive/ns#")
    ids = {}
    for d in selection.documents:
        entity = doc.entity(f"capture/{d.id}", {
            "prov:location": d.url, "prov:label": d.title or d.url, "pa:outlet": d.outlet.domain,
            "pa:warcRecordId": d.warc_record_id or "", "pa:warcFile": d.warc_file or "",
        })
        if d.published:
            entity.add_attributes({"pa:published": d.published.isoformat()})
        agent = doc.agent(f"outlet/{d.outlet.domain}", {"prov:label": d.site_name or d.outlet.domain})
        doc.wasAttributedTo(entity, agent)
        ids[d.id] = entity
    for e in selection.edges:
        if e.source_id not in ids or e.derived_id not in ids:
            continue
        attributes = {
            PROV_TYPE: f"pa:{e.relation}", "pa:confidence": e.confidence, "pa:primary": e.is_primary,
            "pa:evidence": json.dumps(e.evidence, ensure_ascii=False),
        }
        if e.relation == "quotes":
            doc.wasQuotedFrom(ids[e.derived_id], ids[e.source_id], other_attributes=attributes)
        else:
            doc.wasDerivedFrom(ids[e.derived_id], ids[e.source_id], other_attributes=attributes)
    return doc


def export_graph(selection: Selection, fmt: str, output: Path) -> Path:
    """Write prov-json, prov-o (Turtle), graphml, dot, jsonl or csv (see archive/output_file.py for how)."""
    import csv
    import io

    import networkx as nx

    if fmt == "prov-json":
        data = to_prov(selection).serialize(indent=2)
    elif fmt == "prov-o":
        data = to_prov(selection).serialize(format="rdf", rdf_format="turtle")
    elif fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(to_networkx(selection), buffer)
        data = buffer.getvalue()
    elif fmt == "dot":
        data = nx.nx_pydot.to_pydot(_dot_ready(to_networkx(selection))).to_string()
    elif fmt == "jsonl":
        graph = graph_json(selection)
        lines = [{"type": "document", **d} for d in graph["documents"]] + [{"type": "edge", **e} for e in graph["edges"]]
        data = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["source", "derived", "relation", "confidence", "primary", "story", "evidence"])
        for e in selection.edges:
            writer.writerow([e.source.url, e.derived.url, e.relation, e.confidence, e.is_primary, e.story_id,
                             "; ".join(f"{x['kind']} {x['weight']:+}" for x in e.evidence)])
        data = buffer.getvalue()
    else:
        raise ExportError(f"unknown format {fmt!r}")
    write_output(output, data if isinstance(data, bytes) else data.encode())
    return output


def _dot_ready(graph):
    """pydot needs quoted names and string attributes."""
    import networkx as nx

    out = nx.DiGraph(label=json.dumps(graph.graph.get("title", "")))
    for node, data in graph.nodes(data=True):
        out.add_node(json.dumps(node), **{k: json.dumps(str(v)) for k, v in data.items()})
    for a, b, data in graph.edges(data=True):
        style = {"style": '"dashed"'} if not data.get("primary") else {}
        out.add_edge(json.dumps(a), json.dumps(b), label=json.dumps(data["relation"]),
                     **{k: json.dumps(str(v)) for k, v in data.items() if k != "evidence"}, **style)
    return out
