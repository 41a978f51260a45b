"""The best body text of a page: the cheap candidate when it looks right, else the best of several.

Each candidate is cleaned the same way first: table rows flattened by trafilatura are split into
their cells, lines that are only link texts of the page (navigation, related-story lists, "Read
also: <headline>"; a table of contents' entries, not the headings they point to) and template lines
at either end (a headline block, dates, "Posted:", bylines, a site's copyright, "E-mail this | Print
this") and picture credits ("Photo: AFP") are dropped, so are lines of a layout-table cell beside
the article's (archive/extraction/layout.py) and a closing box of other stories (after a "You Might
Also Like" label, or blurbs cut short with "...") and the lines of teaser cards (links to other
stories that hold a headline and a blurb, wherever they fall); a line naming a wire agency or a
credit stays, since the engine reads those (archive/provenance/wires.py, credits.py). trafilatura's
fast mode answers first and is judged by measurable signals: its words against the page's paragraph
words (the first article's, when the page loaded the next story below it), the share of it that was
navigation or template, an article flattened into one layout-table row. Only when it looks wrong is
readability-lxml asked too, and trafilatura's full cascade when fast mode looks short (on
template-heavy pages it only repeats fast mode); when none finds an article, the text the page
carries as data (JSON-LD ``articleBody``, a script's JSON, as single-page applications ship it).
The candidate that agrees best with the others wins, unless it flattened a layout-table row.
The page's standfirst (its description, shown as the lead paragraph) goes first when the chosen
text left it out: the extractors often take it for part of the header.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from lxml import etree

from archive.extraction.candidates import embedded_text, flat, readability_text, standfirst, trafilatura_text
from archive.extraction.layout import LayoutColumns
from archive.provenance.credits import credit_lines
from archive.provenance.wires import AGENCIES

MIN_WORDS = 40  # fewer: fast mode probably missed the article
PARAGRAPH_SHARE = 0.5  # ... or it kept less than this share of the page's paragraph words
CHROME_SHARE = 0.1  # ... or more than this share of it was navigation or template lines
LAYOUT_ROW_WORDS = 60  # a flattened table row this long is an article inside a layout table

_SEPARATORS = re.compile(r"\s+(?:\||·|•|»|/|-)\s+")
_TEMPLATE_LINE = re.compile(
    r"^(?:posted\b|last (?:updated|modified)\b|updated:|published:|e-?mail this\b|print this\b"
    r"|copyright\b|©|\(c\)\s*\d{4}|all rights reserved|related (?:stories|articles|links)\b|share this\b"
    r"|(?:by|von|par|por|av|door|af)(?:\s+[\w.,'&-]+){1,6}(?<![.!?])\s*$"  # a byline, not a sentence that starts with "By"
    r"|(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today),? .*\d)"  # "Tuesday, 6/3/2008 ..."
    r"|all rights reserved\.?$|\bweather: \d", re.IGNORECASE)
# a picture's credit ("Photo: AFP", "Image: Jane Doe/Agency", "Фото: ..."): never the article's text, nor
# evidence of where the text came from
_PICTURE_CREDIT = re.compile(r"^(?:photo(?:graph)?|image|picture|pic|foto|bild|фото|zdjęcie|kuva|billede)s?"
                             r"(?: credits?)?\s*:\s*\S", re.IGNORECASE)
PICTURE_CREDIT_WORDS = 10
_DATE_ONLY = re.compile(r"^[\w.,:/ -]{0,40}\b(?:19|20)\d\d\b[\w.,:/ -]{0,25}$")
# "2025年1月14日 01時28分 (1月14日 01時40分更新)": a Chinese or Japanese date line, an update note at most
_CJK_DATE_ONLY = re.compile(r"^\s*(?:19|20)\d\d年[\d\s年月日時分秒:：/.()（）]*(?:更新|発行|公開|配信)?[)）]?\s*$")
EDGE_LINE_WORDS = 25  # template lines are short; a long line at the edge is text
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*(?:19|20)\d\d)", re.IGNORECASE)
COPYRIGHT_LINE_WORDS = 60  # copyright footers run on ("... may not be published, broadcast, ...")
LABEL_WORDS = 3
LABELLED_LINK_WORDS = 3  # a link text this long after a label ("Read also:") is another story's headline
HEADING_WORDS = 20
TEASER_RUN = 2  # this many truncated blurbs in a row (or one under a heading) are a related-stories box
TEASER_BLURB_WORDS = 40  # a blurb under another story's linked headline is a sentence or two
_RELATED_LABEL = re.compile(
    r"^(?:you (?:might|may) (?:also )?(?:like|enjoy)|related(?: \w+)?|more (?:from|on|in|stories|news|articles|videos"
    r"|headlines)\b.*|recommended(?: for you| stories| reading)?|most (?:popular|read|viewed|shared)|trending(?: now)?"
    r"|(?:latest|top|more) (?:news|stories|headlines)|also in the news|(?:today|now|also|elsewhere) on\b.*"
    r"|featured (?:slide ?shows|videos|stories))\s*:?$", re.IGNORECASE)
RELATED_TAIL_SHARE = 0.5  # a box after its label holds less than this share of the text
CARD_WORDS = 12  # a link to another page holding this many words and blocks is a teaser card
CARD_LINE_WORDS = 4  # a line this long found inside a card's text is the card's, not the article's
_TRUNCATED = re.compile(r"(?:\.\.\.|…)[\s\]\)]*$")


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Words, counting Chinese and Japanese (written without spaces) at two characters a word."""
    return len(text.split()) + (0 if text.isascii() else len(_CJK.findall(text)) // 2)


@dataclass
class PageSignals:
    """What the page itself says about its text: link texts and paragraph words."""

    anchors: frozenset[str]
    paragraph_words: int
    layout: LayoutColumns | None = None  # the page's layout-table columns, if it has table cells
    cards: str = ""  # the texts of links to other pages that hold blocks (teaser cards), a line each

    contents: frozenset[str] = frozenset()  # texts of links to the page's own headings only (a table of contents)

    @classmethod
    def of(cls, tree) -> PageSignals:
        # string XPaths: no element proxies for the hundred-odd links and paragraphs of a page
        nested = [(a.text_content(), a.get("href") or "#") for a in _NESTED_LINKS(tree)]
        texts = set(_PLAIN_LINK_TEXTS(tree)) | {text for text, href in nested if not _in_page(href)}
        anchors = frozenset(t for t in map(flat, texts) if t)  # a site's menus repeat their link texts
        contents = frozenset(map(flat, (a.text_content() for a in _IN_PAGE_LINKS(tree)))) - anchors - {""}
        cards = "\n".join(t for t in (flat(text) for text, href in nested if not href.startswith("#"))
                          if t.count(" ") >= CARD_WORDS)
        # a page of several whole articles (the next story loaded below the first, each <article>
        # with its headline): the first is the page's, the paragraphs of the others are not its text
        articles = _HEADED_ARTICLES(tree)
        paragraphs = _OWN_PARAGRAPH_TEXTS(articles[0]) if len(articles) > 1 else _PARAGRAPH_TEXTS(tree)
        return cls(anchors, count_words(" ".join(paragraphs)), LayoutColumns.of(tree), cards, contents)


def _in_page(href: str) -> bool:
    """A link to a heading of the page itself ("#section-2"), not a script's button ("#")."""
    return href.startswith("#") and href != "#"


_PLAIN_LINK_TEXTS = etree.XPath("//body//a[not(*)][not(starts-with(@href, '#')) or @href = '#']/text()",
                                smart_strings=False)
_IN_PAGE_LINKS = etree.XPath("//body//a[starts-with(@href, '#') and @href != '#']")
_NESTED_LINKS = etree.XPath("//body//a[*]")
_PARAGRAPH_TEXTS = etree.XPath("//body//p[not(ancestor::a)]//text()", smart_strings=False)
_OWN_PARAGRAPH_TEXTS = etree.XPath(".//p[not(ancestor::a)]//text()", smart_strings=False)
_HEADED_ARTICLES = etree.XPath("//body//article[.//h1][not(ancestor::article)]")


def _cells(line: str) -> list[str]:
    """A trafilatura table row ("| a | b |") as its cells; any other line as itself."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        return [line]
    inner = stripped[1:-1]
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", inner) if cell.strip(" -")]


def _is_navigation(line: str, anchors: frozenset[str]) -> bool:
    """Link texts of the page, one or several ("Home | News"), or one after a short label ("Read
    also: <another story's headline>", in any language)."""
    if not anchors:
        return False
    pieces = [flat(p) for p in _SEPARATORS.split(line)]
    if all(p in anchors or not p for p in pieces) and any(pieces):
        return True
    label, colon, rest = line.partition(":")
    if not colon or count_words(label) > LABEL_WORDS or len(rest.split()) < LABELLED_LINK_WORDS:
        return False  # "Origin: https://example.com" is a header, its link one word
    return flat(rest) in anchors


def _names_a_source(line: str) -> bool:
    """A wire credit, agency byline or copyright ("By JOHN SMITH, Associated Press Writer", "Copyright
    2008 Courtesy of The Sports Network") or a credit line: evidence the engine reads, never chrome."""
    # An agency's patterns are searched only when the line holds one of its needles, the words
    # every match holds (archive/provenance/wires.py); a dotless ı matches "i" when case is
    # ignored, and casefold keeps it.
    seen = line.casefold().replace("\u0131", "i")
    return any(any(n in seen for n in a.needles) and a.head.search(line)
               or a.anywhere is not None and any(n in seen for n in a.credit_needles) and a.anywhere.search(line)
               for a in AGENCIES) or bool(credit_lines(line))


def _is_template(line: str) -> bool:
    words = count_words(line)
    template = (words <= COPYRIGHT_LINE_WORDS and bool(_COPYRIGHT.match(line))
                or words <= EDGE_LINE_WORDS and bool(_TEMPLATE_LINE.search(line) or _DATE_ONLY.match(line)
                                                          or _CJK_DATE_ONLY.match(line)))
    return template and not _names_a_source(line)  # the costlier test, on the few template lines


def _mark_contents(lines: list[str], navigation: list[bool], contents: frozenset[str]) -> None:
    """A line that is the text of a link to the page's own heading is the table of contents' entry
    when the heading follows in the text, else the heading itself (the extractor left the table out)."""
    later: set[str] = set()
    for i in range(len(lines) - 1, -1, -1):
        words = flat(lines[i])
        if words in contents:
            navigation[i] = words in later
            later.add(words)


def _is_picture_credit(line: str) -> bool:
    return bool(_PICTURE_CREDIT.match(line)) and count_words(line) <= PICTURE_CREDIT_WORDS


def _is_heading(line: str) -> bool:
    return count_words(line) <= HEADING_WORDS and not line.rstrip().endswith((".", "!", "?", '"'))


def _is_label(line: str) -> bool:
    """A block heading such as "Sections" or "Most Popular": short, no sentence punctuation."""
    return count_words(line) <= LABEL_WORDS and not line.rstrip().endswith((".", "!", "?", ":", '"'))


@dataclass
class Cleaned:
    text: str
    words: int
    chrome: int  # words dropped as navigation or template
    layout_row: bool  # the raw text had an article-length layout-table row


def clean(text: str, signals: PageSignals, headline: str | None = None) -> Cleaned:
    lines, layout_row = [], False
    for raw in text.splitlines():
        cells = _cells(raw)
        layout_row |= cells != [raw] and max(map(count_words, cells), default=0) >= LAYOUT_ROW_WORDS
        lines.extend(c for c in cells if c.strip())
    navigation = [_is_navigation(line, signals.anchors) for line in lines]
    if signals.contents:
        _mark_contents(lines, navigation, signals.contents)
    # lines under a link's text or a linked headline: blurbs, if a box of other stories closes the text
    blurbs = {line for i, line in enumerate(lines) if i and not _is_heading(line)
              and (navigation[i - 1] or _links_elsewhere(lines[i - 1], signals.anchors))}
    kept = [line for i, line in enumerate(lines) if not navigation[i] and not _is_picture_credit(line)
            and not (i + 1 < len(lines) and navigation[i + 1] and _is_label(line))]
    # Boxes beside or after the article are cut but not counted as chrome: chrome says fast mode
    # took the wrong part of the page, a box cut cleanly does not (and asking readability costs).
    boxed = count_words("\n".join(kept))
    if signals.layout:
        _drop_side_cells(kept, signals.layout)
    boxed -= count_words("\n".join(kept))
    head = flat(headline) if headline else ""
    while kept and (_is_template(kept[0]) or head and flat(kept[0]) == head
                    or len(kept) > 1 and _is_heading(kept[0]) and _is_template(kept[1])):
        kept.pop(0)  # the headline block: headline, "Posted:" line, byline
    while kept and _is_template(kept[-1]):
        kept.pop()
    before_boxes = count_words("\n".join(kept))
    if signals.cards:
        _drop_cards(kept, signals.cards)
    _drop_teasers(kept)
    _drop_linked_teasers(kept, signals.anchors, blurbs)
    _drop_related_box(kept)
    out = "\n".join(kept)
    words = count_words(out)
    boxed += before_boxes - words
    return Cleaned(out, words, max(0, sum(map(count_words, lines)) - words - boxed), layout_row)


def _drop_side_cells(lines: list[str], layout: LayoutColumns) -> None:
    """Cut the lines that the page's layout table puts in a cell beside the article's longest line:
    section blurbs in a left-hand cell, a station's weather box in a right-hand one (between the
    story's lines when an extractor flattened the row)."""
    if len(lines) < 2:
        return
    anchor = max(lines, key=count_words)
    article = layout.article(anchor)
    if article is not None:
        lines[:] = [line for line in lines
                    if line == anchor or not layout.beside(line, article) or _names_a_source(line)]


def _drop_cards(lines: list[str], cards: str) -> None:
    """Cut the lines that sit inside teaser cards, links to other pages holding a headline, a
    kicker, a blurb (a truncated first paragraph), a byline: other stories, wherever the extractor
    put them, when they come from two cards or more (one link holding lines may be an unclosed
    ``<a>`` swallowing the article) and leave an article."""
    found = [cards.find(flat(line)) if count_words(line) >= CARD_LINE_WORDS else -1 for line in lines]
    if len({cards.count("\n", 0, at) for at in found if at >= 0}) < TEASER_RUN:
        return
    kept = [line for line, at in zip(lines, found) if at < 0]
    if count_words("\n".join(kept)) >= MIN_WORDS:
        lines[:] = kept


def _drop_related_box(lines: list[str]) -> None:
    """Cut the text from a "You Might Also Like" / "Related Videos" label on, when what follows it
    is a small part of the text (a box of other stories, not the article's second half)."""
    total = count_words("\n".join(lines))
    before = 0
    for i, line in enumerate(lines):
        label = count_words(line) <= LABEL_WORDS + 2 and _is_heading(line) and _RELATED_LABEL.match(line.strip(" -"))
        if i and label and total - before < RELATED_TAIL_SHARE * before:
            del lines[i:]
            return
        before += count_words(line)


def _drop_teasers(lines: list[str]) -> None:
    """Cut a trailing box of related stories: blurbs cut short with an ellipsis ("... helicopter
    crash last August which claimed ..."), two or more, or one under a heading ("Also in the
    news"), with that heading."""
    run = 0
    while run < len(lines) and _TRUNCATED.search(lines[-1 - run]):  # a blurb, even one naming an agency
        run += 1
    headed = 0 < run < len(lines) and _is_heading(lines[-1 - run])
    if not (run >= TEASER_RUN or headed) or count_words("\n".join(lines[:-run])) < MIN_WORDS:
        return
    del lines[-run:]
    if _is_heading(lines[-1]):
        lines.pop()


def _links_elsewhere(line: str, anchors: frozenset[str]) -> bool:
    """A heading that ends with the text of one of the page's links, two words or more: another
    story's headline, maybe after its kicker ("Editorial Fraser's lasting legacy")."""
    if not _is_heading(line):
        return False
    words = flat(line).split()
    return any(" ".join(words[start:]) in anchors for start in range(len(words) - 1))


def _drop_linked_teasers(lines: list[str], anchors: frozenset[str], blurbs: set[str]) -> None:
    """Cut a closing box of other stories given as linked headlines, each followed or not by a
    short blurb, two stories or more (and the box's label): a blurb there need not end with an
    ellipsis. ``blurbs``: the lines that came under a link's text (dropped as navigation when it
    was only the link) or a linked headline."""
    at, stories = len(lines), 0
    while at:
        if lines[at - 1] in blurbs and count_words(lines[at - 1]) <= TEASER_BLURB_WORDS:
            at -= 1
            if at and _links_elsewhere(lines[at - 1], anchors):
                at -= 1
        elif _links_elsewhere(lines[at - 1], anchors):
            at -= 1
        else:
            break
        stories += 1
    if stories < TEASER_RUN:
        return
    kept, box = count_words("\n".join(lines[:at])), count_words("\n".join(lines[at:]))
    if kept < MIN_WORDS or box >= RELATED_TAIL_SHARE * kept:
        return
    del lines[at:]
    if _is_label(lines[-1]):
        lines.pop()


def too_short(c: Cleaned, signals: PageSignals) -> bool:
    """Fast mode probably missed (part of) the article."""
    return c.words < MIN_WORDS or c.words < PARAGRAPH_SHARE * signals.paragraph_words


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
                - LAYOUT_ROW_PENALTY * c.layout_row)

    return found[max(voices, key=score)].text


def body_text(tree, url: str | None = None, headline: str | None = None) -> str:
    text = _chosen_text(tree, url, headline)
    known = flat(text)
    lead = standfirst(tree, known) if text else None
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
