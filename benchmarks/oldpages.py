"""Hard old-style news pages (2004-2010 templates) with known article text, for extraction tests.

Each page is a real news text (the Lee corpus, as benchmarks/evalcorpus.py reads it) rendered in
one of eight templates of the kind Google News linked to in 2008: nested ``<table>`` layouts with
navigation tables down the left, banner rows, ``<font>`` tags, paragraphs split by ``<br><br>``
instead of ``<p>``, HTML comments around every block ("<!-- BEGIN NAV -->", commented-out old
markup), "Posted:" / "Last updated" lines, "E-mail this | Print this" rows, related-story and
most-popular tables, and copyright footers; some start with an XML declaration, declare the
wrong charset, are served as ISO-8859-1, or have a damaged start that makes lxml lose the
``<body>`` (a stray ``<frameset>``, a ``<title>`` left open).

Templates 0-5 are the development split, 6-9 are held out: 6-7 were never looked at while
tuning, and 8-9 were written after the tuning ended, in markup the others do not use (a 2008
WordPress blog with reader comments and a blogroll; a wire story in ``<div>``s with an ad inside
the story, "Ads by Google" and a comments teaser).
:func:`pages` yields (name, bytes, gold text, headline, split).
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator

from benchmarks.evalcorpus import _title_of, articles, sentences

HELD_OUT_TEMPLATES = {6, 7, 8, 9}
SECTIONS = ["Home", "News", "Local", "World", "Business", "Sports", "Entertainment", "Opinion",
            "Weather", "Obituaries", "Classifieds", "Real Estate", "Jobs", "Cars", "Contact Us"]
SITES = ["The Daily Courier", "Valley Herald-Tribune", "KXTV News 10", "Midland Reporter",
         "The Coastal Star", "WNBC Sports Desk", "Northern Gazette Online", "Radio Free Plains",
         "Capitol Hill Notebook", "Lakeside Ledger"]


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


def _blog(rng: random.Random, site: str, headline: str, paras: list[str], month: int, day: int, year: int) -> str:
    comments = "".join(
        f'<li class="comment"><cite>{rng.choice(["John", "mary k", "Dave in Ohio", "anonymous"])}</cite> says:<br>'
        f'<small><a href="#c{i}">{month}/{day}/{year} at {rng.randint(1, 12)}:{rng.randint(10, 59)} pm</a></small>'
        f"<p>{html.escape(' '.join(sentences(rng.choice(articles()))[:2]))}</p></li>\n" for i in range(rng.randint(2, 6)))
    blogroll = "".join(f'<li><a href="http://blog{i}.example/">{n}</a></li>' for i, n in enumerate(
        ["Daily Kos", "Instapundit", "Talking Points Memo", "Hot Air", "Political Wire", "The Corner"]))
    entry = "".join(f"<p>{html.escape(p)}</p>\n" for p in paras)
    return (f'<html><head><title>{site} &raquo; {html.escape(headline)}</title></head>\n<body>\n'
            f'<div id="header"><h1><a href="/">{site}</a></h1><div class="description">Notes from the hill</div></div>\n'
            f'<div id="content"><div class="post"><h2><a href="/{year}/{month:02d}/x/" rel="bookmark">{html.escape(headline)}</a></h2>\n'
            f'<small>Posted by admin on {month}/{day}/{year} in <a href="/category/news/">News</a></small>\n'
            f'<div class="entry">\n{entry}</div>\n'
            f'<p class="postmetadata">Filed under: <a href="/category/news/">News</a> | '
            f'<a href="#comments">{rng.randint(2, 6)} Comments &#187;</a></p></div>\n'
            f'<h3 id="comments">Responses to &#8220;{html.escape(headline)}&#8221;</h3>\n<ol class="commentlist">{comments}</ol>\n'
            f'<h3>Leave a Reply</h3><form action="/wp-comments-post.php"><textarea name="comment"></textarea>'
            f'<input type="submit" value="Submit Comment"></form></div>\n'
            f'<div id="sidebar"><h2>Blogroll</h2><ul>{blogroll}</ul><h2>Archives</h2><ul>'
            + "".join(f'<li><a href="/{year}/{m:02d}/">{m}/{year}</a></li>' for m in range(1, 13))
            + f'</ul></div>\n<div id="footer"><p>{site} is proudly powered by <a href="http://wordpress.org/">WordPress</a>'
            f"<br><a href=\"/feed/\">Entries (RSS)</a> and <a href=\"/comments/feed/\">Comments (RSS)</a>.</p></div>\n"
            "</body></html>\n")


def _wire(rng: random.Random, site: str, headline: str, paras: list[str], month: int, day: int, year: int) -> str:
    cut = max(1, len(paras) // 2)
    story = "".join(f'<p class="storytext">{html.escape(p)}</p>\n' for p in paras[:cut])
    story += ('<div class="inline-ad"><span>Story continues below</span><script>ad("300x250")</script></div>\n'
              + "".join(f'<p class="storytext">{html.escape(p)}</p>\n' for p in paras[cut:]))
    ads = "".join(f'<div class="gad"><a href="http://ads.example/{i}">{t}</a><br>{d}</div>' for i, (t, d) in enumerate(
        [("Lose 10 Pounds Fast", "One weird tip discovered by a mom."), ("Cheap Flights", "Compare fares from 500 airlines."),
         ("Refinance Now", "Rates as low as 5.1% APR. Apply today.")]))
    return (f"<html><head><title>{html.escape(headline)} - {site}</title>\n"
            f'<meta name="keywords" content="news, local, {site}"></head>\n<body>\n'
            f'<div id="masthead"><a href="/"><img src="/masthead.gif" alt="{site}"></a>'
            + "".join(f'<a class="tab" href="/{s.lower()}/">{s}</a> ' for s in SECTIONS[:9]) + "</div>\n"
            f'<div id="story"><div class="headline">{html.escape(headline)}</div>\n'
            f'<div class="byline">By {rng.choice(["JOHN SMITH", "MARY JONES", "ROBERT LEE"])}, Associated Press Writer</div>\n'
            f'<div class="dateline">{month}/{day}/{year}</div>\n<div id="storybody">{story}</div>\n'
            f'<p class="copyright">Copyright {year} The Associated Press. All rights reserved. This material may not be '
            f"published, broadcast, rewritten or redistributed.</p>\n"
            f'<div class="comments-teaser"><a href="#comments">Comments ({rng.randint(3, 40)})</a> | '
            f'<a href="/login/">Log in to comment</a></div></div>\n'
            f'<div id="rail"><div class="gads"><b>Ads by Google</b>{ads}</div>{_headlines(rng, "Most Viewed", 6)}</div>\n'
            f"{_footer(rng, site, year)}</body></html>\n")


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
    if template in {8, 9}:
        return (_blog if template == 8 else _wire)(rng, site, headline, paras, month, day, year), gold, headline, "utf-8"
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
