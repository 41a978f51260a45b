"""The ``provenance`` command: ingest archives, analyse, and answer questions about copies."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager

from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import queries
from archive.tables import line, print_table, print_tree, relation
from archive.store.db import StoreError, database_url, schema_revision, session_factory
from archive.store.models import Document, Edge


@contextmanager
def _session(ctx: click.Context):
    factory = ctx.obj["factory"]()
    with factory() as session:
        yield session


class Context:
    def __init__(self, db: str):
        self.db = db
        self._factory = None

    def __call__(self):
        if self._factory is None:
            try:
                self._factory = session_factory(self.db)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
        return self._factory


@click.group()
@click.option("--db", envvar="PROVENANCE_DB", default=None, metavar="URL",
              help="SQLAlchemy database URL [env PROVENANCE_DB; default sqlite:///provenance.db].")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, db: str | None, verbose: int) -> None:
    """Trace where a news article came from and who copied it.

    \b
    Example:
        provenance ingest demo/demo.warc.gz
        provenance tree https://asiatimes.example/2024/10/trump-or-harris/
    """
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"factory": Context(database_url(db))}


def _two_copies(command):
    """The A B arguments and --json option shared by the commands that compare two copies."""
    command = click.pass_context(command)
    command = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(command)
    return click.argument("a")(click.argument("b")(command))


def _find(session: Session, ref: str) -> Document:
    try:
        return queries.find_document(session, ref)
    except queries.NotFound as exc:
        raise click.ClickException(str(exc)) from exc


def _doc_json(doc: Document) -> dict:
    return {
        "id": doc.id, "url": doc.url, "title": doc.title, "author": doc.author,
        "date": doc.published.isoformat() if doc.published else None,
        "site": doc.site_name or (doc.outlet.name if doc.outlet else None),
        "outlet": doc.outlet.domain if doc.outlet else None, "language": doc.language,
        "story": doc.story_id, "text": doc.text,
        "warc": {"file": doc.warc_file, "offset": doc.warc_offset, "record_id": doc.warc_record_id},
    }


def _edge_json(edge: Edge) -> dict:
    return {
        "source": edge.source.url, "derived": edge.derived.url, "relation": edge.relation,
        "confidence": edge.confidence, "primary": edge.is_primary, "story": edge.story_id,
        "evidence": edge.evidence, "stats": edge.stats,
    }


def _site(doc: Document) -> str:
    return doc.site_name or (doc.outlet.domain if doc.outlet else "?")


def _date(doc: Document) -> str:
    return doc.published.date().isoformat() if doc.published else "undated"


def _check_json(check) -> dict | None:
    if check is None:
        return None
    return {"outcome": check.outcome, "checked_at": check.checked_at.isoformat(), "http_status": check.http_status,
            "detail": check.detail}


def _label(doc: Document) -> str:
    return f"{_site(doc)} ({_date(doc)}) {doc.url}"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--workers", type=int, default=None, help="Extraction worker processes [default: cores, max 4].")
@click.option("--no-analyze", is_flag=True, help="Store documents only; run `provenance analyze` later.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def ingest(ctx, paths, workers, no_analyze, as_json):
    """Read captures from WARC/WACZ files or folders, extract, store and analyse them.

    \b
    Example:
        provenance ingest crawl-2024*.warc.gz archive.wacz warcs/
    """
    from archive.ingest import ingest as run

    try:
        report = run(list(paths), ctx.obj["factory"](), workers=workers, analyze=not no_analyze)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    click.echo(f"records read: {report.records}; documents added: {report.added}; "
               f"already stored: {report.unchanged}")
    for reason, count in sorted(report.skipped.items()):
        click.echo(f"skipped ({reason}): {count}")
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)


@main.command()
@click.option("--workers", type=int, default=None, help="Worker processes [default: cores, max 4].")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def analyze(ctx, workers, as_json):
    """Rebuild stories and edges from all stored documents.

    \b
    Example:
        provenance analyze
    """
    from archive.analysis import analyze_all

    result = analyze_all(ctx.obj["factory"](), ctx.obj["factory"].db, workers)
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"analysed {result['documents']} documents into {result['stories']} stories")


@main.command()
@click.argument("url", required=False)
@click.option("--story", "story_id", type=int, help="Recheck every copy of this story (its id, see `tree --json`).")
@click.option("--all", "everything", is_flag=True, help="Recheck every stored URL.")
@click.option("--warc-dir", default="output/warc", show_default=True, type=click.Path(file_okay=False),
              help="Where the new captures are archived.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="A crawler setting.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def recheck(ctx, url, story_id, everything, warc_dir, settings, as_json):
    """Fetch stored copies again: a changed page (stealth edit, credit removed) becomes a new
    capture, a page that is gone is recorded; `provenance tree` then shows the versions.

    \b
    Example:
        provenance recheck https://menafn.example/1108812345/    # that URL's whole story
        provenance recheck --all
    """
    from archive.recheck import run_recheck

    if not (url or story_id or everything):
        raise click.UsageError("say what to recheck: a URL (its story), --story ID or --all")
    factory = ctx.obj["factory"]()
    with factory() as session:
        if url:
            story_id = _find(session, url).story_id
            url = url if story_id is None else None
    try:
        checks = run_recheck(ctx.obj["factory"].db, warc_dir, story_id=story_id, url=url, everything=everything,
                             settings=dict(s.split("=", 1) for s in settings))
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps([{"url": c.url, **_check_json(c)} for c in checks], indent=2))
        return
    print_table(["url", "outcome", "status", "detail"],
                ((c.url, c.outcome, c.http_status or "", c.detail or "") for c in checks))


@main.command()
@click.pass_context
def migrate(ctx):
    """Bring the database schema to the newest revision (Alembic). Every command does this when it
    opens a database; run it alone to upgrade a shared database before starting workers.

    \b
    Example:
        provenance --db postgresql+psycopg://localhost/provenance migrate
    """
    with _session(ctx) as session:
        click.echo(f"schema at revision {schema_revision(session.connection())} (head)")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text"]), default="text")
@click.pass_context
def documents(ctx, fmt):
    """List stored captures (jsonl: one JSON object per capture, with its text).

    \b
    Example:
        provenance documents --format jsonl > documents.jsonl
    """
    with _session(ctx) as session:
        docs = session.scalars(select(Document).order_by(Document.id))
        if fmt == "jsonl":
            for doc in docs:
                click.echo(json.dumps(_doc_json(doc), ensure_ascii=False))
            return
        print_table(["#", "site", "date", "url", "title"],
                    ((doc.id, _site(doc), _date(doc), doc.url, doc.title) for doc in docs), numeric=["#"])


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text"]), default="text")
@click.option("--primary-only", is_flag=True, help="Only the chosen parent of each copy, no alternatives.")
@click.option("--with-quotes", is_flag=True, help="Also list `quotes` links (quotations are not derivations).")
@click.pass_context
def edges(ctx, fmt, primary_only, with_quotes):
    """List derived-from edges: source -> derived, relation, confidence, evidence.

    \b
    Example:
        provenance edges --format jsonl > edges.jsonl
    """
    with _session(ctx) as session:
        found = queries.all_edges(session, with_alternatives=not primary_only, with_quotes=with_quotes)
        if fmt == "jsonl":
            for edge in found:
                click.echo(json.dumps(_edge_json(edge), ensure_ascii=False))
            return
        print_table(["source", "derived", "relation", "confidence", "chosen"],
                    ((e.source.url, e.derived.url, relation(e.relation), f"{e.confidence:.2f}",
                      "parent" if e.is_primary else "alternative") for e in found), numeric=["confidence"])


@main.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def origin(ctx, url, as_json):
    """Where did this copy come from? The story's origin and the path to it.

    \b
    Example:
        provenance origin https://menafn.example/1108812345/
    """
    with _session(ctx) as session:
        doc = _find(session, url)
        chain = queries.ancestry(session, doc)
        root = chain[-1].source if chain else doc
        if as_json:
            click.echo(json.dumps({"url": doc.url, "origin": root.url,
                                   "path": [_edge_json(e) for e in chain]}, indent=2))
            return
        click.echo(f"origin: {_label(root)}")
        if chain:
            print_table(["copy", "relation", "confidence", "made from"],
                        ((e.derived.url, relation(e.relation), f"{e.confidence:.2f}", e.source.url) for e in chain),
                        numeric=["confidence"])


@main.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def tree(ctx, url, as_json):
    """The story's derivation tree, from its origin down.

    \b
    Example:
        provenance tree https://pacforum.example/trump-or-harris/
    """
    with _session(ctx) as session:
        lines = list(queries.tree(session, _find(session, url)))
        known = queries.versions(session, [line.document for line in lines])
        if as_json:
            click.echo(json.dumps([{"depth": l.depth, "url": l.document.url,
                                    "relation": l.edge.relation if l.edge else "origin",
                                    "confidence": l.edge.confidence if l.edge else None,
                                    "captures": known[l.document.id].captures,
                                    "last_check": _check_json(known[l.document.id].last_check)} for l in lines],
                              indent=2))
            return
        if not lines:
            return

        def label(entry) -> str:
            versions = known[entry.document.id].describe()
            return _label(entry.document) + (f"  [{versions}]" if versions else "")

        print_tree(line(relation("origin"), " ", label(lines[0])),
                   ((l.depth, line(relation(l.edge.relation), f" ({l.edge.confidence:.2f}) ", label(l))) for l in lines[1:]))


@main.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def copies(ctx, url, as_json):
    """Who copied this page, directly or through others.

    \b
    Example:
        provenance copies https://asiatimes.example/2024/10/trump-or-harris/
    """
    with _session(ctx) as session:
        found = queries.copies(session, _find(session, url))
        if as_json:
            click.echo(json.dumps([{**_edge_json(e), "depth": d} for e, d in found], indent=2))
            return
        if not found:
            click.echo("no copies stored")
            return
        print_table(["depth", "relation", "confidence", "copy", "made from"],
                    ((d, relation(e.relation), f"{e.confidence:.2f}", _label(e.derived), e.source.url)
                     for e, d in found), numeric=["depth", "confidence"])


@main.command()
@_two_copies
def explain(ctx, a, b, as_json):
    """The evidence for the edge between two copies.

    \b
    Example:
        provenance explain https://asiatimes.example/... https://menafn.example/...
    """
    with _session(ctx) as session:
        edge = queries.edge_between(session, _find(session, a), _find(session, b))
        if edge is None:
            raise click.ClickException("no edge between these two documents")
        if as_json:
            click.echo(json.dumps(_edge_json(edge), indent=2))
            return
        click.echo(f"{edge.derived.url}\n  was made from {edge.source.url}")
        click.echo(f"  relation: {edge.relation}, confidence {edge.confidence:.2f}"
                   f"{'' if edge.is_primary else ' (an alternative, not the chosen parent)'}")
        for item in sorted(edge.evidence, key=lambda e: -abs(e["weight"])):
            click.echo(f"  {item['weight']:+5.1f}  {item['kind']}: {item['detail']}")
        if edge.stats:
            click.echo("  alignment: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in edge.stats.items()))


@main.command()
@_two_copies
def path(ctx, a, b, as_json):
    """The derivation path between two copies, through their closest common source.

    \b
    Example:
        provenance path https://menafn.example/... https://newsbeat-daily.example/...
    """
    with _session(ctx) as session:
        try:
            edges = queries.path(session, _find(session, a), _find(session, b))
        except queries.NotFound as exc:
            raise click.ClickException(str(exc)) from exc
        if as_json:
            click.echo(json.dumps([_edge_json(e) for e in edges], indent=2))
            return
        if not edges:
            click.echo("the same document")
        for edge in edges:
            click.echo(f"{edge.source.url}\n  -{edge.relation} ({edge.confidence:.2f})-> {edge.derived.url}")


_DIFF_STYLE = {"replace": dict(fg="yellow", bold=True), "insert": dict(fg="green"), "delete": dict(fg="red")}


@main.command()
@_two_copies
@click.option("--color/--no-color", default=None, help="Colour the output [default: when a terminal].")
def diff(ctx, a, b, as_json, color):
    """Word-level diff of two copies: [-A's words-]{+B's words+}, substitutions in yellow.

    \b
    Example:
        provenance diff https://asiatimes.example/... https://newsbeat-daily.example/...
    """
    from archive.provenance.diff import summary, word_diff

    with _session(ctx) as session:
        doc_a, doc_b = _find(session, a), _find(session, b)
        chunks = word_diff(doc_a.text, doc_b.text)
    if as_json:
        click.echo(json.dumps({"a": doc_a.url, "b": doc_b.url, "summary": summary(chunks),
                               "chunks": [{"op": c.op, "a": " ".join(c.a), "b": " ".join(c.b)} for c in chunks]},
                              indent=2, ensure_ascii=False))
        return
    out = []
    for c in chunks:
        if c.op == "equal":
            out.append(" ".join(c.a))
            continue
        style = _DIFF_STYLE[c.op]
        removed = f"[-{' '.join(c.a)}-]" if c.a else ""
        added = f"{{+{' '.join(c.b)}+}}" if c.b else ""
        out.append(click.style(removed, **{**style, "fg": "red" if c.op == "delete" else style["fg"]})
                   + click.style(added, **style))
    click.echo(" ".join(out), color=color)
    counts = summary(chunks)
    click.echo("\n" + ", ".join(f"{v} {k}" for k, v in counts.items()) + " words", color=color)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def outlets(ctx, as_json):
    """Who copies from whom across all stories: how often, with credit, spun.

    \b
    Example:
        provenance outlets
    """
    with _session(ctx) as session:
        flows = queries.outlet_flows(session)
    if as_json:
        click.echo(json.dumps([f.__dict__ for f in flows], indent=2))
        return
    if not flows:
        click.echo("no copies stored")
        return
    print_table(["source outlet", "copied by", "copies", "credited", "spun", "relations"],
                ((f.source, f.derived, f.copies, f.credited, f.spun,
                  ", ".join(f"{k} {v}" for k, v in sorted(f.relations.items()))) for f in flows),
                numeric=["copies", "credited", "spun"])


@main.command()
@click.argument("url", required=False)
@click.option("--outlets", "for_outlets", is_flag=True, help="Who copies from whom across all stories.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--replay-url", envvar="PROVENANCE_REPLAY_URL", metavar="TEMPLATE",
              help="Link each capture to a replay: a pywb or ReplayWeb.page URL with {timestamp} and {url} "
                   "[env PROVENANCE_REPLAY_URL].")
@click.pass_context
def report(ctx, url, for_outlets, output, replay_url):
    """A self-contained HTML report: the story's graph, time axis, copies, evidence, diffs and
    archived texts.

    \b
    Example:
        provenance report https://menafn.example/1108812345/... -o story.html
        provenance report https://menafn.example/1108812345/... -o story.html \\
            --replay-url 'http://localhost:8080/my-web-archive/{timestamp}/{url}'
        provenance report --outlets -o outlets.html
    """
    from archive.exports import select_story
    from archive.report import outlets_report, story_report

    if bool(url) == for_outlets:
        raise click.UsageError("give one story URL, or --outlets")
    if replay_url and "{url}" not in replay_url:
        raise click.UsageError("--replay-url needs {url} (and usually {timestamp}) in it")
    if not output.parent.resolve().is_dir():
        raise click.ClickException(f"cannot write {output}: folder {output.parent} does not exist")
    with _session(ctx) as session:
        if for_outlets:
            page = outlets_report(queries.outlet_flows(session))
        else:
            try:
                selection = select_story(session, url)
            except queries.NotFound as exc:
                raise click.ClickException(str(exc)) from exc
            page = story_report(selection.title, selection.documents, selection.edges, replay_url)
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(output)
    click.echo(f"wrote {output}")


EXPORT_FORMATS = ["wacz", "svg", "png", "prov-json", "prov-o", "graphml", "gexf", "dot", "jsonl", "csv"]


@main.command()
@click.argument("story", required=False)
@click.option("--all", "everything", is_flag=True, help="Export every story instead of one.")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (replaced only once complete).")
@click.option("--sign-url", metavar="URL", help="wacz: have an authsign signer sign the package (its /sign URL).")
@click.option("--sign-token-env", metavar="NAME", default="WACZ_SIGN_TOKEN", show_default=True,
              help="wacz: environment variable holding the signer's bearer token, if it needs one.")
@click.pass_context
def export(ctx, story, everything, fmt, output, sign_url, sign_token_env):
    """Export a story (give any of its URLs) or --all of them.

    \b
    wacz       WACZ package: the story's WARC records, CDXJ index (compressed when large),
               pages with their text, logs/, datapackage.json, and its provenance graph
               (provenance/graph.json); signed with --sign-url (WACZ 1.1.1, authsign)
    svg, png   the derivation graph as a picture (as in the HTML report)
    prov-json  W3C PROV-JSON (captures are entities, wasDerivedFrom / wasQuotedFrom), the
               whole evidence beside it in NAME.evidence.json
    prov-o     W3C PROV-O in Turtle (SPARQL: ?copy prov:wasDerivedFrom ?source), evidence as above
    graphml    GraphML (Gephi, yEd, networkx): label, weight, captured, dates
    gexf       GEXF for Gephi, with publication days for its timeline
    dot        Graphviz DOT (outlet and date on each box, the URL as tooltip)
    jsonl      one JSON object per document and per edge
    csv        one row per edge

    \b
    Example:
        provenance export --format wacz https://menafn.example/1108812345/... -o story.wacz
        provenance export --format prov-json --all -o graph.prov.json
        provenance export --format wacz --all -o all.wacz --sign-url https://signer.example/sign
    """
    from archive.exports import ExportError, export_graph, export_wacz, select_story

    if bool(story) == everything:
        raise click.UsageError("give one story URL, or --all")
    if sign_url and fmt != "wacz":
        raise click.UsageError("--sign-url signs WACZ packages only (--format wacz)")
    if not output.parent.resolve().is_dir():
        raise click.ClickException(f"cannot write {output}: folder {output.parent} does not exist")
    with _session(ctx) as session:
        selection = select_story(session, None if everything else story) if everything else None
        if selection is None:
            try:
                selection = select_story(session, story)
            except queries.NotFound as exc:
                raise click.ClickException(str(exc)) from exc
        try:
            if fmt == "wacz":
                written = export_wacz(selection, output, whole_files=everything)
                if sign_url:
                    from archive.wacz import SigningError, sign_wacz

                    try:
                        signed = sign_wacz(written, sign_url, os.environ.get(sign_token_env))
                    except SigningError as exc:
                        raise click.ClickException(f"{exc}; {written} was written unsigned") from exc
                    click.echo(f"signed by {signed.get('domain')} at {signed.get('created')}")
            elif fmt in ("svg", "png"):
                from archive.outputs.layout import png, svg

                picture = svg(selection.documents, selection.edges).encode() if fmt == "svg" else png(
                    selection.documents, selection.edges)
                tmp = output.with_name(output.name + ".part")
                tmp.write_bytes(picture)
                written = tmp.replace(output)
            else:
                written = export_graph(selection, fmt, output)
        except (ExportError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {written} ({len(selection.documents)} documents, {len(selection.edges)} edges)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
