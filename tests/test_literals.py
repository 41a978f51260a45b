"""The literal prefilter before a regex search never changes what the search finds."""

import random
import re

import pytest

from archive.provenance import literals, wires


@pytest.mark.parametrize("pattern, expected", [
    (re.compile(r"(?:©|copyright)\s*\d{4}\s*(?:the\s+)?associated press", re.I), ("associated press",)),
    (re.compile(r"\(\s*AP\s*\)|\bAP\s+[-–—]\s"), ("AP",)),
    (re.compile(r"\bsource:\s*xinhua\b|xinhua news agency", re.I), ("source:", "xinhua news agency")),
    (re.compile(r"(?:ab)?c"), ("c",)),
])
def test_needed_reads_what_every_match_holds(pattern, expected):
    assert literals.needed(pattern) == expected


@pytest.mark.parametrize("pattern", [r"\d+", r"a|\w", r"(?:ab)*", r"(?i:press)"])
def test_no_needs_when_a_match_may_hold_no_literal(pattern):
    assert literals.needed(re.compile(pattern)) is None


def test_case_insensitive_needs_honour_unicode_folding():
    pattern = re.compile("associated press", re.I)
    needs = literals.needed(pattern)
    for text in ("ASSOCIATED PRESS", "aſſociated preſs", "The Associated Press"):
        assert pattern.search(text)
        assert literals.may_match(pattern, needs, text)
    assert not literals.may_match(pattern, needs, "the press, associated")


def test_prefiltered_search_agrees_with_search_on_the_agencies_patterns():
    pieces = ["Associated Press", "associated\npress", "aſſociated preſs", "© 2024 AP", "(AP) ", "AP — ",
              "(Reporting by Jane Doe)", "Reporting by Jane Doe; editing by Bob", "copyright 2020 Reuters",
              "AFP", "agence france-presse", "Source: Xinhua", "Business Wire", "/PRNewswire/", "Cision x PRNewswire",
              "The Canadian Press", "(AA)", "İ", "ı", "K", " ", "\n", "the ", "by ", "2024 ", "(UPI)", "Kyodo — "]
    rng = random.Random(5)
    patterns = [p for a in wires.AGENCIES for p in (a.head, a.anywhere) if p is not None]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        text = text.upper() if rng.random() < 0.3 else text
        for pattern in patterns:
            assert wires._found(pattern, text, literals.folded(text)) == (pattern.search(text) is not None), (
                pattern.pattern, text)
