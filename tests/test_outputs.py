"""Graph outputs read back by the tools people use: prov and rdflib (with SPARQL) for PROV,
networkx for GraphML and GEXF, pydot and Graphviz for DOT."""

from __future__ import annotations

import json
import re
import subprocess

import networkx as nx
import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.store.db import session_factory
from archive.store.models import Document
from tests.conftest import ROOT
from tests.test_wires import versions  # noqa: F401 (a fixture: three versions of one AP story)
from benchmarks.stories import story_of
from tests.tools import debian_program

AT = "https://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"
MN = "https://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/"
PF = "https://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/"
NB = "https://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/"
HERALD = "https://local-herald.example/news/quay/"
DIGEST = "https://wire-digest.example/a/991/"
MAGAZINE = "https://coastline-magazine.example/2024/03/harbour-closes/"


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('seed') / 'g.db'}"
    result = CliRunner().invoke(main, ["--db", db, "ingest", "--workers", "1", str(ROOT / "demo" / "seed-story.warc.gz")])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def wire_db(tmp_path_factory):
    """A 20-copy story: an inferred AP source, a recaptured page, a quotation."""
    db = f"sqlite:///{tmp_path_factory.mktemp('wire') / 'g.db'}"
    with session_factory(db).begin() as session:
        story_of(session, 20)
        session.query(Document).filter(Document.url == HERALD).one().site_name = "Hafen\u2013Zeitung \u00d6"
        session.query(Document).filter(Document.url == MAGAZINE).one().site_name = 'The "Coastline" \\ <Magazine>'
    return db


def export(db: str, fmt: str, ref: str, out) -> str:
    result = CliRunner().invoke(main, ["--db", db, "export", "--format", fmt, ref, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def turtle_graph(db: str, ref: str, tmp_path):
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=export(db, "prov-o", ref, tmp_path / "story.ttl"), format="turtle")
    return graph


PREFIXES = "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX pa: <https://github.com/provenance-archive/ns#> "


def test_prov_o_answers_the_usual_sparql(seed_db, tmp_path):
    from rdflib import XSD, Literal, URIRef

    graph = turtle_graph(seed_db, MN, tmp_path)
    found = {(str(a), str(b)) for a, b in graph.query(PREFIXES + """
        SELECT ?a ?b WHERE { ?copy prov:wasDerivedFrom ?source .
                             ?copy prov:atLocation ?b . ?source prov:atLocation ?a }""")}
    assert found == {(PF, AT), (AT, MN), (AT, NB)}
    spins = list(graph.query(PREFIXES + "SELECT ?d WHERE { ?d a prov:Derivation, pa:spin ; prov:entity ?s }"))
    assert len(spins) == 1  # the relation is a type (a qualified name), not the literal "pa:spin"
    assert not list(graph.triples((None, None, Literal("pa:spin"))))
    for _, _, location in graph.triples((None, URIRef("http://www.w3.org/ns/prov#atLocation"), None)):
        assert isinstance(location, URIRef)
    times = list(graph.query(PREFIXES + "SELECT ?e ?t WHERE { ?e prov:generatedAtTime ?t }"))
    assert len(times) == 4 and all(t.datatype == XSD.dateTime for _, t in times)
    published = list(graph.query(PREFIXES + "SELECT ?t WHERE { ?e pa:published ?t }"))
    assert len(published) == 4 and all(t.datatype == XSD.dateTime for (t,) in published)
    agents = list(graph.query(PREFIXES + """SELECT ?run ?software WHERE {
        ?e prov:wasGeneratedBy ?run . ?run a prov:Activity ; prov:wasAssociatedWith ?software .
        ?software a prov:SoftwareAgent }"""))
    assert agents
    files = [str(f) for _, _, f in graph.triples((None, URIRef("https://github.com/provenance-archive/ns#warcFile"), None))]
    assert files and all(f == "seed-story.warc.gz" for f in files)  # a name, not this machine's path
    labels = [str(label) for (label,) in graph.query(PREFIXES + "SELECT ?l WHERE { ?d a prov:Derivation ; rdfs:label ?l }",
                                                     initNs={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})]
    assert len(labels) == 3 and all(len(label) < 80 for label in labels)


def test_prov_json_reads_back_and_plots_narrow(seed_db, tmp_path):
    from prov.dot import prov_to_dot
    from prov.model import PROV_TYPE, ProvDerivation, ProvDocument, QualifiedName

    out = tmp_path / "story.prov.json"
    document = ProvDocument.deserialize(content=export(seed_db, "prov-json", MN, out))
    derivations = [r for r in document.get_records(ProvDerivation)]
    assert len(derivations) == 3
    types = {t for d in derivations for t in d.get_attribute(PROV_TYPE)}
    assert all(isinstance(t, QualifiedName) for t in types)
    assert {t.localpart for t in types} == {"republication", "excerpt", "spin"}
    evidence = json.loads((tmp_path / "story.prov.evidence.json").read_text())
    assert len(evidence) == 3
    whole = next(e for e in evidence.values() if e["relation"] == "spin")
    assert any(x["kind"] == "title_copied" for x in whole["evidence"]) and "detail" in whole["evidence"][0]
    assert "title_copied" not in out.read_text()  # in the attached file only
    dot = prov_to_dot(document)
    rendered = subprocess.run([debian_program("dot", "graphviz"), "-Tsvg"], input=dot.to_string(), capture_output=True,
                              text=True, timeout=120)
    assert rendered.returncode == 0, rendered.stderr
    width = float(re.search(r'<svg width="([\d.]+)pt"', rendered.stdout).group(1))
    assert width < 3000, width  # was 15,101 px with the whole evidence on each derivation


def test_prov_links_recaptures_and_shows_inferred_sources(wire_db, tmp_path):
    from rdflib import Literal, URIRef

    graph = turtle_graph(wire_db, HERALD, tmp_path)
    revisions = list(graph.query(PREFIXES + """SELECT ?new ?old WHERE { ?new prov:wasRevisionOf ?old .
        ?new prov:specializationOf ?page . ?old prov:specializationOf ?page . ?page prov:atLocation ?url }"""))
    assert len(revisions) == 1
    inferred = list(graph.query(PREFIXES + "SELECT ?e WHERE { ?e a pa:InferredSource ; pa:captured false }"))
    assert len(inferred) == 1
    (entity,) = inferred[0]
    assert not list(graph.triples((entity, URIRef("http://www.w3.org/ns/prov#atLocation"), None)))
    assert list(graph.triples((entity, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None)))
    quoted = list(graph.query(PREFIXES + "SELECT ?b ?a WHERE { ?b prov:wasQuotedFrom ?a }"))
    assert len(quoted) == 1
    copies = list(graph.query(PREFIXES + "SELECT ?b WHERE { ?b prov:wasDerivedFrom ?a . ?a pa:captured false }"))
    assert len(copies) >= 10
    assert (None, None, Literal(True)) in graph


def test_graphml_and_gexf_carry_what_gephi_reads(wire_db, tmp_path):
    export(wire_db, "graphml", HERALD, tmp_path / "story.graphml")
    graph = nx.read_graphml(tmp_path / "story.graphml")
    assert graph.number_of_nodes() == 21
    inferred = [n for n, d in graph.nodes(data=True) if d["captured"] is False]
    assert len(inferred) == 1 and graph.nodes[inferred[0]]["label"] == "The Associated Press"
    assert graph.nodes[HERALD]["label"] == "Hafen\u2013Zeitung \u00d6"
    assert graph.nodes[MAGAZINE]["label"] == 'The "Coastline" \\ <Magazine>'
    assert isinstance(graph.nodes[HERALD]["published_unix"], int)
    assert graph.nodes[HERALD]["published"].startswith("2024-03-07T")
    captures = [n for n in graph if n.startswith(DIGEST)]
    assert len(captures) == 2  # a page captured twice: two nodes
    weights = [d["weight"] for _, _, d in graph.edges(data=True)]
    assert weights and all(isinstance(w, float) and 0 < w <= 1 for w in weights)
    assert {d["relation"] for _, _, d in graph.edges(data=True)} >= {"syndication", "spin", "republication", "quotes"}

    text = export(wire_db, "gexf", HERALD, tmp_path / "story.gexf")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    gexf = nx.read_gexf(tmp_path / "story.gexf")
    by_url = {d["url"]: d for _, d in gexf.nodes(data=True)}
    assert by_url[HERALD]["start"] == "2024-03-07" and by_url[HERALD]["label"] == "Hafen\u2013Zeitung \u00d6"
    assert all(d.get("start") for d in by_url.values())
    assert by_url[HERALD]["viz"]["color"] == {"r": 0x8D, "g": 0x6E, "b": 0x63, "a": 1.0}  # partial's colour
    assert all(d.get("start") and d["weight"] > 0 for _, _, d in gexf.edges(data=True))


def test_dot_is_readable(wire_db, tmp_path):
    text = export(wire_db, "dot", HERALD, tmp_path / "story.dot")
    assert "\\u2013" not in text and "Hafen\u2013Zeitung \u00d6" in text
    rendered = subprocess.run([debian_program("dot", "graphviz"), "-Tjson0"], input=text, capture_output=True,
                              text=True, timeout=120)
    assert rendered.returncode == 0, rendered.stderr
    graph = json.loads(rendered.stdout)  # as Graphviz read it
    nodes = {n["name"]: n for n in graph["objects"]}
    assert nodes[HERALD]["label"] == "Hafen\u2013Zeitung \u00d6\\n2024-03-07"
    assert nodes[HERALD]["tooltip"] == HERALD and nodes[HERALD]["URL"] == HERALD
    inferred = [n for n in nodes.values() if "not captured" in n["label"]]
    assert len(inferred) == 1 and "dashed" in inferred[0]["style"] and "URL" not in inferred[0]
    assert nodes[MAGAZINE]["label"] == 'The "Coastline" \\\\ <Magazine>\\n2024-03-06'  # as escaped in DOT
    svg = subprocess.run([debian_program("dot", "graphviz"), "-Tsvg"], input=text, capture_output=True, text=True,
                         timeout=120).stdout
    assert "The &quot;Coastline&quot; \\ &lt;Magazine&gt;" in svg  # as shown
    assert len(graph["edges"]) == 21 and all(re.fullmatch(r"[a-z]+ 0\.\d\d", e["label"]) for e in graph["edges"])


def test_a_wire_source_the_engine_infers_shows_as_not_captured(tmp_path, versions):
    from rdflib import URIRef

    from archive import graph_writer
    from archive.page import Page
    from archive.urls import is_inferred

    db = f"sqlite:///{tmp_path / 'wire.db'}"
    graph_writer.start(db)
    for url, text, date in versions:  # three versions of one AP story, the AP's own page never captured
        graph_writer.store(Page(url, text, title="Officials announce review", date=date, date_trust=1.0),
                           {"discovered_via": "test"}, True)
    graph_writer.flush()
    ref = versions[0][0]
    graph = turtle_graph(db, ref, tmp_path)
    (entity, label), = graph.query(PREFIXES + "SELECT ?e ?l WHERE { ?e a pa:InferredSource ; pa:captured false ; "
                                   "rdfs:label ?l }", initNs={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    assert not list(graph.triples((entity, URIRef("http://www.w3.org/ns/prov#atLocation"), None)))
    assert len(list(graph.query(PREFIXES + "SELECT ?c WHERE { ?c prov:wasDerivedFrom ?w . ?w a pa:InferredSource }"))) == 3
    alternatives = list(graph.query(PREFIXES + "SELECT ?d WHERE { ?d a prov:Derivation ; pa:primary false }"))
    assert alternatives and len(list(graph.query(PREFIXES + "SELECT ?c ?s WHERE { ?c prov:wasDerivedFrom ?s }"))) == 3
    export(db, "graphml", ref, tmp_path / "story.graphml")
    nodes = nx.read_graphml(tmp_path / "story.graphml").nodes(data=True)
    assert [d["label"] for n, d in nodes if is_inferred(n) and d["captured"] is False] == ["The Associated Press"]
    page = tmp_path / "story.html"
    assert CliRunner().invoke(main, ["--db", db, "report", ref, "-o", str(page)]).exit_code == 0
    html = page.read_text()
    assert 'stroke-dasharray="6 4"/>' in html and ">The Associated Press</text>" in html
    assert "The source was never captured: no text to compare." in html
