"""Site template text never makes a link; crawl-time, ingest and analyze agree as it is learnt."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from archive import graph_writer
from archive.analysis import analyze_all, analyze_many, refresh_stories
from archive.page import Page
from archive.provenance.template import masked, segments, shared_template
from archive.store import reads, writes
from archive.store.db import session_factory
from archive.store.models import Edge, TemplateSegment
from benchmarks.evalcorpus import articles

NAV = "Home | News | Sports | Weather | Traffic | Obituaries | Classifieds | Contact us"
BOX = ["More headlines", "Council approves new budget for the harbour bridge repairs",
       "Local school wins regional robotics championship after late surge",
       "Police appeal for witnesses after overnight warehouse fire downtown",
       "Weekend weather: storms expected across the valley on Saturday"]
FOOTER = ["Copyright 2008 Courtesy of The Sports Network. All Rights Reserved.",
          "Broadcast Group stations serve viewers in eleven markets across the Midwest and the South",
          "Advertise with us | Careers at the station | Public inspection file | EEO report"]


def _page(url: str, title: str, *lines: str) -> Page:
    return Page(url, "\n".join(lines), title=title, page_title=title)


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    texts = [t for t in articles() if 120 < len(t.split()) < 260][:7]
    short = [" ".join(t.split()[:70]) for t in articles()[40:43]]
    return [
        _page("https://herald.example/a/1", "Harbour bridge closes for repairs", NAV, texts[0], *BOX),
        _page("https://copycat.example/stolen", "Harbour bridge closes", texts[0]),  # a real copy
        _page("https://herald.example/a/nav-only-1", "Mayor resigns", NAV, *BOX),
        _page("https://mirror.example/nav-only-1", "Mayor resigns", NAV, *BOX),  # a scrape of it
        _page("https://herald.example/a/2", "Robotics team wins", NAV, texts[1], *BOX),
        _page("https://herald.example/a/nav-only-2", "Storm warning issued", NAV, *BOX),
        _page("https://wsbt.example/sports/1", "NFL: Bears edge Packers", short[0], *FOOTER),
        _page("https://wthr.example/sports/2", "MLB: Cubs sign pitcher", short[1], *FOOTER),
        _page("https://kxan.example/sports/3", "NBA: Bulls rally late", short[2], *FOOTER),
        _page("https://herald.example/a/3", "Warehouse fire", NAV, texts[2], *BOX),
    ]


def _edges(db: str) -> set[tuple[str, str, str, bool]]:
    factory = session_factory(db)
    with factory() as session:
        return {(e.source.url, e.derived.url, e.relation, e.is_primary) for e in session.scalars(select(Edge))}


def _ingest_like(db: str, pages: list[Page]) -> None:
    factory = session_factory(db)
    new, retemplated = [], set()
    with factory.begin() as session:
        for page in pages:
            stored = writes.add_document(session, replace(page), {"discovered_via": "test"})
            new.append(stored.id)
            retemplated |= stored.retemplated
    analyze_many(factory, db, new, workers=1)
    refresh_stories(factory, retemplated - set(new))


def _crawl_like(db: str, pages: list[Page]) -> None:
    graph_writer.start(db)
    for page in pages:
        graph_writer.store(replace(page), {"discovered_via": "test"}, True)
    graph_writer.flush()


def test_chrome_lines_are_masked_but_article_sentences_stay():
    text = "Copyright 2008 Courtesy of The Sports Network\nCopyright holders argued in court for weeks.\nPosted: May 3, 2008"
    assert masked(text, set()) == "Copyright holders argued in court for weeks."
    first, second = segments("Posted: May 3, 2008 10:00"), segments("Posted: June 9, 2007 11:30")
    assert first[0].hash != second[0].hash  # month names differ; digits alone are folded
    assert segments("Updated 3 hours ago")[0].hash == segments("Updated 5 hours ago")[0].hash


def test_template_text_never_links_and_every_path_agrees(tmp_path, pages):
    crawl_db, ingest_db = f"sqlite:///{tmp_path / 'crawl.db'}", f"sqlite:///{tmp_path / 'ingest.db'}"
    _crawl_like(crawl_db, pages)
    _ingest_like(ingest_db, pages)
    crawled, ingested = _edges(crawl_db), _edges(ingest_db)
    derivations = {frozenset((s, d)) for s, d, relation, primary in crawled if primary and relation != "quotes"}
    assert derivations == {frozenset(("https://herald.example/a/1", "https://copycat.example/stolen"))}, crawled
    assert not {e for e in crawled if e[2] == "quotes"}
    assert crawled == ingested
    factory = session_factory(ingest_db)
    analyze_all(factory, ingest_db, workers=1)
    assert _edges(ingest_db) == crawled
    with factory() as session:
        learnt = {(t.site, t.hash) for t in session.scalars(select(TemplateSegment))}
    nav_hash = segments(NAV)[0].hash
    assert ("herald.example", nav_hash) in learnt and ("mirror.example", nav_hash) not in learnt
    footer_hash = segments(FOOTER[1])[0].hash  # learnt from the first two stations' briefs
    assert {("wsbt.example", footer_hash), ("wthr.example", footer_hash)} <= learnt


def test_a_page_that_reveals_its_site_template_splits_the_story_it_made(tmp_path, pages):
    """The nav-only page and its scrape align until a second nav-only page of the site shows the
    text is template; the crawl then brings the story up to date, as a batch run would have."""
    db = f"sqlite:///{tmp_path / 'split.db'}"
    first, scrape, second = pages[2], pages[3], pages[5]
    graph_writer.start(db)
    graph_writer.store(replace(first), {}, True)
    graph_writer.store(replace(scrape), {}, True)
    graph_writer.flush()
    assert _edges(db), "before the site's template is known, the two align"
    graph_writer.store(replace(second), {}, True)
    graph_writer.flush()
    assert _edges(db) == set()
    factory = session_factory(db)
    with factory() as session:
        assert not reads.story_members(session, [1, 2, 3])


def _station_footer(code: str, group: str, stations: str) -> str:
    return (f"All content © Copyright 2000 - 2008 WorldNow and {code}, a {group} station. All Rights Reserved. "
            "For more information on this site, please read our Privacy Policy and Terms of Service. "
            f"{group} stations: {stations}. Advertise with us. Closed captioning questions? "
            "Contact our chief engineer at the station.")


def test_a_footer_paragraph_naming_each_station_is_template_across_the_group(tmp_path):
    """One page per station, each footer one paragraph naming its own station: the footer's
    sentences that end both pages are the group's template, and the two briefs stay apart."""
    stations = "WHDL 7 Peoria | KHMT 3 Wichita | WHRT 10 Fort Wayne"
    briefs = [" ".join(t.split()[:90]) for t in articles()[50:52]]
    one = _page("https://whdl7.example/story?s=1", "NFL: Bears edge Packers", briefs[0],
                "Weather Alerts: No watches or warnings in effect for the Peoria, IL area.",
                _station_footer("WHDL", "Heartland Media", stations))
    two = _page("https://khmt3.example/story?s=2", "MLB: Cubs sign pitcher", briefs[1],
                "Weather Alerts: No watches or warnings in effect for the Wichita, KS area.",
                _station_footer("KHMT", "Heartland Media", stations))
    segs_one, segs_two = segments(one.text), segments(two.text)
    found = shared_template(segs_one, segs_two, same_site=False, different=True)
    footer = {s.hash for s in segments(_station_footer("WHDL", "Heartland Media", stations))}
    assert len(found) >= 3 and found <= footer
    db = f"sqlite:///{tmp_path / 'stations.db'}"
    _ingest_like(db, [one, two])
    assert _edges(db) == set()


def test_sentences_two_articles_share_in_their_middle_are_not_template_across_sites():
    """A sentence one article reuses from another on another site stays evidence: only the block
    that ends both pages, or labels, become template across sites."""
    texts = [" ".join(t.split()[:80]) for t in articles()[60:63]]
    reused = "The minister said the agreement would be signed in the capital before the end of the year."
    a = segments("\n".join([texts[0], reused, texts[1]]))
    b = segments("\n".join([texts[2], reused, " ".join(texts[1].split()[::-1])]))
    assert shared_template(a, b, same_site=False, different=True) == set()


def test_migrations_0004_0005_cut_the_stored_segments_again(tmp_path):
    """A database whose segments were cut by the older rule, with the position flags of revision
    0003, gets them cut again, learns anew, and loses the flags."""
    from alembic import command
    from sqlalchemy import text

    from archive.store.db import _alembic, make_engine
    from archive.store.models import Segment as SegmentRow

    db = f"sqlite:///{tmp_path / 'old-segments.db'}"
    page = _page("https://whdl7.example/story?s=1", "NFL: Bears edge Packers", " ".join(articles()[50].split()[:90]),
                 _station_footer("WHDL", "Heartland Media", "WHDL 7 Peoria | KHMT 3 Wichita"))
    _ingest_like(db, [page])
    engine = make_engine(db)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM segments"))
        for column in ("edge", "bottom"):  # revision 0003's table
            connection.execute(text(f"ALTER TABLE segments ADD COLUMN {column} BOOLEAN NOT NULL DEFAULT 0"))
        connection.execute(text("INSERT INTO segments (hash, document_id, site, words, edge, bottom) "
                                "VALUES (42, 1, 'whdl7.example', 99, 1, 1)"))
        command.stamp(_alembic(connection), "0003")
    with engine.begin() as connection:
        command.upgrade(_alembic(connection), "head")
    factory = session_factory(db)
    with factory() as session:
        stored = set(session.scalars(select(SegmentRow.hash)))
        columns = {row[1] for row in session.execute(text("PRAGMA table_info(segments)"))}
    engine.dispose()
    assert stored == {s.hash for s in segments(page.text)}
    assert columns == {"hash", "document_id", "site", "words"}
