"""The writer's hot statements (archive/store/db.py ``Hot``): on SQLite, the Core statement compiled
once and run on sqlite3's own connection gives what SQLAlchemy running it gives."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import bindparam, func, select

from archive.store.db import Hot, session_factory
from archive.store.models import Document, Fingerprint, Outlet
from archive.store.reads import INFERRED

STATEMENTS = {
    "expanding list, limit": select(Fingerprint.document_id, func.count()).where(
        Fingerprint.hash.in_(bindparam("hashes", expanding=True)), Fingerprint.document_id != bindparam("me"))
    .group_by(Fingerprint.document_id).order_by(func.count().desc(), Fingerprint.document_id).limit(2),
    "a parameter with its value (LIKE prefix)": select(Document.id).where(
        Document.id.in_(bindparam("ids", expanding=True)), ~INFERRED).order_by(Document.id),
    "a converted parameter (datetime)": select(Document.id).where(Document.published < bindparam("before")),
}
PARAMS = {"hashes": [1, 2, 3], "me": 1, "ids": [1, 2, 3, 99], "before": datetime(2024, 6, 1, tzinfo=timezone.utc)}


@pytest.fixture
def session():
    factory = session_factory("sqlite://", keep_connections=True)
    with factory.begin() as session:
        session.add(Outlet(id=1, domain="a.example", name="A"))
        for n, url in enumerate(["https://a.example/1", "https://a.example/2", "urn:provenance:inferred:wire:ap:1"], 1):
            session.add(Document(id=n, url=url, url_key=url, outlet_id=1, text="", text_digest=str(n),
                                 published=datetime(2024, n, 1, tzinfo=timezone.utc), fingerprint_count=0))
        session.flush()
        Hot(Fingerprint.__table__.insert(), ("document_id", "hash")).insert(
            session, [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3), (3, 3)])
        yield session


@pytest.mark.parametrize("name", STATEMENTS)
def test_sqlite_runs_the_same_query_as_sqlalchemy(session, name):
    statement = STATEMENTS[name]
    expected = [tuple(row) for row in session.execute(statement, PARAMS)]
    assert expected
    assert Hot(statement).rows(session, PARAMS) == expected


def test_a_missing_parameter_is_an_error_not_a_null(session):
    with pytest.raises(KeyError):
        Hot(STATEMENTS["expanding list, limit"]).rows(session, {"hashes": [1]})


def test_an_insert_stores_what_sqlalchemy_stores(session):
    """Converted values (a timezone-aware datetime, JSON) reach SQLite as SQLAlchemy writes them."""
    table = Document.__table__
    row = {"url": "https://a.example/9", "url_key": "a.example/9", "outlet_id": 1, "text": "", "text_digest": "9",
           "fingerprint_count": 0, "published": datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc),
           "date_trust": 0.5, "signals": {"credits": [], "é": 1}, "added_at": datetime(2024, 5, 7, tzinfo=timezone.utc)}
    session.execute(table.insert(), [row])
    Hot(table.insert(), tuple(row)).insert(session, [tuple({**row, "url_key": "a.example/10", "text_digest": "10"}.values())])
    Hot(table.insert().returning(table.c.id), tuple(row)).rows(session, {**row, "url_key": "a.example/11", "text_digest": "11"})
    raw = session.connection().connection.driver_connection.execute(
        "SELECT published, signals FROM documents WHERE url = ? ORDER BY id", (row["url"],)).fetchall()
    assert len(raw) == 3 and raw[0] == raw[1] == raw[2]


def test_an_insert_leaving_a_column_to_its_default_is_refused(session):
    with pytest.raises(ValueError, match="date_trust"):
        Hot(Document.__table__.insert(), ("url", "url_key", "outlet_id", "text", "text_digest")).insert(
            session, [("https://a.example/9", "a.example/9", 1, "", "9")])
