"""The lead paragraph printed under the headline, when the chosen text left it out.

Extractors often take the lead (subtitle, standfirst, "excerpt", "intro") for part of the header
block: on 25 of real-pages' 169 dev pages the stored text lacked the first line of the expected
body, most often that lead. :func:`archive.extraction.candidates.standfirst` finds it when the
page's description repeats it word for word; here it is found by where it sits and what the
template calls it: the first block of text within a few dozen elements after the page's headline
(the ``<h1>`` holding the title), before the text's own first line, near the headline in the
page's structure, named a lead in its class or id ("excerpt", "intro", "article__desc",
"c-article-summary", "subtitle"...) or the subtitle of an ``<hgroup>``; never inside a link, a
figure or navigation, never a picture's caption, a byline, a credit, a date or a meta line.
(Without the names, bylines, captions, share bars and meta lines took the place on as many pages
as leads were found.)
"""

from __future__ import annotations

import itertools
import re

from lxml import etree

from archive.extraction.candidates import flat
from archive.extraction.lines import count_words, is_picture_credit, is_template, names_a_source

LEAD_MIN_WORDS = 8  # fewer: a kicker, a label, a byline
LEAD_MAX_WORDS = 120  # more: the article itself, which the extractors did not miss
LEAD_WITHIN = 60  # elements after the headline: the lead sits between it and the article
HEADLINES_READ = 3
NEAR_HEADLINE = 3  # the lead and the headline share an ancestor at most this many levels above the <h1>
CAPTION_SHARE = 1.5  # a block with a picture and little more text than this: the picture's caption
_PICTURES = etree.XPath("descendant::img | descendant::picture | descendant::video")
_META_SEPARATORS = re.compile(r"\s(?:\||/|·|•)\s")
# What templates call the lead in a class or id, a word of it ("article__desc", "js-lead t-article-lead",
# "c-article-summary", "blog--subtitle"); or an <hgroup>, the HTML5 element of a headline and its subtitle
_LEAD_NAMES = frozenset("lead intro excerpt summary standfirst subtitle subheadline subhead subline synopsis teaser"
                        " desc description epigraph dek deck abstract chapo strapline entradilla sumario bajada"
                        " sapo".split())
_BYLINE = re.compile(r"(?:by|von|par|por|av|door|af)\s", re.IGNORECASE)  # without a sentence's end: a byline
LINKED_SHARE = 0.5
_NAME_WORDS = re.compile(r"[^a-z]+")
LEAD_NAMED_WITHIN = 3  # the element or one of its two parents is named a lead
_TEXT_BLOCKS = frozenset("p div h2 h3 span section header hgroup".split())
_BLOCKS = frozenset("p div h1 h2 h3 h4 h5 h6 ul ol li table section article header footer aside nav figure"
                    " blockquote form".split())
_NOT_THE_ARTICLE = frozenset("a figure figcaption nav aside footer button time label form select ul ol li table"
                             " blockquote script style noscript template".split())


def lead_after_headline(tree, headline: str | None, known: str, h1s: list | None = None) -> str | None:
    """The lead after the ``<h1>`` holding ``headline`` (one of ``h1s``, the page's first ``<h1>``
    elements, found when not given); None when none is there, or when a line of the text
    (``known``: the chosen text's :func:`flat` words) comes first."""
    head = flat(headline or "")
    if not head:
        return None
    if h1s is None:
        h1s = list(itertools.islice(tree.iter("h1"), HEADLINES_READ))
    h1 = next((h for h in h1s if _same(flat(h.text_content()), head)), None)
    if h1 is None:
        return None
    near = set(itertools.islice(h1.iterancestors(), NEAR_HEADLINE))
    for element in itertools.islice(_following(h1), LEAD_WITHIN):
        if element.tag not in _TEXT_BLOCKS or any(child.tag in _BLOCKS for child in element):
            continue  # a container: its blocks follow
        text = " ".join(element.text_content().split())
        words = count_words(text)
        if words < LEAD_MIN_WORDS:
            continue  # a kicker, a label, a byline (and a word the text holds by chance)
        if flat(text) in known:
            return None  # the text's own lines begin (or the lead is there already)
        if words <= LEAD_MAX_WORDS and _reads_as_lead(element, text, words, near):
            return text
    return None


def _following(element):
    """The elements after ``element`` in document order, its own left out (XPath's ``following``
    axis, which libxml2 would collect to the page's end before taking the first few)."""
    while element is not None:
        for sibling in element.itersiblings():
            yield from sibling.iter()
        element = element.getparent()


def _reads_as_lead(element, text: str, words: int, near: set) -> bool:
    """Not a byline, credit, date or meta line ("Name | 05.04.2025 | Updated"), not inside a link, a
    figure or navigation, not a picture's caption, and near the headline in the page's structure."""
    if (is_template(text) or is_picture_credit(text) or len(_META_SEPARATORS.findall(text)) >= 2
            or _BYLINE.match(text) and not text.endswith((".", "!", "?")) or names_a_source(text)):
        return False
    if sum(len(a.text_content()) for a in element.iter("a")) > LINKED_SHARE * len(text):
        return False  # another story's teaser
    ancestors = list(element.iterancestors())
    if any(a.tag in _NOT_THE_ARTICLE for a in ancestors) or not near.intersection(ancestors):
        return False
    if not any(_named_lead(e) for e in [element, *ancestors[:LEAD_NAMED_WITHIN - 1]]):
        return False
    return not any(_PICTURES(a) and count_words(a.text_content()) < CAPTION_SHARE * words + 5 for a in ancestors[:2])


def _same(h1: str, head: str) -> bool:
    """The ``<h1>`` is the headline: the same words, or one holds the other (a kicker, a site name)."""
    return bool(h1) and (h1 == head or head in h1 or h1 in head and len(h1) > len(head) / 2)


def _named_lead(element) -> bool:
    if element.tag == "hgroup":
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return bool(names.strip()) and not _LEAD_NAMES.isdisjoint(_NAME_WORDS.split(names))
