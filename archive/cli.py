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
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from archive import queries
from archive.output_file import is_stream, write_output
from archive.tables import line, print_table, print_tree, printable, printable_json, relation
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
                raise click.ClickException(_first_line(exc)) from exc
        return self._factory


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _database_problem(exc: SQLAlchemyError, db: str | None) -> str:
    reason = _first_line(getattr(exc, "orig", None) or exc)
    if "readonly" in reason or "read-only" in reason:
        reason = f"it is read-only here ({reason})"
    elif "file is not a database" in reason:
        reason = "the file is not a SQLite database"
    try:
        url = make_url(db) if db else None
        where = "the database" if url is None else db if url.password is None else url.render_as_string()
    except Exception:  # not a URL at all: said as it was given
        where = db
    return f"cannot use {where}: {reason}"


class _Commands(click.Group):
    """Every command's failures worded for people: one line and a non-zero exit, no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SQLAlchemyError as exc:
            context = (ctx.obj or {}).get("factory")
            raise click.ClickException(_database_problem(exc, context.db if context else None)) from exc
        except BrokenPipeError:  # `provenance documents | head`: the reader left, nothing to say
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python flushes stdout again at exit)
            ctx.exit(1)
        except OSError as exc:
            raise click.ClickException(f"{exc.strerror or _first_line(exc)}: {exc.filename}" if exc.filename
                                       else _first_line(exc)) from exc


class _LogFormatter(logging.Formatter):
    """Log lines quote crawled text (URLs, titles): its control characters escaped, line breaks
    too (a traceback after the line is kept as it is)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's naming)
        return printable(super().formatMessage(record))


@click.group(cls=_Commands)
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
    handler = logging.StreamHandler()
    handler.setFormatter(_LogFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)], handlers=[handler])
    ctx.obj = {"factory": Context(database_url(db))}


def _json(value, **options) -> str:
    """JSON with non-ASCII text kept readable, and safe on a terminal."""
    return printable_json(json.dumps(value, ensure_ascii=False, **options))


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
    else:
        click.echo(f"records read: {report.records}; documents added: {report.added}; "
                   f"already stored: {report.unchanged}")
        for reason, count in sorted(report.skipped.items()):
            click.echo(f"skipped ({reason}): {count}")
        for problem in report.problems:
            click.echo(printable(f"problem: {problem}"), err=True)
    if not report.records and report.problems:
        raise click.ClickException("nothing could be read from " + ", ".join(paths))


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
    if malformed := [s for s in settings if "=" not in s]:
        raise click.UsageError(f"a setting is NAME=VALUE, not {malformed[0]!r}")
    factory = ctx.obj["factory"]()
    with factory() as session:
        if url:
            story_id = _find(session, url).story_id
            url = url if story_id is None else None
        elif story_id is not None and not queries.story_exists(session, story_id):
            raise click.ClickException(f"no story {story_id} (see `provenance tree URL --json`)")
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
                click.echo(_json(_doc_json(doc)))
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
                click.echo(_json(_edge_json(edge)))
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
        click.echo(printable(f"origin: {_label(root)}"))
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
        click.echo(printable(edge.derived.url))
        click.echo(printable(f"  was made from {edge.source.url}"))
        click.echo(f"  relation: {edge.relation}, confidence {edge.confidence:.2f}"
                   f"{'' if edge.is_primary else ' (an alternative, not the chosen parent)'}")
        for item in sorted(edge.evidence, key=lambda e: -abs(e["weight"])):
            click.echo(printable(f"  {item['weight']:+5.1f}  {item['kind']}: {item['detail']}"))
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
            click.echo(printable(edge.source.url))
            click.echo(printable(f"  -{edge.relation} ({edge.confidence:.2f})-> {edge.derived.url}"))


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
        click.echo(_json({"a": doc_a.url, "b": doc_b.url, "summary": summary(chunks),
                          "chunks": [{"op": c.op, "a": " ".join(c.a), "b": " ".join(c.b)} for c in chunks]},
                         indent=2))
        return
    out = []
    for c in chunks:
        if c.op == "equal":
            out.append(printable(" ".join(c.a)))
            continue
        style = _DIFF_STYLE[c.op]
        removed = printable(f"[-{' '.join(c.a)}-]") if c.a else ""
        added = printable(f"{{+{' '.join(c.b)}+}}") if c.b else ""
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


OUTPUT_HELP = "File to write (replaced only once complete), or - for standard output."


@main.command()
@click.argument("url", required=False)
@click.option("--outlets", "for_outlets", is_flag=True, help="Who copies from whom across all stories.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), required=True,
              help=OUTPUT_HELP)
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
    write_output(output, page.encode())
    click.echo(f"wrote {output}", err=is_stream(output))


EXPORT_FORMATS = ["wacz", "svg", "png", "prov-json", "prov-o", "graphml", "gexf", "dot", "jsonl", "csv"]


@main.command()
@click.argument("story", required=False)
@click.option("--all", "everything", is_flag=True, help="Export every story instead of one.")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), required=True,
              help=OUTPUT_HELP)
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
    if sign_url and is_stream(output):
        raise click.UsageError("--sign-url signs a package written to a file, not to a stream")
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
                write_output(output, picture)
                written = output
            else:
                written = export_graph(selection, fmt, output)
        except BrokenPipeError:
            raise
        except (ExportError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {written} ({len(selection.documents)} documents, {len(selection.edges)} edges)",
               err=is_stream(output))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
