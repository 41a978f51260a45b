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

PROBE_WORDS = 6  # enough of a line's start to find its text node

_HAS_CELLS = etree.XPath("boolean(//body//td)")
_TEXT_WITH = etree.XPath("//body//text()[contains(normalize-space(.), $probe)]"
                         "[not(parent::script or parent::style or parent::noscript or parent::template)]")


class LayoutColumns:
    """The columns of one page's layout tables, asked line by line (answers are cached)."""

    def __init__(self, tree) -> None:
        self._tree = tree
        self._found: dict[str, list] = {}

    @classmethod
    def of(cls, tree) -> LayoutColumns | None:
        """None for a page without table cells (no layout table to read)."""
        return cls(tree) if _HAS_CELLS(tree) else None

    def _texts(self, line: str) -> list:
        probe = " ".join(line.split()[:PROBE_WORDS])
        if probe not in self._found:
            self._found[probe] = _TEXT_WITH(self._tree, probe=probe) if probe else []
        return self._found[probe]

    def beside(self, line: str, anchor: str) -> bool:
        """Whether every element holding ``line`` sits in another cell of a row than the one
        holding ``anchor`` (the article's longest line: the longest text that starts like it, not
        a link to it in a side box); False when either cannot be found."""
        anchors, found = self._texts(anchor), self._texts(line)
        if not (anchors and found):
            return False
        article = max(anchors, key=len).getparent()
        return all(_side_by_side(text.getparent(), article) for text in found)


def _side_by_side(a, b) -> bool:
    ancestors = {a, *a.iterancestors()}  # the set keeps lxml's proxies alive, so they compare
    common = next((node for node in [b, *b.iterancestors()] if node in ancestors), None)
    return common is not None and common.tag == "tr" and common is not a and common is not b
