"""Reports a person can read: a story's derivation graph, time axis, copies, evidence and word
diffs; and who copies whom across all stories.

Everything is one self-contained HTML file (inline CSS and SVG, no script, nothing fetched), and
every string that came from a crawled page is escaped. Each capture links to a replay of it when
a replay service is configured (``replay_url``, e.g. a pywb collection
``https://replay.example/my-coll/{timestamp}/{url}``) and always shows its archived text.
"""

from __future__ import annotations

import base64

from datetime import datetime

from archive.outputs.describe import (COLOURS, OTHER_COLOUR, RELATIONS, Credits, captured, date_flags, day,
                                      evidence_sentence, name, primary_parents, replay_link)
from archive.outputs.layout import capture_versions, esc, legend_html, scene, svg, timeline_svg
from archive.outputs.textdiff import LEGEND, diff_html, paragraphs
from archive.queries import OutletFlow
from archive.store.models import Document, Edge
from archive.warc.screenshots import thumbnails

STYLE = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1180px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{margin-top:2rem} .sub{color:#555}
img.shot{width:180px;border:1px solid #ccc;margin-top:.3rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:14px}
th{background:#f5f5f5} .num{text-align:right;font-variant-numeric:tabular-nums}
.graph-box{border:1px solid #ddd;border-radius:8px;padding:.5rem;background:#fafafa}
.graph-box svg{max-width:100%;height:auto;display:block}
.legend{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;list-style:none;padding:0;margin:.5rem 0;font-size:13px}
.legend svg{vertical-align:-2px}
.rel{font-weight:600} .flag{color:#b71c1c;font-weight:600} .flag::before{content:"\\26A0\\FE0E  "}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:1rem;font-size:13px}
.diff>div{border:1px solid #ddd;border-radius:6px;padding:.6rem;max-height:24rem;overflow:auto;background:#fff}
.diff p,.text p{margin:.3rem 0} .text{font-size:13px;max-height:20rem;overflow:auto}
del{background:#ffebee;color:#b71c1c} ins{background:#e8f5e9;color:#1b5e20;text-decoration:none}
del.sub{background:#fff59d;color:#5d4037} ins.sub{background:#fff59d;color:#5d4037;font-weight:600}
.diff-legend{font-size:13px} .evidence li{margin:.15rem 0} .for{color:#1b5e20} .against{color:#b71c1c}
.detail{color:#666;font-size:13px}
details{margin:.8rem 0;border:1px solid #e0e0e0;border-radius:8px;padding:.5rem .8rem} summary{cursor:pointer}
code{font-size:12px} .nc{color:#555;font-style:italic}
.matrix{width:auto} .matrix td,.matrix th{text-align:center;font-size:12px;padding:.25rem;min-width:2.2rem;border:1px solid #e0e0e0}
.matrix th.row{text-align:left;min-width:14rem}
.bar{display:inline-block;height:.7rem;background:#90caf9;vertical-align:middle;margin-left:.3rem}
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f'<body>{body}<p class="sub">Made by provenance-archive on {datetime.now():%Y-%m-%d %H:%M}.</p>'
            f'</body></html>')


def _time(when: datetime | None) -> str:
    return when.isoformat(sep=" ", timespec="minutes") if when else "undated"


def _relation(relation: str) -> str:
    return (f'<span class="rel" style="color:{COLOURS.get(relation, OTHER_COLOUR)}" '
            f'title="{esc(RELATIONS.get(relation, relation))}">{esc(relation)}</span>')


def _capture_cell(doc: Document, replay_url: str | None, version: str | None) -> str:
    if not captured(doc):
        return '<span class="nc">not captured: a source the copies name, never found on the web</span>'
    when = f"captured {esc(_time(doc.fetched_at))} UTC" if doc.fetched_at else "capture time unknown"
    when = f"{when} ({esc(version)} of this page)" if version else when
    link = replay_link(replay_url, doc)
    replay = f'<a href="{esc(link)}">replay the capture</a> · ' if link else ""
    return f'{when}<br>{replay}<a href="#text-{doc.id}">archived text</a>'


def _picture(doc: Document, pictures: dict[str, bytes]) -> str:
    """The capture's screenshot (a browser capture's), embedded: the report stays one file."""
    png = pictures.get(doc.url)
    if not png:
        return ""
    return (f'<br><img class="shot" alt="screenshot of {esc(doc.url)} as captured" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode()}">')


def _evidence_items(edge: Edge) -> str:
    items = []
    for x in sorted(edge.evidence, key=lambda x: -abs(x["weight"])):
        side = ("for", "supports") if x["weight"] > 0 else ("against", "weighs against") if x["weight"] < 0 else ("", "")
        strength = "strongly " if abs(x["weight"]) >= 3 else ""
        verdict = f' <span class="{side[0]}">({strength}{side[1]} this link, {x["weight"]:+.1f})</span>' if side[0] else ""
        items.append(f'<li>{esc(evidence_sentence(x["kind"]))}{verdict}<br>'
                     f'<span class="detail">{esc(x["detail"])}</span></li>')
    return f'<ul class="evidence">{"".join(items)}</ul>'


def story_report(title: str, documents: list[Document], edges: list[Edge], replay_url: str | None = None) -> str:
    parents = primary_parents(edges)
    by_id = {d.id: d for d in documents}
    roots = sorted((d for d in documents if d.id not in parents), key=lambda d: (d.published or datetime.max, d.id))
    origin = roots[0] if roots else None
    ordered = sorted(documents, key=lambda d: (d.published or datetime.max, d.url))
    flags = {d.id: date_flags(d, by_id.get(parents[d.id].source_id) if d.id in parents else None) for d in documents}
    outlets = {name(d) for d in documents}
    flagged = sum(1 for f in flags.values() if f)
    out = [f"<h1>{esc(title)}</h1>"]
    if origin is not None:
        out.append(f'<p class="sub">{len(documents)} captures from {len(outlets)} outlets · origin: '
                   f'<b>{esc(name(origin))}</b> ({esc(day(origin.published))}) '
                   + (f'<a href="{esc(origin.url)}">{esc(origin.url)}</a>' if captured(origin) else
                      '<span class="nc">not captured: a source its copies name</span>')
                   + (f' · <span class="flag">{flagged} with dates that do not add up</span>' if flagged else "")
                   + "</p>")
    out += ["<h2>How the story spread</h2>",
            '<p class="sub">Each box is a capture, in bands by generation (the origin, its copies, copies of '
            'copies), copies of one source side by side by date; an arrow runs from the source to each copy made '
            'from it.</p>',
            legend_html(scene(documents, edges)), f'<div class="graph-box">{svg(documents, edges, with_legend=False)}</div>',
            "<h2>When</h2>", '<p class="sub">Publication dates on a time axis (a red ring: a date that does not '
            'add up; a hollow dot: not captured).</p>', f'<div class="graph-box">{timeline_svg(documents, edges)}</div>',
            "<h2>Copies</h2><table><thead><tr><th>outlet</th><th>published</th><th>how it was made</th>"
            "<th>confidence</th><th>credit given</th><th>archived capture</th></tr></thead><tbody>"]
    credits, versions = Credits(documents, origin), capture_versions(documents)
    pictures = thumbnails((d.url, d.warc_file) for d in documents if captured(d))
    for doc in ordered:
        edge = parents.get(doc.id)
        source = by_id.get(edge.source_id) if edge else None
        made = (f'{_relation(edge.relation)} of <a href="#doc-{source.id}">{esc(name(source))}</a>'
                if edge and source else _relation("origin"))
        warnings = "".join(f'<br><span class="flag">{esc(f)}</span>' for f in flags[doc.id])
        outlet = (f'<a href="{esc(doc.url)}">{esc(name(doc))}</a>' if captured(doc) else esc(name(doc)))
        out.append(
            f'<tr id="doc-{doc.id}"><td>{outlet}<br><span class="sub">{esc(doc.title)}</span></td>'
            f'<td>{esc(_time(doc.published))}{warnings}</td><td>{made}</td>'
            f'<td class="num">{f"{edge.confidence:.2f}" if edge else ""}</td>'
            f'<td>{esc(credits.sentence(doc, edge))}</td><td>{_capture_cell(doc, replay_url, versions.get(doc.id))}'
            f'{_picture(doc, pictures)}</td></tr>')
    out.append("</tbody></table>")
    out.append(_evidence_section(edges, by_id, parents))
    quotes = [e for e in edges if e.relation == "quotes" and e.source_id in by_id and e.derived_id in by_id]
    if quotes:
        out.append("<h2>Quotations</h2><ul>" + "".join(
            f"<li><b>{esc(name(e.derived))}</b> quotes a passage of <b>{esc(name(e.source))}</b> "
            f"(confidence {e.confidence:.2f}): not a copy.</li>" for e in quotes) + "</ul>")
    out.append("<h2>Archived texts</h2><p class='sub'>The text of each capture as archived (extracted from "
               "the WARC record), for reading without a replay service.</p>")
    for doc in ordered:
        if captured(doc):
            out.append(f'<details id="text-{doc.id}"><summary><b>{esc(name(doc))}</b>: {esc(doc.title)} '
                       f'<span class="sub">(captured {esc(_time(doc.fetched_at))}, {esc(doc.url)})</span></summary>'
                       f'<div class="text">{paragraphs(doc.text)}</div></details>')
    return _page(title, "".join(out))


def _evidence_section(edges: list[Edge], by_id: dict[int, Document], parents: dict[int, Edge]) -> str:
    out = ["<h2>Evidence and differences</h2>", LEGEND]
    shown = [e for e in edges if e.relation != "quotes" and e.source_id in by_id and e.derived_id in by_id]
    opened, alternatives = False, False
    for edge in sorted(shown, key=lambda e: (parents.get(e.derived_id) is not e, e.derived.published or datetime.max,
                                             e.id)):
        if parents.get(edge.derived_id) is not edge and not alternatives:
            alternatives = True
            out.append("<h3>Other possible sources, weighed and not chosen</h3>")
        if captured(edge.source):
            left, right, counts = diff_html(edge.source.text, edge.derived.text)
            change = (f"{counts['substituted']} words swapped, {counts['inserted']} added, "
                      f"{counts['deleted']} cut")
            diff = (f'<div class="diff"><div><b>source: {esc(name(edge.source))}</b>{left}</div>'
                    f'<div><b>copy: {esc(name(edge.derived))}</b>{right}</div></div>')
        else:
            change, diff = "source not captured", '<p class="nc">The source was never captured: no text to compare.</p>'
        status = "" if parents.get(edge.derived_id) is edge else " (not chosen)"
        is_open = edge.is_primary and edge.relation == "spin" and not opened
        opened = opened or is_open
        out.append(
            f'<details{" open" if is_open else ""}><summary><b>{esc(name(edge.derived))}</b> is '
            f'{"an" if edge.relation[0] in "aeiou" else "a"} {_relation(edge.relation)} of '
            f'<b>{esc(name(edge.source))}</b>{status}, confidence {edge.confidence:.2f} \u2014 {change}</summary>'
            f'{_evidence_items(edge)}{diff}</details>')
    return "".join(out)


# -- across stories ------------------------------------------------------------------------------

MATRIX_OUTLETS = 15
ROWS_SHOWN = 200  # of the ranked tables; `provenance outlets --json` has them all


def _rate(part: int, whole: int) -> str:
    return f"{part} ({part / whole:.0%})" if whole else "0"


def _more(rows: int) -> str:
    return (f"<p class='sub'>The first {ROWS_SHOWN} of {rows} rows; <code>provenance outlets --json</code> "
            "lists them all.</p>" if rows > ROWS_SHOWN else "")


def outlets_report(flows: list[OutletFlow]) -> str:
    """Who copies whom: a matrix of the most active outlets, ranked flows with credit and spin
    rates, and each outlet's balance (copied from others, copied by others)."""
    if not flows:
        return _page("Who copies from whom", "<h1>Who copies from whom</h1><p>No copies stored.</p>")
    copied: dict[str, int] = {}
    made: dict[str, int] = {}
    for f in flows:
        copied[f.source] = copied.get(f.source, 0) + f.copies
        made[f.derived] = made.get(f.derived, 0) + f.copies
    sources = sorted(copied, key=lambda o: (-copied[o], o))[:MATRIX_OUTLETS]
    copiers = sorted(made, key=lambda o: (-made[o], o))[:MATRIX_OUTLETS]
    cells = {(f.source, f.derived): f for f in flows}
    peak = max(f.copies for f in flows)
    head = "".join(f'<th title="{esc(o)}">{k}</th>' for k, o in enumerate(copiers, 1))
    rows = []
    for source in sources:
        tds = []
        for copier in copiers:
            f = cells.get((source, copier))
            if f is None:
                tds.append("<td></td>")
                continue
            shade = 0.15 + 0.6 * f.copies / peak
            tds.append(f'<td style="background:rgba(21,101,192,{shade:.2f})" title="{esc(copier)} copied '
                       f'{esc(source)} {f.copies} times, {f.credited} with credit, {f.spun} spun">{f.copies}</td>')
        rows.append(f'<tr><th class="row">{esc(source)} <span class="sub">({copied[source]})</span></th>'
                    f'{"".join(tds)}</tr>')
    key = " \u00b7 ".join(f"<b>{k}</b> {esc(o)} ({made[o]})" for k, o in enumerate(copiers, 1))
    matrix = (f'<table class="matrix"><thead><tr><th class="row">copied outlet \u2193 / copier \u2192</th>{head}'
              f'</tr></thead><tbody>{"".join(rows)}</tbody></table><p class="sub">Copiers: {key}</p>')
    ranked = "".join(
        f"<tr><td>{esc(f.source)}</td><td>{esc(f.derived)}</td><td class='num'>{f.copies}"
        f"<span class='bar' style='width:{60 * f.copies / peak:.0f}px'></span></td>"
        f"<td class='num'>{_rate(f.credited, f.copies)}</td><td class='num'>{_rate(f.spun, f.copies)}</td>"
        f"<td>{esc(', '.join(f'{k} {v}' for k, v in sorted((f.relations or {}).items())))}</td></tr>"
        for f in flows[:ROWS_SHOWN])
    balance = {}
    for f in flows:
        balance.setdefault(f.source, [0, 0, 0, 0])[0] += f.copies
        copier = balance.setdefault(f.derived, [0, 0, 0, 0])
        copier[1] += f.copies
        copier[2] += f.credited
        copier[3] += f.spun
    outlets = "".join(
        f"<tr><td>{esc(o)}</td><td class='num'>{b[0]}</td><td class='num'>{b[1]}</td>"
        f"<td class='num'>{_rate(b[2], b[1]) if b[1] else ''}</td><td class='num'>{_rate(b[3], b[1]) if b[1] else ''}</td></tr>"
        for o, b in sorted(balance.items(), key=lambda x: (-x[1][1], -x[1][0], x[0]))[:ROWS_SHOWN])
    body = ("<h1>Who copies from whom</h1><p class='sub'>Chosen-source links across all stories, by outlet: "
            f"{sum(f.copies for f in flows)} copies between {len(set(copied) | set(made))} outlets.</p>"
            f"<h2>Matrix</h2><p class='sub'>Rows: the {len(sources)} most copied outlets; columns: the {len(copiers)} "
            f"outlets that made most copies (numbered below); a cell counts the copies the column's outlet made of "
            f"the row's (darker: more; in brackets, the totals).</p>{matrix}"
            "<h2>Flows, most copies first</h2><table><thead><tr><th>source outlet</th><th>copied by</th>"
            "<th class='num'>copies</th><th class='num'>with credit</th><th class='num'>spun</th><th>relations</th>"
            f"</tr></thead><tbody>{ranked}</tbody></table>{_more(len(flows))}"
            "<h2>Outlets</h2><table><thead><tr><th>outlet</th><th class='num'>copied by others</th>"
            "<th class='num'>copies it made</th><th class='num'>of which credited</th><th class='num'>of which spun</th>"
            f"</tr></thead><tbody>{outlets}</tbody></table>{_more(len(balance))}")
    return _page("Who copies from whom", body)
