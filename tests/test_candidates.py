"""Candidate search: the database query and the in-memory index choose the same documents, and
both leave out fingerprints too common to point at a copy."""

from __future__ import annotations

import pytest

from archive.page import Page
from archive.provenance import index as candidate_rules
from archive.provenance.index import CandidateIndex
from archive.store import reads, writes
from archive.store.db import session_factory

# document -> its fingerprints: 1 and 2 share two of their own; 42 is in every document; 7 and 8,
# long, share two fingerprints found nowhere else (a paragraph or two reused); 9, short, shares one
# of its eight with 10 (an excerpt of a story with few rare words); 11 and 12, long, share four
FINGERPRINTS = {1: [7, 8, 42], 2: [7, 8, 42, 90], 3: [42], 4: [42], 5: [42], 6: [500, 501],
                7: [*range(1000, 1030), 9001, 9002], 8: [*range(2000, 2040), 9001, 9002],
                9: [*range(3000, 3007), 9100], 10: [*range(4000, 4030), 9100],
                11: [*range(5000, 5030), *range(9200, 9204)], 12: [*range(6000, 6040), *range(9200, 9204)]}


@pytest.fixture(params=["sqlite", "postgresql"])
def stored(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'graph.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    factory = session_factory(url)
    with factory.begin() as session:
        for doc, hashes in FINGERPRINTS.items():
            writes.add_document(session, Page(f"https://site{doc}.example/a/", f"text of document {doc}",
                                             text_digest=f"{doc:064d}", fingerprints=hashes), {"discovered_via": "test"})
    yield factory
    factory.kw["bind"].dispose()  # before the database is dropped


def both(factory, doc: int) -> tuple[list[int], list[int]]:
    with factory() as session:
        index = reads.fingerprint_index(session)
        return reads.candidates(session, doc), index.candidates(doc, index.fingerprints_of(doc))


def test_database_and_index_agree(stored):
    for doc in FINGERPRINTS:
        by_sql, by_index = both(stored, doc)
        assert by_sql == by_index, doc
    assert both(stored, 1)[0] == [2, 3, 4, 5]  # few fingerprints: one shared one is enough
    assert both(stored, 6) == ([], [])


def test_a_fingerprint_in_too_many_documents_is_left_out(stored, monkeypatch):
    monkeypatch.setattr(candidate_rules, "MAX_POSTINGS", 5)  # 42 is in five documents: still usable
    assert both(stored, 1) == ([2, 3, 4, 5], [2, 3, 4, 5])
    monkeypatch.setattr(candidate_rules, "MAX_POSTINGS", 4)  # now one too many
    assert both(stored, 1) == ([2], [2])
    assert both(stored, 3) == ([], [])


def test_index_is_read_without_a_list_of_rows():
    index = CandidateIndex.from_pairs(iter([(7, 1), (8, 1), (7, 2), (8, 2)]))
    assert len(index) == 2
    assert list(index.fingerprints_of(2)) == [7, 8]
    assert index.candidates(1, [7, 8]) == [2]


def test_two_fingerprints_rare_in_the_archive_make_a_candidate_whatever_the_share(stored, monkeypatch):
    """Two of 32 fingerprints shared is under the share a copy needs, but two that only these two
    documents hold point at a passage one reused from the other; held by many, at a topic."""
    assert both(stored, 7) == ([8], [8])
    assert both(stored, 9) == ([10], [10])  # a short text: one of its few is enough
    monkeypatch.setattr(candidate_rules, "REUSE_POSTINGS", 1)
    assert both(stored, 7) == ([], [])
    assert both(stored, 9) == ([], [])


def test_the_candidates_only_rare_fingerprints_found_need_a_passage(stored):
    """They are aligned only when they share a passage (archive/analysis.py); the share test's are
    aligned whatever they share."""
    with stored() as session:
        index = reads.fingerprint_index(session)
        for found in (reads.candidates(session, 7), index.candidates(7, index.fingerprints_of(7))):
            assert found == [8] and found.need_passage == {8}
        for found in (reads.candidates(session, 1), index.candidates(1, index.fingerprints_of(1))):
            assert 2 in found and 2 not in found.need_passage


def test_the_candidates_only_a_few_shared_fingerprints_admit_need_a_passage(stored, monkeypatch):
    """Four shared fingerprints, a small share of either: admitted by ``REUSE_SHARED`` (two
    paragraphs reused), not by the share a copy has, so aligned only when they share a passage."""
    monkeypatch.setattr(candidate_rules, "REUSE_POSTINGS", 1)  # not by the rare route either
    with stored() as session:
        index = reads.fingerprint_index(session)
        for found in (reads.candidates(session, 11), index.candidates(11, index.fingerprints_of(11))):
            assert found == [12] and found.need_passage == {12}
