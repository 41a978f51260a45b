"""Body-text candidates from several extractors, each a plain text with one block a line.

trafilatura in fast mode is the cheap first answer; trafilatura's full cascade and
readability-lxml are the second opinions :mod:`archive.extraction.choice` asks for when the
first looks wrong. :func:`standfirst` is the article's lead paragraph as the page shows it, which
trafilatura and readability often leave out (it sits above the body, in a header box). Every
function takes the parsed (comment-free) tree and leaves it untouched.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import logging
import re

import lxml.html
import trafilatura
import trafilatura.xml
from lxml import etree
from trafilatura.settings import Extractor

from archive.extraction.fastmode import fast_body

LOGGER = logging.getLogger(__name__)

_BLOCKS = frozenset("p div h1 h2 h3 h4 h5 h6 li td th tr br blockquote pre section article table ul ol dl dd dt"
                    " figcaption header footer aside main caption".split())


@functools.cache
def _options(fast: bool) -> Extractor:
    """trafilatura's settings for our calls, built once: building them per call costs a tenth of a
    millisecond (trafilatura copies them before changing any)."""
    return Extractor(output_format="python", fast=fast, comments=False, tables=True)


def trafilatura_text(tree, fast: bool) -> str:
    """trafilatura's body text (it copies the tree it is given), line breaks of the markup's source
    read as spaces; fast mode without the work whose result is thrown away
    (:mod:`archive.extraction.fastmode`)."""
    if fast:
        body = fast_body(tree)
    else:
        doc = trafilatura.bare_extraction(tree, options=_options(fast))
        body = doc.body if doc else None
    if body is None:
        return ""
    source_breaks_as_spaces(body, lambda: tree.find(".//pre") is not None)
    return trafilatura.xml.xmltotxt(body, False).strip()


# trafilatura's elements that start a line (xml.NEWLINE_ELEMS, list items and table cells); the
# others (emphasis, links, code) run inline
_TRAFILATURA_LINES = frozenset({"p", "head", "list", "item", "quote", "row", "table", "cell", "lb", "graphic"})
_SOURCE_BREAK = re.compile(r"\s*\n\s*")


def source_breaks_as_spaces(body, page_has_pre) -> None:
    """Line breaks of the markup's source in trafilatura's XML ``body`` made spaces, as a browser
    shows them: trafilatura keeps them in a paragraph that has children (``<p>a\nb<br>c</p>``), so
    one paragraph became several lines; a ``<br>`` still breaks the line. Code keeps its lines, and
    quotes too on a page with a ``<pre>`` (``page_has_pre()``: trafilatura makes a ``<pre>`` that is
    not code a quote)."""
    verbatim = {e for code in body.iter("code") for e in code.iter()}
    quotes = [quote for quote in body.iter("quote") if quote not in verbatim]
    if quotes and page_has_pre():
        verbatim.update(e for quote in quotes for e in quote.iter())
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        text = element.text
        if text and "\n" in text and element not in verbatim and not text.isspace():
            line = element.tag in _TRAFILATURA_LINES
            element.text = _unbroken(text, line, line and (not len(element) or element[0].tag == "lb"))
        tail, parent = element.tail, element.getparent()
        if tail and "\n" in tail and parent is not None and parent not in verbatim and not tail.isspace():
            following = element.getnext()
            ends_line = (following if following is not None else parent).tag in _TRAFILATURA_LINES
            element.tail = _unbroken(tail, element.tag in _TRAFILATURA_LINES, ends_line)


# Chinese and Japanese characters and punctuation: a line break between two of them is no space
# (CSS Text 3, segment break transformation)
_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _space_or_nothing(match: re.Match) -> str:
    text, start, end = match.string, match.start(), match.end()
    return "" if 0 < start and end < len(text) and _WIDE.match(text[start - 1]) and _WIDE.match(text[end]) else " "


def _unbroken(text: str, starts_line: bool, ends_line: bool) -> str:
    text = _SOURCE_BREAK.sub(" " if text.isascii() else _space_or_nothing, text)
    text = text.lstrip() if starts_line else text
    return text.rstrip() if ends_line else text


def block_text(node) -> str:
    """The text of an HTML fragment with a line per block element (paragraph, heading, cell); line
    breaks in the markup's source are spaces, as a browser shows them."""
    parts = [_spaced(node.text)]
    stack = [(child, False) for child in reversed(node)]
    while stack:  # iterative: deep table nests must not hit the recursion limit
        element, closing = stack.pop()
        if closing:
            parts.append("\n" if element.tag in _BLOCKS else "")
            parts.append(_spaced(element.tail))
            continue
        if not isinstance(element.tag, str):
            parts.append(_spaced(element.tail))
            continue
        parts.append("\n" if element.tag in _BLOCKS else "")
        parts.append(_spaced(element.text) if element.tag != "pre" else element.text or "")
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _spaced(text: str | None) -> str:
    return text.replace("\n", " ").replace("\r", " ") if text else ""


def readability_text(tree, url: str | None = None) -> str:
    """readability-lxml's article (it rewrites the tree it reads: it gets a copy). It is not told
    the page's URL: it would only make the article's links absolute, a walk over every link of
    the page that costs as much as the rest of its cleaning, for attributes we do not read;
    ``url`` names the page in the log."""
    from readability import Document

    try:
        summary = Document(copy.deepcopy(tree)).summary(html_partial=True)
    except Exception as exc:  # readability raises assorted errors on odd pages
        LOGGER.debug("readability failed on %s: %s", url, exc)
        return ""
    return markup_text(summary)


def markup_text(markup: str) -> str:
    """:func:`block_text` of an HTML string; the string itself when lxml cannot read it."""
    try:
        return block_text(lxml.html.fragment_fromstring(markup, create_parent="div"))
    except (ValueError, AssertionError, lxml.etree.ParserError):  # lxml asserts on a fragment without a body
        return " ".join(markup.split()) if "<" not in markup else ""


EMBEDDED_MIN_WORDS = 80  # a shorter string in a page's JSON is a teaser or a label


def _strings(data, depth: int = 0):
    if depth > 40:
        return
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value, depth + 1)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value, depth + 1)


def _script_data(node):
    """The JSON a script holds: all of it, or the first object or array in its code
    (``window.x.push({...})``, ``self.__DATA__ = {...}``)."""
    code = node.text or ""
    if len(code) < 8 * EMBEDDED_MIN_WORDS:
        return
    try:
        yield json.loads(code)
        return
    except ValueError:
        pass
    decoder = json.JSONDecoder()
    at = code.find("{")
    for _ in range(3):
        if at < 0:
            return
        try:
            yield decoder.raw_decode(code, at)[0]
            return
        except ValueError:
            at = code.find("{", at + 1)


def embedded_text(tree) -> str:
    """The longest text a page carries as data (JSON-LD ``articleBody``, ``__NEXT_DATA__`` and
    other JSON scripts) for pages whose article a script renders; its markup kept as lines."""
    best = ""
    for node in tree.iter("script"):
        for value in (v for data in _script_data(node) for v in _strings(data)):
            if len(value) > len(best) and len(value.split()) >= EMBEDDED_MIN_WORDS or (
                    len(value) > len(best) and " " not in value and len(value) >= 8 * EMBEDDED_MIN_WORDS):
                best = value
    return markup_text(best) if best else ""


STANDFIRST_MIN_WORDS = 8  # a shorter description is a label or the headline again
STANDFIRST_MAX_ELEMENTS = 30  # an element holding more is a container, not the lead's own box
_DESCRIPTIONS = etree.XPath("/descendant::meta[@name='description' or @property='og:description'"
                            " or @name='twitter:description' or @property='twitter:description']/@content")
_TEXT_WITH = etree.XPath("/descendant::body/descendant::text()[contains(., $probe)]"
                         "[not(parent::script or parent::style or parent::noscript or parent::template)]")


_WORD = re.compile(r"\w+")


def flat(text: str) -> str:
    """The words of a text, case-folded, one space apart: text compared as read."""
    return _flat_line(text) if len(text) < FLAT_CACHED_CHARS else _flat(text)


FLAT_CACHED_CHARS = 2000  # link texts and lines are flattened again by every test and candidate; texts are not


def _flat(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


_flat_line = functools.lru_cache(maxsize=8192)(_flat)


def standfirst(tree, known: str | None = None) -> str | None:
    """The page's description when the page also shows it, whole, as the text of one element
    outside any link: the lead paragraph (a teaser's blurb is inside its link or is not the
    page's own description). ``known``: the :func:`flat` words of a text the caller will
    add the lead to only if they do not hold it: when they hold every description, the page is
    not searched (None)."""
    wanted = {flat(d): d for d in map(str, _DESCRIPTIONS(tree)) if len(d.split()) >= STANDFIRST_MIN_WORDS}
    if known is not None and all(words in known for words in wanted):
        return None
    for words, description in sorted(wanted.items(), key=lambda item: -len(item[0])):
        for text in _TEXT_WITH(tree, probe=" ".join(description.split()[:4])):
            element = text.getparent()
            for _ in range(3):  # the text's element or a small box around it (<p><strong>...</strong> ...</p>)
                if element is None or element.tag == "a" or next(element.iterancestors("a"), None) is not None:
                    break
                if sum(1 for _ in itertools.islice(element.iter(), STANDFIRST_MAX_ELEMENTS)) >= STANDFIRST_MAX_ELEMENTS:
                    break
                if flat(element.text_content()) == words:
                    return " ".join(element.text_content().split())
                element = element.getparent()
    return None
