"""The crawl's graph writer derives a story's tree once it stops growing, not at every round."""

from __future__ import annotations

import time

from archive import graph_writer
from archive.graph_writer import GraphWriter
from archive.page import Page
from archive.store import writes
from archive.store.db import session_factory


class Recording(GraphWriter):
    """A writer that records which stories each round would derive (and derives nothing)."""

    def __init__(self, round_seconds: float = 0.0, db: str = "sqlite://"):
        super().__init__(session_factory(db), db, round_seconds=round_seconds)
        self.derived: list[list[int]] = []

    def _derive(self, story_ids):
        self.derived.append(story_ids)
        return len(story_ids)


def _pages(writer: Recording, changed: list[set[int]]) -> None:
    for stories in changed:
        writer._stored(0, False, stories)


def test_a_story_that_stopped_growing_is_derived_at_the_next_round():
    writer = Recording()
    _pages(writer, [{1}] + [set()] * (graph_writer.FLUSH_EVERY - 1))  # story 1 grew in round 1
    assert writer.derived == []  # it grew in this round: it waits
    _pages(writer, [set()] * graph_writer.FLUSH_EVERY)
    assert writer.derived == [[1]]


def test_a_story_that_keeps_growing_waits_a_bounded_number_of_rounds():
    writer = Recording()
    for _ in range(graph_writer.WAIT_ROUNDS):
        _pages(writer, [{2}] + [set()] * (graph_writer.FLUSH_EVERY - 1))
    assert writer.derived == [[2]]  # derived once, at the last round it may wait


def test_a_fast_crawl_waits_for_the_round_seconds_too():
    writer = Recording(round_seconds=3600)
    _pages(writer, [{1}] + [set()] * (3 * graph_writer.FLUSH_EVERY))
    assert writer.waited == {}  # pages enough for three rounds, in less than a round's seconds: none
    writer.last_round = (writer.last_round[0], time.monotonic() - 3600)
    _pages(writer, [set()])
    assert writer.waited == {1: 1} and writer.derived == []  # a round: story 1 grew in it, it waits
    writer.last_round = (writer.last_round[0], time.monotonic() - 3600)
    _pages(writer, [set()] * graph_writer.FLUSH_EVERY)
    assert writer.derived == [[1]]


def test_the_end_of_the_crawl_derives_every_story_left(tmp_path):
    writer = Recording(db=f"sqlite:///{tmp_path / 'graph.db'}")
    _pages(writer, [{3}, {4}])
    assert writer.flush() == 2 and not writer.dirty


def test_the_end_of_a_crawl_derives_the_stories_a_stopped_crawl_left_without_a_tree(tmp_path):
    db = f"sqlite:///{tmp_path / 'graph.db'}"
    with session_factory(db).begin() as session:  # a killed crawl: membership written, tree not yet
        ids = [writes.add_document(session, Page(f"https://site{n}.example/a/", f"text {n}", text_digest=f"{n:064d}",
                                                 fingerprints=[n]), {"discovered_via": "test"}).id for n in (1, 2, 3)]
        story = writes.assign_story(session, None, ids[:2])
        writes.assign_story(session, None, ids[2:])  # one document: no tree to derive
    writer = Recording(db=db)
    assert writer.flush() == 1 and writer.derived == [[story]]
    assert writer.flush(set()) == 0  # a round derives only what grew


def test_a_batch_rolled_back_leaves_nothing_in_the_analysis_caches(tmp_path, monkeypatch):
    """SQLite gives a rolled-back document's id to the next one stored: a document, a fingerprint
    count or a comparison remembered under it would be another page's."""
    writer = GraphWriter(session_factory(f"sqlite:///{tmp_path / 'graph.db'}"), None)
    match = writer.analyzer.match

    def failing(session, stored):  # the second page fails after the analysis remembered it
        if "two.example" in writer.analyzer._docs[stored.id].url:
            raise RuntimeError("lost connection")
        return match(session, stored)

    monkeypatch.setattr(writer.analyzer, "match", failing)
    text = "The harbour board voted on Tuesday to close the old ferry pier for repairs. " * 8
    jobs = [(Page(f"https://{site}.example/a/", text, text_digest=f"{n:064d}"), {"discovered_via": "test"}, True)
            for n, site in enumerate(("one", "two"))]
    results = writer.store_many(jobs)
    assert [status for status, _ in results] == ["ok", "error"]
    assert set(writer.analyzer._docs) | set(writer.analyzer._counts) <= {results[0][1][0]}
    assert not writer.analyzer._pairs
