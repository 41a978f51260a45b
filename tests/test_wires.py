"""Wire copies are siblings: their source is the agency's wire story, inferred when not captured."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from archive import graph_writer
from archive.analysis import analyze_all
from archive.page import Page
from archive.provenance.credits import credit_lines
from archive.provenance.model import Credit, Relation, doc_from_page
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


SWAPS = {"forced": "compelled", "homes": "dwellings", "strong": "potent", "huge": "colossal", "closure": "shutting",
         "decision": "determination", "residents": "inhabitants", "eased": "abated", "optimistic": "sanguine",
         "blazes": "conflagrations", "details": "particulars", "threatening": "imperilling"}


def _spun(text: str) -> str:
    return " ".join(SWAPS.get(w.lower(), w) for w in text.split(" "))


def test_a_spin_of_one_wire_copy_is_that_copys_spin_not_a_wire_syndication(versions):
    """A wire sends its text as written: a copy with synonyms swapped was spun from a captured
    copy (the one with the update it carries), whatever dateline it keeps."""
    url, text, _ = versions[1]
    spin = ("https://content-farm.example/officials-review", _spun(text), datetime(2024, 3, 2, 20))
    assert sum(w in spin[1] for w in SWAPS.values()) >= 6
    result = analyze_story(_docs([*versions, spin]))
    parents = {e.derived: (e.source, e.relation) for e in result.edges if e.primary}
    assert parents[spin[0]] == (url, Relation.SPIN)
    assert is_inferred(result.origin) and parents[versions[0][0]][0] == result.origin


def test_a_copy_crediting_one_wire_copy_hangs_under_it_even_dated_before_it(versions):
    """A credit names the immediate source, and a page dated before the page it credits has a
    false date: the scraper's copy of one portal's AP story is that portal's copy."""
    url, text, _ = versions[1]
    line = "The post Officials announce review appeared first on Portal Two."
    scraped = "https://autoblog.example/officials-review"
    docs = _docs(versions) + [doc_from_page(scraped, Page(
        scraped, text + "\n" + line, title="Officials announce review", date=datetime(2024, 2, 28, 8), date_trust=1.0,
        credits=(Credit("line", line),)))]
    docs[1] = doc_from_page(url, Page(url, text, title="Officials announce review", site_name="Portal Two",
                                      date=versions[1][2], date_trust=1.0))
    result = analyze_story(docs)
    parents = {e.derived: e.source for e in result.edges if e.primary}
    assert parents[scraped] == url
    assert {parents[u] for u, _, _ in versions} == {result.origin} and is_inferred(result.origin)


EDITS = {"vacate": "leave", "deterioration": "change", "outlying": "nearby", "authorities": "officials",
         "estimated": "about"}  # an editor's plainer words


def test_a_copy_keeping_the_wire_wording_is_not_the_spin_of_an_edited_copy(versions):
    """A wire sends one text to every customer: when one copy's editor swapped words in it, a
    short copy keeping the words most copies share is a wire copy, not a spin of the edited one."""
    url, text, date = versions[1]
    first = ". ".join(text.split(". ")[:5]) + "."
    edited_lead = " ".join(EDITS.get(w, w) for w in first.split(" "))
    edited = ("https://regional.example/x", edited_lead + text[len(first):], datetime(2024, 3, 1, 11))
    short = ("https://brief.example/y", first, datetime(2024, 3, 1, 16))
    assert sum(f" {w} " in edited_lead for w in EDITS.values()) == len(EDITS)
    result = analyze_story(_docs([*versions, edited, short]))
    parents = {e.derived: e.source for e in result.edges if e.primary}
    assert is_inferred(result.origin) and parents[short[0]] == result.origin
    wire_edge = next(e for e in result.edges if e.derived == short[0] and e.primary)
    assert "wire_wording_kept" in {x.kind for x in wire_edge.evidence}


LINE = "Copyright 2024 The Associated Press. All rights reserved."


def test_a_copy_dated_a_day_from_the_wire_took_the_captured_copy_it_equals(versions):
    """A wire's customers run its story within hours; a scraper re-dates what it takes. A copy
    dated two days after every other copy, with one captured copy's text word for word, took it."""
    url, text, _ = versions[0]
    scraped = ("https://scraper.example/2024/ap-review", text, datetime(2024, 3, 3, 18))
    result = analyze_story(_docs([*versions, scraped]))
    parents = {e.derived: e.source for e in result.edges if e.primary}
    assert parents["https://scraper.example/2024/ap-review"] == url
    assert all(is_inferred(parents[u]) for u, _, _ in versions)
    # dated with the other customers, it is one of them
    on_time = ("https://scraper.example/2024/ap-review", text, datetime(2024, 3, 1, 16))
    parents = {e.derived: e.source for e in analyze_story(_docs([*versions, on_time])).edges if e.primary}
    assert is_inferred(parents["https://scraper.example/2024/ap-review"])


def test_a_copy_dated_a_day_from_the_wire_but_not_from_its_twin_took_the_twin(versions):
    """The copy it equals is dated only to the day, so the two may be hours apart; but every other
    copy of the wire ran a day from the scraper's date, and the twin ran with them: the scraper
    took the twin's text after the wire had run, not the wire's."""
    (url, text, _), rest = versions[0], versions[1:]
    day_only = (url, text, datetime(2024, 3, 1))
    scraped = ("https://scraper.example/2024/ap-review", text, datetime(2024, 2, 29, 20))
    parents = {e.derived: e.source for e in analyze_story(_docs([day_only, *rest, scraped])).edges if e.primary}
    assert parents["https://scraper.example/2024/ap-review"] == url
    assert all(is_inferred(parents[u]) for u, _, _ in versions)


def test_customers_dated_to_consecutive_days_ran_together_and_a_scraper_apart_from_them_took_one(versions):
    """Three customers print only the day: two ran the wire on 2 March, one on the 1st (before
    midnight, minutes earlier): consecutive days are no proof of a day apart. A scraper stamped to
    the minute three days later has the third customer's text: its own time anchors the comparison,
    and it took that copy, not the wire."""
    days = [datetime(2024, 3, 2), datetime(2024, 3, 2), datetime(2024, 3, 1)]
    customers = [(url, text, day) for (url, text, _), day in zip(versions, days)]
    scraped = ("https://scraper.example/2024/ap-review", customers[2][1], datetime(2024, 3, 4, 18))
    parents = {e.derived: e.source for e in analyze_story(_docs([*customers, scraped])).edges if e.primary}
    assert all(is_inferred(parents[u]) for u, _, _ in customers)
    assert parents["https://scraper.example/2024/ap-review"] == customers[2][0]
    # customers stamped to the minute anchor the day-only one that ran with them: a scraper dated
    # only the day before, its copy's text back-dated, is apart from the wire's run all the same
    days = [datetime(2024, 3, 2, 16), datetime(2024, 3, 2), datetime(2024, 3, 2, 20)]
    customers = [(url, text, day) for (url, text, _), day in zip(versions, days)]
    scraped = ("https://scraper.example/2024/ap-review", customers[0][1], datetime(2024, 3, 1))
    parents = {e.derived: e.source for e in analyze_story(_docs([*customers, scraped])).edges if e.primary}
    assert all(is_inferred(parents[u]) for u, _, _ in customers)
    assert parents["https://scraper.example/2024/ap-review"] == customers[0][0]


def test_two_copies_dated_days_apart_did_not_both_run_the_wire(versions):
    """A wire's customers run its story within hours of one another: the page carrying AP's
    dateline and a copy of it two days later that credits no one are a source and its copy, not
    two customers of the wire, so the page is the origin (as with only its crediting republication)."""
    url, text, date = versions[1]
    pages = [(url, text, date),
             ("https://weekly.example/review", text + "\nRepublished with permission of Portal Two.", datetime(2024, 3, 2, 9)),
             ("https://digest.example/review", text.rsplit(". ", 2)[0] + ".", datetime(2024, 3, 3, 18))]
    docs = [doc_from_page(u, Page(u, t, title="Officials announce review", site_name=site, date=d, date_trust=1.0,
                                  credits=tuple(credit_lines(t))))
            for (u, t, d), site in zip(pages, ["Portal Two", "Weekly", "Digest"])]
    result = analyze_story(docs)
    assert result.origin == url and not any(is_inferred(e.source) for e in result.edges)


def test_a_copy_carrying_the_agency_line_was_not_made_from_a_copy_that_lacks_it(versions):
    url, text, date = versions[0]
    pages = [(url, text, date), ("https://portal-three.example/n/1", text + "\n" + LINE, datetime(2024, 3, 1, 12)),
             ("https://scraper.example/x", text + "\n" + LINE, datetime(2024, 3, 4, 9))]
    docs = _docs(pages)
    assert docs[1].wire_line == "copyright 2024 the associated press all rights reserved"
    result = analyze_story(docs)
    parents = {e.derived: e.source for e in result.edges if e.primary}
    assert parents["https://scraper.example/x"] == "https://portal-three.example/n/1"


def test_a_guessed_new_years_day_is_a_year_and_a_url_month_the_middle_of_the_month():
    from archive.provenance import evidence as ev

    year = doc_from_page("https://a.example/x", Page("https://a.example/x", "text", date=datetime(2025, 1, 1),
                                                     date_trust=0.4))
    assert year.published is None
    stated = doc_from_page("https://a.example/x", Page("https://a.example/x", "text", date=datetime(2025, 1, 1),
                                                       date_trust=1.0))
    assert stated.published == datetime(2025, 1, 1)
    month = doc_from_page("https://a.example/2025/07/x", Page("https://a.example/2025/07/x", "text",
                                                              date=datetime(2025, 7, 1), date_trust=0.25))
    day = doc_from_page("https://b.example/x", Page("https://b.example/x", "text", date=datetime(2025, 7, 12, 19),
                                                    date_trust=1.0))
    assert ev.month_only(month) and ev.moment(month) == datetime(2025, 7, 16)
    assert ev.dates(day, month)[0].kind == "published_later"  # the middle of July comes after the 12th


def test_a_lone_page_carrying_a_dateline_is_the_source_of_the_copies_that_credit_it(versions):
    """One captured page carries AP's dateline; its republication credits it: no other customer
    took the wire story, so the page, not an inferred wire source, is the origin."""
    url, text, date = versions[1]
    republication = ("https://weekly.example/review", text + "\nRepublished with permission of Portal Two.",
                     datetime(2024, 3, 2, 9))
    pages = [(url, text, date), republication]
    docs = [doc_from_page(u, Page(u, t, title="Officials announce review", site_name=site, date=d, date_trust=1.0,
                                  credits=tuple(credit_lines(t))))
            for (u, t, d), site in zip(pages, ["Portal Two", "Weekly"])]
    result = analyze_story(docs)
    assert result.origin == url and not any(is_inferred(e.source) for e in result.edges)


def test_a_copy_stating_a_date_before_its_urls_day_took_the_captured_copy_it_equals(versions):
    """A wire's customers run its story under their own dates; a copy stating a date before the day
    its own URL states re-dated what it took, and with one captured copy's text word for word,
    it took that copy, not the wire (even dated the day the wire ran)."""
    url, text, _ = versions[0]
    scraped = "https://scraper.example/world/ap-review-20240301-98.html"
    docs = _docs(versions) + [doc_from_page(scraped, Page(scraped, text, title="Officials announce review",
                                                          date=datetime(2024, 2, 28, 9), date_trust=1.0))]
    assert docs[-1].redated
    parents = {e.derived: e.source for e in analyze_story(docs).edges if e.primary}
    assert parents[scraped] == url
    assert all(is_inferred(parents[u]) for u, _, _ in versions)


def test_regional_editions_naming_themselves_in_the_lead_are_wire_copies_not_each_others_spins(versions):
    """Two regional papers reworded the wire story's lead, each in its own words, and each says
    in it that it has asked local officials for comment: a spinner swaps words, not its own
    outlet's name for another's, so neither edition is the other's spin; both ran the wire."""
    url, text, _ = versions[1]
    words = text.split(" ")
    lead, rest = " ".join(words[:60]), " ".join(words[60:])

    def edition(city: str, name: str, swaps: dict[str, str]) -> str:
        reworded = " ".join(swaps.get(w.lower(), w) for w in lead.split(" "))
        return f"{reworded} Officials in {city} said they were following it closely; {name} has asked them. {rest}"

    first = edition("Riverton", "Riverton Star", {
        "people": "folks", "forced": "compelled", "homes": "dwellings", "strong": "potent", "winds": "gales",
        "pushed": "propelled", "huge": "colossal", "town": "hamlet", "new": "novel", "blaze": "conflagration",
        "closure": "shutting", "marked": "pronounced"})
    second = edition("Mesa Verde", "Mesa Ledger", {
        "people": "populace", "forced": "obliged", "homes": "abodes", "strong": "mighty", "winds": "breezes",
        "pushed": "thrust", "huge": "gargantuan", "town": "township", "new": "fresh", "blaze": "inferno",
        "closure": "shutdown", "marked": "notable"})
    pages = [("https://riverton-star.example/ap/review", first, datetime(2024, 3, 1, 12), "Riverton Star"),
             ("https://mesa-ledger.example/ap/review", second, datetime(2024, 3, 1, 15), "Mesa Ledger")]
    docs = _docs(versions) + [doc_from_page(u, Page(u, t, title="Officials announce review", site_name=site, date=d,
                                                    date_trust=1.0)) for u, t, d, site in pages]
    result = analyze_story(docs)
    parents = {e.derived: e.source for e in result.edges if e.primary}
    assert is_inferred(result.origin)
    assert all(parents[u] == result.origin for u, _, _, _ in pages)
