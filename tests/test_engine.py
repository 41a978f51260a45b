"""The provenance engine on plain data: alignment, kinship, evidence, parents and relations."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

import pytest

from archive.extract import extract_page
from archive.page import Page
from archive.provenance import evidence as ev
from archive.provenance.align import align
from archive.provenance.compare import Kinship, compare
from archive.provenance.credits import credit_lines
from archive.provenance.model import Credit, Doc, Relation, doc_from_page
from archive.provenance.story import analyze_story
from archive.provenance.text import clean, tokens

PF = "http://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/"
AT = "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"
MN = "http://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/"
SP = "http://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/"


@pytest.fixture(scope="module")
def docs(demo_pages) -> dict[str, Doc]:
    return {url: doc_from_page(url, extract_page(body, url)) for url, body in demo_pages.items()}


def test_clean_removes_spinner_entity_debris():
    assert tokens("a&nbsp, concerns&nbsp, about").norm == ("a", "concerns", "about")
    assert tokens("a &amp;nbsp, b").norm == ("a", "b")
    assert clean("Korea’s") == "Korea’s"


def test_text_decoded_in_the_wrong_charset_leaves_no_words():
    """A spinner's or scraper's mojibake ("â€™", "Â " for a no-break space) is not a word: a
    credit line keeps its words, so it can be found in the copy it came from."""
    assert tokens("Via Â Northgate Observer").norm == tokens("Via Northgate Observer").norm
    assert tokens("it donâ€™t say â€œnoâ€ Âme").norm == ("it", "don", "t", "say", "no", "âme")


def test_spun_copy_aligns_with_its_source_and_shows_the_substitutions(docs):
    al = align(docs[AT].tok, docs[SP].tok)
    assert al.contain_b > 0.8 and al.contain_a > 0.8
    subs = {(docs[AT].tok.norm[s.a0:s.a1], docs[SP].tok.norm[s.b0:s.b1]) for s in al.substitutions}
    assert (("alliance",), ("empire",)) in subs
    assert (("years",), ("centuries",)) in subs
    assert (("election",), ("poll",)) in subs


def test_unrelated_articles_are_not_copies(docs):
    urls = [u for u in docs if u not in (PF, AT, MN, SP)]
    for a in urls:
        assert compare(docs[a], docs[PF]).kinship is Kinship.NONE


def test_excerpt_and_spin_are_copies(docs):
    assert compare(docs[AT], docs[MN]).kinship is Kinship.COPY
    assert compare(docs[PF], docs[SP]).kinship is Kinship.COPY


def test_a_commentary_quoting_two_sentences_only_quotes(docs):
    source = docs[PF].text.split("\n")
    quoted = " ".join(source[2:4])
    commentary = Doc("c", "http://blog.example/c", "\n".join([
        "Our view: the alliance debate in Seoul is overheated, and both campaigns in Washington know it.",
        f"As Pacific Forum put it, “{quoted}”",
        "But the numbers tell another story. Seoul spends more on defence than most allies, hosts the largest "
        "overseas base of the US Army, and its shipyards are the only ones able to repair the US fleet at scale. "
        "None of this depends on who wins in November, and the next administration will find that out quickly.",
    ] * 3))
    pair = compare(docs[PF], commentary)
    assert pair.kinship is Kinship.QUOTE


def test_quoting_most_of_a_short_excerpt_with_a_sentence_left_out_only_quotes():
    """The quoted passage covers most of a short wire excerpt and aligns as two passages (a
    sentence of the excerpt is left out), the first one starting with the attribution, which
    aligns with the excerpt's credit line: still a quotation, not a copy."""
    first = ("Widespread damage from yesterday's violent storms in New South Wales has forced the Government "
             "to declare more areas of the State natural disaster zones.")
    skipped = "Up to 700 volunteers and fire fighters are continuing the big mop-up."
    second = ("State Emergency Services volunteers are still clearing some of the huge trees that came crashing "
              "down on homes in Sydney's north.")
    excerpt = Doc("e", "http://wire.example/storms", f"Originally published at Institute for Northern Affairs.\n"
                  f"{first} {skipped} {second}")
    commentary = Doc("c", "http://ledger.example/our-view", "\n".join([
        "The latest business expectations survey is raising hopes of a solid economic start to the new year. "
        "The survey has identified positive projections for sales, profits, investment and employment, and "
        "48 per cent of the firms questioned in November were looking for more sales in the first quarter.",
        f"As Institute for Northern Affairs put it, “{first} {second}”",
        "Profit projections are well up, while investment intentions have improved slightly. The survey has "
        "also found companies are finding it significantly easier to comply with the goods and services tax, "
        "and twenty per cent were planning to take on extra staff against fifteen per cent shedding labour.",
    ]))
    assert compare(excerpt, commentary).kinship is Kinship.QUOTE


def test_seed_story_tree_and_relations(docs):
    result = analyze_story([docs[PF], docs[AT], docs[MN], docs[SP]])
    chosen = {(e.source, e.derived): e for e in result.edges if e.primary}
    assert result.origin == PF
    assert set(chosen) == {(PF, AT), (AT, MN), (AT, SP)}
    assert chosen[(PF, AT)].relation is Relation.REPUBLICATION
    assert chosen[(AT, MN)].relation is Relation.EXCERPT
    assert chosen[(AT, SP)].relation is Relation.SPIN
    kinds = {e.kind for e in chosen[(AT, MN)].evidence}
    assert "dateline_names_source" in kinds
    assert "title_copied" in {e.kind for e in chosen[(AT, SP)].evidence}
    assert {"link_to_source", "line_names_source"} <= {e.kind for e in chosen[(PF, AT)].evidence}
    # alternatives are kept, with a lower confidence than the chosen parent
    for e in result.edges:
        if not e.primary:
            assert e.confidence < chosen[(next(s for s, d in chosen if d == e.derived), e.derived)].confidence


def test_result_does_not_depend_on_arrival_order(docs):
    members = [docs[PF], docs[AT], docs[MN], docs[SP]]
    expected = {(e.source, e.derived, e.relation) for e in analyze_story(members).edges if e.primary}
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(members)
        fresh = [doc_from_page(d.url, Page(d.url, d.text, page_title=d.title, site_name=d.site_name, date=d.published,
                                           date_trust=d.date_trust, credits=d.credits, links=list(d.links),
                                           spin_marks=d.spin_marks)) for d in members]
        fresh.sort(key=lambda d: d.url)
        got = {(e.source, e.derived, e.relation) for e in analyze_story(fresh).edges if e.primary}
        assert got == expected


def test_back_dated_verbatim_copy_is_still_the_copy(docs):
    """A content farm back-dates its copy of the spun page; the dates must not win over the text."""
    farm = docs[SP]
    page = Page("http://megafarm.example/x/", farm.text, page_title=farm.title + " – Mega Farm", site_name="Mega Farm",
                date=datetime(2024, 10, 20), date_trust=1.0, spin_marks=farm.spin_marks)
    copy = doc_from_page(page.url, page)
    result = analyze_story([docs[PF], docs[AT], docs[SP], copy])
    chosen = {e.derived: e for e in result.edges if e.primary}
    assert chosen[copy.url].source == SP
    assert chosen[copy.url].relation is Relation.COPY
    assert result.origin == PF


# -- credits travel with the text (issue 13, point 4) -------------------------------------------

FIRE = next(a for a in __import__("benchmarks.evalcorpus", fromlist=["articles"]).articles() if 250 < len(a.split()) < 400)
SPUN = {"forced": "compelled", "homes": "dwellings", "strong": "potent", "huge": "colossal", "closure": "shutting",
        "decision": "determination", "residents": "inhabitants", "eased": "abated", "optimistic": "sanguine",
        "blazes": "conflagrations", "details": "particulars", "threatening": "imperilling"}


def _page(url: str, text: str, hours: int, site: str) -> Doc:
    return doc_from_page(url, Page(url, text, page_title="Hill Top evacuated", site_name=site,
                                   date=datetime(2024, 12, 31, hours), date_trust=1.0,
                                   credits=tuple(credit_lines(text))))


def _spin(text: str) -> str:
    return " ".join(SPUN.get(w, w) for w in text.split(" "))


ORIGIN = "https://origin-daily.example/fire"


def test_a_credit_worded_by_the_copy_names_its_immediate_source_not_a_sibling_that_credits_alike():
    """Two outlets credit the origin, each in its own words: neither inherited its credit from the
    other, so both are the origin's copies (the credit of one was once weakened by the other's)."""
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    sibling = _page("https://aggregator.example/fire", FIRE + "\nRepublished with permission of Origin Daily.", 3,
                    "Aggregator")
    copy = _page("https://weekly.example/fire", "This story first appeared on Origin Daily.\n" + FIRE, 6, "Weekly")
    chosen = {e.derived: e for e in analyze_story([origin, sibling, copy]).edges if e.primary}
    assert chosen[copy.url].source == ORIGIN and chosen[sibling.url].source == ORIGIN
    assert "line_names_source" in {e.kind for e in chosen[copy.url].evidence}
    assert all(e.weight == 3.0 for e in chosen[copy.url].evidence if e.kind == "line_names_source")


def test_a_canonical_tag_a_sibling_lacks_is_the_copys_own_credit_whatever_lines_they_share():
    """A republication credits the origin by a line and by its canonical tag; a scraper's copy,
    dated before it, has the text and the line but no tag. The line may have come from the scraper,
    but the tag in the republication's head was written by its own page: the republication's source
    is the origin, and the tag keeps its weight."""
    credited = FIRE + "\nRepublished with permission of Origin Daily."
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    scraper = _page("https://mirror.example/fire", credited, 3, "Mirror")
    url = "https://weekly.example/fire"
    republication = doc_from_page(url, Page(url, credited, page_title="Hill Top evacuated", site_name="Weekly",
                                            date=datetime(2024, 12, 31, 6), date_trust=1.0,
                                            credits=(*credit_lines(credited), Credit("canonical", ORIGIN, ORIGIN))))
    chosen = {e.derived: e for e in analyze_story([origin, scraper, republication]).edges if e.primary}
    assert chosen[url].source == ORIGIN
    assert {e.kind: e.weight for e in chosen[url].evidence}["canonical_to_source"] == 4.0


def test_a_spin_lacking_a_republications_credit_line_was_spun_from_the_origin():
    """The republication's credit line would travel with its text into a spin of it: a spin
    without it, though dated after both, was made from the origin."""
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    republication = _page("https://weekly.example/fire", FIRE + "\nRepublished with permission of Origin Daily.", 3,
                          "Weekly")
    spin = _page("https://farm.example/fire", _spin(FIRE), 8, "Farm")
    result = analyze_story([origin, republication, spin])
    chosen = {e.derived: e for e in result.edges if e.primary}
    assert chosen[spin.url].source == ORIGIN and chosen[spin.url].relation is Relation.SPIN
    alternative = next(e for e in result.edges if e.derived == spin.url and e.source == republication.url)
    assert "credit_dropped" in {e.kind for e in alternative.evidence}


def test_a_spin_dated_before_every_text_it_could_have_spun_is_back_dated():
    """A spinner swaps words for rarer synonyms and back-dates what it takes: a spin of one wire
    customer's copy, with no debris to show for it, dated hours before both customers, came after
    the copy whose words it made rarer; its date says nothing, and it is that copy's spin, not a
    third customer of the wire. A spin dated after one of the texts it could have spun keeps its date."""
    lede = "WASHINGTON (AP) — "
    one = _page("https://portal-one.example/fire", lede + FIRE, 10, "Portal One")
    two = _page("https://portal-two.example/fire", lede + FIRE.rsplit(". ", 3)[0] + ".", 12, "Portal Two")
    spin = _page("https://farm.example/fire", _spin(lede + FIRE), 2, "Farm")
    chosen = {e.derived: e for e in analyze_story([one, two, spin]).edges if e.primary}
    assert chosen[spin.url].source == one.url and chosen[spin.url].relation is Relation.SPIN
    assert "published_earlier" not in {e.kind for e in chosen[spin.url].evidence}
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    scraper = _page("https://mirror.example/fire", FIRE, 20, "Mirror")
    spin = _page("https://farm.example/fire", _spin(FIRE), 10, "Farm")
    chosen = {e.derived: e for e in analyze_story([origin, scraper, spin]).edges if e.primary}
    assert chosen[spin.url].source == ORIGIN and "published_later" in {e.kind for e in chosen[spin.url].evidence}


def test_of_two_equal_texts_a_copy_took_the_earlier_unless_the_later_is_a_credited_republication():
    """A scraper's uncredited verbatim copy of the origin, dated after it, and a spin of the text
    dated after both: the scraper copied the origin, and the spinner found the text where it was
    published, whatever the dates' hint that a copier takes what just came out. A later equal text
    crediting the origin (its canonical tag) is a republication, a source in its own right."""
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    spin = _page("https://farm.example/fire", _spin(FIRE), 8, "Farm")
    scraper = _page("https://mirror.example/fire", FIRE, 5, "Mirror")
    chosen = {e.derived: e for e in analyze_story([origin, scraper, spin]).edges if e.primary}
    assert chosen[scraper.url].source == ORIGIN and chosen[spin.url].source == ORIGIN
    assert "earlier_of_twins" in {e.kind for e in chosen[spin.url].evidence}
    url = "https://weekly.example/fire"
    republication = doc_from_page(url, Page(url, FIRE, page_title="Hill Top evacuated", site_name="Weekly",
                                            date=datetime(2024, 12, 31, 5), date_trust=1.0,
                                            credits=(Credit("canonical", ORIGIN, ORIGIN),)))
    chosen = {e.derived: e for e in analyze_story([origin, republication, spin]).edges if e.primary}
    assert chosen[spin.url].source == url


def test_a_date_known_to_the_day_is_not_before_a_time_later_that_day():
    """A spin printed "31 December" was made after a copy timestamped 07:30 that day: its date
    is not a back-date, and it still counts against the other candidates."""
    def page(url, text, date, trust, marks=0):
        return doc_from_page(url, Page(url, text, page_title="Hill Top evacuated", date=datetime.fromisoformat(date),
                                       date_trust=trust, spin_marks=marks))
    origin = page(ORIGIN, FIRE, "2024-12-30T10:00:00", 1.0)
    copy = page("https://mirror.example/fire", FIRE, "2024-12-31T07:30:00", 1.0)
    spin = page("https://farm.example/fire", _spin(FIRE), "2024-12-31T00:00:00", 0.6, marks=12)
    edges = [edge for edge in analyze_story([origin, copy, spin]).edges if edge.derived == spin.url]
    assert "published_later" in {item.kind for edge in edges for item in edge.evidence}


def test_a_spin_ending_where_an_excerpt_ends_was_spun_from_the_excerpt():
    """A copier takes a text whole: a spin holding all of an excerpt, and only half of the
    full story, came from the excerpt, though both hold every word of it."""
    half = ". ".join(FIRE.split(". ")[:7]) + "."
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    excerpt = _page("https://briefs.example/fire", half, 3, "Briefs")
    spin = _page("https://farm.example/fire", _spin(half), 8, "Farm")
    result = analyze_story([origin, excerpt, spin])
    chosen = {e.derived: e for e in result.edges if e.primary}
    assert chosen[spin.url].source == excerpt.url and chosen[spin.url].relation is Relation.SPIN
    alternative = next(e for e in result.edges if e.derived == spin.url and e.source == ORIGIN)
    assert "ends_where_other_ends" in {e.kind for e in alternative.evidence}


def test_a_back_dated_twin_of_the_page_others_credit_is_its_copy():
    """Two equal texts, one dated earlier; the republication credits the other: the credited
    page wrote the text, the earlier-dated twin copied it."""
    origin = _page(ORIGIN, FIRE, 5, "Origin Daily")
    twin = _page("https://mirror.example/fire", FIRE, 2, "Mirror")
    republication = _page("https://weekly.example/fire", FIRE + "\nRepublished with permission of Origin Daily.", 8,
                          "Weekly")
    result = analyze_story([origin, twin, republication])
    chosen = {e.derived: e for e in result.edges if e.primary}
    assert result.origin == ORIGIN and chosen[twin.url].source == ORIGIN


def test_a_back_dated_twin_carrying_the_same_credit_line_as_the_page_others_credit_is_its_copy():
    """The republication and a scraper's earlier-dated twin of it carry the same credit line to
    the origin, which says nothing of which copied the other; a third page credits the
    republication: the page others take the text from is the one they credit."""
    credited = FIRE + "\nRepublished with permission of Origin Daily."
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    republication = _page("https://weekly.example/fire", credited, 5, "Weekly")
    twin = _page("https://mirror.example/fire", credited, 3, "Mirror")
    syndication = _page("https://digest.example/fire", credited + "\nSource: Weekly", 8, "Digest")
    chosen = {e.derived: e for e in analyze_story([origin, republication, twin, syndication]).edges if e.primary}
    assert chosen[republication.url].source == ORIGIN
    assert chosen[twin.url].source == republication.url


def test_a_verbatim_copy_lacking_a_pages_credit_link_was_not_made_from_that_page():
    """A syndication credits the origin with a "Via Origin Daily" link outside its text; a later
    verbatim copy credits no one: a copier keeps the credit with the text, so the copy came from
    the origin, not from the syndication (the latest earlier text, which dates alone would pick)."""
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    url = "https://aggregator.example/fire"
    syndication = doc_from_page(url, Page(url, FIRE, page_title="Hill Top evacuated", site_name="Aggregator",
                                          date=datetime(2024, 12, 31, 5), date_trust=1.0,
                                          credits=(Credit("link", "Via Origin Daily", ORIGIN),)))
    copy = _page("https://mirror.example/fire", FIRE, 8, "Mirror")
    result = analyze_story([origin, syndication, copy])
    chosen = {e.derived: e for e in result.edges if e.primary}
    assert chosen[copy.url].source == ORIGIN and chosen[syndication.url].source == ORIGIN
    alternative = next(e for e in result.edges if e.derived == copy.url and e.source == url)
    assert "credit_link_dropped" in {e.kind for e in alternative.evidence}


def test_a_credit_line_worded_anew_is_the_copys_own_not_one_it_carried():
    """Two outlets credit the origin mid-text, one "Reprinted with permission of", the other
    "Courtesy of": the second line aligns with the first (the outlet's name is the same words)
    but says it in words of another length, as an editor, not a spinner, would. Each credited
    the origin itself, so the later one is the origin's copy, not the first outlet's."""
    head, tail = ". ".join(FIRE.split(". ")[:7]) + ".", ". ".join(FIRE.split(". ")[7:])
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    weekly = _page("https://weekly.example/fire", f"{head}\nReprinted with permission of Origin Daily.\n{tail}", 3,
                   "Weekly")
    digest = _page("https://digest.example/fire", f"{head}\nCourtesy of Origin Daily.\n{tail}", 5, "Digest")
    chosen = {e.derived: e for e in analyze_story([origin, weekly, digest]).edges if e.primary}
    assert chosen[digest.url].source == ORIGIN and chosen[weekly.url].source == ORIGIN


def test_a_stated_date_without_a_time_is_only_good_to_the_day():
    """Metadata reading "2024-12-31" (midnight sharp) does not say the page came out before an
    origin timestamped 10:00 that day; between days, the candidates' own times still order them."""
    def page(url, text, date):
        return doc_from_page(url, Page(url, text, page_title="Hill Top evacuated", date=datetime.fromisoformat(date),
                                       date_trust=1.0))
    origin = page(ORIGIN, FIRE, "2024-12-31T10:00:00")
    copy = page("https://mirror.example/fire", FIRE, "2024-12-31T00:00:00")
    later = page("https://later.example/fire", FIRE, "2025-01-02T00:00:00")
    assert not ev.dates(origin, copy) and not ev.dates(copy, origin)
    assert ev.dates(origin, later)[0].kind == "published_later"
    earlier_origin = page("https://first.example/fire", FIRE, "2024-12-31T08:00:00")
    assert ev.dates(earlier_origin, later, reworked=True)[0].weight > ev.dates(origin, later, reworked=True)[0].weight


@pytest.mark.parametrize("line", ["Published in partnership with Origin Daily.", "Continue reading at Origin Daily",
                                  "The full article is available at Origin Daily."])
def test_more_credit_wordings_are_credit_lines(line):
    assert [c.text for c in credit_lines(FIRE + "\n" + line)] == [line]


def test_a_spins_reworded_line_is_its_sources_line_only_when_about_as_long():
    """Where a spinner reworded its source's credit line, the spun line stands in its place, about
    as long; a scraper's long "The post … appeared first on …" at the same foot is another line."""
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    republication = _page("https://weekly.example/fire", FIRE + "\nVia Origin Daily", 3, "Weekly")
    scraper = _page("https://mirror.example/fire", FIRE + "\nThe post Hill Top evacuated appeared first on Origin Daily.",
                    4, "Mirror")
    spin = _page("https://farm.example/fire", _spin(FIRE) + "\nVia Origin Daily", 8, "Farm")
    from archive.provenance.story import StoryAnalysis

    story = StoryAnalysis([origin, republication, scraper, spin])
    chosen = {e.derived: e for e in story.run().edges if e.primary}
    assert chosen[spin.url].source == republication.url
    assert "shares_added_credit" in {e.kind for e in story._score(1, 3)[1]}
    assert "shares_added_credit" not in {e.kind for e in story._score(2, 3)[1]}


def test_a_rewrite_goes_back_to_the_report_not_to_a_back_dated_copy_of_it():
    """A newsroom rewrites the report itself: of two equal texts, the one another page credits
    (the report), not its uncredited twin dated before it."""
    import random

    from benchmarks.evalcorpus_b import rewrite_paragraphs

    paragraphs = [p for p in FIRE.replace(". ", ".\n", 8).split("\n") if p]
    origin = _page(ORIGIN, FIRE, 5, "Origin Daily")
    twin = _page("https://mirror.example/fire", FIRE, 2, "Mirror")
    republication = _page("https://weekly.example/fire", FIRE + "\nRepublished with permission of Origin Daily.", 8,
                          "Weekly")
    rewrite = _page("https://newsroom.example/fire", "\n".join(rewrite_paragraphs(paragraphs, random.Random(3))), 12,
                    "Newsroom")
    result = analyze_story([origin, twin, republication, rewrite])
    chosen = {e.derived: e for e in result.edges if e.primary}
    assert chosen[rewrite.url].relation is Relation.REWRITE and chosen[rewrite.url].source == ORIGIN


def test_partial_reuse_points_from_the_story_others_copy_and_its_own_wire_is_not_the_source():
    """Dated the same day, a page reusing three paragraphs of a report inside its own AFP story
    took them from the report, which another page republishes whole, and not from AFP."""
    articles = __import__("benchmarks.evalcorpus", fromlist=["articles"]).articles()
    own = next(a for a in articles if 300 < len(a.split()) < 450 and a != FIRE).split(". ")
    report = FIRE.split(". ")

    def page(url, text, site):
        return doc_from_page(url, Page(url, text, page_title=site, site_name=site, date=datetime(2024, 12, 31),
                                       date_trust=1.0, credits=tuple(credit_lines(text))))
    origin = page(ORIGIN, FIRE, "Origin Daily")
    republication = page("https://weekly.example/fire", FIRE + "\nRepublished with permission of Origin Daily.", "Weekly")
    reuse = page("https://paper.example/story", "PARIS (AFP) — " + ". ".join(own[:6]) + ".\n"
                 + ". ".join(report[4:10]) + ".\n" + ". ".join(own[6:]), "Paper")
    result = analyze_story([origin, republication, reuse])
    chosen = {e.derived: e for e in result.edges if e.primary}
    assert result.origin == ORIGIN
    assert chosen[reuse.url].source == ORIGIN and chosen[reuse.url].relation is Relation.PARTIAL


def test_a_copy_carrying_two_of_a_pages_credit_lines_came_from_it_not_from_the_page_with_one():
    """Each copier of a chain may add a line and keeps every line above it: a spin carrying the
    excerpt's "Read the full story at Weekly." as well as the republication's "Via Origin Daily"
    was made from the excerpt (the one line it shares with the republication is the excerpt's too),
    whatever the excerpt's date."""
    words = FIRE.split(" ")
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    weekly = _page("https://weekly.example/fire", FIRE + "\nVia Origin Daily", 3, "Weekly")
    excerpt_text = " ".join(words[: len(words) * 2 // 3]) + "\nVia Origin Daily\nRead the full story at Weekly."
    excerpt = replace(_page("https://digest.example/fire", excerpt_text, 3, "Digest"), published=None, date_trust=0.0)
    spin = _page("https://farm.example/fire", _spin(excerpt_text), 8, "Farm")
    scraper = _page("https://mirror.example/fire", _spin(excerpt_text), 10, "Mirror")  # the spin's verbatim copy
    chosen = {e.derived: e for e in analyze_story([origin, weekly, excerpt, spin, scraper]).edges if e.primary}
    assert chosen[spin.url].source == excerpt.url
    assert [e.kind for e in chosen[spin.url].evidence].count("shares_added_credit") == 2


def test_twins_whose_order_nothing_tells_are_marked_so_in_the_confidence():
    """A spin and a scraper's verbatim copy of it, dated the same day: the tree with the two swapped
    scores the same, so which copied the other is a guess, and the chosen twin edge says so (its
    ``twin_guess`` feature, weighed by the calibration); a date putting the scraper later tells."""
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    # a day, no time (the same day), and the spinner's debris, which a verbatim copy keeps
    day_only = lambda d: replace(d, published=datetime(2025, 1, 2), spin_marks=5)  # noqa: E731
    spin = day_only(_page("https://farm.example/fire", _spin(FIRE), 8, "Farm"))
    scraper = day_only(_page("https://mirror.example/fire", _spin(FIRE), 10, "Mirror"))

    def twin_edge(docs):
        edges = [e for e in analyze_story(docs).edges if e.primary and e.source != ORIGIN]
        assert len(edges) == 1 and {edges[0].source, edges[0].derived} == {spin.url, scraper.url}
        return edges[0]

    assert twin_edge([origin, spin, scraper]).stats["features"]["twin_guess"] == 1.0
    marked = lambda d: replace(d, spin_marks=5)  # noqa: E731
    told = twin_edge([origin, marked(_page(spin.url, _spin(FIRE), 8, "Farm")),
                      marked(_page(scraper.url, _spin(FIRE), 20, "Mirror"))])
    assert told.source == spin.url and told.stats["features"]["twin_guess"] == 0.0


def test_a_spin_between_an_origin_and_its_verbatim_republication_is_marked_a_guess():
    """A spin of the origin, or of its word-for-word republication: only the dates' small hint
    (a copier takes what just came out) chooses, and the chosen parent's confidence says so."""
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    republication = _page("https://weekly.example/fire", FIRE, 5, "Weekly")
    spin = replace(_page("https://farm.example/fire", _spin(FIRE), 9, "Farm"), spin_marks=5)
    chosen = {e.derived: e for e in analyze_story([origin, republication, spin]).edges if e.primary}
    assert chosen[spin.url].stats["features"]["twin_guess"] == 1.0
    assert chosen[republication.url].stats["features"]["twin_guess"] == 0.0  # the dates told these two apart


def test_find_gives_the_span_the_regex_gives():
    """compare._find scans by hand where every word is made of word characters: the same first
    span as the pattern of the words joined by ``\\W+``, on texts of tricky tokens."""
    import random
    import re

    from archive.provenance.compare import _find

    rng = random.Random(7)
    vocab = ["a", "ab", "b", "ba", "é", "x_y", "1", "naïve", "“q”", "don't", "s"]
    for _ in range(3000):
        tokens = [rng.choice(vocab) for _ in range(rng.randint(1, 10))]
        text = "".join(t + rng.choice([" ", ", ", "\n", "—", "'", "", "_", " “"]) for t in tokens)
        i = rng.randrange(len(tokens))
        words = tokens[i : rng.randint(i, i + 4)] if rng.random() < 0.8 else rng.sample(vocab, 2)
        ours = _find(text, words)
        theirs = re.search(r"\W+".join(re.escape(w) for w in words), text) if words else None
        assert (ours and (ours.start(), ours.end())) == (theirs and (theirs.start(), theirs.end())), (text, words)


@pytest.mark.parametrize("url, day", [
    ("https://readit.example/world/fire-20241231-4839.html", datetime(2024, 12, 31)),
    ("https://paper.example/news/local/20241231/fire", datetime(2024, 12, 31)),
    ("https://daily.example/news/2024/12/31/fire/", datetime(2024, 12, 31)),
    ("https://daily.example/2024-12-31-fire", datetime(2024, 12, 31)),
    ("https://daily.example/2024/12/fire/", None),  # a month alone
    ("https://wire.example/releases/2024123104134/en", None),  # a serial, not a day
    ("https://daily.example/fire?date=20241231", None),  # the query is no part of the address's path
])
def test_the_day_a_url_states(url, day):
    from archive.provenance.model import url_day

    assert url_day(url) == day


def test_a_page_stating_a_date_before_its_urls_day_is_dated_by_its_url():
    """An address is made when the page comes out: a scraper's copy stating a date a day before
    the day in its own URL kept another page's date (or back-dated); its date is its URL's day,
    known to the day. A date on the URL's day, or half a day before it (local time), stands."""
    url = "https://readit.example/world/fire-20241231-4839.html"
    lying = doc_from_page(url, Page(url, FIRE, date=datetime(2024, 12, 30, 5), date_trust=1.0))
    assert lying.redated and lying.published == datetime(2024, 12, 31) and not ev.timed(lying)
    for honest in (datetime(2024, 12, 31, 9), datetime(2024, 12, 30, 14)):
        doc = doc_from_page(url, Page(url, FIRE, date=honest, date_trust=1.0))
        assert not doc.redated and doc.published == honest


def test_a_scrapers_twin_dated_before_its_own_url_hangs_under_the_republication_it_copied():
    """The republication and a scraper's verbatim copy of it carry one credit line; the scraper
    states a date before the republication's, but its URL says it came out the day after: its
    stated date is not its own, and the copy it is a twin of came first."""
    credited = FIRE + "\nRepublished with permission of Origin Daily."
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    republication = _page("https://weekly.example/fire", credited, 12, "Weekly")
    url = "https://readit.example/world/fire-20250101-4839.html"
    scraper = doc_from_page(url, Page(url, credited, page_title="Hill Top evacuated", site_name="ReadIt",
                                      date=datetime(2024, 12, 31, 2), date_trust=1.0,
                                      credits=tuple(credit_lines(credited))))
    chosen = {e.derived: e for e in analyze_story([origin, republication, scraper]).edges if e.primary}
    assert chosen[republication.url].source == ORIGIN and chosen[url].source == republication.url


def test_a_story_taking_part_of_a_text_amid_its_own_goes_back_to_the_report_not_its_republication():
    """A newsroom's story opens with its own reporting and takes most of a report after it: its
    alignment makes it a copy, the words the report lacks make it ``partial``, and like a rewrite
    it is a newsroom's work, which goes back to the report itself, not to a republication crediting
    the report (nor, by date, to the most recent earlier text, as a copier would)."""
    from benchmarks.evalcorpus import articles

    own = next(a for a in articles() if 250 < len(a.split()) < 400 and a != FIRE).split()[:90]
    words = FIRE.split()
    taken = " ".join(own) + "\n" + " ".join(words[: int(len(words) * 0.7)])
    origin = _page(ORIGIN, FIRE, 1, "Origin Daily")
    republication = _page("https://weekly.example/fire", FIRE + "\nRepublished with permission of Origin Daily.", 5,
                          "Weekly")
    story = _page("https://ledger.example/county-news", taken, 20, "Ledger")
    edges = analyze_story([origin, republication, story]).edges
    chosen = {e.derived: e for e in edges if e.primary}
    assert chosen[story.url].relation is Relation.PARTIAL
    assert chosen[story.url].source == ORIGIN
    other = next(e for e in edges if e.derived == story.url and e.source == republication.url)
    assert "reworked_from_original" in {e.kind for e in other.evidence}
    # the earlier of two texts gets more for a newsroom's work, not less
    later = {e.kind: e.weight for e in chosen[story.url].evidence}["published_later"]
    assert later > {e.kind: e.weight for e in other.evidence}["published_later"]
