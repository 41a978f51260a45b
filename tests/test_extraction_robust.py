"""Pages the extraction used to lose or get wrong: each failure kind pinned by a page of its own.

The pages are built here in the style of 2004-2010 news sites (table layouts, ``<font>``,
comments, "Posted:" lines, copyright footers) with a known article, so each test says which
words must be stored and which must not.
"""

from __future__ import annotations

import json

import pytest

from archive.extract import extract_page
from archive.page import Page
from archive.extraction.choice import PageSignals, clean
from archive.extraction.headline import headline, without_site
from archive.extraction.parsing import body_words, parse
from benchmarks.extraction_quality import prf

ARTICLE = [
    "The county commission voted four to one on Tuesday to close the Elm Street bridge for repairs "
    "that engineers say cannot wait another winter.",
    "Commissioner Ruth Alvarez, who cast the only vote against the closure, said the detour through "
    "Maple Avenue would add twenty minutes to the drive for farmers hauling grain to the elevator.",
    "The state transportation department found cracks in two of the bridge's steel girders during an "
    "inspection in March, and its report recommended closing the span to all traffic by November.",
    "Repairs are expected to cost about 1.2 million dollars, most of it paid by a federal grant, and "
    "to take until the end of next summer, the county engineer told the commission.",
]
NAV = "".join(f'<tr><td><a href="/{s.lower()}/"><font size=2>{s}</font></a></td></tr>'
              for s in ["Home", "News", "Sports", "Obituaries", "Classifieds", "Weather", "Contact Us"])
RELATED = "".join(f'<tr><td><a href="/news/{i}.html">{t}</a></td></tr>' for i, t in enumerate(
    ["School board approves new budget after long debate", "High school football team wins district title",
     "Fire destroys barn east of town, no injuries reported"]))


def old_page(*, declaration: str = "", start: str = "", title_close: str = "</title>",
             paragraphs: str = "br", charset: str = "utf-8") -> bytes:
    if paragraphs == "br":
        body = "<br><br>\n".join(ARTICLE)
    else:
        body = "".join(f"<p><font face=Verdana size=2>{p}</font>\n<!-- para -->\n" for p in ARTICLE)
    page = (
        f"{declaration}{start}<html><head><title>Bridge to close for repairs - The Daily Courier{title_close}\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>\n'
        "<body bgcolor=#ffffff>\n<!-- BEGIN HEADER --><table width=100%><tr><td><img src=/logo.gif></td>"
        "<td><font size=1>Today, 6/3/2008 | Weather: 72F</font></td></tr></table><!-- END HEADER -->\n"
        f"<table width=800><tr><td valign=top width=150>\n<!-- BEGIN NAV --><table>{NAV}</table><!-- END NAV -->\n"
        "</td><td valign=top>\n<!-- BEGIN STORY -->\n<font size=4><b>Bridge to close for repairs</b></font><br>\n"
        "<font size=1>Posted: 6/3/2008 4:41 PM</font><br><i>By Staff Reporter</i><br><br>\n"
        "<!--\n<table><tr><td>Old layout of this story, kept by the CMS: the bridge will stay open</td></tr></table>\n-->\n"
        f"{body}\n<!-- END STORY -->\n"
        '<table><tr><td><a href="javascript:emailThis()">E-mail this</a> | <a href="javascript:print()">Print this</a>'
        "</td></tr></table>\n</td><td valign=top width=180>"
        f"<table><tr><td><b>Related Stories</b></td></tr>{RELATED}</table></td></tr></table>\n"
        "<table width=100%><tr><td><font size=1>Copyright &copy; 2008 The Daily Courier. All rights reserved. "
        "This material may not be published, broadcast, rewritten or redistributed.</font></td></tr></table>\n"
        "</body></html>\n"
    )
    return page.encode(charset)


GOLD = "\n".join(ARTICLE)
URL = "http://www.dailycourier.com/news/2008/06/03/bridge.html"


def _assert_article(page: Page) -> None:
    p, r, _ = prf(page.text, GOLD)
    assert r == 1.0, page.text
    assert p > 0.97, page.text  # nav, related stories, "Posted:", byline, copyright all left out
    for chrome in ("Obituaries", "Posted:", "Copyright", "E-mail this", "School board", "Old layout"):
        assert chrome not in page.text


def test_comment_laden_table_layout_stores_the_article_not_the_chrome():
    page = extract_page(old_page(paragraphs="p"), URL, "text/html")
    _assert_article(page)
    assert page.title == "Bridge to close for repairs"
    assert page.page_title == "Bridge to close for repairs - The Daily Courier"


def test_article_in_br_separated_layout_cell():
    _assert_article(extract_page(old_page(), URL, "text/html"))


def station_page() -> bytes:
    """A 2008 broadcast station's layout: the story, its headline, "Posted:" and "Updated:" lines
    and "Email This Story" links in one table cell, a "Most Popular" box and a long footer beside
    it. trafilatura flattens the cell into one row that glues them to the article."""
    popular = "".join(f'<li><a href="/global/story.asp?s={i}">{t}</a></li>' for i, t in enumerate(
        ["The three soldiers killed by a misguided bomb", "Around 1,000 people have braved the cold for a vigil"]))
    body = "<br><br>\n".join(ARTICLE)
    return (
        "<html><head><title>WXYZ - Bridge to close for repairs</title></head><body>\n"
        f"<table width=990><tr><td>WXYZ 8 - Your Local News Leader</td></tr></table><table>{NAV}</table>\n"
        "<table width=990><tr><td valign=top width=650>\n"
        "<font face=Arial size=4><b>Bridge to close for repairs</b></font><br>\n"
        "<font size=1>Posted: Jun 3, 2008 08:20 PM EDT<br>Updated: Jun 3, 2008 10:20 PM EDT</font><br><br>\n"
        f"<font face=Arial size=2>{body}</font>\n<br><br><font size=1><a href=/email>Email This Story</a> |\n"
        "<a href=/print>Print This Story</a></font></td>\n"
        f"<td valign=top width=300><table><tr><td><b>Most Popular</b><ul>{popular}</ul></td></tr></table>\n"
        "<table><tr><td><font size=1>Weather Alerts: No watches or warnings in effect for the area. Click here for "
        "the 7-day forecast, interactive radar and school closings.</font></td></tr></table></td></tr></table>\n"
        "<table><tr><td><font size=1>All content &copy; Copyright 2000 - 2008 WorldNow and WXYZ, a Lakeshore "
        "Broadcasting station. All Rights Reserved. For more information on this site, please read our "
        "<a href=/privacy>Privacy Policy</a> and <a href=/terms>Terms of Service</a>. Lakeshore Broadcasting "
        "stations: WLKS 8 Grand Rapids | KRVN 12 Lincoln. Advertise with us.</font></td></tr></table>\n"
        "</body></html>\n").encode()


def test_station_layout_cell_is_not_stored_as_one_flattened_row():
    text = extract_page(station_page(), URL, "text/html").text
    p, r, _ = prf(text, GOLD)
    assert r == 1.0 and p > 0.8, text
    for chrome in ("Posted:", "Email This Story", "Most Popular", "Lakeshore", "Weather Alerts"):
        assert chrome not in text


def test_lines_of_a_cell_beside_the_article_go_lines_of_stacked_cells_stay():
    import lxml.html

    first, second = ARTICLE[0], ARTICLE[1]
    side = "Weather Alerts: No watches or warnings in effect for the area. Click here for the forecast."
    blurb = "Coverage of Washington, Monroe and Noble counties, updated every weekday morning."
    beside = lxml.html.document_fromstring(
        f"<html><body><table><tr><td>{blurb}</td><td><p>{first}</p><p>{second}</p></td>"
        f"<td><table><tr><td>{side}</td></tr></table></td></tr></table></body></html>")
    text = f"{blurb}\n{first}\n{second}\n{side}"
    assert clean(text, PageSignals.of(beside)).text == f"{first}\n{second}"
    glued = f"{first}\n{side}\n{second}"  # a flattened layout row puts the side cell between the story's lines
    assert clean(glued, PageSignals.of(beside)).text == f"{first}\n{second}"
    stacked = lxml.html.document_fromstring(
        f"<html><body><table><tr><td>{blurb}</td></tr><tr><td>{first}</td></tr><tr><td>{second}</td></tr>"
        f"<tr><td>{side}</td></tr></table></body></html>")
    assert clean(text, PageSignals.of(stacked)).text == text


def test_choice_weighs_a_flattened_layout_row_not_what_cleaning_dropped():
    from archive.extraction.choice import Cleaned, choose

    article = "\n".join(ARTICLE)
    glued = Cleaned(f"Bridge to close Posted: 6/3/2008 {article} Email This Story", 105, 0, True)
    clean_after_nav = Cleaned(article, 100, 30, False)  # its navigation lines were dropped by cleaning
    assert choose({"fast": glued, "readability": clean_after_nav}) == article


def test_a_long_text_in_one_table_row_is_not_penalised_as_a_layout_row():
    from archive.extraction.choice import Cleaned, choose

    whole = Cleaned("\n".join(ARTICLE * 30), 2900, 0, True)  # a long essay laid out in one table row
    short = Cleaned("\n".join(ARTICLE * 20), 1930, 0, False)  # another extractor lost a third of it
    assert choose({"fast": whole, "readability": short}) == whole.text


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])
def test_xml_declaration_with_encoding_is_read(encoding):
    body = old_page(declaration=f'<?xml version="1.0" encoding="{encoding}"?>\n', charset=encoding)
    _assert_article(extract_page(body, URL, "text/html"))


def test_body_nested_by_a_damaged_start_is_found():
    body = old_page(start="<!-- NewsCMS 2.1 -->\n<html><frameset><table><tr><td>")
    _assert_article(extract_page(body, URL, "text/html"))


def test_body_swallowed_by_an_unclosed_title_is_recovered():
    body = old_page(title_close="")
    import lxml.html

    assert lxml.html.document_fromstring(body).find("body") is None  # the failure: lxml loses the body
    assert body_words(parse(body)) > 100
    _assert_article(extract_page(body, URL, "text/html"))


def test_comments_are_gone_from_the_parsed_tree():
    tree = parse(old_page())
    from lxml import etree

    assert not tree.xpath("//comment()")
    assert "Old layout" not in etree.tostring(tree, encoding="unicode")


def test_control_characters_and_wrong_charset_do_not_lose_the_page():
    body = old_page(charset="utf-8").replace(b"Tuesday", b"Tuesday\x00\x08").replace(b"utf-8", b"iso-8859-1")
    page = extract_page(body, URL, "text/html; charset=utf-8")
    assert "Elm Street bridge" in page.text


def test_article_carried_as_script_data_is_not_skipped():
    story = " ".join(ARTICLE * 3)
    state = json.dumps({"props": {"page": {"article": {"title": "Bridge", "html": f"<p>{story}</p>"}}}})
    body = (f"<html><head><title>Bridge to close</title></head><body><div id=root>Loading...</div>"
            f"<script>window.__STATE__ = {state};</script></body></html>").encode()
    page = extract_page(body, URL, "text/html")
    assert prf(page.text, story)[2] > 0.95


def test_clean_drops_navigation_and_template_lines_but_keeps_credit_lines():
    import lxml.html

    tree = lxml.html.document_fromstring(
        "<html><body><a href=/>Home</a><a href=/n>News</a><a href=/s>Sports</a><p>x</p></body></html>")
    text = ("Posted: June 3, 2008\nHome | News | Sports\nThe bridge closes in November.\n"
            "This article was originally published by the Daily Courier.\nCopyright 2008 The Daily Courier")
    cleaned = clean(text, PageSignals.of(tree))
    assert cleaned.text.splitlines() == ["The bridge closes in November.",
                                         "This article was originally published by the Daily Courier."]
    assert cleaned.chrome == 14  # "Posted: June 3, 2008", "Home | News | Sports", the copyright line


STORY = ("The commission voted on Tuesday to close the Elm Street bridge for repairs that will take most of"
           " the year.\nFarmers on the east side will drive twenty minutes more to reach the grain elevator.\n"
         "The county has set aside money for a shuttle bus during the harvest.")


@pytest.mark.parametrize("ellipsis", ["...", "…"])
def test_a_trailing_box_of_truncated_blurbs_is_cut_with_its_heading(ellipsis):
    import lxml.html

    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    box = (f"Also in the news\nThe Australian Transport Safety Bureau has called for pilots to be better"
           f" trained {ellipsis}\nNew Zealand has rewarded Lord of the Rings director Peter Jackson in its {ellipsis}")
    assert clean(f"{STORY}\n{box}", PageSignals.of(tree)).text == STORY
    # one blurb under a heading is a box too; naming an agency does not make a blurb a credit line
    assert clean(f"{STORY}\nAlso in the news\nHamas told Agence France Presse it had taken {ellipsis}",
                 PageSignals.of(tree)).text == STORY


def test_one_truncated_line_or_an_article_of_blurbs_is_kept():
    import lxml.html

    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    one = f"{STORY}\nAnd then he said ..."
    assert clean(one, PageSignals.of(tree)).text == one
    blurbs = "Pilots to be better trained ...\nJackson honoured ...\nBridge to close ..."  # no article above it
    assert clean(blurbs, PageSignals.of(tree)).text == blurbs


@pytest.mark.parametrize("label", ["You Might Also Like", "More headlines", "Related Videos", "More from The Courier",
                                   "Today on The Courier", "Elsewhere on the web"])
def test_a_box_of_other_stories_after_its_label_is_cut(label):
    import lxml.html

    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    box = f"{label}\nSchool board approves new budget\nFire destroys barn east of town"
    assert clean(f"{STORY}\n{box}", PageSignals.of(tree)).text == STORY
    # the label in the article's first half is a subheading: the text goes on
    long_box = f"{label}\n{STORY}\n{STORY}"
    assert clean(f"{STORY}\n{long_box}", PageSignals.of(tree)).text == f"{STORY}\n{long_box}"


def test_a_closing_box_of_linked_headlines_with_blurbs_is_cut_with_its_label():
    import lxml.html

    tree = lxml.html.document_fromstring(
        "<html><body><p>x</p><a href='/a'>School board approves new budget</a>"
        "<a href='/b'>Fire destroys barn east of town</a></body></html>")
    box = ("Other Columns\nEducation School board approves new budget\n"
           "THE board voted to spend more on buses and less on the new gym, its chairman said.\n"
           "Fire destroys barn east of town\nNo one was hurt when the barn burned on Sunday night.")
    story = "\n".join(ARTICLE)
    assert clean(f"{story}\n{box}", PageSignals.of(tree)).text == story
    # one linked headline is a link the article ends with; without the links it is the article's text
    one = f"{story}\nEducation School board approves new budget\nThe board voted to spend more on buses."
    assert clean(one, PageSignals.of(tree)).text == one
    plain = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    assert clean(f"{story}\n{box}", PageSignals.of(plain)).text == f"{story}\n{box}"


def test_a_sentence_that_starts_like_a_box_label_is_kept():
    import lxml.html

    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    text = f"{STORY}\nMore on that next week.\nThe council meets again on Monday."
    assert clean(text, PageSignals.of(tree)).text == text


def test_trafilatura_table_rows_are_split_into_cells():
    import lxml.html

    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    words = " ".join(["word"] * 70)
    cleaned = clean(f"| Today, 6/3/2008 | {words} |", PageSignals.of(tree))
    assert cleaned.text == words and cleaned.layout_row


@pytest.mark.parametrize("title, expected", [
    ("Bridge to close - The Daily Courier", "Bridge to close"),
    ("Bridge to close | Local News | Daily Courier", "Bridge to close | Local News"),
    ("Daily Courier | Bridge to close", "Bridge to close"),
    ("Bericht: Aktivistin getötet - Irans Justiz dementiert", "Bericht: Aktivistin getötet - Irans Justiz dementiert"),
    ("南海トラフ、一時調査：dailycourier", "南海トラフ、一時調査"),
])
def test_site_name_is_cut_from_titles_only_when_it_is_the_site(title, expected):
    from archive.extraction.headline import site_names

    assert without_site(title, site_names(URL, ["The Daily Courier"])) == expected


def test_headline_prefers_the_stated_headline_and_an_agreeing_h1():
    meta = {"og:title": "You won't believe this bridge - Daily Courier"}
    assert headline(URL, meta, {"headline": "Bridge to close for repairs"}, ["Daily Courier"],
                    "Bridge to close for repairs - Daily Courier", ["Daily Courier"]) == "Bridge to close for repairs"
    # no JSON-LD: the <h1> that agrees with the served title, not the logo's <h1>
    assert headline(URL, {}, {}, ["Daily Courier", "Bridge to close for repairs"],
                    "Bridge to close for repairs - Daily Courier", ["Daily Courier"]) == "Bridge to close for repairs"
    assert headline(URL, {}, {}, [], "Bridge to close - Daily Courier", ["Daily Courier"]) == "Bridge to close"


STATED = "Council votes to close the Elm Street bridge"
SOCIAL = "Why farmers will drive twenty minutes more"


@pytest.mark.parametrize("jsonld, og, h1, title, expected", [
    # the CMS copied JSON-LD's headline into <h1> and <title>: og:title was written on purpose
    (STATED, SOCIAL, STATED, f"{STATED} - Daily Courier", SOCIAL),
    # the page prints og:title's: JSON-LD's was written on purpose
    (STATED, SOCIAL, SOCIAL, f"{SOCIAL} - Daily Courier", STATED),
    # the page prints og:title's and only <title> copies JSON-LD's (the search engines' headline)
    (STATED, SOCIAL, SOCIAL, f"{STATED} - Daily Courier", SOCIAL),
    # one holds the other: the longer adds a kicker or a section
    (f"Elm Street: {STATED}", STATED, f"Elm Street: {STATED}", f"Elm Street: {STATED}", STATED),
    (STATED, f"{STATED} - Local news", STATED, f"{STATED} - Local news", STATED),
    # no JSON-LD headline: og:title differs from the copies on purpose too
    (None, SOCIAL, STATED, f"{STATED} - Daily Courier", SOCIAL),
])
def test_headline_when_json_ld_and_og_title_disagree(jsonld, og, h1, title, expected):
    assert headline(URL, {"og:title": og}, {"headline": jsonld}, [h1], title, ["Daily Courier"]) == expected


def test_the_printed_headline_is_not_the_body_s_first_line_when_the_title_is_another():
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    page = (f'<html><head><title>{STATED} - Daily Courier</title><meta property="og:title" content="{SOCIAL}">'
            f"</head><body><article><h1>{STATED}</h1>{paragraphs}</article></body></html>").encode()
    record = extract_page(page, URL, "text/html")
    assert record.title == SOCIAL and record.text.splitlines()[0] == ARTICLE[0]


def test_og_title_that_is_only_the_outlet_is_no_headline():
    assert headline(URL, {"og:title": "The Daily Courier"}, {}, [STATED], f"{STATED} - Daily Courier",
                    ["The Daily Courier"]) == STATED


def test_headline_spelling_without_added_quotes_or_invisible_marks():
    quoted = "&quot;Bridge closes&quot;: county votes four to one"
    assert headline(URL, {"og:title": "Bridge closes: county\u200b votes four to one"}, {"headline": quoted},
                    ['"Bridge closes": county votes four to one'], "x", []) == "Bridge closes: county votes four to one"


def test_old_table_layouts_beat_trafilatura_and_readability():
    """benchmarks/oldpages.py's 2004-2010 templates (two pages each): at least 0.94 F1, no page skipped,
    and no worse than trafilatura's default extract() or readability-lxml on the same pages."""
    import lxml.html
    import trafilatura
    from readability import Document

    from benchmarks.oldpages import pages

    ours, theirs, readability = [], [], []
    for name, body, gold, _, _ in pages(20, seed=7):
        ours.append(prf(extract_page(body, f"http://{name}.example/story.html", "text/html").text, gold)[2])
        theirs.append(prf(trafilatura.extract(body) or "", gold)[2])
        try:
            summary = Document(body).summary(html_partial=True)
            readability.append(prf(lxml.html.fragment_fromstring(summary, create_parent="div").text_content(), gold)[2])
        except Exception:  # readability gives up on the pages whose <body> lxml loses
            readability.append(0.0)
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    assert min(ours) > 0.8 and mean(ours) >= 0.94
    assert mean(ours) >= max(mean(theirs), mean(readability))


@pytest.mark.parametrize("edge, dropped", [
    ("By Staff Reporter", True), ("By JOHN SMITH, Staff Writer", True),
    ("Tuesday, 6/3/2008 | Weather: 72F", True), ("Copyright 2008 The Daily Courier. All rights reserved.", True),
    ("By Friday, the bridge was closed.", False), ("Money will be tight for the county this year.", False),
    ("Sunday was the last day the bridge was open.", False),
])
def test_template_lines_at_the_edges_go_sentences_stay(edge, dropped):
    import lxml.html

    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    body = "The commission voted on Tuesday to close the bridge for repairs."
    for text in (f"{edge}\n{body}", f"{body}\n{edge}"):
        assert (clean(text, PageSignals.of(tree)).text == body) == dropped


@pytest.mark.parametrize("edge", ["By JOHN SMITH, Associated Press Writer",
                                  "Copyright 2008 The Associated Press. All rights reserved.",
                                  "Copyright 2008 Courtesy of The Sports Network"])
def test_wire_credits_at_the_edges_are_kept_for_the_engine(edge):
    import lxml.html

    from archive.provenance.wires import wire_of

    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    body = "The commission voted on Tuesday to close the bridge for repairs."
    kept = clean(f"{body}\n{edge}", PageSignals.of(tree)).text
    assert kept == f"{body}\n{edge}" and wire_of(kept)


def test_block_text_keeps_a_paragraph_on_one_line_whatever_its_source_line_breaks():
    import lxml.html

    from archive.extraction.candidates import block_text

    fragment = lxml.html.fragment_fromstring(
        "<div><p>The county commission voted\nfour to one on Tuesday.</p><p>Repairs\r\nwill cost"
        " <b>1.2 million</b>\ndollars.</p><pre>a\nb</pre></div>")
    assert block_text(fragment) == ("The county commission voted four to one on Tuesday.\n"
                                    "Repairs will cost 1.2 million dollars.\na\nb")


@pytest.mark.parametrize("void", ['<embed src="/flash/player.swf" width=400>', '<source src="/v.mp4">',
                                  "<wbr>", "<track src=/subs.vtt>"])
def test_paragraphs_after_an_html5_void_element_are_kept(void):
    """libxml2 does not know these elements are empty and nests the rest of the story in them;
    trafilatura drops an ``<embed>`` and all it holds."""
    story = f"<p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p>{void}<p>{ARTICLE[2]}</p><p>{ARTICLE[3]}</p>"
    page = f"<html><head><title>Bridge</title></head><body><article><div>{story}</div></article></body></html>"
    tree = parse(page.encode())
    assert tree.find(f".//{void[1:].split()[0].rstrip('>')}").getchildren() == []
    text = extract_page(page.encode(), "http://courier.example/news/bridge.html").text
    assert prf(text, "\n".join(ARTICLE))[1] == 1.0


def _lead_page(lead_markup: str, description: str) -> bytes:
    story = "".join(f"<p>{p}</p>" for p in ARTICLE[1:])
    return (f'<html><head><title>Bridge to close</title><meta name="description" content="{description}"></head>'
            f"<body><nav><a href=/>Home</a> <a href=/news/>News</a></nav><header><h1>Bridge to close</h1>"
            f"{lead_markup}</header><article>{story}</article>"
            '<aside><h3>More news</h3><a href="/news/9.html"><p>School board approves new budget after a long '
            "debate on Tuesday night about teachers and buses.</p></a></aside></body></html>").encode()


def test_the_lead_paragraph_the_page_shows_is_stored_first():
    page = _lead_page(f'<p class="standfirst"><strong>{ARTICLE[0]}</strong></p>', ARTICLE[0])
    text = extract_page(page, URL, "text/html").text
    assert text.splitlines()[0] == ARTICLE[0]
    assert text.count("Elm Street bridge") == 1


@pytest.mark.parametrize("lead_markup, description", [
    ("", ARTICLE[0]),  # a description the page does not show is not its text
    ("", "School board approves new budget after a long debate on Tuesday night about teachers and buses."),
])
def test_a_description_not_shown_or_shown_only_as_a_teaser_is_not_added(lead_markup, description):
    text = extract_page(_lead_page(lead_markup, description), URL, "text/html").text
    assert "Elm Street bridge" not in text and "School board" not in text


def test_lines_inside_teaser_cards_are_cut_but_not_an_article_inside_one_link():
    import lxml.html

    blurbs = ["RISK REMAINS: An official said the ministry was on alert as it detected a carrier group",
              "FIVE-YEAR WINDOW? Most people are willing to defend the nation, a poll showed yesterday"]
    cards = "".join(f"<a href='/s{i}'><h3>Story {i}</h3><p>{b}</p><h6>By Ben Blanchard</h6></a>"
                    for i, b in enumerate(blurbs))
    story = "\n".join(ARTICLE)
    tree = lxml.html.document_fromstring(f"<html><body><p>{story}</p>{cards}</body></html>")
    assert clean("\n".join([story, *blurbs]), PageSignals.of(tree)).text == story
    # one link holding the lines (an unclosed <a> around the article) cuts nothing
    swallowed = lxml.html.document_fromstring(f"<html><body><a href='/x'><p>{story}</p><p>{blurbs[0]}</p></a></body></html>")
    assert clean(f"{story}\n{blurbs[0]}", PageSignals.of(swallowed)).text == f"{story}\n{blurbs[0]}"


def test_picture_credits_and_bylines_and_dates_in_other_languages_are_cut():
    import lxml.html

    tree = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    story = "\n".join(ARTICLE)
    text = f"\t2025年1月14日 01時28分 (1月14日 01時40分更新)\nOrden fürs Morden\nVon Karim Natour\n{ARTICLE[0]}\nPhoto: AFP\nФото: Дмитрий Азаров, Коммерсантъ\n" + "\n".join(ARTICLE[1:])
    assert clean(text, PageSignals.of(tree)).text == story
    said = f"{story}\nPhoto: the bridge in 1950, when it opened to traffic after two years of building work by the county"
    assert clean(said, PageSignals.of(tree)).text == said  # a caption, not a credit


def test_the_paragraphs_of_a_next_article_loaded_below_the_first_are_not_the_pages():
    import lxml.html

    first = "<article><h1>Angsten vil øke</h1><p>one two three four</p><article><p>five six</p></article></article>"
    second = "<article><h1>Null tvil</h1><p>seven eight nine ten eleven twelve</p></article>"
    two = PageSignals.of(lxml.html.document_fromstring(f"<html><body>{first}{second}</body></html>"))
    assert (two.paragraph_words, two.article_paragraph_words()) == (12, 6)
    one = lxml.html.document_fromstring(f"<html><body>{first}<p>seven eight</p></body></html>")
    assert PageSignals.of(one).article_paragraph_words() == 8


def test_a_heading_named_by_the_table_of_contents_stays_the_entry_goes():
    import lxml.html

    tree = lxml.html.document_fromstring(
        "<html><body><ul><li><a href='#moscou'>Moscou salue une avancée</a></li></ul><h2 id=moscou>Moscou salue une"
        " avancée</h2><p>x</p><a href='#'></a><a href='/about'>About us</a></body></html>")
    body = f"{ARTICLE[0]}\nMoscou salue une avancée\n" + "\n".join(ARTICLE[1:])
    assert clean(body, PageSignals.of(tree)).text == body  # the extractor left the table out
    assert clean(f"Moscou salue une avancée\n{body}", PageSignals.of(tree)).text == body
    assert clean(f"{body}\nAbout us\n{{\n}}", PageSignals.of(tree)).text == f"{body}\n{{\n}}"


def test_first_lines_repeating_parts_of_the_served_title_are_the_headline_block():
    from archive.extract import _without_headline

    story = "\n".join(ARTICLE)
    page_title = "Samastipur police caught 2 miscreants | Two thieves caught within two days - Dainik Bhaskar"
    text = f"- Samastipur Police Caught 2 Miscreants\nTwo thieves caught: within two days\n{story}"
    assert _without_headline(text, "Two thieves caught within two days", None, page_title) == story
    assert _without_headline(f"Police caught\n{story}", None, None, page_title) == f"Police caught\n{story}"


def _fast_mode_pages() -> dict[str, bytes]:
    story = "".join(f"<p>{p}</p>" for p in ARTICLE)
    menu = "".join(f'<li><a href="/s/{i}">Section number {i} of the site</a></li>' for i in range(120))
    return {
        "old layout": old_page(paragraphs="p"),
        "comments": (f"<html><body><article><h1>Bridge</h1>{story}</article><div id='comments'><p>First! "
                     "I drive that bridge every day and it has been shaking for years now.</p></div>"
                     "<ul class='comment-list'><li>Reader two says the county waited too long.</li></ul>"
                     "</body></html>").encode(),
        "infinite scroll": (f"<html><body><div class='post'>{story}</div><div class='infinite-scroll'>"
                            f"<h2>Next story</h2>{story}</div></body></html>").encode(),
        "short text on a long page": (f"<html><body><ul>{menu}</ul><article><p>{ARTICLE[0]}</p></article>"
                                      f"<div>{'Other words of the page here. ' * 300}</div></body></html>").encode(),
        "a snippet": b"<html><body><p>Too short.</p></body></html>",
    }


@pytest.mark.parametrize("name", list(_fast_mode_pages()))
def test_fast_mode_gives_trafilatura_s_text_and_leaves_the_tree(name):
    import trafilatura
    from lxml import etree
    from trafilatura.baseline import html2txt

    from archive.extraction.fastmode import fast_text, options, page_text_bound

    tree = parse(_fast_mode_pages()[name])
    before = etree.tostring(tree)
    expected = trafilatura.bare_extraction(tree, options=options())
    assert fast_text(tree) == ((expected.text or "").strip() if expected else "")
    assert etree.tostring(tree) == before
    assert page_text_bound(tree) >= len(html2txt(tree))


def test_fast_mode_measures_the_page_only_when_the_text_may_be_under_a_fifth_of_it(monkeypatch):
    from trafilatura import core

    from archive.extraction import fastmode

    measured = []
    monkeypatch.setattr(core, "html2txt", lambda tree: measured.append(tree) or "")
    pages = _fast_mode_pages()
    fastmode.fast_text(parse(pages["comments"]))  # a short text, but most of its page
    assert measured == []
    fastmode.fast_text(parse(pages["short text on a long page"]))
    assert len(measured) == 1


@pytest.mark.parametrize("markup, body", [
    ("<p>one <b>x</b> two<section>inside</section>after</p>", "<p>one <b>x</b> two</p><section>inside</section><p>after</p>"),
    ("<p>a<aside><h3>More</h3></aside>b<figure>f</figure>c</p>",
     "<p>a</p><aside><h3>More</h3></aside><p>b</p><figure>f</figure><p>c</p>"),
    ("<p>one <b>x <div>inside</div> y</b> after</p>", "<p>one <b>x </b></p><div><b>inside</b></div><p><b> y</b> after</p>"),
    ('<p>a<a href="/x">link <span>s <figure>cap</figure> t</span> u</a> v</p>',
     '<p>a<a href="/x">link <span>s </span></a></p><figure><a href="/x">cap</a></figure><p><a href="/x"> t u</a> v</p>'),
    ("<p>a<button><div>b</div></button><nav>c</nav></p>", "<p>a<button><div>b</div></button></p><nav>c</nav>"),
    ("<p>a<section><p>in<aside>box</aside>t</p></section>end</p>",
     "<p>a</p><section><p>in</p><aside>box</aside><p>t</p></section><p>end</p>"),
    ('<p class="x">a<figure>b</figure> </p> tail', '<p class="x">a</p><figure>b</figure>  tail'),
])
def test_a_block_in_a_paragraph_ends_it_as_in_html5(markup, body):
    """libxml2 nests an HTML5 section (or any block inside a paragraph's inline element) in the open
    ``<p>``; the tree is the one an HTML5 parser builds (lexbor's), but for what the paragraph held
    after the block: a paragraph of its own, not loose text (and no empty ``<p>`` for the stray
    ``</p>``)."""
    from lxml import etree

    tree = parse(f"<html><body>{markup}</body></html>".encode())
    assert etree.tostring(tree.find("body"), encoding="unicode") == f"<body>{body}</body>"


def test_the_paragraph_after_a_related_box_inside_a_p_is_kept():
    """A related-story box a template puts inside the open paragraph, the article going on after
    it (nature.com): the words after the box were loose text, which trafilatura drops."""
    related = ('<article class="recommended"><a href="/news/9.html"><img src="/9.png">'
               "<p>School board approves new budget after long debate</p></a></article>")
    story = f"<p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p><p>{related}{ARTICLE[2]}</p><p>{ARTICLE[3]}</p>"
    page = f"<html><head><title>Bridge</title></head><body><article><h1>Bridge</h1>{story}</article></body></html>"
    text = extract_page(page.encode(), "http://courier.example/news/bridge.html").text
    assert prf(text, "\n".join(ARTICLE))[1] == 1.0


def test_a_paragraph_s_source_line_breaks_are_spaces_in_trafilatura_s_text_too():
    """trafilatura keeps the source's line breaks in a paragraph that has children (a ``<br>``, a
    link): one paragraph became several lines, each judged alone by the line rules. A ``<br>``
    still breaks the line, code keeps its lines, and a line break between two Japanese
    characters is no space."""
    first, second = (" ".join(p.split()[:9]) + "\n        " + " ".join(p.split()[9:]) for p in ARTICLE[:2])
    story = (f"<p>{first}\n    <br>\n    {second} <a href='/elm'>Elm\n Street</a>\n   bridge.</p>"
             f"<p>{ARTICLE[2]}</p><pre><code>if bridge.cracked:\n    close(bridge)</code></pre>"
             "<p>橋は来月から\n　　通行止めになる。<br>\n修理費は約１億円。</p>"
             f"<p>{ARTICLE[3]}</p>")
    page = f"<html><head><title>Bridge</title></head><body><article>{story}</article></body></html>"
    from archive.extraction.candidates import trafilatura_text

    lines = trafilatura_text(parse(page.encode()), fast=True).splitlines()
    assert lines[:2] == [ARTICLE[0], f"{ARTICLE[1]} Elm Street bridge."]
    assert "    close(bridge)" in lines and "橋は来月から通行止めになる。" in lines
    text = extract_page(page.encode(), "http://courier.example/news/bridge.html").text
    assert text.splitlines()[:2] == lines[:2]


@pytest.mark.parametrize("lead_markup, kept", [
    (f'<p class="article__desc">{ARTICLE[0]}</p>', True),
    (f'<div class="js-lead t-article-lead"><span>{ARTICLE[0]}</span></div>', True),
    (f"<h2>{ARTICLE[0]}</h2>", False),  # not named a lead: maybe a caption, a byline, a share bar
    (f'<div class="intro"><a href="/news/1.html">{ARTICLE[0]}</a></div>', False),  # a link: another story
    (f'<figure class="lead"><img src="/b.jpg"><figcaption>{ARTICLE[0]}</figcaption></figure>', False),
    ('<p class="excerpt">By Ruth Alvarez and John Smith, The Associated Press</p>', False),
])
def test_the_lead_named_so_under_the_headline_is_stored_first(lead_markup, kept):
    """A lead the page's description does not repeat (the description is another text)."""
    page = _lead_page(lead_markup, "The bridge will close in November, the county decided.")
    text = extract_page(page, URL, "text/html").text
    assert (text.splitlines()[0] == ARTICLE[0]) is kept
    assert text.count("Elm Street bridge") == kept and "Associated" not in text


def test_the_lead_under_the_headline_is_stored_when_a_description_is_the_first_paragraph():
    """One description is the article's first paragraph (the text holds it), the other the lead cut
    short: the lead under the headline is still looked for."""
    page = _lead_page(f"<hgroup><h1>Bridge to close</h1><h2>{ARTICLE[0]}</h2></hgroup>", ARTICLE[1])
    page = page.replace(b"<header><h1>Bridge to close</h1>", b"<header>").replace(
        b"</head>", f'<meta property="og:description" content="{ARTICLE[0][:60]}..."></head>'.encode())
    text = extract_page(page, URL, "text/html").text
    assert text.splitlines()[:2] == ARTICLE[:2]
