"""A cheap test before an expensive regex search: the literal words every match must contain.

Python's ``re`` has no literal prefilter for case-insensitive patterns or alternations, so a
pattern such as ``(?:©|copyright)\\s*\\d{4}\\s*(?:the\\s+)?associated press`` is tried at every
position of a long text. :func:`needed` reads a compiled pattern's syntax tree and returns ASCII
strings of which every match holds at least one ("associated press" here); when none of them is in
the text, :func:`may_match` says so in a few substring tests and the search is skipped. It is
conservative: a pattern it cannot read gives ``None`` and is always searched, so the answer of
``search`` never changes.
"""

from __future__ import annotations

import re
from re import _constants as c, _parser  # the parser ``re`` itself uses (private, stable since 3.11)

# Characters that a case-insensitive pattern matches to an ASCII letter and that ``str.lower`` does
# not turn into it ("ſ" is "s", "ı" and "İ" are "i"): a text holding one is always searched.
_FOLDED_TO_ASCII = frozenset("ſıİ")
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)


def needed(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Strings of which every match of ``pattern`` contains one (lowercased if it ignores case),
    or None when no such set is known."""
    try:
        found = _sequence(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # a construct this reader does not know: no prefilter
        return None
    if not found:
        return None
    return tuple(sorted(s.lower() for s in found)) if pattern.flags & re.IGNORECASE else tuple(sorted(found))


def folded(text: str) -> str | None:
    """The text as :func:`may_match` compares it with a case-insensitive pattern's needs (None:
    it holds a character folded to an ASCII letter, and is always searched). Computed once for a
    text searched with many patterns."""
    return text.lower() if _FOLDED_TO_ASCII.isdisjoint(text) else None


def may_match(pattern: re.Pattern, needs: tuple[str, ...] | None, text: str, lowered: str | None = None) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text`` (``needs`` from :func:`needed`;
    ``lowered``: :func:`folded` of the text, when the caller has it)."""
    if needs is None:
        return True
    if pattern.flags & re.IGNORECASE:
        text = folded(text) if lowered is None else lowered
        if text is None:
            return True
    return any(s in text for s in needs)


def _sequence(items) -> frozenset[str] | None:
    """Of the requirements of a sequence's items (runs of literal characters, required groups),
    the one whose shortest string is longest."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is c.LITERAL and av < 128:
            run.append(chr(av))
            continue
        if run:
            options.append(frozenset(["".join(run)]))
            run = []
        inner = _item(op, av)
        if inner:
            options.append(inner)
    if run:
        options.append(frozenset(["".join(run)]))
    return max(options, key=lambda o: min(map(len, o)), default=None)


def _item(op, av) -> frozenset[str] | None:
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, inner = av
        return None if add_flags or del_flags else _sequence(inner)  # scoped flags: not read
    if op is c.BRANCH:
        branches = [_sequence(branch) for branch in av[1]]
        return None if not all(branches) else frozenset().union(*branches)
    if op in _REPEATS:
        low, _high, inner = av
        return _sequence(inner) if low >= 1 else None
    if op is c.ATOMIC_GROUP:
        return _sequence(av)
    return None
