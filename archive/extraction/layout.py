"""Which column of a page's layout table a line of extracted text comes from.

Old pages lay themselves out in one table row: a cell of section blurbs, the story's cell, a
cell of side boxes ("Weather Alerts: no watches or warnings ... Click here for the 7-day
forecast"). Extractors that keep a side cell's text put it before or after the article, where it
reads like a paragraph. Two lines sit side by side when the nearest common ancestor of their
elements is a table row (``<tr>``); lines of cells stacked in rows, or of one cell's nested
tables, share a column. Only the column of the article's longest line is kept.
"""

from __future__ import annotations

from lxml import etree

KEY_WORDS = 3  # text nodes are found by their first words; a line starts where a text node does
PROBE_WORDS = 6  # enough of the article's longest line to find it

_HAS_CELLS = etree.XPath("boolean(/descendant::body/descendant::td)")
_TEXT_WITH = etree.XPath("/descendant::body/descendant::text()[contains(normalize-space(.), $probe)]"
                         "[not(parent::script or parent::style or parent::noscript or parent::template)]")
_TEXTS = etree.XPath("/descendant::body/descendant::text()[not(parent::script or parent::style or parent::noscript"
                     " or parent::template)]")


class LayoutColumns:
    """The columns of one page's layout tables, asked line by line."""

    def __init__(self, tree) -> None:
        self._tree = tree
        self._starts: dict[str, list] | None = None  # built on the first question
        self._articles: dict[str, object] = {}

    @classmethod
    def of(cls, tree) -> LayoutColumns | None:
        """None for a page without table cells (no layout table to read)."""
        return cls(tree) if _HAS_CELLS(tree) else None

    def _texts(self, line: str) -> list[tuple[str, object]]:
        """The page's text nodes (normalised text, element) that the line starts with or that
        start with the line."""
        if self._starts is None:
            self._starts = {}
            for text in _TEXTS(self._tree):
                words = text.split()
                if words:
                    self._starts.setdefault(" ".join(words[:KEY_WORDS]), []).append((" ".join(words), text.getparent()))
        words = line.split()
        flat = " ".join(words)
        for size in range(min(KEY_WORDS, len(words)), 0, -1):  # the longest start first
            found = [(text, element) for text, element in self._starts.get(" ".join(words[:size]), ())
                     if (size == KEY_WORDS or len(text.split()) == size)
                     and (flat.startswith(text) or text.startswith(flat))]
            if found:
                return found
        return []

    def article(self, anchor: str):
        """The element holding the article's longest line when it sits in a table cell (the
        longest text that starts like it, not a link to it in a side box), else None."""
        if anchor not in self._articles:
            probe = " ".join(anchor.split()[:PROBE_WORDS])
            texts = _TEXT_WITH(self._tree, probe=probe) if probe else []
            element = max(texts, key=len).getparent() if texts else None
            in_cell = element is not None and next(element.iterancestors("td", "th"), None) is not None
            self._articles[anchor] = element if in_cell else None
        return self._articles[anchor]

    def beside(self, line: str, article) -> bool:
        """Whether every element holding ``line`` sits in another cell of a row than ``article``;
        False when the line cannot be found."""
        found = self._texts(line)
        return bool(found) and all(_side_by_side(element, article) for _, element in found)


def _side_by_side(a, b) -> bool:
    ancestors = {a, *a.iterancestors()}  # the set keeps lxml's proxies alive, so they compare
    common = next((node for node in [b, *b.iterancestors()] if node in ancestors), None)
    return common is not None and common.tag == "tr" and common is not a and common is not b
