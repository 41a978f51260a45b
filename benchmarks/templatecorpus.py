"""A corpus of template-heavy news sites with real-style wire stories: the false-link test material.

Unlike benchmarks/evalcorpus.py, most pages here are *not* copies of anything: they are real,
distinct articles (English bodies from ../shared/real-pages/truth.json when present, and the Lee
corpus of ABC news stories) served the way old and new CMSs serve them, where the page template
shares more text between two pages than their articles do:

- a broadcast group's stations on one 2008 table-layout template (navigation tables, ``<font>``
  tags, HTML comments, "Posted:" lines, the group's footer), carrying short sports briefs that all
  end "Copyright 2008 Courtesy of The Sports Network";
- a regional newspaper network's editions on one 2012 template (same chrome, "More headlines" and
  "Most popular" boxes, "Also in the news" teasers quoting other stories' ledes, the network's
  footer naming every edition);
- an old newspaper site whose section table holds more text than its briefs;
- news portals, finance sites and press-release pages (2008 and 2012 styles).

Mixed into the same sites are real-style wire stories in several versions: an AP story on 3-5
portals (a ~400-word first version, an update with a new lede and three more paragraphs, trimmed
copies), a Thomson Financial item on two sites and a newspaper's rewrite of it, a Xinhua item on
two sites and another outlet's partial rewording, a Business Wire release carried verbatim.

Truth has the public sample's shape (url -> story, parent, relation, outlet, date); a copy whose
source is the uncaptured wire story has ``"parent": "wire:<agency>"``. Every other page is its
own story with no parent, so any link between two of them is false. :func:`build` returns a
:class:`benchmarks.evalcorpus.Corpus`; :func:`write_warc` (evalcorpus's) stores it.
"""

from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from benchmarks.evalcorpus import Corpus, _slug, _title_of, articles, sentences
from benchmarks.evalcorpus import write_warc  # noqa: F401  (re-exported: the same WARC layout)

REAL_PAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "real-pages"
_ENGLISH = frozenset("the and of to in a is that for with was on as by".split())


# -- real texts --------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def real_bodies(folder: Path = REAL_PAGES) -> list[str]:
    """English article bodies of the real-pages set (empty when it is not there), in a stable order."""
    path = folder / "truth.json"
    if not path.exists():
        return []
    bodies = []
    for url, text in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
        words = re.findall(r"[a-z]+", text.lower())
        if len(words) >= 120 and sum(w in _ENGLISH for w in words) / len(words) > 0.15:
            bodies.append(" ".join(text.split()))
    return bodies


def _words(text: str) -> int:
    return len(text.split())


def brief(text: str, low: int = 60, high: int = 150) -> str:
    """The article's opening sentences, ``low``-``high`` words (a brief), or "" if it has none that fit."""
    out = " ".join(_cut(sentences(text), high))
    return out if low <= _words(out) <= high else ""


class TextPool:
    """Real articles drawn without replacement: no text is used twice in one corpus."""

    def __init__(self, rng: random.Random, real: list[str]):
        lee = list(articles())
        rng.shuffle(lee)
        long_real = [t for t in real if _words(t) >= 600]
        rng.shuffle(long_real)
        # long texts (wire stories with updates): real bodies first, else the longest Lee articles
        self.long = long_real + sorted((t for t in lee if _words(t) >= 450), key=_words, reverse=True)
        self.other = [t for t in real if _words(t) < 600] + [t for t in lee if _words(t) < 450]
        rng.shuffle(self.other)
        self.used: set[str] = set()

    def _take(self, texts: list[str], fits) -> str:
        for t in texts:
            if t not in self.used and fits(t):
                self.used.add(t)
                return t
        raise RuntimeError("the text pool ran out of real articles: ask for fewer pages")

    def long_text(self, low: int = 450) -> str:
        return self._take(self.long, lambda t: _words(t) >= low)

    def article(self, low: int = 120, high: int = 500) -> str:
        text = self._take(self.other + self.long, lambda t: _words(t) >= low)
        return text if _words(text) <= high else " ".join(_cut(sentences(text), high))

    def brief(self) -> str:
        text = self._take(self.other, lambda t: bool(brief(t)))
        return brief(text)


def _cut(sents: list[str], words: int) -> list[str]:
    out: list[str] = []
    for s in sents:
        if out and _words(" ".join(out)) + _words(s) > words:
            break
        out.append(s)
    return out


def _paragraphs(sents: list[str], rng: random.Random, most: int = 2) -> list[str]:
    out, i = [], 0
    while i < len(sents):
        n = rng.randint(1, most)
        out.append(" ".join(sents[i : i + n]))
        i += n
    return out


# -- rewording (newspaper rewrites of wire items) ----------------------------------------------

_PHRASES = [
    (r"\bin order to\b", "to"), (r"\ba number of\b", "several"), (r"\bmore than\b", "over"),
    (r"\bas well as\b", "and"), (r"\bin the wake of\b", "after"), (r"\bprior to\b", "before"),
    (r"\bdue to\b", "because of"), (r"\bat present\b", "now"), (r"\bannounced\b", "said"),
    (r"\bpurchase\b", "buy"), (r"\bapproximately\b", "about"), (r"\bhowever\b", "but"),
    (r"\bis expected to\b", "should"), (r"\bwill not\b", "won't"), (r"\bdoes not\b", "doesn't"),
    (r"\bdid not\b", "didn't"), (r"\bper cent\b", "percent"), (r"\bfollowing\b", "after"),
    (r"\bcommenced\b", "began"), (r"\bassist\b", "help"), (r"\bsaid on (\w+day)\b", r"said \1"),
    (r"\btold reporters\b", "said"), (r"\bthe government\b", "the administration"),
]
_LEAD_CLAUSE = re.compile(r"^(After|When|While|Although|Because|As|If|Since|Despite|Following|In|On|At|During|Under|"
                          r"Earlier|Later|Without|Across|For) ([^,]{4,80}), (.+)\.$")
_SAID_END = re.compile(r"^(.{25,}), (\w+(?: [A-Z][\w'.-]+){0,3}|[A-Z][\w'.-]+(?: [A-Z][\w'.-]+){0,3}) (said|says)\.$")
_SAID_START = re.compile(r"^((?:The |the )?[A-Z][\w'.-]+(?: (?:of |for )?[A-Z][\w'.-]+){0,6}) (said|says) (?:that )?(.{25,})\.$")
_QUOTE_SAID = re.compile(r'^"([^"]{20,}?)[,.]?" (he|she|they|(?:the )?[A-Za-z][\w\'.-]+(?: [A-Z][\w\'.-]+){0,3}) (said|says|added)\.$')
_ASIDE = re.compile(r", (?:which|who|where|whose) [^,]{5,80},")
_TAIL_PLACE = re.compile(r"^(.{40,}?),? (?:in|at|from|across|near|around) (?:the )?[A-Z][^,.\"]{2,40}\.$")
_TENSES = [(r"\bsays\b", "said"), (r"\bhas been\b", "was"), (r"\bhave been\b", "were"), (r"\bis\b", "was"),
           (r"\bare\b", "were"), (r"\bwill\b", "would"), (r"\bhas\b", "had")]
_TAIL_TIME = re.compile(r"^(.{25,}) (on \w+day|yesterday|today|last week|this week|on \w+ \d+)\.$")


def _lower_first(s: str) -> str:
    return s if s[:2].isupper() or s.startswith("I ") else s[:1].lower() + s[1:]


def _upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def _same_case(found: str, repl: str) -> str:
    return _upper_first(repl) if found[:1].isupper() else repl


def reword(sentence: str, rng: random.Random, phrase_rate: float = 0.8) -> str:
    """A reporter's rewording of one sentence: phrases swapped, clauses and attribution moved, long
    sentences split (not word-for-word synonym swaps). Returns the sentence unchanged if no rule fits."""
    s = sentence.strip()
    for pattern, repl in _PHRASES:
        if rng.random() < phrase_rate:
            s = re.sub(pattern, lambda m, r=repl: _same_case(m.group(0), m.expand(r)), s, flags=re.IGNORECASE)
    if m := _QUOTE_SAID.match(s):
        return f'{_upper_first(m.group(2))} {m.group(3)}: "{m.group(1)}."'
    if "“" in s or '"' in s:
        return s
    if m := _LEAD_CLAUSE.match(s):
        return f"{_upper_first(m.group(3))} {m.group(1).lower()} {m.group(2)}."
    if m := _SAID_END.match(s):
        who = m.group(2)
        return f"{_upper_first(who)} said {_lower_first(m.group(1))}."
    if m := _SAID_START.match(s):
        return f"{_upper_first(m.group(3))}, {m.group(1)} {m.group(2)}."
    if m := _TAIL_TIME.match(s):
        return f"{_upper_first(m.group(2))}, {_lower_first(m.group(1))}."
    if _words(s) > 24 and ", and " in s:
        a, b = s.split(", and ", 1)
        return f"{a}. {_upper_first(b)}"
    if _words(s) > 24 and "; " in s:
        a, b = s.split("; ", 1)
        return f"{a}. {_upper_first(b)}"
    if m := _ASIDE.search(s):
        return s[: m.start()] + s[m.end() - 1 :].lstrip(",")
    if m := _TAIL_PLACE.match(s):  # an editor's trim
        return m.group(1) + "."
    for pattern, repl in _TENSES:  # an editor's tense
        if re.search(pattern, s):
            return re.sub(pattern, repl, s, count=1)
    return s


def reword_text(sents: list[str], keep: float, rng: random.Random) -> list[str]:
    """Each sentence kept word for word with probability ``keep``, else reworded (or cut, as editors
    cut quotations they do not reword); neighbouring sentences sometimes swapped."""
    out = []
    for s in sents:
        if rng.random() < keep:
            out.append(s)
        elif (changed := reword(s, rng)) != s:
            out.append(changed)
    for i in range(1, len(out) - 1, 4):
        if rng.random() < 0.3:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def wire_style(text: str) -> str:
    """Thomson Financial's house style: mln, bln, pct."""
    for pattern, repl in ((r"\bmillion\b", "mln"), (r"\bbillion\b", "bln"), (r"\bper ?cent\b|%", " pct")):
        text = re.sub(pattern, repl, text)
    return re.sub(r"\s+pct", " pct", text)


# -- sites and templates -----------------------------------------------------------------------

@dataclass(frozen=True)
class Site:
    name: str
    domain: str
    family: str  # station, edition, oldpaper, portal, modern, finance, release
    city: str
    group: str = ""
    code: str = ""  # call letters, edition code


GROUP = "Lakeshore Broadcasting"
NETWORK = "Valley Media Group"
SITES = [
    Site("WLKS 8", "wlks8.com", "station", "Grand Rapids, MI", GROUP, "WLKS"),
    Site("KRVN 12", "krvn12.com", "station", "Lincoln, NE", GROUP, "KRVN"),
    Site("WTBQ 4", "wtbq4.com", "station", "Toledo, OH", GROUP, "WTBQ"),
    Site("The Valley Sentinel", "valleysentinel.com", "edition", "Riverton, OH", NETWORK, "VS"),
    Site("Northfield Herald", "northfieldherald.com", "edition", "Northfield, OH", NETWORK, "NH"),
    Site("Riverbend Times", "riverbendtimes.com", "edition", "Riverbend, OH", NETWORK, "RT"),
    Site("Lake County Record", "lakecountyrecord.com", "edition", "Painesville, OH", NETWORK, "LCR"),
    Site("Tri-County Courier", "tricountycourier.net", "oldpaper", "Marietta, OH"),
    Site("SkyLink News", "news.skylinkportal.com", "portal", "Dallas, TX"),
    Site("MetroWeb Headlines", "headlines.metroweb.net", "portal", "Chicago, IL"),
    Site("Daily Hub", "dailyhub.com", "modern", "New York, NY"),
    Site("NewsCentral", "newscentral24.com", "modern", "Atlanta, GA"),
    Site("Open Wire Daily", "openwiredaily.com", "portal", "Seattle, WA"),
    Site("CapitalPost Markets", "markets.capitalpost.com", "finance", "New York, NY"),
    Site("Investor Desk", "investordesk.net", "finance", "Boston, MA"),
    Site("The Evening Ledger", "eveningledger.co.uk", "modern", "Leeds"),
    Site("SinoView English", "english.sinoview.cn", "modern", "Beijing"),
    Site("Asia Newsline", "asianewsline.com", "portal", "Singapore"),
    Site("The Eastern Gazette", "easterngazette.com", "modern", "Hong Kong"),
    Site("TradeWire Releases", "releases.tradewire.net", "release", "New York, NY"),
    Site("Industry Today", "industrytoday.com", "release", "Cleveland, OH"),
]
SITE = {s.domain: s for s in SITES}

TSN = "Copyright 2008 Courtesy of The Sports Network. All rights reserved."
AP_LINE = ("Copyright 2008 The Associated Press. All rights reserved. This material may not be published, "
           "broadcast, rewritten or redistributed.")
TF_LINE = "COPYRIGHT Copyright Thomson Financial News Limited 2008. All rights reserved."
XINHUA_LINE = "Editor: Mu Xuequan"
BW_LINE = "Copyright Business Wire 2008"
RELEASE_ABOUT = "More information is available at the company's website."  # every release's "About" ends so
STATION_NAV = ["Home", "News", "Weather", "Sports", "Health", "Money", "Entertainment", "Community", "Contests",
               "Video", "Jobs", "Contact Us", "Local News", "National News", "Politics", "Consumer", "Investigations",
               "Traffic", "School Closings", "Sky Cam", "Interactive Radar", "Station Info", "Meet the Team",
               "Program Guide", "Email Alerts"]
COURIER_SECTIONS = [
    ("Local News", "Coverage of Washington, Monroe and Noble counties, updated every weekday morning."),
    ("Obituaries", "Death notices and funeral arrangements from across the tri-county area."),
    ("Sports", "High school football, basketball and wrestling scores, schedules and standings."),
    ("Opinion", "Editorials, columns and letters to the editor from our readers."),
    ("Business", "Openings, closings, promotions and the regional farm report."),
    ("Community Calendar", "Church suppers, club meetings, reunions and fairs: send yours to the newsroom."),
    ("Classifieds", "Place a classified ad by phone at 740-555-0141, Monday through Friday, 8 a.m. to 5 p.m."),
    ("Subscribe", "Home delivery of the Courier six days a week for $11.50 a month in the tri-county area."),
]


def _date_line(family: str, when: datetime) -> str:
    if family == "station":
        return f"Posted: {when:%b %d, %Y %I:%M %p} EDT"
    if family == "edition":
        return f"Posted: {when:%A, %B %d, %Y} 12:00 am"
    if family == "oldpaper":
        return f"Posted {when:%m/%d/%Y}"
    return f"{when:%B %d, %Y}"


@dataclass
class Page:
    site: Site
    title: str
    paragraphs: list[str]
    when: datetime
    story: str
    parent: str | None = None
    relation: str = "origin"
    byline: str = ""
    tail: list[str] = field(default_factory=list)  # agency lines after the article (copyright, editor)
    section: str = "news"
    url: str = ""


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _list(pages: list[Page]) -> str:
    return "".join(f'<li><a href="{p.url}">{_esc(p.title)}</a></li>' for p in pages)


def render_station(p: Page, boxes: dict[str, list[Page]]) -> str:
    """WorldNow-style 2008 broadcast template: nested tables, font tags, comments, the group footer."""
    s = p.site
    nav = "".join(f'<td><a href="/global/category.asp?C={i}"><font face="Arial" size="1" color="#ffffff">'
                  f'{_esc(n)}</font></a></td>' + ("</tr><tr>" if i % 9 == 8 else "") for i, n in enumerate(STATION_NAV))
    body = "<br><br>\n".join(_esc(x) for x in p.paragraphs + p.tail)
    popular = _list(boxes["popular"])
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><title>{_esc(s.code)} - {_esc(p.title)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<!-- WNAd: begin header --><script type="text/javascript">var wnSiteKey='{s.code}';var wnAffiliate='{s.code.lower()}';</script>
</head><body bgcolor="#ffffff" leftmargin="0" topmargin="0">
<!-- BEGIN WNHEADER --><table width="990" border="0" cellspacing="0" cellpadding="0"><tr>
<td><a href="/"><img src="/images/{s.code.lower()}_logo.gif" alt="{_esc(s.name)}" border="0"></a></td>
<td><font face="Arial" size="2"><b>{_esc(s.name)}</b> - {_esc(s.city)} - Your Local News Leader</font></td></tr></table>
<!-- END WNHEADER --><!-- BEGIN WNNAVBAR --><table width="990" bgcolor="#003366" cellpadding="2"><tr>{nav}</tr></table>
<!-- END WNNAVBAR -->
<table width="990" border="0"><tr><td valign="top" width="650"><!-- BEGIN STORY -->
<font face="Arial" size="4"><b>{_esc(p.title)}</b></font><br>
<font face="Arial" size="1" color="#666666">{_date_line("station", p.when)}<br>Updated: {p.when + timedelta(hours=2):%b %d, %Y %I:%M %p} EDT</font><br><br>
<!-- WN: story body --><font face="Arial" size="2">{body}</font>
<!-- END STORY --><br><br><font face="Arial" size="1"><a href="/global/story.asp?s=email">Email This Story</a> |
<a href="/global/story.asp?s=print">Print This Story</a></font></td>
<td valign="top" width="300"><!-- BEGIN MOSTPOPULAR --><table width="300" border="1" bordercolor="#cccccc"><tr><td>
<font face="Arial" size="2"><b>Most Popular</b></font><ul>{popular}</ul></td></tr></table><!-- END MOSTPOPULAR -->
<table width="300"><tr><td><font face="Arial" size="1">Weather Alerts: No watches or warnings in effect for the
{_esc(s.city)} area. Click here for the 7-day forecast, interactive radar and school closings.</font></td></tr></table></td></tr></table>
<!-- BEGIN WNFOOTER --><table width="990"><tr><td align="center"><font face="Arial" size="1">
All content &copy; Copyright 2000 - 2008 WorldNow and {_esc(s.code)}, a {GROUP} station. All Rights Reserved.
For more information on this site, please read our <a href="/global/privacy.asp">Privacy Policy</a> and
<a href="/global/terms.asp">Terms of Service</a>.<br>{_esc(GROUP)} stations: WLKS 8 Grand Rapids | KRVN 12 Lincoln |
WTBQ 4 Toledo. Advertise with us. Closed captioning questions? Contact our chief engineer at the station.</font></td></tr></table>
<!-- END WNFOOTER --></body></html>"""


def _teaser(p: Page) -> str:
    """The lede as a related-stories box shows it: the words after the headline, cut short."""
    words = " ".join(p.paragraphs).split()
    start = len(p.title.split()) if " ".join(words).startswith(p.title) else 0
    return " ".join(words[start : start + 20]) + " ..."


def render_edition(p: Page, boxes: dict[str, list[Page]]) -> str:
    """BLOX-style 2012 regional network template: one chrome and footer for every edition."""
    s = p.site
    editions = " | ".join(f'<a href="http://{e.domain}/">{_esc(e.name)}</a>' for e in SITES if e.family == "edition")
    body = "\n".join(f"<p>{_esc(x)}</p>" for x in p.paragraphs)
    teasers = "".join(f"<p><strong>{_esc(t.title)}</strong> {_esc(_teaser(t))}</p>" for t in boxes["more"][:3])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_esc(p.title)} - {_esc(s.name)}: {p.section.title()}</title>
<meta property="og:title" content="{_esc(p.title)}"><meta property="og:site_name" content="{_esc(s.name)}">
<meta property="article:published_time" content="{p.when.isoformat()}-05:00">
<!-- TNCMS: begin head --><link rel="stylesheet" href="http://{s.domain}/shared-content/art/tncms/templates/libraries/flex/components/bootstrap/resources/styles/bootstrap.min.css">
</head><body class="tncms-region"><!-- begin masthead -->
<div id="masthead"><a href="/">{_esc(s.name)}</a><span class="tagline">Serving {_esc(s.city)} and the Valley since 1887</span>
<ul class="nav"><li><a href="/news/">News</a></li><li><a href="/sports/">Sports</a></li><li><a href="/obituaries/">Obituaries</a></li>
<li><a href="/opinion/">Opinion</a></li><li><a href="/lifestyles/">Lifestyles</a></li><li><a href="/classifieds/">Classifieds</a></li>
<li><a href="/eedition/">e-Edition</a></li></ul></div><!-- end masthead -->
<div id="main"><div class="blox-story"><h1 class="headline">{_esc(p.title)}</h1>
<div class="byline">{_esc(p.byline or "Staff report")}</div><div class="posted">{_date_line("edition", p.when)}</div>
<!-- begin story text --><div id="blox-story-text">{body}</div><!-- end story text -->
<div class="share">Share this story: Facebook Twitter Email Print</div>
<div class="also-in-the-news"><h3>Also in the news</h3>{teasers}</div></div>
<div class="sidebar"><div class="more-headlines"><h3>More headlines</h3><ul>{_list(boxes["more"])}</ul></div>
<div class="most-popular"><h3>Most popular</h3><ul>{_list(boxes["popular"])}</ul></div>
<div class="promo">Subscribe to the e-Edition: every page of today's paper, as it was printed, on your computer or tablet.
Subscribers to home delivery read it free.</div></div></div>
<!-- begin footer --><div id="footer"><p>{_esc(NETWORK)}: {editions}</p>
<p>&copy; Copyright 2012, {_esc(s.name)}, {_esc(s.city)}. Powered by BLOX Content Management System from TownNews.com.
All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.</p>
<p>Contact us | Advertise | Terms of use | Privacy policy | Place a classified | Submit news</p></div><!-- end footer -->
</body></html>"""


def render_oldpaper(p: Page, boxes: dict[str, list[Page]]) -> str:
    """A 2008 hand-built newspaper site: the article in a font tag with line breaks, beside a
    section table that holds more prose than the article."""
    s = p.site
    sections = "".join(f'<tr><td><font face="Verdana" size="2"><b><a href="/{_slug(n)}.htm">{_esc(n)}</a></b>'
                       f'<br>{_esc(d)}</font></td></tr>' for n, d in COURIER_SECTIONS)
    body = "<br>\n<br>\n".join(_esc(x) for x in p.paragraphs)
    return f"""<html><head><title>Tri-County Courier Online</title></head>
<body bgcolor="#FFFFF0"><!-- header.inc --><center><font face="Times New Roman" size="6"><b>Tri-County Courier</b></font><br>
<font size="2">Marietta, Ohio - Serving Washington, Monroe and Noble Counties</font></center><!-- /header.inc -->
<table width="100%" border="0" cellpadding="6"><tr><td width="28%" valign="top" bgcolor="#EEEEDD"><!-- sections.inc -->
<table width="100%">{sections}</table><!-- /sections.inc --></td>
<td valign="top"><!-- story --><font face="Verdana" size="3"><b>{_esc(p.title)}</b></font><br>
<font face="Verdana" size="1">{_date_line("oldpaper", p.when)}</font><br><br>
<font face="Verdana" size="2">{body}</font><!-- /story --><br><br>
<font size="1"><b>More headlines</b><br>{"<br>".join(_esc(p.title) for p in boxes["more"])}</font></td></tr></table>
<!-- footer.inc --><center><font size="1">Copyright &copy; 2008 Tri-County Courier. All rights reserved. Reproduction of
material from any Courier pages without written permission is strictly prohibited.<br>Site designed by Ohio Valley Web Works.
</font></center><!-- /footer.inc --></body></html>"""


def render_portal(p: Page, boxes: dict[str, list[Page]]) -> str:
    """A 2008 news portal carrying agency copy: story div, byline, agency line, related boxes."""
    s = p.site
    body = "\n".join(f"<p>{_esc(x)}</p>" for x in p.paragraphs)
    tail = "".join(f'<p class="copyright">{_esc(x)}</p>' for x in p.tail)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html><head><title>{_esc(p.title)} - {_esc(s.name)}</title><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<!-- s_code: omniture --><script type="text/javascript">var s_account="{_slug(s.name)}prod";</script></head>
<body><div id="hd"><a href="/" class="logo">{_esc(s.name)}</a><div class="search"><form action="/search">
<input name="p" /> <input type="submit" value="Search News" /></form></div>
<ul id="tabs"><li>Top Stories</li><li>U.S. National</li><li>World</li><li>Business</li><li>Entertainment</li><li>Sports</li>
<li>Tech</li><li>Politics</li><li>Science</li><li>Health</li><li>Most Popular</li></ul></div>
<div id="bd"><!-- story start --><div class="story"><h1>{_esc(p.title)}</h1>
<div class="byline"><cite>{_esc(p.byline)}</cite> <abbr>{p.when:%a %b %d, %I:%M %p} ET</abbr></div>
<div class="story-content">{body}{tail}</div></div><!-- story end -->
<div class="related"><h3>Related Searches</h3><ul>{_list(boxes["more"])}</ul>
<h3>Most Popular</h3><ol>{_list(boxes["popular"])}</ol></div></div>
<div id="ft"><p>Copyright &copy; 2008 {_esc(s.name)}. All rights reserved. Privacy Policy - About Our Ads - Terms of Service -
Copyright/IP Policy - Send Feedback - Help</p><p>Quotes delayed, except where indicated otherwise. Delayed quotes data
by Interactive Data Real-Time Services. Fundamental data by Capital IQ. Historical chart data by CSI.</p></div></body></html>"""


def render_modern(p: Page, boxes: dict[str, list[Page]]) -> str:
    """A 2012 CMS article page: article element, JSON-LD, share bar, related stories, newsletter box."""
    s = p.site
    body = "\n".join(f"<p>{_esc(x)}</p>" for x in p.paragraphs)
    tail = "".join(f'<p class="source">{_esc(x)}</p>' for x in p.tail)
    data = {"@context": "http://schema.org", "@type": "NewsArticle", "headline": p.title,
            "datePublished": p.when.isoformat(), "publisher": {"@type": "Organization", "name": s.name}}
    if p.byline:
        data["author"] = {"@type": "Person", "name": p.byline.removeprefix("By ")}
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_esc(p.title)} | {_esc(s.name)}</title>
<meta property="og:title" content="{_esc(p.title)}"><meta property="og:site_name" content="{_esc(s.name)}">
<script type="application/ld+json">{json.dumps(data)}</script>
<!--[if lt IE 9]><script src="/js/html5shiv.js"></script><![endif]--></head>
<body><header><a class="brand" href="/">{_esc(s.name)}</a><nav><a href="/news">News</a> <a href="/world">World</a>
<a href="/business">Business</a> <a href="/sport">Sport</a> <a href="/opinion">Opinion</a> <a href="/video">Video</a></nav></header>
<!-- article --><article><h1>{_esc(p.title)}</h1><p class="meta">{_esc(p.byline)} <time datetime="{p.when.isoformat()}">{_date_line("modern", p.when)}</time></p>
<div class="article-body">{body}{tail}</div>
<div class="share-bar">Share on Facebook | Share on Twitter | Email | Comments (0)</div></article><!-- /article -->
<aside><h3>Related stories</h3><ul>{_list(boxes["more"])}</ul><h3>Most read</h3><ul>{_list(boxes["popular"])}</ul>
<div class="newsletter">Sign up for our daily newsletter: the day's top stories from {_esc(s.name)}, in your inbox every morning.</div></aside>
<footer><p>&copy; 2012 {_esc(s.name)}. All rights reserved.</p><p>About us | Contact | Advertise | Terms | Privacy | Cookies</p></footer>
</body></html>"""


def render_release(p: Page, boxes: dict[str, list[Page]]) -> str:
    """A press-release site: the release as sent, its contact block and the wire's notice."""
    s = p.site
    body = "\n".join(f"<p>{_esc(x)}</p>" for x in p.paragraphs + p.tail)
    return f"""<html><head><title>{_esc(p.title)} - {_esc(s.name)}</title></head>
<body><!-- releases header --><div id="top"><b>{_esc(s.name)}</b> - Press releases from companies and organizations
<div class="menu">Latest Releases | By Industry | By Company | Submit a Release | RSS</div></div>
<div id="release"><h1>{_esc(p.title)}</h1><div class="date">{_date_line("release", p.when)}</div>{body}</div>
<div id="more"><h4>More releases</h4><ul>{_list(boxes["more"])}</ul></div>
<!-- releases footer --><div id="foot">Releases are published as received. {_esc(s.name)} is not responsible for their content.
&copy; 2008 {_esc(s.name)}</div></body></html>"""


RENDER = {"station": render_station, "edition": render_edition, "oldpaper": render_oldpaper,
          "portal": render_portal, "modern": render_modern, "finance": render_portal, "release": render_release}


# -- the corpus --------------------------------------------------------------------------------

CITIES = ["NEW YORK", "WASHINGTON", "CHICAGO", "LOS ANGELES", "HOUSTON", "ATLANTA", "DENVER", "BOSTON"]
REPORTERS = ["JOHN HANNA", "SARA KUGLER", "MIKE BAKER", "LAURA WIDES-MUNOZ", "TOM RAUM", "ANNE GEARAN", "ERIC TUCKER"]


class Builder:
    def __init__(self, seed: int, real: list[str]):
        self.rng = random.Random(seed)
        self.pool = TextPool(self.rng, real)
        self.start = datetime(2008, 3, 3, 7) if seed % 2 else datetime(2008, 9, 1, 7)
        self.pages: list[Page] = []
        self.urls: set[str] = set()
        kinds = ["Systems", "Foods", "Medical", "Energy Partners", "Software", "Logistics", "Mining", "Biologics"]
        self.companies = [f"{name} {self.rng.choice(kinds)}" for name in (
            "Northwind", "Bellhaven", "Corvallis", "Tarrant", "Ridgeline", "Halverson", "Aldergrove", "Pinecrest",
            "Marlowe", "Stillwater", "Quarry Hill", "Ashgrove")]
        self.rng.shuffle(self.companies)

    def when(self, year: int = 2008) -> datetime:
        base = self.start.replace(year=year)
        return base + timedelta(days=self.rng.randint(0, 120), hours=self.rng.randint(0, 14), minutes=self.rng.randint(0, 59))

    def add(self, page: Page) -> Page:
        s = page.site
        path = {"station": f"/global/story.asp?s={self.rng.randint(8_000_000, 9_999_999)}",
                "edition": f"/news/{page.section}/article_{self.rng.getrandbits(40):010x}.html",
                "oldpaper": f"/news/{page.when:%Y%m%d}_{_slug(page.title)[:30]}.htm"}.get(
            s.family, f"/{page.when:%Y/%m/%d}/{_slug(page.title)}/")
        url = f"http://{s.domain}{path}"
        while url in self.urls:
            url = url.rstrip("/") + "-2/"
        page.url = url
        self.urls.add(url)
        self.pages.append(page)
        return page

    def own(self, site: Site, text: str, when: datetime | None = None, **kw) -> Page:
        """A page that is its own story."""
        return self.add(Page(site, _title_of(text), _paragraphs(sentences(text), self.rng), when or self.when(),
                             f"t{len(self.pages):03d}", **kw))

    # the template-heavy sites' own pages
    def stations(self, per_site: int) -> None:
        for site in (s for s in SITES if s.family == "station"):
            for i in range(per_site):
                sports = i % 2 == 0
                self.own(site, self.pool.brief(), tail=[TSN] if sports else [], section="sports" if sports else "news")

    def editions(self, per_site: int) -> None:
        for site in (s for s in SITES if s.family == "edition"):
            for i in range(per_site):
                text = self.pool.brief() if i % 3 == 0 else self.pool.article(100, 400)
                self.own(site, text, self.when(2012), byline=self.rng.choice(["Staff report", "By Dan Whitcomb, Staff Writer",
                                                                    "By Karen Ostrowski, Correspondent"]),
                         section=self.rng.choice(["news", "local", "sports", "business"]))

    def courier(self, pages: int) -> None:
        site = SITE["tricountycourier.net"]
        for _ in range(pages):
            self.own(site, self.pool.brief())

    def portal_fill(self, per_site: int) -> None:
        """Other agency stories on the portals and finance sites: distinct stories with the same
        agency lines (datelines, bylines, copyright) as the wire copies."""
        for site in (s for s in SITES if s.family in ("portal", "modern", "finance")):
            for _ in range(per_site):
                text = self.pool.article(120, 350)
                sents = sentences(text)
                if site.family == "finance":
                    sents[0] = f"{self.rng.choice(['LONDON', 'NEW YORK', 'FRANKFURT'])} (Thomson Financial) - " + sents[0]
                    self.own(site, wire_style(" ".join(sents)), tail=[TF_LINE], byline="Thomson Financial")
                elif site.domain in ("english.sinoview.cn", "asianewsline.com"):
                    when = self.when(2012)
                    sents[0] = f"BEIJING, {when:%b}. {when.day} (Xinhua) -- " + sents[0]
                    self.own(site, " ".join(sents), when, tail=[XINHUA_LINE], byline="Xinhua")
                else:
                    sents[0] = f"{self.rng.choice(CITIES)} (AP) -- " + sents[0]
                    self.own(site, " ".join(sents), tail=[AP_LINE],
                             byline=f"By {self.rng.choice(REPORTERS)}, Associated Press Writer")
        for site in (s for s in SITES if s.family == "release"):
            for _ in range(max(1, per_site // 2)):
                self._release_pages([site], self.pool.article(150, 400), own_story=True)

    # wire stories in several versions
    def wire_copy(self, site: Site, title: str, paras: list[str], when: datetime, story: str, relation: str,
                  tail: list[str], byline: str, parent: str) -> Page:
        return self.add(Page(site, title, list(paras), when, story, parent, relation, byline, list(tail)))

    def ap_story(self, sid: str) -> None:
        rng = self.rng
        sents = sentences(self.pool.long_text(470))
        v1_sents = _cut(sents[:-3], 400)
        extra = sents[len(v1_sents) :][:3]  # what the update adds
        city, reporter = rng.choice(CITIES), rng.choice(REPORTERS)
        v1 = _paragraphs(v1_sents, rng)
        v1[0] = f"{city} (AP) -- {v1[0]}"
        # the update: a new lede on the latest development, the old lede second, three more paragraphs
        v2 = [f"{city} (AP) -- {reword(extra[0], rng)}", v1[0].split(" -- ", 1)[1]] + v1[1:] + extra[1:] + extra[:1]
        title, title2 = _title_of(" ".join(v1_sents)), _title_of(extra[0])
        when = self.when()
        portals = rng.sample([s for s in SITES if s.family in ("portal", "modern") and s.city != "Beijing"
                              and s.domain not in ("easterngazette.com", "asianewsline.com")], rng.randint(3, 5))
        byline = f"By {reporter}, Associated Press Writer"
        for i, site in enumerate(portals):
            update = i % 2 == 1
            paras, relation = (v2 if update else v1), "syndication"
            if i >= 2 and rng.random() < 0.7:  # trimmed copies
                paras, relation = paras[: max(3, int(len(paras) * rng.uniform(0.4, 0.7)))], "excerpt"
            self.wire_copy(site, title2 if update else title, paras, when + timedelta(hours=i * 3 + 4 * update), sid,
                           relation, [AP_LINE], byline, "wire:ap")

    def tf_story(self, sid: str) -> None:
        rng = self.rng
        sents = [wire_style(s) for s in _cut(sentences(self.pool.long_text()), 380)]
        sents[0] = f"LONDON (Thomson Financial) - {sents[0]}"
        paras = _paragraphs(sents, rng)
        title = _title_of(" ".join(sents).split(" - ", 1)[1])
        when = self.when()
        full = self.wire_copy(SITE["markets.capitalpost.com"], title, paras, when, sid, "syndication", [TF_LINE],
                              "Thomson Financial", "wire:thomsonfinancial")
        cut = paras[: max(3, len(paras) // 2)]
        self.wire_copy(SITE["investordesk.net"], title, cut, when + timedelta(hours=1), sid, "excerpt", [TF_LINE],
                       "Thomson Financial", "wire:thomsonfinancial")
        # a newspaper's rewrite: mln/pct spelt out, sentences reworded, some kept, its own reporting around
        plain = [re.sub(r"\bmln\b", "million", re.sub(r"\bbln\b", "billion", re.sub(r" pct\b", " percent", s)))
                 for s in sents[1:]]
        own = _cut(sentences(self.pool.article(120, 300)), 90)
        body = [reword(sents[0].split(" - ", 1)[1], rng)] + reword_text(plain, 0.35, rng) + own
        self.wire_copy(SITE["eveningledger.co.uk"], "Business: " + title, _paragraphs(body, rng, 3),
                       when + timedelta(hours=14), sid, "rewrite", [], "By Helen Marsh, Business Editor", full.url)

    def xinhua_story(self, sid: str) -> None:
        rng = self.rng
        when = self.when(2012)
        sents = _cut(sentences(self.pool.long_text()), 330)
        lede = f"BEIJING, {when:%b}. {when.day} (Xinhua) -- "
        paras = _paragraphs(sents, rng)
        paras[0] = lede + paras[0]
        title = _title_of(" ".join(sents))
        self.wire_copy(SITE["english.sinoview.cn"], title, paras, when, sid, "syndication", [XINHUA_LINE], "Xinhua",
                       "wire:xinhua")
        self.wire_copy(SITE["asianewsline.com"], title, paras[: max(3, int(len(paras) * 0.6))], when + timedelta(hours=2),
                       sid, "excerpt", [XINHUA_LINE], "Xinhua", "wire:xinhua")
        body = reword_text(sents[: int(len(sents) * 0.8)], 0.4, rng)
        self.wire_copy(SITE["easterngazette.com"], title, _paragraphs(body, rng, 3), when + timedelta(hours=9), sid,
                       "rewrite", ["Source: Xinhua"], "Gazette staff", "wire:xinhua")

    def _release_pages(self, sites: list[Site], text: str, own_story: bool = False) -> None:
        rng = self.rng
        if not self.companies:
            raise RuntimeError("no company names left for another press release: ask for fewer pages")
        company = self.companies.pop()
        ticker = "".join(w[0] for w in company.split()).upper() + "X"
        when = self.when()
        sents = _cut(sentences(text), 330)
        sents[0] = f"{rng.choice(CITIES).title()}--(BUSINESS WIRE)--{when:%b. %d, %Y}--{company} (NASDAQ: {ticker}) today said " \
                   f"{_lower_first(sents[0])}"
        paras = _paragraphs(sents, rng) + [
            f"About {company}",
            f"{company} (NASDAQ: {ticker}) is headquartered in {rng.choice(CITIES).title()}. {RELEASE_ABOUT}",
            f"Contact: {company}, Investor Relations, 555-01{rng.randint(10, 99)}"]
        title = f"{company}: {_title_of(text)}"
        sid = f"t{len(self.pages):03d}" if own_story else f"w{len(self.pages):03d}"
        for i, site in enumerate(sites):
            self.wire_copy(site, title, paras, when + timedelta(hours=i), sid, "origin" if own_story else "syndication",
                           [BW_LINE], "Business Wire", None if own_story else "wire:businesswire")

    def release_story(self) -> None:
        sites = [SITE["releases.tradewire.net"], SITE["industrytoday.com"], SITE["markets.capitalpost.com"]]
        if self.rng.random() < 0.5:
            sites.append(SITE["headlines.metroweb.net"])
        self._release_pages(sites, self.pool.article(200, 400))

    def boxes(self) -> dict[str, dict[str, list[Page]]]:
        """Each site's related-links boxes, the same on every page of it; a network's "Most popular"
        is shared by its editions."""
        by_site: dict[str, list[Page]] = {}
        for p in self.pages:
            by_site.setdefault(p.site.domain, []).append(p)
        network = [p for d, ps in by_site.items() if SITE[d].family == "edition" for p in ps]
        popular_network = self.rng.sample(network, min(6, len(network)))
        out = {}
        for domain, pages in by_site.items():
            more = self.rng.sample(pages, min(6, len(pages)))
            popular = popular_network if SITE[domain].family == "edition" else self.rng.sample(pages, min(5, len(pages)))
            out[domain] = {"more": more, "popular": popular}
        return out


def build(seed: int = 1, real: list[str] | None = None, scale: int = 1) -> Corpus:
    """Template-heavy sites with wire stories mixed in. ``real``: English article bodies to draw
    from besides the Lee corpus (default: ../shared/real-pages when present); ``scale`` multiplies
    the sites' own pages and the wire stories."""
    b = Builder(seed, real_bodies() if real is None else real)
    b.stations(6 * scale)
    b.editions(6 * scale)
    b.courier(8 * scale)
    b.portal_fill(3 * scale)
    for i in range(2 * scale):
        b.ap_story(f"ap{i}")
    for i in range(scale):
        b.tf_story(f"tf{i}")
        b.xinhua_story(f"xh{i}")
        b.release_story()
    corpus = Corpus()
    boxes = b.boxes()
    for p in b.pages:
        corpus.pages[p.url] = RENDER[p.site.family](p, boxes[p.site.domain]).encode()
        corpus.texts[p.url] = "\n".join(p.paragraphs + p.tail)
        corpus.truth[p.url] = {"story": p.story, "parent": p.parent, "relation": p.relation,
                               "outlet": p.site.domain, "date": p.when.isoformat()}
    return corpus


def main(argv: list[str] | None = None) -> int:
    """Write one corpus as a folder like ../shared/eval-sample: corpus.warc.gz and truth.json."""
    import argparse

    parser = argparse.ArgumentParser(description="python -m benchmarks.templatecorpus --seed 1 --out DIR")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        corpus = build(args.seed, scale=args.scale)
    except RuntimeError as problem:
        parser.exit(2, f"templatecorpus: {problem}\n")
    args.out.mkdir(parents=True, exist_ok=True)
    write_warc(corpus, args.out / "corpus.warc.gz")
    (args.out / "truth.json").write_text(json.dumps(corpus.truth, indent=1), encoding="utf-8")
    print(f"wrote {len(corpus.pages)} pages to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
