"""Readable terminal tables for the ``provenance`` command (rich), as wide as their content when piped."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

RELATION_STYLES = {
    "origin": "bold", "republication": "green", "syndication": "cyan", "excerpt": "blue",
    "spin": "red", "copy": "magenta", "quotes": "dim",
}


def console() -> Console:
    """A console on stdout; piped output is never cut or wrapped, so URLs stay whole for grep."""
    if sys.stdout.isatty():
        return Console()
    return Console(width=100_000, no_color=True, highlight=False)


def relation(name: str) -> Text:
    return Text(name, style=RELATION_STYLES.get(name, ""))


# C0 and C1 controls (ESC sequences, CSI, newlines that fake a line), DEL, line and paragraph
# separators, and the bidirectional overrides that make text read backwards
_BEYOND_C0 = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_UNSAFE_IN_JSON = re.compile(f"[{_BEYOND_C0}]")  # json escapes C0 controls itself


def printable(text: str) -> str:
    """Crawled text made harmless on a terminal: every control character shown as an escape."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def printable_json(text: str) -> str:
    """JSON text with what json leaves raw and a terminal would act on written as \\u escapes:
    the same JSON to a program."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _text(cell: object) -> Text:
    """Crawled text is shown as it is, controls escaped: never read as rich markup (titles may
    hold "[...]"), never as terminal commands."""
    return cell if isinstance(cell, Text) else Text(printable("" if cell is None else str(cell)))


def line(*parts: object) -> Text:
    return Text.assemble(*(_text(p) for p in parts))


def print_table(columns: Sequence[str], rows: Iterable[Sequence[object]], title: str | None = None,
                numeric: Sequence[str] = ()) -> None:
    table = Table(title=title, box=None, header_style="bold", pad_edge=False)
    for name in columns:
        table.add_column(name, justify="right" if name in numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(_text(cell) for cell in row))
    console().print(table)


def print_tree(root_label: Text, children: Iterable[tuple[int, Text]]) -> None:
    """A tree from (depth, label) pairs in depth-first order; depth 1 hangs from the root."""
    root = Tree(_text(root_label), guide_style="dim")
    stack = [root]
    for depth, label in children:
        del stack[depth:]
        stack.append(stack[-1].add(_text(label)))
    console().print(root)
