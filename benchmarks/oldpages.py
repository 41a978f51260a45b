"""Hard old-style news pages (2004-2010 templates) with known article text, for extraction tests.

Each page is a real news text (the Lee corpus, as benchmarks/evalcorpus.py reads it) rendered in
one of eight templates of the kind Google News linked to in 2008: nested ``<table>`` layouts with
navigation tables down the left, banner rows, ``<font>`` tags, paragraphs split by ``<br><br>``
instead of ``<p>``, HTML comments around every block ("<!-- BEGIN NAV -->", commented-out old
markup), "Posted:" / "Last updated" lines, "E-mail this | Print this" rows, related-story and
most-popular tables, and copyright footers; some start with an XML declaration, declare the
wrong charset, are served as ISO-8859-1, or have a damaged start that makes lxml lose the
``<body>`` (a stray ``<frameset>``, a ``<title>`` left open).

Templates 0-5 are the development split, 6-7 are held out (never looked at while tuning).
:func:`pages` yields (name, bytes, gold text, headline, split).
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator

from benchmarks.evalcorpus import _title_of, articles, sentences

HELD_OUT_TEMPLATES = {6, 7}
SECTIONS = ["Home", "News", "Local", "World", "Business", "Sports", "Entertainment", "Opinion",
            "Weather", "Obituaries", "Classifieds", "Real Estate", "Jobs", "Cars", "Contact Us"]
SITES = ["The Daily Courier", "Valley Herald-Tribune", "KXTV News 10", "Midland Reporter",
         "The Coastal Star", "WNBC Sports Desk", "Northern Gazette Online", "Radio Free Plains"]


def _nav(rng: random.Random, site: str, n: int = 12) -> str:
    links = "".join(f'<tr><td class="navlink"><a href="/{s.lower().replace(" ", "")}/">'
                    f"<font face=Arial size=2>{s}</font></a></td></tr>\n"
                    for s in rng.sample(SECTIONS, n))
    return (f"<!-- BEGIN LEFT NAV -->\n<table width=150 cellpadding=2 cellspacing=0 border=0>\n"
            f"<tr><td bgcolor=#003366><b><font color=white>Sections</font></b></td></tr>\n{links}"
            f'<tr><td><a href="/search/">Search {site}</a></td></tr></table>\n<!-- END LEFT NAV -->\n')


def _headlines(rng: random.Random, label: str, n: int = 5) -> str:
    others = rng.sample(articles(), n)
    rows = "".join(f'<tr><td><a href="/news/{rng.randrange(10**6)}.html">{html.escape(sentences(t)[0][:70])}</a>'
                   f"</td></tr>\n" for t in others)
    return f"<table class=related><tr><td><b>{label}</b></td></tr>\n{rows}</table>\n"


def _footer(rng: random.Random, site: str, year: int) -> str:
    return (f"<!-- FOOTER -->\n<table width=100%><tr><td align=center><font size=1>"
            f"Copyright &copy; {year} {site}. All rights reserved. This material may not be published, "
            f"broadcast, rewritten or redistributed.<br>"
            f'<a href="/privacy/">Privacy Policy</a> | <a href="/terms/">Terms of Use</a> | '
            f'<a href="/advertise/">Advertise With Us</a> | <a href="/contact/">Contact</a>'
            f"</font></td></tr></table>\n")


def _tools() -> str:
    return ('<table><tr><td><font size=1><a href="javascript:emailThis()">E-mail this</a> | '
            '<a href="javascript:window.print()">Print this</a> | <a href="/rss/">RSS</a> | '
            '<a href="/digg/">Digg this</a></font></td></tr></table>\n')


def _body(paras: list[str], style: int) -> str:
    esc = [html.escape(p) for p in paras]
    if style == 0:
        return "".join(f"<p>{p}</p>\n" for p in esc)
    if style == 1:  # <br><br> between paragraphs, no <p> at all
        return "<br><br>\n".join(esc) + "<br>\n"
    if style == 2:  # font-wrapped, comments between paragraphs
        return "".join(f"<font face=Verdana size=2>{p}</font><br><br>\n<!-- para -->\n" for p in esc)
    return "".join(f"<p><font size=2>{p}</font>\n" for p in esc)  # unclosed <p>


def _page(rng: random.Random, template: int, text: str, year: int) -> tuple[str, str, str, str]:
    """(html, gold, headline, charset)."""
    site = SITES[template]
    sents = sentences(text)
    headline = _title_of(text)
    paras, at = [], 0
    while at < len(sents):
        take = rng.choice([1, 2, 3])
        paras.append(" ".join(sents[at : at + take]))
        at += take
    gold = "\n".join(paras)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    posted = rng.choice([f"Posted: {month}/{day}/{year} {rng.randint(1, 12)}:{rng.randint(10, 59)} PM",
                         f"Last Updated: {month}/{day}/{year}", f"Posted on {day}.{month}.{year}"])
    byline = rng.choice(["By Staff Reporter", "By Associated Press", f"By {site} staff", ""])
    ad = '<!-- AD SPOT 300x250 --><table><tr><td><script>document.write("ad")</script></td></tr></table>\n'
    comment_junk = ("<!--\n<table><tr><td>Old layout: " + html.escape(sents[-1]) + "</td></tr></table>\n-->\n")
    body = _body(paras, template % 4)
    title = f"{headline} - {site}"
    charset = "iso-8859-1" if template in {1, 5} else "utf-8"
    head = (f"<html><head><title>{html.escape(title)}</title>\n"
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
            f'<script language="JavaScript">var s_account="site{template}";</script></head>\n')
    banner = (f"<table width=100% bgcolor=#cccccc><tr><td><a href=/><img src=/logo.gif alt='{site}'></a></td>"
              f"<td><font size=1>{rng.choice(['Today', 'Tuesday'])}, {month}/{day}/{year} | Weather: 72F</font></td>"
              f"</tr></table>\n")
    article = (f'<td valign=top width=480>\n<!-- BEGIN STORY -->\n<font size=4><b>{html.escape(headline)}</b></font><br>\n'
               f"<font size=1 color=#666666>{posted}</font><br>\n"
               + (f"<i>{byline}</i><br><br>\n" if byline else "<br>\n")
               + (ad if template in {0, 3, 6} else "") + comment_junk + body
               + "<!-- END STORY -->\n" + _tools() + "</td>\n")
    right = f"<td valign=top width=180>{_headlines(rng, 'Most Popular')}{_headlines(rng, 'Related Stories', 4)}</td>\n"
    layout = (f"<table width=800 border=0><tr><td valign=top>{_nav(rng, site)}</td>\n{article}{right}</tr></table>\n")
    if template == 4:  # headlines table above the story, as many TV-station sites did
        layout = _headlines(rng, "Top Stories", 8) + layout
    page = head + "<body bgcolor=#ffffff>\n" + banner + layout + _footer(rng, site, year) + "</body></html>\n"
    if template in {2, 6}:
        page = f'<?xml version="1.0" encoding="{charset}"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n' + page
    if template == 3:  # a damaged start: a stray frameset and table before <head> (lxml nests the body)
        page = ("<!-- generated by NewsCMS 2.1 -->\n<html><frameset><table><tr><td>" + page.replace("<html>", "", 1))
    if template == 7:  # a title left open: lxml (and an HTML5 parser) read the whole page into <head>
        page = page.replace("</title>", "", 1)
    return page, gold, headline, charset


def pages(n_pages: int = 160, seed: int = 2008) -> Iterator[tuple[str, bytes, str, str, str]]:
    rng = random.Random(seed)
    texts = [t for t in articles() if len(t.split()) >= 120]
    for i in range(n_pages):
        template = i % len(SITES)
        page, gold, headline, charset = _page(rng, template, texts[i % len(texts)], rng.randint(2004, 2010))
        split = "held-out" if template in HELD_OUT_TEMPLATES else "dev"
        name = f"old{template}-{i:03d}"
        yield name, page.encode(charset, "xmlcharrefreplace"), gold, headline, split
