"""The best body text of a page: the cheap candidate when it looks right, else the best of several.

Each candidate is cleaned the same way first: table rows flattened by trafilatura are split into
their cells, lines that are only link texts of the page (navigation, related-story lists; a table of
contents' entries, not the headings they point to) and template lines at either end (a headline
block, dates, "Posted:", bylines, a site's copyright, "E-mail this | Print this") and picture
credits ("Photo: AFP") are dropped, so are lines of a layout-table cell beside the article's
(archive/extraction/layout.py) and a closing box of other stories (after a "You Might Also Like"
label, or blurbs cut short with "...") and the lines of teaser cards (links to other stories that
hold a headline and a blurb, wherever they fall); a line naming a wire agency or a credit stays,
since the engine reads those (archive/provenance/wires.py, credits.py). The tests of a line are in
:mod:`archive.extraction.lines`, the boxes' cuts in :mod:`archive.extraction.boxes`. trafilatura's
fast mode answers first and is judged by measurable signals: its words against the page's paragraph
words (the first article's, when the page loaded the next story below it), the share of it that was
navigation or template, an article flattened into one layout-table row. Only when it looks wrong is
readability-lxml asked too, and trafilatura's full cascade when fast mode looks short (on
template-heavy pages it only repeats fast mode); when none finds an article, the text the page
carries as data (JSON-LD ``articleBody``, a script's JSON, as single-page applications ship it).
The candidate that agrees best with the others wins, unless it flattened a layout-table row.
The page's standfirst (its description, shown as the lead paragraph) goes first when the chosen
text left it out: the extractors often take it for part of the header; when the description is
another text, the lead named so under the headline (:mod:`archive.extraction.lead`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from archive.extraction.boxes import (CARD_WORDS, drop_cards, drop_linked_teasers, drop_related_box, drop_side_cells,
                                      drop_teasers)
from archive.extraction.candidates import embedded_text, flat, readability_text, standfirst, trafilatura_text
from archive.extraction.layout import LayoutColumns
from archive.extraction.lead import lead_after_headline
from archive.extraction.lines import (MIN_WORDS, cells, count_words, is_heading, is_label, is_navigation,
                                      is_picture_credit, is_template, links_elsewhere)

__all__ = ["Cleaned", "PageSignals", "body_text", "choose", "clean", "count_words"]

PARAGRAPH_SHARE = 0.5  # ... or it kept less than this share of the page's paragraph words
CHROME_SHARE = 0.1  # ... or more than this share of it was navigation or template lines
LAYOUT_ROW_WORDS = 60  # a flattened table row this long is an article inside a layout table


@dataclass
class PageSignals:
    """What the page itself says about its text: link texts and paragraph words."""

    anchors: frozenset[str]
    paragraph_words: int  # outside links (a teaser card's blurb is not the page's)
    layout: LayoutColumns | None = None  # the page's layout-table columns, if it has table cells
    cards: str = ""  # the texts of links to other pages that hold blocks (teaser cards), a line each
    contents: frozenset[str] = frozenset()  # texts of links to the page's own headings only (a table of contents)
    tree: object = field(default=None, repr=False, compare=False)  # for the questions asked only of short texts
    _article_words: int | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, tree) -> PageSignals:
        # string XPaths: no element proxies for the hundred-odd links and paragraphs of a page;
        # one walk finds the links holding elements and the links to the page's own headings
        special = [(flat(a.text_content()), a.get("href") or "#", len(a)) for a in _NESTED_OR_IN_PAGE_LINKS(tree)]
        anchors = frozenset({*map(flat, set(_PLAIN_LINK_TEXTS(tree))),  # a site's menus repeat their link texts
                             *(words for words, href, _ in special if not _in_page(href))} - {""})
        contents = frozenset(words for words, href, _ in special if _in_page(href)) - anchors - {""}
        cards = "\n".join(words for words, href, children in special
                          if children and href[0] != "#" and words.count(" ") >= CARD_WORDS)
        return cls(anchors, count_words(" ".join(_PARAGRAPH_TEXTS(tree))), LayoutColumns.of(tree), cards, contents,
                   tree)

    def article_paragraph_words(self) -> int:
        """The paragraph words of the page's own article: on a page of several whole articles (the
        next story loaded below the first, each ``<article>`` with its headline) the first's."""
        if self._article_words is None:
            articles = _HEADED_ARTICLES(self.tree) if self.tree is not None else []
            self._article_words = (count_words(" ".join(_OWN_PARAGRAPH_TEXTS(articles[0]))) if len(articles) > 1
                                   else self.paragraph_words)
        return self._article_words


def _in_page(href: str) -> bool:
    """A link to a heading of the page itself ("#section-2"), not a script's button ("#")."""
    return href.startswith("#") and href != "#"


# (the descendant axis spelt out: libxml2 walks "//a" as every node's children, 1.5 times slower)
_PLAIN_LINK_TEXTS = etree.XPath("/descendant::body/descendant::a[not(*)][not(starts-with(@href, '#')) or @href = '#']"
                                "/text()", smart_strings=False)
_NESTED_OR_IN_PAGE_LINKS = etree.XPath("/descendant::body/descendant::a[* or starts-with(@href, '#') and @href != '#']")
_PARAGRAPH_TEXTS = etree.XPath("/descendant::body/descendant::p[not(ancestor::a)]/descendant::text()",
                               smart_strings=False)
_OWN_PARAGRAPH_TEXTS = etree.XPath("descendant::p[not(ancestor::a)]/descendant::text()", smart_strings=False)
_HEADED_ARTICLES = etree.XPath("/descendant::body/descendant::article[descendant::h1][not(ancestor::article)]")


def _mark_contents(lines: list[str], navigation: list[bool], contents: frozenset[str]) -> None:
    """A line that is the text of a link to the page's own heading is the table of contents' entry
    when the heading follows in the text, else the heading itself (the extractor left the table out)."""
    later: set[str] = set()
    for i in range(len(lines) - 1, -1, -1):
        words = flat(lines[i])
        if words in contents:
            navigation[i] = words in later
            later.add(words)


@dataclass
class Cleaned:
    text: str
    words: int
    chrome: int  # words dropped as navigation or template
    layout_row: bool  # the raw text had an article-length layout-table row


def clean(text: str, signals: PageSignals, headline: str | None = None) -> Cleaned:
    lines, layout_row = [], False
    for raw in text.splitlines():
        row = cells(raw)
        layout_row |= row != [raw] and max(map(count_words, row), default=0) >= LAYOUT_ROW_WORDS
        lines.extend(c for c in row if c.strip())
    navigation = [is_navigation(line, signals.anchors) for line in lines]
    if signals.contents:
        _mark_contents(lines, navigation, signals.contents)
    # lines under a link's text or a linked headline: blurbs, if a box of other stories closes the text
    blurbs = {line for i, line in enumerate(lines) if i and not is_heading(line)
              and (navigation[i - 1] or links_elsewhere(lines[i - 1], signals.anchors))}
    kept = [line for i, line in enumerate(lines) if not navigation[i] and not is_picture_credit(line)
            and not (i + 1 < len(lines) and navigation[i + 1] and is_label(line))]
    # Boxes beside or after the article are cut but not counted as chrome: chrome says fast mode
    # took the wrong part of the page, a box cut cleanly does not (and asking readability costs).
    boxed = count_words("\n".join(kept))
    if signals.layout:
        drop_side_cells(kept, signals.layout)
    boxed -= count_words("\n".join(kept))
    head = flat(headline) if headline else ""
    while kept and (is_template(kept[0]) or head and flat(kept[0]) == head
                    or len(kept) > 1 and is_heading(kept[0]) and is_template(kept[1])):
        kept.pop(0)  # the headline block: headline, "Posted:" line, byline
    while kept and is_template(kept[-1]):
        kept.pop()
    before_boxes = count_words("\n".join(kept))
    if signals.cards:
        drop_cards(kept, signals.cards)
    drop_teasers(kept)
    drop_linked_teasers(kept, signals.anchors, blurbs)
    drop_related_box(kept)
    out = "\n".join(kept)
    words = count_words(out)
    boxed += before_boxes - words
    return Cleaned(out, words, max(0, sum(map(count_words, lines)) - words - boxed), layout_row)


def too_short(c: Cleaned, signals: PageSignals) -> bool:
    """Fast mode probably missed (part of) the article."""
    return c.words < MIN_WORDS or (c.words < PARAGRAPH_SHARE * signals.paragraph_words
                                   and c.words < PARAGRAPH_SHARE * signals.article_paragraph_words())


def too_much_chrome(c: Cleaned) -> bool:
    """Fast mode kept the page's template (navigation, footers, a whole layout-table row)."""
    return c.chrome > CHROME_SHARE * (c.words + c.chrome) or c.layout_row


def _bag(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.casefold()))


def _f1(a: Counter, b: Counter) -> float:
    common = sum((a & b).values())
    return 2 * common / (sum(a.values()) + sum(b.values())) if common else 0.0


AGREEMENT_SAME = 0.98  # candidates this alike are one opinion, not two votes
LENGTH_WEIGHT = 0.3  # between candidates that agree as well, the fuller one (extractors err short)
CONFIRMED_BONUS = 0.12  # two extractors giving the same text outweigh a somewhat longer third
LAYOUT_ROW_PENALTY = 0.2  # a flattened layout row glues headline, dates and links to the article
LAYOUT_ROW_ARTICLE_WORDS = 1000  # past this length the row's glued chrome is a small share of it


def _chrome_share(c: Cleaned) -> float:
    return c.chrome / max(1, c.words + c.chrome)


def choose(found: dict[str, Cleaned]) -> str:
    """The candidate agreeing best with the others, plus a little for its length against the
    longest, less a penalty when it flattened a layout-table row. What cleaning dropped (navigation
    lines, template lines at the edges) does not count against a candidate: the cleaned text is
    what is stored; a flattened row is what cleaning cannot take apart."""
    bags = {name: _bag(c.text) for name, c in found.items() if c.words}
    voices: list[str] = []
    members: dict[str, int] = {}
    for name in sorted(bags, key=lambda n: _chrome_share(found[n])):  # alike: the cleaner one speaks
        same = next((v for v in voices if _f1(bags[name], bags[v]) >= AGREEMENT_SAME), None)
        if same is None:
            voices.append(name)
        members[same or name] = members.get(same or name, 0) + 1
    if any(found[v].words >= MIN_WORDS for v in voices):  # a snippet is no article when another has one
        voices = [v for v in voices if found[v].words >= MIN_WORDS]
    if not voices:
        return ""
    longest = max(found[v].words for v in voices)

    def score(name: str) -> float:
        c = found[name]
        others = [_f1(bags[name], bags[o]) for o in voices if o != name]
        agreement = sum(others) / len(others) if others else 1.0
        return (agreement + LENGTH_WEIGHT * c.words / longest + CONFIRMED_BONUS * (members[name] - 1)
                - LAYOUT_ROW_PENALTY * c.layout_row * min(1.0, LAYOUT_ROW_ARTICLE_WORDS / c.words))

    return found[max(voices, key=score)].text


def body_text(tree, url: str | None = None, headline: str | None = None, h1s: list | None = None) -> str:
    """The page's body text; ``h1s``: its first ``<h1>`` elements, when the caller has them."""
    text = _chosen_text(tree, url, headline)
    known = flat(text)
    lead = standfirst(tree, known) if text else None
    if text and (lead is None or flat(lead) in known):  # no description shown, or the text holds it
        lead = lead_after_headline(tree, headline, known, h1s)
    return f"{lead}\n{text}" if lead and flat(lead) not in known else text


def _chosen_text(tree, url: str | None, headline: str | None) -> str:
    signals = PageSignals.of(tree)
    fast = clean(trafilatura_text(tree, fast=True), signals, headline)
    short = too_short(fast, signals)
    if not short and not too_much_chrome(fast):
        return fast.text
    found = {"fast": fast, "readability": clean(readability_text(tree, url), signals, headline)}
    if short:  # the full cascade finds more; on template-heavy pages it only repeats fast mode
        found["full"] = clean(trafilatura_text(tree, fast=False), signals, headline)
    if all(c.words < MIN_WORDS for c in found.values()):  # the article may be data for a script
        found["embedded"] = clean(embedded_text(tree), signals, headline)
    return choose(found)
