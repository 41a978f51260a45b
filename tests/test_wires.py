"""Wire copies are siblings: their source is the agency's wire story, inferred when not captured."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from archive import graph_writer
from archive.analysis import analyze_all
from archive.page import Page
from archive.provenance.model import Relation, doc_from_page
from archive.provenance.story import analyze_story
from archive.provenance.wires import wire_of
from archive.store.db import session_factory
from archive.store.models import Document, Edge
from archive.urls import is_inferred
from benchmarks.evalcorpus import articles


@pytest.mark.parametrize("text, agency", [
    ("WASHINGTON (AP) — The Senate voted on Tuesday.", "ap"),
    ("BEIJING, March 3 (Xinhua) -- China's economy grew.", "xinhua"),
    ("LONDON (Reuters) - Shares fell.\nMore text.\n(Reporting by Jane Doe; Editing by John Roe)", "reuters"),
    ("NEW YORK--(BUSINESS WIRE)--Acme Corp. today announced", "businesswire"),
    ("CHICAGO, May 5, 2024 /PRNewswire/ -- Acme announced", "prnewswire"),
    ("The Bears won.\nCopyright 2008 Courtesy of The Sports Network", "sportsnetwork"),
    ("Some story text here.\n© 2008 The Associated Press. All rights reserved.", "ap"),
    ("The mayor told The Associated Press on Monday that she would run again. " * 10, None),
    ("(MENAFN- Asia Times) Seoul and Washington must stick together.", None),
])
def test_wire_of_reads_datelines_and_credits_not_mentions(text, agency):
    assert wire_of(text) == agency


@pytest.fixture(scope="module")
def versions() -> list[tuple[str, str, str]]:
    base = next(a for a in articles() if 250 < len(a.split()) < 400).split(". ")
    lede = "WASHINGTON (AP) — "
    update = "In a later statement officials added that the review would begin next month with outside experts. "
    return [
        ("https://portal-one.example/news/1", lede + ". ".join(base[:12]) + ".", datetime(2024, 3, 1, 10)),
        ("https://portal-two.example/story/x", lede + ". ".join(base[:8]) + ". " + update + ". ".join(base[8:]) + ".",
         datetime(2024, 3, 1, 14)),
        ("https://town-paper.example/ap/x", lede + ". ".join(base[:6]) + ".", datetime(2024, 3, 2, 8)),
    ]


def _docs(pages):
    return [doc_from_page(url, Page(url, text, title="Officials announce review", date=date, date_trust=1.0))
            for url, text, date in pages]


def test_versions_of_one_wire_story_are_siblings_under_the_unseen_wire_story(versions):
    result = analyze_story(_docs(versions))
    assert is_inferred(result.origin) and ":wire:ap:" in result.origin
    parents = {e.derived: (e.source, e.relation) for e in result.edges if e.primary}
    assert {source for source, _ in parents.values()} == {result.origin}
    assert parents["https://town-paper.example/ap/x"][1] is Relation.EXCERPT
    assert parents["https://portal-one.example/news/1"][1] is Relation.SYNDICATION
    assert not any(e.relation is Relation.QUOTES for e in result.edges)


def test_a_captured_agency_page_is_the_source_itself(versions):
    url, text, _ = versions[1]
    agency_page = ("https://apnews.com/article/officials-review", text, datetime(2024, 3, 1, 9))
    result = analyze_story(_docs([agency_page, *versions]))
    assert result.origin == "https://apnews.com/article/officials-review"
    assert not any(is_inferred(e.source) for e in result.edges)


def test_wire_sources_are_stored_alike_by_crawl_and_analyze(tmp_path, versions):
    db = f"sqlite:///{tmp_path / 'wire.db'}"
    graph_writer.start(db)
    for url, text, date in versions:
        graph_writer.store(Page(url, text, title="Officials announce review", date=date, date_trust=1.0),
                           {"discovered_via": "test"}, True)
    graph_writer.flush()
    factory = session_factory(db)

    def graph():
        with factory() as session:
            edges = {(e.source.url, e.derived.url, e.relation, e.is_primary) for e in session.scalars(select(Edge))}
            inferred = [d for d in session.scalars(select(Document)) if is_inferred(d.url)]
            return edges, [(d.url, d.site_name, d.story_id is not None, d.published) for d in inferred]

    crawled, inferred = graph()
    assert len(inferred) == 1 and inferred[0][1] == "The Associated Press (wire, not captured)" and inferred[0][2]
    assert str(inferred[0][3]).startswith("2024-03-01 10:00")  # the earliest copy's date: an upper bound
    assert {(s, r) for s, _, r, primary in crawled if primary} == {(inferred[0][0], "syndication"),
                                                                   (inferred[0][0], "excerpt")}
    analyze_all(factory, db, workers=1)
    assert graph() == (crawled, inferred)


def test_a_first_seen_date_recorded_mid_crawl_reaches_the_tree(tmp_path, versions):
    """A public archive's capture date, learnt after the page was stored and matched, is evidence
    in the tree the crawl derives, as in the one `provenance analyze` derives."""
    db = f"sqlite:///{tmp_path / 'seen.db'}"
    _, text, _ = versions[0]
    text = text.replace("WASHINGTON (AP) — ", "")
    graph_writer.start(db)
    first = graph_writer.store(Page("https://aaa.example/x", text, date=datetime(2024, 3, 5, 10), date_trust=0.5),
                               {}, True)[0]
    graph_writer.store(Page("https://bbb.example/y", text, date=datetime(2024, 3, 4, 10), date_trust=0.5), {}, True)
    graph_writer.flush()
    factory = session_factory(db)

    def parent() -> str:
        with factory() as session:
            return next(e.source.url for e in session.scalars(select(Edge)) if e.is_primary)

    assert parent() == "https://bbb.example/y"
    graph_writer.first_seen(first, datetime(2024, 3, 1, 8), "wayback")
    graph_writer.flush()
    assert parent() == "https://aaa.example/x"
    analyze_all(factory, db, workers=1)
    assert parent() == "https://aaa.example/x"
