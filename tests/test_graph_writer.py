"""The crawl's graph writer derives a story's tree once it stops growing, not at every round."""

from __future__ import annotations

import time

from archive import graph_writer
from archive.graph_writer import GraphWriter
from archive.store.db import session_factory


class Recording(GraphWriter):
    """A writer that records which stories each round would derive (and derives nothing)."""

    def __init__(self, round_seconds: float = 0.0):
        super().__init__(session_factory("sqlite://"), "sqlite://", round_seconds=round_seconds)
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


def test_the_end_of_the_crawl_derives_every_story_left():
    writer = Recording()
    _pages(writer, [{3}, {4}])
    assert writer.flush() == 2 and not writer.dirty
