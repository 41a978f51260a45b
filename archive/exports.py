"""Exports of a story (or of the whole graph): archives and graph formats."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive import queries
from archive.store.models import Document, Edge
from archive.urls import is_inferred, url_key
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
        docs = list(session.scalars(select(Document).order_by(Document.id).options(selectinload(Document.outlet))))
        return Selection("all stories", docs, list(queries.all_edges(session, with_quotes=True)))
    doc = queries.find_document(session, ref)
    if doc.story_id is None:
        return Selection(doc.title or doc.url, [doc], [], doc.url)
    docs = list(session.scalars(select(Document).where(Document.story_id == doc.story_id).order_by(Document.id)
                                .options(selectinload(Document.outlet))))
    root = queries.origin(session, doc)
    edges = queries.story_edges(session, doc.story_id, primary_only=False)
    named = root if not is_inferred(root.url) else min(  # an inferred source's title only says "not captured"
        (d for d in docs if not is_inferred(d.url)), key=lambda d: (d.published or d.added_at, d.id), default=root)
    return Selection(f"story of {named.title or named.url}", docs, edges, root.url)


def graph_json(selection: Selection) -> dict:
    return {
        "title": selection.title,
        "documents": [{
            "id": d.id, "url": d.url, "title": d.title, "site": d.site_name, "outlet": d.outlet.domain,
            "published": d.published.isoformat() if d.published else None, "story": d.story_id,
            "warc_record_id": d.warc_record_id, "captured": not is_inferred(d.url),
            "captured_at": d.fetched_at.isoformat() if d.fetched_at else None,
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
              "title": d.title or d.url} for d in selection.documents if not is_inferred(d.url)]
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

GRAPH_FORMATS = ("prov-json", "prov-o", "graphml", "gexf", "dot", "jsonl", "csv")


def evidence_path(output: Path) -> Path:
    """Where a PROV export's attached evidence goes: ``story.prov.json`` -> ``story.prov.evidence.json``."""
    return output.with_name(output.stem + ".evidence.json")


def _write(path: Path, content: str | bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    tmp.replace(path)


def render_graph(selection: Selection, fmt: str, evidence_file: str | None = None) -> str | bytes:
    """One of :data:`GRAPH_FORMATS` as text (GEXF as bytes)."""
    import csv
    import io

    import networkx as nx

    from archive.outputs import graphfiles, prov

    docs, edges = selection.documents, selection.edges
    if fmt in ("prov-json", "prov-o"):
        document = prov.to_prov(docs, edges, evidence_file)
        return document.serialize(indent=2) if fmt == "prov-json" else prov.to_turtle(document)
    if fmt in ("graphml", "gexf"):
        buffer = io.BytesIO()
        graph = graphfiles.to_networkx(selection.title, docs, edges, gexf=fmt == "gexf")
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(graph, buffer)
        return buffer.getvalue()
    if fmt == "dot":
        return graphfiles.to_dot(selection.title, docs, edges)
    if fmt == "jsonl":
        graph = graph_json(selection)
        lines = [{"type": "document", **d} for d in graph["documents"]] + [{"type": "edge", **e} for e in graph["edges"]]
        return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["source", "derived", "relation", "confidence", "primary", "story", "evidence"])
        for e in edges:
            writer.writerow([e.source.url, e.derived.url, e.relation, e.confidence, e.is_primary, e.story_id,
                             "; ".join(f"{x['kind']} {x['weight']:+}" for x in e.evidence)])
        return buffer.getvalue()
    raise ExportError(f"unknown format {fmt!r}")


def export_graph(selection: Selection, fmt: str, output: Path) -> Path:
    """Write one of :data:`GRAPH_FORMATS`, atomically; PROV exports get their evidence beside
    them (:func:`evidence_path`)."""
    from archive.outputs.prov import evidence_json

    if fmt in ("prov-json", "prov-o"):
        sidecar = evidence_path(output)
        _write(sidecar, json.dumps(evidence_json(selection.documents, selection.edges), indent=2, ensure_ascii=False))
        _write(output, render_graph(selection, fmt, sidecar.name))
    else:
        _write(output, render_graph(selection, fmt))
    return output
