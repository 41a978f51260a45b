"""Boxes of other stories inside an extracted text, and the layout-table cells beside the article.

Each function cuts, in place, the lines of one kind of box: a layout-table cell beside the
article's (archive/extraction/layout.py), teaser cards (links to other stories holding a headline
and a blurb), a closing box after a "You Might Also Like" label, trailing blurbs cut short with
"...", a closing box of linked headlines. Each keeps the text when cutting would leave no article.
"""

from __future__ import annotations

import re

from archive.extraction.candidates import flat
from archive.extraction.layout import LayoutColumns
from archive.extraction.lines import LABEL_WORDS, MIN_WORDS, count_words, is_heading, is_label, links_elsewhere, names_a_source

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


def drop_side_cells(lines: list[str], layout: LayoutColumns) -> None:
    """Cut the lines that the page's layout table puts in a cell beside the article's longest line:
    section blurbs in a left-hand cell, a station's weather box in a right-hand one (between the
    story's lines when an extractor flattened the row)."""
    if len(lines) < 2:
        return
    anchor = max(lines, key=count_words)
    article = layout.article(anchor)
    if article is not None:
        lines[:] = [line for line in lines
                    if line == anchor or not layout.beside(line, article) or names_a_source(line)]


def drop_cards(lines: list[str], cards: str) -> None:
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


def drop_related_box(lines: list[str]) -> None:
    """Cut the text from a "You Might Also Like" / "Related Videos" label on, when what follows it
    is a small part of the text (a box of other stories, not the article's second half)."""
    total = count_words("\n".join(lines))
    before = 0
    for i, line in enumerate(lines):
        label = count_words(line) <= LABEL_WORDS + 2 and is_heading(line) and _RELATED_LABEL.match(line.strip(" -"))
        if i and label and total - before < RELATED_TAIL_SHARE * before:
            del lines[i:]
            return
        before += count_words(line)


def drop_teasers(lines: list[str]) -> None:
    """Cut a trailing box of related stories: blurbs cut short with an ellipsis ("... helicopter
    crash last August which claimed ..."), two or more, or one under a heading ("Also in the
    news"), with that heading."""
    run = 0
    while run < len(lines) and _TRUNCATED.search(lines[-1 - run]):  # a blurb, even one naming an agency
        run += 1
    headed = 0 < run < len(lines) and is_heading(lines[-1 - run])
    if not (run >= TEASER_RUN or headed) or count_words("\n".join(lines[:-run])) < MIN_WORDS:
        return
    del lines[-run:]
    if is_heading(lines[-1]):
        lines.pop()


def drop_linked_teasers(lines: list[str], anchors: frozenset[str], blurbs: set[str]) -> None:
    """Cut a closing box of other stories given as linked headlines, each followed or not by a
    short blurb, two stories or more (and the box's label): a blurb there need not end with an
    ellipsis. ``blurbs``: the lines that came under a link's text (dropped as navigation when it
    was only the link) or a linked headline."""
    at, stories = len(lines), 0
    while at:
        if lines[at - 1] in blurbs and count_words(lines[at - 1]) <= TEASER_BLURB_WORDS:
            at -= 1
            if at and links_elsewhere(lines[at - 1], anchors):
                at -= 1
        elif links_elsewhere(lines[at - 1], anchors):
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
    if is_label(lines[-1]):
        lines.pop()
