"""Reports a person can read: a story's derivation graph as a picture, its copies, the evidence
and the word diffs; and who copies whom across all stories.

Everything is one self-contained HTML file (inline CSS and SVG, no script, nothing fetched), and
every string that came from a crawled page is escaped. The graph layout is plain arithmetic:
time runs left to right (copies ordered by publication date), derivation depth top to bottom.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from archive.provenance.diff import Chunk, summary, word_diff
from archive.queries import CREDIT_EVIDENCE, OutletFlow
from archive.store.models import Document, Edge

COLOURS = {
    "origin": "#1b5e20", "republication": "#1565c0", "syndication": "#6a1b9a", "excerpt": "#00838f",
    "spin": "#c62828", "copy": "#ef6c00", "quotes": "#757575",
}
NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 190, 58, 60, 44, 20


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass
class Placed:
    doc: Document
    x: float
    y: float
    relation: str


def layout(documents: list[Document], edges: list[Edge]) -> dict[int, Placed]:
    """Columns by publication order (undated copies just after their source), rows by depth."""
    parent = {e.derived_id: e for e in edges if e.is_primary and e.relation != "quotes"}
    depth: dict[int, int] = {}

    def depth_of(doc_id: int, seen: frozenset = frozenset()) -> int:
        if doc_id not in depth:
            edge = parent.get(doc_id)
            depth[doc_id] = 0 if edge is None or doc_id in seen else depth_of(edge.source_id, seen | {doc_id}) + 1
        return depth[doc_id]

    def when(doc: Document) -> datetime:
        if doc.published:
            return doc.published
        edge = parent.get(doc.id)
        source = next((d for d in documents if edge and d.id == edge.source_id), None)
        return when(source) if source is not None and source.id != doc.id else datetime.max

    ordered = sorted(documents, key=lambda d: (when(d), depth_of(d.id), d.url))
    placed = {}
    rows: dict[int, int] = {}
    for column, doc in enumerate(ordered):
        row = depth_of(doc.id)
        rows[row] = rows.get(row, 0) + 1
        relation = parent[doc.id].relation if doc.id in parent else "origin"
        placed[doc.id] = Placed(doc, MARGIN + column * (NODE_W + GAP_X), MARGIN + row * (NODE_H + GAP_Y), relation)
    return placed


def svg(documents: list[Document], edges: list[Edge]) -> str:
    """The derivation graph: outlets as boxes, arrows from source to copy coloured by relation."""
    placed = layout(documents, edges)
    width = max((p.x for p in placed.values()), default=0) + NODE_W + MARGIN
    height = max((p.y for p in placed.values()), default=0) + NODE_H + MARGIN + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="derivation graph">',
             '<defs>' + "".join(
                 f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
                 f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
                 for name, colour in COLOURS.items()) + '</defs>']
    for edge in edges:
        if not edge.is_primary or edge.source_id not in placed or edge.derived_id not in placed:
            continue
        a, b = placed[edge.source_id], placed[edge.derived_id]
        x1, y1 = a.x + NODE_W / 2, a.y + NODE_H
        x2, y2 = b.x + NODE_W / 2, b.y
        if b.y <= a.y:  # same row: side to side
            x1, y1, x2, y2 = a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2
        colour = COLOURS.get(edge.relation, "#333")
        dash = ' stroke-dasharray="6 4"' if edge.relation == "quotes" else ""
        parts.append(
            f'<g class="edge" data-source="{esc(edge.source.url)}" data-derived="{esc(edge.derived.url)}" '
            f'data-relation="{esc(edge.relation)}"><line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
            f'stroke="{colour}" stroke-width="2.2"{dash} marker-end="url(#arrow-{esc(edge.relation)})"/>'
            f'<title>{esc(edge.relation)} ({edge.confidence:.2f})</title></g>')
    for p in placed.values():
        colour = COLOURS.get(p.relation, "#333")
        site = p.doc.site_name or p.doc.outlet.domain
        date = p.doc.published.date().isoformat() if p.doc.published else "undated"
        parts.append(
            f'<g class="node" data-url="{esc(p.doc.url)}"><a href="#doc-{p.doc.id}">'
            f'<rect x="{p.x:.0f}" y="{p.y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="8" fill="#fff" '
            f'stroke="{colour}" stroke-width="2.5"/>'
            f'<text x="{p.x + 10:.0f}" y="{p.y + 22:.0f}" font-size="14" font-weight="600">{esc(site[:24])}</text>'
            f'<text x="{p.x + 10:.0f}" y="{p.y + 42:.0f}" font-size="12" fill="{colour}">{esc(p.relation)} · {date}</text>'
            f'<title>{esc(p.doc.url)}</title></a></g>')
    legend_y = height - 18
    for k, (name, colour) in enumerate(COLOURS.items()):
        parts.append(f'<g class="legend"><rect x="{MARGIN + k * 120}" y="{legend_y - 10}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{MARGIN + k * 120 + 18}" y="{legend_y}" font-size="12">{name}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _diff_html(chunks: list[Chunk]) -> tuple[str, str]:
    left, right = [], []
    for c in chunks:
        a, b = esc(" ".join(c.a)), esc(" ".join(c.b))
        if c.op == "equal":
            left.append(a)
            right.append(b)
        elif c.op == "replace":
            left.append(f'<del class="sub">{a}</del>')
            right.append(f'<ins class="sub">{b}</ins>')
        elif c.op == "delete":
            left.append(f"<del>{a}</del>")
        else:
            right.append(f"<ins>{b}</ins>")
    return " ".join(left), " ".join(right)


def _credited(edge: Edge) -> bool:
    return edge.relation in ("republication", "syndication") or any(e["kind"] in CREDIT_EVIDENCE for e in edge.evidence)


STYLE = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} .sub{color:#555} table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:14px}
th{background:#f5f5f5} .graph-box{overflow-x:auto;border:1px solid #ddd;border-radius:8px;padding:.5rem;background:#fafafa}
.rel{font-weight:600} .diff{display:grid;grid-template-columns:1fr 1fr;gap:1rem;font-size:13px}
.diff div{border:1px solid #ddd;border-radius:6px;padding:.6rem;max-height:22rem;overflow:auto;background:#fff}
del{background:#ffebee;color:#b71c1c} ins{background:#e8f5e9;color:#1b5e20;text-decoration:none}
del.sub,ins.sub{background:#fff59d;color:#5d4037} .evidence li{margin:.1rem 0} .w{font-family:monospace}
details{margin:.8rem 0;border:1px solid #e0e0e0;border-radius:8px;padding:.5rem .8rem} summary{cursor:pointer}
.timeline li{margin:.15rem 0} code{font-size:12px}
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f'<body>{body}<p class="sub">Made by provenance-archive on {datetime.now():%Y-%m-%d %H:%M}.</p>'
            f'</body></html>')


def story_report(title: str, documents: list[Document], edges: list[Edge]) -> str:
    primary = {e.derived_id: e for e in edges if e.is_primary and e.relation != "quotes"}
    origin = next((d for d in documents if d.id not in primary), documents[0] if documents else None)
    out = [f"<h1>{esc(title)}</h1>",
           f'<p class="sub">{len(documents)} captures · origin: <b>{esc(origin.site_name or origin.outlet.domain)}</b> '
           f'<a href="{esc(origin.url)}">{esc(origin.url)}</a></p>' if origin else "",
           "<h2>Derivation graph</h2>", f'<div class="graph-box">{svg(documents, edges)}</div>',
           "<h2>Timeline</h2>", '<ol class="timeline">']
    for doc in sorted(documents, key=lambda d: (d.published or datetime.max, d.url)):
        date = doc.published.isoformat(sep=" ", timespec="minutes") if doc.published else "undated"
        relation = primary[doc.id].relation if doc.id in primary else "origin"
        out.append(f'<li><span class="w">{esc(date)}</span> — {esc(doc.site_name or doc.outlet.domain)} '
                   f'<span class="rel" style="color:{COLOURS.get(relation, "#333")}">{esc(relation)}</span></li>')
    out.append("</ol><h2>Copies</h2><table><thead><tr><th>outlet</th><th>published</th><th>relation</th>"
               "<th>made from</th><th>confidence</th><th>credit given</th><th>archived capture</th></tr></thead><tbody>")
    by_id = {d.id: d for d in documents}
    for doc in sorted(documents, key=lambda d: (d.published or datetime.max, d.url)):
        edge = primary.get(doc.id)
        source = by_id.get(edge.source_id) if edge else None
        warc = (f'<code>{esc(doc.warc_file)}</code> @ {esc(doc.warc_offset)}<br><code>{esc(doc.warc_record_id)}</code>'
                if doc.warc_file else "—")
        out.append(
            f'<tr id="doc-{doc.id}"><td><a href="{esc(doc.url)}">{esc(doc.site_name or doc.outlet.domain)}</a><br>'
            f'<span class="sub">{esc(doc.title)}</span></td>'
            f'<td>{esc(doc.published.date() if doc.published else "undated")}</td>'
            f'<td class="rel">{esc(edge.relation if edge else "origin")}</td>'
            f'<td>{esc((source.site_name or source.outlet.domain) if source else "")}</td>'
            f'<td>{f"{edge.confidence:.2f}" if edge else ""}</td>'
            f'<td>{("yes" if _credited(edge) else "no") if edge else ""}</td><td>{warc}</td></tr>')
    out.append("</tbody></table><h2>Evidence and differences</h2>")
    for edge in edges:
        if edge.relation == "quotes" or edge.source_id not in by_id or edge.derived_id not in by_id:
            continue
        chunks = word_diff(edge.source.text, edge.derived.text)
        left, right = _diff_html(chunks)
        counts = summary(chunks)
        items = "".join(f'<li><span class="w">{x["weight"]:+.1f}</span> <b>{esc(x["kind"])}</b>: {esc(x["detail"])}</li>'
                        for x in sorted(edge.evidence, key=lambda x: -abs(x["weight"])))
        kind = "" if edge.is_primary else " (alternative)"
        out.append(
            f'<details{" open" if edge.is_primary and edge.relation == "spin" else ""}><summary>'
            f'<b>{esc(edge.derived.site_name or edge.derived.outlet.domain)}</b> made from '
            f'<b>{esc(edge.source.site_name or edge.source.outlet.domain)}</b>: {esc(edge.relation)}{kind}, '
            f'confidence {edge.confidence:.2f} — {counts["substituted"]} words substituted, {counts["inserted"]} added, '
            f'{counts["deleted"]} cut</summary><ul class="evidence">{items}</ul>'
            f'<div class="diff"><div><b>{esc(edge.source.url)}</b><p>{left}</p></div>'
            f'<div><b>{esc(edge.derived.url)}</b><p>{right}</p></div></div></details>')
    return _page(title, "".join(out))


def outlets_report(flows: list[OutletFlow]) -> str:
    rows = "".join(
        f"<tr><td>{esc(f.source)}</td><td>{esc(f.derived)}</td><td>{f.copies}</td>"
        f"<td>{f.credited} ({f.credited / f.copies:.0%})</td><td>{f.spun} ({f.spun / f.copies:.0%})</td>"
        f"<td>{esc(', '.join(f'{k} {v}' for k, v in sorted((f.relations or {}).items())))}</td></tr>" for f in flows)
    body = ("<h1>Who copies from whom</h1><p class='sub'>Chosen-parent edges across all stories, by outlet.</p>"
            "<table><thead><tr><th>source outlet</th><th>copied by</th><th>copies</th><th>with credit</th>"
            f"<th>spun</th><th>relations</th></tr></thead><tbody>{rows}</tbody></table>")
    return _page("Who copies from whom", body)


def png(documents: list[Document], edges: list[Edge], scale: int = 2) -> bytes:
    """The same picture as :func:`svg`, as PNG (Pillow), for slides and articles."""
    import io
    import math

    from PIL import Image, ImageDraw, ImageFont

    placed = layout(documents, edges)
    width = int((max((p.x for p in placed.values()), default=0) + NODE_W + MARGIN) * scale)
    height = int((max((p.y for p in placed.values()), default=0) + NODE_H + MARGIN + 30) * scale)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    bold, small = ImageFont.load_default(14 * scale), ImageFont.load_default(12 * scale)
    for edge in edges:
        if not edge.is_primary or edge.source_id not in placed or edge.derived_id not in placed:
            continue
        a, b = placed[edge.source_id], placed[edge.derived_id]
        x1, y1, x2, y2 = a.x + NODE_W / 2, a.y + NODE_H, b.x + NODE_W / 2, b.y
        if b.y <= a.y:
            x1, y1, x2, y2 = a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2
        colour = COLOURS.get(edge.relation, "#333333")
        draw.line([(x1 * scale, y1 * scale), (x2 * scale, y2 * scale)], fill=colour, width=2 * scale)
        angle = math.atan2(y2 - y1, x2 - x1)
        head = [(x2, y2), (x2 - 10 * math.cos(angle - 0.4), y2 - 10 * math.sin(angle - 0.4)),
                (x2 - 10 * math.cos(angle + 0.4), y2 - 10 * math.sin(angle + 0.4))]
        draw.polygon([(x * scale, y * scale) for x, y in head], fill=colour)
    for p in placed.values():
        colour = COLOURS.get(p.relation, "#333333")
        box = [p.x * scale, p.y * scale, (p.x + NODE_W) * scale, (p.y + NODE_H) * scale]
        draw.rounded_rectangle(box, radius=8 * scale, fill="white", outline=colour, width=3 * scale)
        date = p.doc.published.date().isoformat() if p.doc.published else "undated"
        draw.text(((p.x + 10) * scale, (p.y + 8) * scale), (p.doc.site_name or p.doc.outlet.domain)[:24],
                  fill="#222222", font=bold)
        draw.text(((p.x + 10) * scale, (p.y + 32) * scale), f"{p.relation} · {date}", fill=colour, font=small)
    for k, (name, colour) in enumerate(COLOURS.items()):
        x, y = (MARGIN + k * 120) * scale, (height / scale - 28) * scale
        draw.rectangle([x, y, x + 12 * scale, y + 12 * scale], fill=colour)
        draw.text((x + 18 * scale, y - 2 * scale), name, fill="#222222", font=small)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
