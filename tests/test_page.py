"""The page record: one shape from extraction through the store to the engine."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import datetime

from archive.analysis import Analyzer
from archive.extract import extract_page
from archive.page import FirstSeen, Page, stored_page
from archive.provenance.model import Credit, doc_from_page
from archive.store import reads, writes
from archive.store.db import session_factory

AT = "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"


def _fields(doc) -> tuple:
    return (doc.key, doc.url, doc.text, doc.title, doc.site_name, doc.published, doc.date_trust, doc.credits,
            doc.links, doc.spin_marks, doc.wire, doc.full_text, doc.vocabulary)


def test_a_prepared_page_crosses_a_process_pool_whole(demo_pages):
    page = writes.prepared(extract_page(demo_pages[AT], AT))
    page.first_seen = FirstSeen(datetime(2024, 10, 25, 6, 15), "gdelt")
    back = pickle.loads(pickle.dumps(page, pickle.HIGHEST_PROTOCOL))
    assert back == page and back.segments == page.segments and isinstance(back.date, datetime)
    assert all(isinstance(c, Credit) for c in back.credits)


def test_the_store_gives_a_page_back_in_the_shape_it_took_it(demo_pages):
    page = extract_page(demo_pages[AT], AT)
    page.first_seen = FirstSeen(datetime(2024, 10, 25, 6, 15), "wayback")
    again = stored_page(page.url, page.text, page.title, page.page_title, page.author, page.site_name,
                        page.date, page.date_trust, page.signals())
    kept = ("url", "text", "title", "page_title", "author", "site_name", "date", "date_trust", "credits", "links",
            "spin_marks", "description", "first_seen")
    assert {k: getattr(again, k) for k in kept} == {k: getattr(page, k) for k in kept}
    assert page.signals()["first_seen"] == {"date": "2024-10-25T06:15:00", "source": "wayback"}


def test_a_stored_page_and_the_same_page_read_back_are_one_doc(demo_pages, tmp_path):
    """The Doc the writer makes of a page it has just stored equals the one it reads back later:
    one builder, the outlet's name filled alike when the page states none, its template mask alike."""
    body = demo_pages[AT]
    first = writes.prepared(extract_page(body, AT))
    nameless = replace(extract_page(body, AT), url=AT + "?page=2", site_name="")
    nameless.text = nameless.text.replace("Camp Humphreys", "Camp Humphreys base")  # another capture's text
    factory = session_factory(f"sqlite:///{tmp_path / 'graph.db'}")
    analyzer = Analyzer()
    with factory.begin() as session:
        writes.add_document(session, first, {"discovered_via": "test"})
        stored = writes.add_document(session, writes.prepared(nameless), {"discovered_via": "test"})
        assert stored.created
        fresh = analyzer.add(stored, nameless)
        read_back = reads.load_docs(session, [stored.id])[0]
    assert fresh.site_name == "Asia Times"  # the outlet's, as the first page named it
    assert _fields(fresh) == _fields(read_back)
    assert fresh.outlet_names == read_back.outlet_names and fresh.credit_spans == read_back.credit_spans


def test_an_archive_capture_earlier_than_the_stated_date_dates_the_doc():
    page = Page("https://copy.example/a", "Some words of an article about a bridge.", date=datetime(2024, 5, 3),
                date_trust=1.0, first_seen=FirstSeen(datetime(2024, 5, 1), "wayback"))
    assert doc_from_page(1, page).published == datetime(2024, 5, 1)
    later = replace(page, first_seen=FirstSeen(datetime(2024, 6, 1), "wayback"))
    assert doc_from_page(1, later).published == datetime(2024, 5, 3)
