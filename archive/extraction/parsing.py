"""Bytes to a usable lxml tree, whatever the page's age or damage.

lxml's lax HTML parser is fast and right on almost every page, but it refuses a decoded string
that still carries an ``<?xml ... encoding=...?>`` declaration, and on damaged starts it loses the
``<body>``: nested under a ``<frameset>`` or a second ``<html>``, or swallowed by the head after an
unclosed ``<title>`` or ``<script>``. A nested body is moved back under ``<html>``; when the tree is
still implausible (little body text, or more text stranded in the head), the page is parsed again
with lexbor (selectolax), which follows the HTML5 algorithm as browsers do, and then from its last
``<body>`` tag on; the tree with the most body text is kept. Comments and processing instructions are removed from the tree (they
change what the extractors keep: commented-out old markup reads as text to some of them). The
HTML5 void elements libxml2 does not know (``<embed>``, ``<source>``, ``<track>``, ``<wbr>``,
``<keygen>``) swallow everything up to their parent's end tag: what they hold is moved back out
after them (trafilatura drops an ``<embed>`` with its children, and with them the rest of the
article). libxml2 does not close an open ``<p>`` at the HTML5 sections (``<section>``, ``<article>``,
``<figure>``, ``<aside>``...), nor at any block inside an inline element of the paragraph
(``<p><b><div>``): the paragraph is closed before the block, as an HTML5 parser does, the inline
elements it crossed closed with it and links and emphasis reopened around what they held (else the
paragraph and the box after it are one block to the extractors); what the paragraph held after the
block is a paragraph of its own, where an HTML5 parser leaves loose text that extractors drop (the
article going on after a related-story box a template put inside the paragraph).
"""

from __future__ import annotations

import itertools
import logging
import re

import lxml.html
from lxml import etree
from w3lib.encoding import html_body_declared_encoding, html_to_unicode

LOGGER = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # lxml and XML text nodes refuse them
# The same characters as UTF-8 bytes (multi-byte sequences hold none of them): deleting bytes is
# ten times faster than the pattern on a long page, and lxml reads UTF-8 bytes faster than a str.
_CONTROL_BYTES = bytes([*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])
_BLANK = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + _CONTROL_BYTES.decode()  # U+3000: the last space


def _parser(**options) -> etree.HTMLParser:
    """lxml.html's parser, but every element a plain HtmlElement: lxml.html picks each element's
    class in Python, a call for every element Python touches (4 % of extraction), for form classes
    nothing here uses."""
    parser = lxml.html.HTMLParser(**options)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity))
    return parser


_UTF8, _TEXT = _parser(encoding="utf-8"), _parser()
_HEAD_OK = {"title", "meta", "link", "script", "style", "noscript", "base", "template"}
_VOIDS_LXML_NESTS = ("embed", "source", "track", "wbr", "keygen")
# The start tags that close an open <p> in HTML5 ("close a p element if one is in button scope"; a
# <table> only in no-quirks mode: libxml2 closes it before a table, old pages keep one in <font>),
# and the elements reopened around the text after them (its "formatting elements").
_CLOSE_P = ("address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
            "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p",
            "search", "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "listing", "form",
            "li", "dd", "dt", "hr", "xmp")
_FORMATTING = frozenset("a b big code em font i nobr s small strike strong tt u".split())
_P_SCOPE_ENDS = frozenset("button applet caption html table td th marquee object template svg math select".split())
PLAUSIBLE_BODY_WORDS = 50  # fewer words in <body>: try the HTML5 parser too (cheap on such pages)


class ParseError(ValueError):
    """The page is not HTML any parser can read."""


def decode(body: bytes, content_type: str | None = None) -> str:
    """The page as text. The declared encoding first (header, then ``<meta>``, as browsers do);
    when it is wrong (bytes it cannot decode), the ``<meta>`` one, then UTF-8, then Windows-1252,
    whichever decodes the whole page."""
    _, text = html_to_unicode(content_type, body)
    if "\ufffd" not in text or b"\xef\xbf\xbd" in body:  # no damage, or damage already in the page
        return text
    for encoding in (html_body_declared_encoding(body), "utf-8", "cp1252"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return text


def _words(node) -> int:
    return len(" ".join(node.itertext()).split()) if node is not None else 0


def _stray_head_words(tree) -> int:
    """Words in ``<head>`` outside the elements that belong there: body content lxml misplaced."""
    head = tree.find("head")
    if head is None:
        return 0
    return sum(_words(child) + len((child.tail or "").split()) for child in head
               if isinstance(child.tag, str) and child.tag not in _HEAD_OK)


def _lxml(html: str | bytes):
    """lxml's tree of a page, as text or as UTF-8 bytes."""
    try:
        if isinstance(html, bytes):
            return lxml.html.document_fromstring(html, parser=_UTF8)
        return lxml.html.document_fromstring(html, parser=_TEXT)
    except (etree.ParserError, ValueError) as exc:
        LOGGER.debug("lxml could not parse the page: %s", exc)
        return None


def _html5(html: str):
    """The page as an HTML5 parser builds it (lexbor), handed to lxml as its serialisation."""
    from selectolax.lexbor import LexborHTMLParser

    try:
        serialised = LexborHTMLParser(html).html
    except Exception as exc:  # lexbor raises its own errors on pathological input
        LOGGER.debug("lexbor could not parse the page: %s", exc)
        return None
    return _lxml(serialised) if serialised else None


def body_words(tree, enough: int | None = None) -> int:
    """Words in the tree's ``<body>``; counting stops past ``enough``."""
    body = tree.find("body") if tree is not None else None
    if body is None:
        return 0
    words = 0
    for text in body.itertext():
        words += len(text.split())
        if enough is not None and words > enough:
            break
    return words


def _lift_body(tree):
    """A ``<body>`` lxml nested inside another element (a frameset, a second ``<html>``) moved
    back under the root, where every reader looks for it."""
    if tree is not None and tree.find("body") is None:
        nested = max(tree.iter("body"), key=_words, default=None)
        if nested is not None:
            tree.append(nested)
    return tree


def _from_last_body_tag(html: str):
    """The page from its last ``<body`` tag on: what is left when the head swallowed it all."""
    at = html.lower().rfind("<body")
    return _lxml(html[at:]) if at > 0 else None


def _unnest_voids(voids: list) -> None:
    """The children and text lxml put inside an empty element, moved out to follow it (``voids``:
    the page's, in document order)."""
    for element in reversed(voids):  # inner ones first
        children, parent = list(element), element.getparent()
        if parent is None or not children and not (element.text or "").strip():
            continue
        at, tail = parent.index(element), element.tail
        element.tail, element.text = element.text, None
        for offset, child in enumerate(children, 1):
            parent.insert(at + offset, child)
        last = children[-1] if children else element
        last.tail = (last.tail or "") + (tail or "") or None


def _close_paragraphs(paragraphs: list) -> None:
    """Each of the ``paragraphs`` holding a block ends before its first block, as an HTML5 parser
    ends it; what it held after the block is a paragraph of its own (an HTML5 parser leaves it
    loose text, which a browser shows as a paragraph and extractors drop)."""
    todo = paragraphs[::-1]
    while todo:
        paragraph = todo.pop()
        for block in paragraph.iterdescendants(*_CLOSE_P):
            path = list(itertools.takewhile(lambda e: e is not paragraph, block.iterancestors()))
            if not any(e.tag in _P_SCOPE_ENDS for e in path):  # a <p> in a <button> is not closed by it
                for inline in path:  # innermost first
                    _lift_after(block, inline)
                rest = _continuation(paragraph, block)
                rest.tail, paragraph.tail = paragraph.tail, None
                paragraph.addnext(block)
                if len(rest) or (rest.text or "").strip():
                    block.addnext(rest)
                    todo.append(rest)
                else:
                    block.tail = (rest.text or "") + (rest.tail or "") or None
                break


def _lift_after(block, parent) -> None:
    """``block``, its following siblings and its tail moved out of ``parent`` to follow it; a link or
    emphasis ``parent`` (not a paragraph) is reopened inside the block and around what follows it."""
    rest = list(block.itersiblings())
    at, tail = parent.getparent().index(parent), parent.tail
    parent.tail = None
    reopen = parent.tag in _FORMATTING
    if reopen:
        _wrap_content(block, parent)
        if rest or (block.tail or "").strip():
            rest = [_continuation(parent, block)]
    moved = [block, *rest]
    for offset, element in enumerate(moved, 1):
        parent.getparent().insert(at + offset, element)
    last = moved[-1]
    last.tail = (last.tail or "") + (tail or "") or None


def _continuation(element, block):
    """An empty copy of ``element`` holding what followed ``block`` in it: its tail and the siblings after it."""
    copy = element.makeelement(element.tag, element.attrib)
    copy.text, block.tail = block.tail, None
    copy.extend(list(block.itersiblings()))
    return copy


def _wrap_content(block, formatting) -> None:
    """What ``block`` holds wrapped in an empty copy of ``formatting`` (``<div><a href>...</a></div>``)."""
    if not len(block) and not (block.text or "").strip():
        return
    shell = formatting.makeelement(formatting.tag, formatting.attrib)
    shell.text, block.text = block.text, None
    shell.extend(list(block))
    block.append(shell)


def _without_controls(html: str) -> bytes | str:
    """The page as UTF-8 bytes without control characters; as text when it cannot be encoded
    (a lone surrogate in a str handed to us)."""
    try:
        return html.encode("utf-8").translate(None, _CONTROL_BYTES)
    except UnicodeEncodeError:
        return _CONTROL.sub("", html)


def parse(body: bytes | str, content_type: str | None = None):
    """The page's lxml tree, comments removed; :class:`ParseError` when no parser finds text."""
    html = decode(body, content_type) if isinstance(body, bytes) else body
    html = _XML_DECLARATION.sub("", html, count=1)
    if not html.strip(_BLANK):  # only spaces and control characters
        raise ParseError("empty page")
    data = _without_controls(html)
    tree = _lift_body(_lxml(data))
    stray = _stray_head_words(tree) if tree is not None else 0
    words = body_words(tree, enough=max(PLAUSIBLE_BODY_WORDS, stray))
    for reparse in (_html5, _from_last_body_tag):
        if tree is not None and words >= PLAUSIBLE_BODY_WORDS and words >= stray:
            break
        other = _lift_body(reparse(data.decode("utf-8") if isinstance(data, bytes) else data))
        if body_words(other) > words:
            tree, words = other, body_words(other)
            stray = _stray_head_words(tree)
    if tree is None:
        raise ParseError("unparsable HTML")
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    found = list(tree.iter("p", *_VOIDS_LXML_NESTS))  # one walk for both repairs
    _unnest_voids([e for e in found if e.tag != "p"])
    _close_paragraphs([e for e in found if e.tag == "p" and len(e)])
    return tree
