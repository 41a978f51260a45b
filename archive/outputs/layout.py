"""The story's derivation graph as a picture that stays legible at 50+ copies.

Copies are laid out in bands by generation (the origin, copies of it, copies of copies...),
siblings side by side in their source's order and by date, wrapped onto more rows rather than
widened, so the picture keeps the report's width whatever the number of copies; arrows run
through the gaps between rows and columns, never across a box. Four or more near-identical copies of
one source (same relation, same text, no copies of their own) share one stacked box. A second
picture puts every capture on a time axis. :func:`scene` computes the drawing once; the SVG and
PNG renderers only paint it.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from datetime import datetime

from archive.outputs.describe import (COLOURS, OTHER_COLOUR, RELATIONS, captured, date_flags, day, generations,
                                      how_made, name, primary_parents)
from archive.store.models import Document, Edge

WIDTH = 1140  # the report's content width: the picture never grows wider
NODE_W, NODE_H, GAP_X, GAP_Y, GUTTER, MARGIN = 158, 66, 14, 34, 84, 12
COLUMNS = (WIDTH - GUTTER - 2 * MARGIN + GAP_X) // (NODE_W + GAP_X)
GROUP_MIN = 4  # near-identical siblings shown as one box from this many on
STACK_MAX = 12  # dots piled at one date on the time axis; a taller pile shows its count
FLAG = "#d50000"
NAME_W, NAME_CHARS = NODE_W - 18, 17  # a longer name is condensed to the box's width (SVG textLength)


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass
class Box:
    x: float
    y: float
    relation: str
    lines: list[str]
    tooltip: str
    documents: list[Document]
    dashed: bool = False  # not captured (an inferred source)
    flagged: bool = False  # a date that does not add up

    @property
    def colour(self) -> str:
        return COLOURS.get(self.relation, OTHER_COLOUR)


@dataclass
class Arrow:
    edge: Edge
    points: list[tuple[float, float]]  # a polyline from the source's box to the copy's
    group: bool = False


def route(a: Box, b: Box) -> list[tuple[float, float]]:
    """From the bottom of ``a`` to the top of ``b`` through the gaps between rows and columns
    only, so no arrow crosses a box however many rows the copies wrap onto."""
    ax, bx = a.x + NODE_W / 2, b.x + NODE_W / 2
    top = b.y - 8 * (len(b.documents) > 1)  # above a stack's outlines
    if b.y < a.y:  # a quotation pointing upwards: straight, dashed
        return [(ax, a.y), (bx, b.y + NODE_H)]
    below_a, above_b = a.y + NODE_H + GAP_Y / 2 - 4, b.y - GAP_Y / 2 + 2
    if above_b - below_a <= NODE_H:  # b's row comes straight after a's: no row in between
        return [(ax, a.y + NODE_H), (ax, above_b), (bx, above_b), (bx, top)]
    gap = a.x + NODE_W + GAP_X / 2  # the column gap right of a, down past the rows between
    return [(ax, a.y + NODE_H), (ax, below_a), (gap, below_a), (gap, above_b), (bx, above_b), (bx, top)]


@dataclass
class Scene:
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    bands: list[tuple[float, str]] = field(default_factory=list)


def _band_name(depth: int) -> str:
    return {0: "origin", 1: "copies", 2: "copies of\ncopies"}.get(depth, f"generation\n{depth}")


def _clip(text: str, size: int = 24) -> str:
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def _near_identical(edge: Edge) -> bool:
    stats = edge.stats or {}
    return (stats.get("substituted_words", 1) == 0 and stats.get("source_in_copy", 0) >= 0.97
            and stats.get("copy_in_source", 0) >= 0.97)


def _units(documents: list[Document], parents: dict[int, Edge]) -> list[list[Document]]:
    """Documents to draw, one list per box: near-identical leaf siblings grouped."""
    has_children = {e.source_id for e in parents.values()}
    buckets: dict[tuple, list[Document]] = {}
    units = []
    for doc in documents:
        edge = parents.get(doc.id)
        if edge is None or doc.id in has_children or not captured(doc):
            units.append([doc])
            continue
        key = (edge.source_id, edge.relation, "near-identical" if _near_identical(edge) else doc.text_digest)
        buckets.setdefault(key, []).append(doc)
    for members in buckets.values():
        units.extend([members] if len(members) >= GROUP_MIN else [[d] for d in members])
    return units


def when(doc: Document, parents: dict[int, Edge], by_id: dict[int, Document]) -> datetime:
    """For ordering: the publication date, else the source's, else the capture time."""
    seen = set()
    while doc.published is None and doc.id in parents and doc.id not in seen:
        seen.add(doc.id)
        source = by_id.get(parents[doc.id].source_id)
        if source is None:
            break
        doc = source
    return doc.published or doc.fetched_at or datetime.max


def capture_versions(documents: list[Document]) -> dict[int, str]:
    """"capture 2 of 3" for pages captured more than once, by document id."""
    pages: dict[str, list[Document]] = {}
    for doc in documents:
        pages.setdefault(doc.url_key, []).append(doc)
    out = {}
    for captures in pages.values():
        captures.sort(key=lambda d: (d.fetched_at or datetime.max, d.id))
        for k, doc in enumerate(captures, 1):
            if len(captures) > 1:
                out[doc.id] = f"capture {k} of {len(captures)}"
    return out


def scene(documents: list[Document], edges: list[Edge]) -> Scene:
    parents = primary_parents(edges)
    by_id = {d.id: d for d in documents}
    versions = capture_versions(documents)
    depth = generations(documents, parents)
    bands: dict[int, list[list[Document]]] = {}
    for unit in _units(documents, parents):
        bands.setdefault(depth.get(unit[0].id, 0), []).append(unit)
    out = Scene(WIDTH, 0)
    where: dict[int, Box] = {}
    y = MARGIN
    for level in sorted(bands):
        rank = {id(box): k for k, box in enumerate(out.boxes)}  # siblings side by side, in their parents' order

        def order(unit: list[Document]) -> tuple:
            parent = where.get(parents[unit[0].id].source_id) if unit[0].id in parents else None
            return (rank[id(parent)] if parent is not None else -1, when(unit[0], parents, by_id), name(unit[0]),
                    unit[0].id)

        units = sorted(bands[level], key=order)
        out.bands.append((y, _band_name(level)))
        for k, unit in enumerate(units):
            row, column = divmod(k, COLUMNS)
            box = _box(unit, GUTTER + MARGIN + column * (NODE_W + GAP_X), y + row * (NODE_H + GAP_Y), parents, by_id,
                       versions)
            out.boxes.append(box)
            for doc in unit:
                where[doc.id] = box
        y += math.ceil(len(units) / COLUMNS) * (NODE_H + GAP_Y) + 10
    out.height = y - GAP_Y + MARGIN + 10
    drawn = set()
    for edge in edges:
        a, b = where.get(edge.source_id), where.get(edge.derived_id)
        if a is None or b is None or a is b or not (edge.is_primary or edge.relation == "quotes"):
            continue
        if edge.relation != "quotes" and parents.get(edge.derived_id) is not edge:
            continue
        if (id(a), id(b)) in drawn:  # one arrow to a group box
            continue
        drawn.add((id(a), id(b)))
        out.arrows.append(Arrow(edge, route(a, b), group=len(b.documents) > 1))
    return out


def _box(unit: list[Document], x: float, y: float, parents: dict[int, Edge], by_id: dict[int, Document],
         versions: dict[int, str]) -> Box:
    doc = unit[0]
    relation = how_made(doc, parents)
    flagged = any(date_flags(d, by_id.get(parents[d.id].source_id) if d.id in parents else None) for d in unit)
    if len(unit) > 1:
        dates = sorted(d.published for d in unit if d.published)
        span = f"{day(dates[0])} \u2013 {dates[-1]:%m-%d}" if dates and dates[-1].date() != dates[0].date() else day(
            dates[0] if dates else None)
        return Box(x, y, relation, [f"{len(unit)} near-identical", f"{relation} copies", span],
                   f"{len(unit)} near-identical {relation} copies: " + ", ".join(name(d) for d in unit), unit,
                   flagged=flagged)
    if not captured(doc):
        return Box(x, y, relation, [_clip(name(doc)), "inferred source", "not captured"],
                   f"{name(doc)}: inferred source, not captured ({doc.url})", unit, dashed=True)
    version = versions.get(doc.id)
    when_ = day(doc.published) + (f" \u00b7 {version.replace(' of ', '/')}" if version else "")
    tooltip = f"{doc.url} ({version}, captured {doc.fetched_at:%Y-%m-%d %H:%M})" if version and doc.fetched_at else doc.url
    return Box(x, y, relation, [_clip(name(doc)), relation, when_], tooltip, unit,
               flagged=flagged)


# -- painting ------------------------------------------------------------------------------------

def legend_items(drawing: Scene) -> list[tuple[str, str, str]]:
    """(kind, colour, text) for every colour and mark the picture uses."""
    relations = {b.relation for b in drawing.boxes} | {a.edge.relation for a in drawing.arrows}
    items = [("swatch", COLOURS.get(r, OTHER_COLOUR), f"{r}: {RELATIONS.get(r, r)}")
             for r in [*COLOURS, *sorted(relations - set(COLOURS))] if r in relations]
    marks = [(any(b.dashed for b in drawing.boxes), ("dashed", "#555555", "dashed box: not captured (a source the copies name)")),
             (any(len(b.documents) > 1 for b in drawing.boxes),
              ("stack", "#555555", f"stacked box: {GROUP_MIN} or more near-identical copies of one source")),
             (any(b.flagged for b in drawing.boxes), ("flag", FLAG, "red corner: a date that does not add up"))]
    return items + [item for used, item in marks if used]


def _svg_box(box: Box) -> str:
    dash = ' stroke-dasharray="6 4"' if box.dashed else ""
    doc = box.documents[0]
    group = len(box.documents) > 1
    parts = [f'<g class="{"node group" if group else "node"}" data-url="{esc(doc.url)}">'
             f'<a href="#doc-{doc.id}">']
    if group:  # a stack: two offset outlines behind the box
        for k in (2, 1):
            parts.append(f'<rect x="{box.x + 4 * k:.0f}" y="{box.y - 4 * k:.0f}" width="{NODE_W}" height="{NODE_H}" '
                         f'rx="8" fill="#fff" stroke="{box.colour}" stroke-width="1.5"/>')
    fill = "#f5f5f5" if box.dashed else "#fff"
    parts.append(f'<rect class="box" x="{box.x:.0f}" y="{box.y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="8" fill="{fill}" '
                 f'stroke="{box.colour}" stroke-width="2.5"{dash}/>')
    if box.flagged:
        parts.append(f'<path d="M {box.x + NODE_W - 18:.0f} {box.y:.0f} h 10 a 8 8 0 0 1 8 8 v 10 z" fill="{FLAG}"/>')
    fit = f' textLength="{NAME_W}" lengthAdjust="spacingAndGlyphs"' if len(box.lines[0]) > NAME_CHARS else ""
    parts.append(f'<text x="{box.x + 9:.0f}" y="{box.y + 23:.0f}" font-size="13" font-weight="600"{fit}>'
                 f'{esc(box.lines[0])}</text>'
                 f'<text x="{box.x + 9:.0f}" y="{box.y + 40:.0f}" font-size="11.5" fill="{box.colour}">'
                 f'{esc(box.lines[1])}</text><text x="{box.x + 9:.0f}" y="{box.y + 58:.0f}" font-size="11.5" '
                 f'fill="#555">{esc(box.lines[2])}</text><title>{esc(box.tooltip)}</title></a></g>')
    return "".join(parts)


def svg(documents: list[Document], edges: list[Edge], with_legend: bool = True) -> str:
    """The derivation graph as SVG (the legend drawn below it unless the page shows its own)."""
    drawing = scene(documents, edges)
    legend = legend_items(drawing) if with_legend else []
    legend_rows = math.ceil(len(legend) / 2)
    height = drawing.height + legend_rows * 20 + (10 if legend else 0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{drawing.width:.0f}" '
             f'height="{height:.0f}" viewBox="0 0 {drawing.width:.0f} {height:.0f}" role="img" '
             f'aria-label="derivation graph" font-family="system-ui, sans-serif">',
             '<defs>' + "".join(
                 f'<marker id="arrow-{name_}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
                 f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
                 for name_, colour in COLOURS.items()) + '</defs>']
    for y, label in drawing.bands:
        lines = "".join(f'<tspan x="{MARGIN}" dy="{0 if k == 0 else 15}">{esc(t)}</tspan>'
                        for k, t in enumerate(label.split("\n")))
        parts.append(f'<text class="band" x="{MARGIN}" y="{y + 24:.0f}" font-size="12" fill="#666">{lines}</text>'
                     f'<line x1="{MARGIN}" y1="{y - 6:.0f}" x2="{drawing.width - MARGIN:.0f}" y2="{y - 6:.0f}" '
                     f'stroke="#e0e0e0"/>')
    for arrow in drawing.arrows:
        edge = arrow.edge
        path = " L ".join(f"{x:.0f} {y:.0f}" for x, y in arrow.points)
        colour = COLOURS.get(edge.relation, OTHER_COLOUR)
        dash = ' stroke-dasharray="6 4"' if edge.relation == "quotes" else ""
        parts.append(
            f'<g class="{"edge group-edge" if arrow.group else "edge"}" data-source="{esc(edge.source.url)}" '
            f'data-derived="{esc(edge.derived.url)}" data-relation="{esc(edge.relation)}">'
            f'<path d="M {path}" fill="none" stroke-linejoin="round" '
            f'stroke="{colour}" stroke-width="2"{dash} marker-end="url(#arrow-{esc(edge.relation)})"/>'
            f'<title>{esc(name(edge.derived))}: {esc(edge.relation)} of {esc(name(edge.source))} '
            f'({edge.confidence:.2f})</title></g>')
    parts.extend(_svg_box(box) for box in drawing.boxes)
    for k, (kind, colour, text) in enumerate(legend):
        x, y = MARGIN + (k % 2) * (drawing.width / 2), drawing.height + 14 + (k // 2) * 20
        parts.append(f'<g class="legend">{_legend_mark(kind, colour, x, y - 10)}'
                     f'<text x="{x + 22:.0f}" y="{y:.0f}" font-size="12">{esc(text)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _legend_mark(kind: str, colour: str, x: float, y: float) -> str:
    if kind == "swatch":
        return f'<rect x="{x:.0f}" y="{y:.0f}" width="14" height="12" rx="2" fill="{colour}"/>'
    if kind == "dashed":
        return (f'<rect x="{x:.0f}" y="{y:.0f}" width="14" height="12" rx="2" fill="#f5f5f5" stroke="{colour}" '
                f'stroke-dasharray="3 2"/>')
    if kind == "stack":
        return (f'<rect x="{x + 3:.0f}" y="{y - 3:.0f}" width="11" height="11" fill="#fff" stroke="{colour}"/>'
                f'<rect x="{x:.0f}" y="{y:.0f}" width="11" height="11" fill="#fff" stroke="{colour}"/>')
    return f'<path d="M {x:.0f} {y:.0f} h 14 v 12 z" fill="{colour}"/>'


def legend_html(drawing: Scene) -> str:
    """The legend as HTML (it wraps with the page), for the report."""
    items = "".join(
        f'<li><svg width="16" height="14" aria-hidden="true">{_legend_mark(kind, colour, 1, 1)}</svg> {esc(text)}</li>'
        for kind, colour, text in legend_items(drawing))
    return f'<ul class="legend">{items}</ul>'


def timeline_svg(documents: list[Document], edges: list[Edge]) -> str:
    """Every capture on a time axis by publication date, coloured by relation; undated ones at
    the right end."""
    parents = primary_parents(edges)
    by_id = {d.id: d for d in documents}
    dated = [d for d in documents if d.published]
    left, right = MARGIN + 45, WIDTH - MARGIN - 110
    start = min((d.published for d in dated), default=None)
    end = max((d.published for d in dated), default=None)
    span = max(((end - start).total_seconds() if start else 0), 3600)
    stacks: dict[int, int] = {}
    dots = []
    for doc in sorted(documents, key=lambda d: (d.published or datetime.max, d.id)):
        x = left + (right - left) * ((doc.published - start).total_seconds() / span) if doc.published else WIDTH - 50
        slot = round(x / 12)
        level = stacks.get(slot, 0)
        stacks[slot] = level + 1
        if level < STACK_MAX:
            dots.append((doc, x, level))
    height = 46 + 14 * min(STACK_MAX, max(stacks.values(), default=1)) + 14
    axis = height - 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="captures on a time axis" '
             f'font-family="system-ui, sans-serif">',
             f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" stroke="#999"/>']
    if start:
        for k in range(6):
            tick = start + (end - start) * (k / 5) if end != start else start
            x = left + (right - left) * k / 5 if end != start else left
            parts.append(f'<line x1="{x:.0f}" y1="{axis}" x2="{x:.0f}" y2="{axis + 5}" stroke="#999"/>'
                         f'<text x="{x:.0f}" y="{axis + 18}" font-size="11" text-anchor="middle" fill="#555">'
                         f'{tick:%Y-%m-%d %H:%M}</text>')
            if end == start:
                break
    if any(d.published is None for d in documents):
        parts.append(f'<text x="{WIDTH - 50}" y="{axis + 18}" font-size="11" text-anchor="middle" fill="#555">'
                     f'undated</text>')
    for doc, x, level in dots:
        relation = how_made(doc, parents)
        colour = COLOURS.get(relation, OTHER_COLOUR)
        parent = by_id.get(parents[doc.id].source_id) if doc.id in parents else None
        flagged = bool(date_flags(doc, parent))
        fill = "#fff" if not captured(doc) else colour
        ring = f' stroke="{FLAG}" stroke-width="2.5"' if flagged else f' stroke="{colour}" stroke-width="1.5"'
        parts.append(f'<a href="#doc-{doc.id}"><circle class="dot" cx="{x:.0f}" cy="{axis - 10 - 14 * level}" r="5.5" '
                     f'fill="{fill}"{ring}/><title>{esc(name(doc))}, {esc(relation)}, '
                     f'{esc(doc.published.isoformat(sep=" ", timespec="minutes") if doc.published else "undated")}'
                     f'</title></a>')
    for slot, count in stacks.items():  # a column taller than STACK_MAX says how many it holds
        if count > STACK_MAX:
            parts.append(f'<text x="{slot * 12}" y="{axis - 14 * STACK_MAX - 6}" font-size="11" text-anchor="middle" '
                         f'fill="#333">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def png(documents: list[Document], edges: list[Edge], scale: int = 2) -> bytes:
    """The same picture as :func:`svg`, as PNG (Pillow), for slides and articles."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    drawing = scene(documents, edges)
    legend = legend_items(drawing)
    height = drawing.height + math.ceil(len(legend) / 2) * 20 + 10
    image = Image.new("RGB", (int(drawing.width * scale), int(height * scale)), "white")
    draw = ImageDraw.Draw(image)
    bold, small = ImageFont.load_default(13 * scale), ImageFont.load_default(11 * scale)
    s = lambda *points: [(x * scale, y * scale) for x, y in points]  # noqa: E731
    for y, label in drawing.bands:
        draw.line(s((MARGIN, y - 6), (drawing.width - MARGIN, y - 6)), fill="#e0e0e0", width=scale)
        draw.multiline_text(s((MARGIN, y + 12))[0], label, fill="#666666", font=small)
    def dashed(points, colour, width):
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            length = math.hypot(x2 - x1, y2 - y1)
            for start in range(0, int(length), 10):
                t0, t1 = start / length, min(start + 6, length) / length
                draw.line(s((x1 + (x2 - x1) * t0, y1 + (y2 - y1) * t0), (x1 + (x2 - x1) * t1, y1 + (y2 - y1) * t1)),
                          fill=colour, width=width)

    for arrow in drawing.arrows:
        colour = COLOURS.get(arrow.edge.relation, OTHER_COLOUR)
        points = arrow.points
        if arrow.edge.relation == "quotes":
            dashed(points, colour, 2 * scale)
        else:
            draw.line(s(*points), fill=colour, width=2 * scale, joint="curve")
        (x1, y1), (x2, y2) = points[-2], points[-1]
        angle = math.atan2(y2 - y1, x2 - x1)
        draw.polygon(s((x2, y2), (x2 - 9 * math.cos(angle - 0.45), y2 - 9 * math.sin(angle - 0.45)),
                       (x2 - 9 * math.cos(angle + 0.45), y2 - 9 * math.sin(angle + 0.45))), fill=colour)
    for box in drawing.boxes:
        if len(box.documents) > 1:
            for k in (2, 1):
                draw.rounded_rectangle(s((box.x + 4 * k, box.y - 4 * k), (box.x + 4 * k + NODE_W, box.y - 4 * k + NODE_H)),
                                       radius=8 * scale, fill="white", outline=box.colour, width=scale)
        corners = [(box.x, box.y), (box.x + NODE_W, box.y), (box.x + NODE_W, box.y + NODE_H), (box.x, box.y + NODE_H)]
        if box.dashed:
            draw.rectangle(s(corners[0], corners[2]), fill="#f5f5f5")
            dashed(corners + corners[:1], box.colour, 2 * scale)
        else:
            draw.rounded_rectangle(s(corners[0], corners[2]), radius=8 * scale, fill="white", outline=box.colour,
                                   width=2 * scale)
        if box.flagged:
            draw.polygon(s((box.x + NODE_W - 18, box.y), (box.x + NODE_W, box.y), (box.x + NODE_W, box.y + 18)), fill=FLAG)
        label = box.lines[0]
        while len(label) > 2 and draw.textlength(label, font=bold) > NAME_W * scale:
            label = label[:-2] + "\u2026"
        draw.text(s((box.x + 9, box.y + 9))[0], label, fill="#222222", font=bold)
        draw.text(s((box.x + 9, box.y + 29))[0], box.lines[1], fill=box.colour, font=small)
        draw.text(s((box.x + 9, box.y + 47))[0], box.lines[2], fill="#555555", font=small)
    for k, (kind, colour, text) in enumerate(legend):
        x, y = MARGIN + (k % 2) * (drawing.width / 2), drawing.height + 4 + (k // 2) * 20
        if kind == "flag":
            draw.polygon(s((x, y), (x + 14, y), (x + 14, y + 12)), fill=colour)
        elif kind == "dashed":
            dashed([(x, y), (x + 14, y), (x + 14, y + 12), (x, y + 12), (x, y)], colour, scale)
        else:
            if kind == "stack":
                draw.rectangle(s((x + 3, y - 3), (x + 14, y + 8)), fill="white", outline=colour)
            draw.rectangle(s((x, y), (x + 14 - 3 * (kind == "stack"), y + 12 - 1 * (kind == "stack"))),
                           fill=colour if kind == "swatch" else "white", outline=colour)
        draw.text(s((x + 22, y - 1))[0], text, fill="#222222", font=small)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()

