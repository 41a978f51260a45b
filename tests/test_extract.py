"""Extraction of text, metadata and provenance signals from captured pages."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from archive.extract import ExtractionError, TRUST_META, TRUST_VISIBLE, extract_page, page_leads
from archive.provenance.model import Credit

AT = "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"
MN = "http://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/"
SP = "http://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/"
PF = "http://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/"


def test_republication_fields_and_signals(demo_pages):
    page = extract_page(demo_pages[AT], AT, "text/html; charset=utf-8")
    assert page.title == "Trump or Harris, US and S Korea must stick together"
    assert page.page_title.endswith("- Asia Times")
    assert page.author == "Hanbyeol Sohn"
    assert page.date == datetime(2024, 10, 24, 22, 40) and page.date_trust == TRUST_META
    assert page.site_name == "Asia Times"
    assert page.language == "en"
    assert page.text.count("\n") > 20 and "Camp Humphreys" in page.text
    assert "© 2024" not in page.text  # boilerplate left out
    kinds = {(c.kind, c.url) for c in page.credits}
    assert ("link", PF) in kinds and ("is_based_on", PF) in kinds and ("canonical", AT) in kinds
    assert any(c.kind == "line" and "originally published by Pacific Forum" in c.text for c in page.credits)


def test_wire_dateline_and_syndication_meta(demo_pages):
    page = extract_page(demo_pages[MN], MN)
    assert Credit("dateline", "(MENAFN- Asia Times)") in page.credits
    assert any(c.kind == "syndication_source" and c.url == AT for c in page.credits)
    assert page.date.date() == date(2024, 10, 25) and page.date_trust == TRUST_VISIBLE


def test_spinner_marks_are_counted(demo_pages):
    assert extract_page(demo_pages[SP], SP).spin_marks > 10
    assert extract_page(demo_pages[AT], AT).spin_marks <= 2


def test_page_leads_name_sources_not_navigation(demo_pages):
    import lxml.html

    leads = dict(page_leads(lxml.html.document_fromstring(demo_pages[MN]), MN))
    assert leads[AT] in {"syndication_source", "read_more"}
    assert "http://menafn.example/1108812399/Oil-prices-steady/" not in leads


@pytest.mark.parametrize("line", ["Originally published by {a}.", "This article first appeared in {a}.",
                                  "Republished with permission from {a}.", "Continue reading at {a}",
                                  "The full article is available at {a}.", "It first ran on {a}.",
                                  "Cross-posted from {a}.", "Source: {a}"])
def test_a_link_inside_any_credit_sentence_is_a_credit_link(line):
    """Every wording that makes a credit line makes the link inside it a credit link (a few
    words once chose which blocks were read: "Continue reading at" and "available at" were not)."""
    from benchmarks.evalcorpus import articles

    source = "https://origin-daily.example/2024/fire"
    paragraphs = "".join(f"<p>{p}</p>" for p in next(a for a in articles() if 250 < len(a.split()) < 400).split("\n"))
    credit = line.format(a=f'<a href="{source}">Origin Daily</a>')
    html = f"<html><head><title>Fire</title></head><body><article><h1>Fire</h1>{paragraphs}<p>{credit}</p></article></body></html>"
    page = extract_page(html.encode(), "https://weekly.example/fire")
    assert any(c.kind == "link" and c.url == source for c in page.credits), page.credits


@pytest.mark.parametrize("body", [b"", b"   ", b"%PDF-1.4 binary", b"<html><body><nav>menu</nav></body></html>"])
def test_pages_without_text_raise_a_clear_error(body):
    with pytest.raises(ExtractionError):
        extract_page(body, "http://x.example/")


def test_body_text_at_least_as_good_as_trafilatura_extract():
    """On pages with known article text (benchmarks/extraction_quality.py), our stored text scores
    no worse than trafilatura's default extract()."""
    import trafilatura

    from benchmarks.evalcorpus import build
    from benchmarks.extraction_quality import prf

    corpus = build(n_stories=15, seed=32, quotes=3, unrelated=10)
    ours, theirs = [], []
    for url, body in corpus.pages.items():
        ours.append(prf(extract_page(body, url).text, corpus.texts[url])[2])
        theirs.append(prf(trafilatura.extract(body.decode()) or "", corpus.texts[url])[2])
    assert sum(ours) / len(ours) >= sum(theirs) / len(theirs) - 0.005
    assert sum(ours) / len(ours) > 0.95
