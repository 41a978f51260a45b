"""trafilatura's fast mode as ``bare_extraction(tree, fast=True)`` runs it, less the work whose
result we would throw away; the same text on every page.

For a tree, ``bare_extraction`` copies it, prunes the copy (appended articles, comment sections),
copies it again to clean it, copies the cleaned tree a third time as a backup only the full
cascade reads, extracts, and then, when the text is under 3,000 characters, measures the page's
whole text (``html2txt``: a fourth copy, a regex-laden cleaning walk, a text pass) to decide
whether the text covers less than a fifth of the page and a recall retry is due. Here the
pruned copy is cleaned in place, the backup is not made, and the page's text is bounded from
above first: its text nodes' words, joined (cleaning and block spacing only remove characters or
split words already counted). Only when the text is under a fifth of that bound is the page
measured; the pruned tree the baseline rescue, the measure and the retry read is then pruned
again from the page (pruning is a pure function of the tree). On the crawl benchmark's pages the
measure ran on 382 of 600 and is needed on 3.

The sequence is trafilatura 2.3.1's (``trafilatura.core.trafilatura_sequence`` for our options:
no comments, balanced focus); with another version of trafilatura, :func:`fast_text` calls
``bare_extraction`` itself.
"""

from __future__ import annotations

import functools
import logging
from copy import copy

import trafilatura
from lxml import etree
from trafilatura import core
from trafilatura.settings import Extractor

LOGGER = logging.getLogger(__name__)

SEQUENCE_OF = "2.3.1"  # the trafilatura whose sequence this follows
_TEXTS = etree.XPath("/descendant::text()[not(parent::script or parent::style)]", smart_strings=False)


@functools.cache
def options() -> Extractor:
    """Our settings for fast mode, built once (trafilatura copies them before changing any)."""
    return Extractor(output_format="python", fast=True, comments=False, tables=True)


def fast_text(tree) -> str:
    """``bare_extraction(tree, options=options()).text``, stripped; ``tree`` is left untouched."""
    body = fast_body(tree)
    return core.xmltotxt(body, options().formatting).strip() if body is not None else ""


def fast_body(tree):
    """``bare_extraction(tree, options=options()).body``: the article as trafilatura's XML, or None."""
    if trafilatura.__version__ != SEQUENCE_OF:
        doc = trafilatura.bare_extraction(tree, options=options())
        return doc.body if doc else None
    try:
        body, text = _sequence(tree, options())
    except (TypeError, ValueError):  # what bare_extraction turns into "no document"
        return None
    if len(text) < options().min_output_size and 0 < options().min_output_comm_size:  # no comments kept
        return None
    return body


def page_text_bound(tree) -> int:
    """At least the length of ``html2txt`` of any pruned copy of ``tree``: its text nodes
    (scripts' and styles' left out: cleaning deletes them) each split into words, joined."""
    return len(" ".join(" ".join(_TEXTS(tree)).split()))


# What every element the pruning XPaths select holds in its id or class (trafilatura 2.3.1's
# RAW_TREE_PRUNE_XPATH and REMOVE_COMMENTS_AND_LISTS_XPATH): a page whose ids and classes hold none
# of them is not walked (each walk costs as much as the regexes it tests, 0.2-0.6 ms a page).
_RAW_PRUNE_NEEDLES = (("mvp-post-add-", "infinite"), ("elementor-share-buttons",))
_COMMENTS_NEEDLES = ("omment", "comol", "disqus_thread")
_IDS_AND_CLASSES = etree.XPath("/descendant::*/@id | /descendant::*/@class", smart_strings=False)


def _pruned(tree, names: str):
    """A copy of the raw tree as trafilatura's sequence prunes it before its stages; ``names``:
    the page's ids and classes, joined."""
    pruned = copy(tree)
    for expression, needles in zip(core.RAW_TREE_PRUNE_XPATH, _RAW_PRUNE_NEEDLES, strict=True):
        if any(n in names for n in needles):
            pruned = core.prune_unwanted_nodes(pruned, [expression])
    if any(n in names for n in _COMMENTS_NEEDLES) and not core._forum_thread_page(tree):
        pruned = core.prune_unwanted_nodes(pruned, core.REMOVE_COMMENTS_AND_LISTS_XPATH)
    return pruned


def _sequence(tree, opts: Extractor):
    """trafilatura_sequence's stages 1, 3 and 4 for fast mode without comments."""
    names = "\n".join(_IDS_AND_CLASSES(tree))
    cleaned = core.convert_tags(core.tree_cleaning(_pruned(tree, names), opts), opts, opts.url)
    body, text = core.extract_content(cleaned, opts)
    pruned = None
    if len(text) < opts.min_extracted_size:  # 3. the baseline rescue, if it adds text
        pruned = _pruned(tree, names)
        b_body, b_text, b_len = core.baseline(pruned)
        if b_len > len(text):
            body, text = b_body, b_text
    if (0 < len(text) < core.ESCALATION_MAX_LENGTH
            and len(text) < core.ESCALATION_PAGE_SHARE * page_text_bound(tree)):
        pruned = pruned if pruned is not None else _pruned(tree, names)
        if len(text) < core.ESCALATION_PAGE_SHARE * len(core.html2txt(pruned)):  # 4. the recall retry
            retry = copy(opts)
            retry.focus = "recall"
            r_text = ""
            try:
                r_body, r_text = core._recall_retry(pruned, retry, opts.url)
            except Exception as err:  # as trafilatura: a failed retry keeps the first text
                LOGGER.warning("recall retry failed: %s %s", err, opts.url)
            if len(r_text) >= opts.min_extracted_size and len(r_text) > core.ESCALATION_ACCEPT_RATIO * len(text):
                body, text = r_body, r_text
    return body, text
