"""The `provenance` command: answers, exports and clear errors (click's CliRunner, in-process)."""

from __future__ import annotations

import csv
import io
import json
import re

import networkx as nx
import pytest
from click.testing import CliRunner

from archive.cli import main
from tests.conftest import ROOT

AT = "https://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"
SP = "https://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/"
MN = "https://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/"
PF = "https://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'graph.db'}"
    result = CliRunner().invoke(main, ["--db", url, "ingest", "--workers", "1", str(ROOT / "demo" / "seed-story.warc.gz")])
    assert result.exit_code == 0, result.output
    return url


def run(db: str, *args: str):
    return CliRunner().invoke(main, ["--db", db, *args])


def test_documents_and_edges_jsonl(db):
    docs = [json.loads(line) for line in run(db, "documents", "--format", "jsonl").output.splitlines()]
    assert len(docs) == 8
    assert {"url", "title", "author", "date", "site", "text"} <= set(docs[0])
    edges = [json.loads(line) for line in run(db, "edges", "--format", "jsonl").output.splitlines()]
    assert {"source", "derived", "relation", "confidence", "evidence"} <= set(edges[0])
    assert {(e["source"], e["derived"]) for e in edges if e["primary"]} == {(PF, AT), (AT, MN), (AT, SP)}


def test_origin_tree_copies_explain_path(db):
    assert run(db, "origin", SP).output.startswith(f"origin: Pacific Forum (2024-10-23) {PF}")
    copies = run(db, "copies", PF).output
    assert "republication" in copies and "spin" in copies and "excerpt" in copies
    explain = run(db, "explain", AT, SP).output
    assert "relation: spin" in explain and "title_copied" in explain
    path = run(db, "path", MN, SP).output.split()
    assert path[:2] + path[3:6] + path[7:] == [AT, "-excerpt", MN, AT, "-spin", SP]
    assert all(re.fullmatch(r"\(0\.\d\d\)->", step) for step in (path[2], path[6]))  # calibrated confidences


def test_diff_shows_what_the_spinner_changed(db):
    out = run(db, "diff", AT, SP, "--no-color").output
    assert "[-alliance-]{+empire+}" in out and "[-years-]{+centuries+}" in out
    data = json.loads(run(db, "diff", AT, SP, "--json").output)
    assert data["summary"]["substituted"] > 50


def test_outlets_counts_credit_and_spin(db):
    rows = json.loads(run(db, "outlets", "--json").output)
    flows = {(r["source"], r["derived"]): r for r in rows}
    assert flows[("pacforum.example", "asiatimes.example")]["credited"] == 1
    assert flows[("asiatimes.example", "newsbeat-daily.example")]["spun"] == 1


def test_graph_exports(db, tmp_path):
    for fmt in ("prov-json", "prov-o", "graphml", "dot", "jsonl", "csv"):
        out = tmp_path / f"story.{fmt}"
        result = run(db, "export", "--format", fmt, MN, "-o", str(out))
        assert result.exit_code == 0, result.output
    from prov.model import ProvDocument

    prov = ProvDocument.deserialize(content=(tmp_path / "story.prov-json").read_text())
    assert len(prov.get_records()) > 8
    assert "wasDerivedFrom" in (tmp_path / "story.prov-json").read_text()
    assert "prov:qualifiedDerivation" in (tmp_path / "story.prov-o").read_text()  # derivations with attributes
    graph = nx.read_graphml(tmp_path / "story.graphml")
    assert graph.number_of_nodes() == 4 and graph.number_of_edges() >= 3
    assert graph.edges[PF, AT]["relation"] == "republication"
    assert "->" in (tmp_path / "story.dot").read_text()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "story.csv").read_text())))
    assert {r["relation"] for r in rows if r["primary"] == "True"} == {"republication", "excerpt", "spin"}
    lines = [json.loads(x) for x in (tmp_path / "story.jsonl").read_text().splitlines()]
    assert {x["type"] for x in lines} == {"document", "edge"}


@pytest.mark.parametrize("args, message", [
    (["--db", "nonsense://", "documents"], "no driver for"),
    (["--db", "sqlite:////no/such/folder/x.db", "documents"], "folder /no/such/folder does not exist"),
    (["--db", "not a url", "documents"], "not a database URL"),
])
def test_bad_database_urls_are_clear_errors(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output


def test_bad_arguments_are_clear_errors(db, tmp_path):
    cases = [
        (["tree", "https://unknown.example/"], "no stored capture of 'https://unknown.example/'"),
        (["ingest", str(tmp_path / "missing.warc.gz")], "no such file or folder"),
        (["export", "--format", "wacz", "-o", str(tmp_path / "x.wacz")], "give one story URL, or --all"),
        (["export", "--format", "csv", AT, "-o", str(tmp_path / "no" / "dir" / "x.csv")], "does not exist"),
        (["explain", AT, "https://unknown.example/"], "no stored capture"),
    ]
    for args, message in cases:
        result = run(db, *args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
