"""Evidence that A is the copy B was made from, one readable item at a time.

Each function looks at one kind of clue and returns :class:`Evidence` items whose weights are
log-odds-like scores: positive for "A is B's source", negative against. Weights were set by
hand from what each clue proves (a canonical tag naming A is near-proof, a date is a hint that
can be back-dated) and checked on the evaluation corpora in ``benchmarks/``.
"""

from __future__ import annotations

import math
from datetime import datetime, time

from wordfreq import zipf_frequency

from archive.provenance.compare import Pair
from archive.provenance.credits import names_outlet, squash, title_suffixes
from archive.provenance.model import TRUST_URL, Credit, Doc, Evidence
from archive.provenance.text import is_content_word
from archive.urls import outlet_domain, outlet_label, url_key

ALLOWED_NOVEL_AT_EDGE = 25  # new words a copy may add at its top or bottom (notes, credits, datelines)
INSERTED_PASSAGE = 10  # words added mid-text that a copy of A alone could not have
SPIN_MARKS_GAP = 3.0  # spinner debris per 1,000 words that tells two texts apart
NOVEL_SHARE = 0.3  # share of new words that makes an inserted stretch new content
REACH = 10  # words: a copy aligned this close to a line on both sides had the line before it
_LINES = ("line", "dateline", "link")  # credits that stand in the text (a link's text is its line)
WHOLE_SHARE = 0.9  # a copy holding this share of a source took it whole...
EXTENT_SHARE = 0.8  # ...and one holding less than this of another cut that one short
LEFT_OUT_WORDS = 3  # words of a source a copy leaves out when another source it holds to the last word
ATTRIBUTION_WORDS = 12  # an attribution ("According to X,") stands this close before a passage it introduces
RARER_SWAPS = 8  # words swapped for rarer ones that tell which of two texts a spinner made


def outlet_names(doc: Doc) -> list[str]:
    """The names the document's outlet goes by, squashed (``Doc.outlet_names``)."""
    domain = outlet_domain(doc.url)
    label = outlet_label(domain)
    if label == domain.rsplit(".", 1)[-1]:  # a suffix the public list lacks: "harlowstreet.test" is not "test"
        label = domain.split(".")[0]
    return [n for n in dict.fromkeys([squash(doc.site_name), squash(label)]) if n]


def same_outlet(a: Doc, b: Doc) -> bool:
    return outlet_domain(a.url) == outlet_domain(b.url)


def unexplained(pair: Pair) -> list[Evidence]:
    """B holds passages that A lacks: A cannot be B's only source (an excerpt is never a parent
    of the full text). Between two shared passages, words both sides replaced are a rewrite;
    only what B has beyond A's stretch there counts as added, and only its words that A does not
    use at all (a headline repeated by a page template adds nothing new)."""
    al, words_b = pair.alignment, pair.b.tok.norm
    known = pair.a.vocabulary
    bounds = [(0, 0, 0, 0)] + [(p.a0, p.a1, p.b0, p.b1) for p in al.passages] + [(al.len_a, al.len_a, al.len_b, al.len_b)]
    missing = 0
    for k, ((_, a_end, _, b_end), (a_start, _, b_start, _)) in enumerate(zip(bounds, bounds[1:])):
        at_edge = k == 0 or k == len(bounds) - 2
        # at either end nothing is replaced: what A has there, B cut; what B has there is its own
        added = (b_start - b_end) - (0 if at_edge else a_start - a_end)
        if added < INSERTED_PASSAGE:
            continue
        novel = sum(1 for w in words_b[b_end:b_start] if w not in known and is_content_word(w))
        if at_edge:
            missing += max(0, novel - ALLOWED_NOVEL_AT_EDGE)
        elif novel >= NOVEL_SHARE * added:
            missing += novel
    if missing == 0:
        return []
    weight = -min(8.0, 1.0 + 0.08 * missing)
    return [Evidence("unexplained", weight, f"{missing} words of the copy are not in the source")]


def opening_cut(pair: Pair) -> bool:
    """Does B's text open with what it shares with A, while A's opens with more words of its own
    than a copy adds at its top (``ALLOWED_NOVEL_AT_EDGE``: more than a credit line or dateline)?"""
    al = pair.alignment
    if not al.passages:
        return False
    return min(p.a0 for p in al.passages) >= ALLOWED_NOVEL_AT_EDGE and min(p.b0 for p in al.passages) < INSERTED_PASSAGE


def dropped_dateline(a: Doc, b: Doc) -> list[Evidence]:
    """A's wire dateline is part of its first paragraph, and copies of a wire copy keep it."""
    flat_b = squash(b.text[:400])
    for credit in a.credits:
        if credit.kind == "dateline" and squash(credit.text) not in flat_b:
            return [Evidence("dateline_dropped", -1.0, f"the copy lacks the source's dateline {credit.text!r}")]
    return []


def wire_line(pair: Pair) -> list[Evidence]:
    """B closes with its agency's credit or copyright line and A does not: only the agency writes
    that line, and a copier takes a text whole, so B did not get its text from A (but from the
    wire, or from a copy that kept the line). Nor did it when A closes with the line and B, holding
    the rest of A, lacks it."""
    a, b = pair.a, pair.b
    if b.wire_line and a.wire_line is None and a.wire in (None, b.wire):
        return [Evidence("wire_line_added", -1.0, f"the copy closes with the agency's line {b.wire_line[:60]!r}, "
                                                  f"which the source lacks")]
    if a.wire_line and b.wire_line is None and b.wire in (None, a.wire) and pair.alignment.contain_a >= WHOLE_SHARE:
        return [Evidence("wire_line_dropped", -0.5, f"the copy lacks the agency's line {a.wire_line[:60]!r} "
                                                    f"the source closes with")]
    return []


def dropped_credit(pair: Pair, lines: list[tuple[int, int, str]], carried: list[str]) -> list[Evidence]:
    """A credit line travels with the text it stands in: B copied A's text on both sides of one
    of A's credit lines (or up to A's edge) and lacks the line, so B was not made from A but,
    most likely, from the source that line names. ``lines``: A's credit lines, as token spans
    of A; ``carried``: those B carries."""
    al = pair.alignment
    for start, end, text in lines:
        if text in carried:
            continue
        before = start <= REACH or any(p.a0 < start and p.a1 >= start - REACH for p in al.passages)
        after = end >= al.len_a - REACH or any(p.a1 > end and p.a0 <= end + REACH for p in al.passages)
        if before and after:
            return [Evidence("credit_dropped", -1.0, f"the copy lacks the source's credit line {text!r}")]
    return []


def dropped_link(pair: Pair, links: list[tuple[str, str]]) -> list[Evidence]:
    """A credits another outlet of the story with a link standing outside its text ("Via X"), and
    B, holding all of A's text, credits that outlet nowhere: a copier keeps the credit with the
    text it takes, so B was not made from A. ``links``: A's link texts, with the outlet each names."""
    if pair.alignment.contain_a < WHOLE_SHARE:
        return []
    b = pair.b
    for text, outlet in links:
        if not any(names_outlet(c.text, [outlet]) for c in b.credits if c.kind in _LINES):
            return [Evidence("credit_link_dropped", -1.0, f"the copy lacks the source's credit link {text!r}")]
    return []


def shared_runs(a: Doc, b: Doc) -> int:
    """Three-word runs the two texts share, wherever they stand: unlike an alignment, the count
    does not depend on how paragraphs a spinner moved around happened to align."""
    return len(a.trigrams & b.trigrams)


def closeness(shared: int, best: int) -> list[Evidence]:
    """Compared with B's closest relative, how many of B's three-word runs A lacks. Copies that
    share a note, a credit line or a spinner's word choices sit on one copy chain."""
    lag = best - shared
    if lag <= 0:
        return [Evidence("closest_text", 0.5, f"closest text: {shared} three-word runs shared")]
    return [Evidence("closer_text_elsewhere", -min(6.0, 0.12 * lag),
                     f"another copy shares {lag} more three-word runs with it")]


def extent(pair: Pair, rivals: list[Pair]) -> list[Evidence]:
    """A copier takes a text whole: a copy that stops where another possible source of it stops,
    and leaves out much of this one, came from that other source rather than cutting this one at
    the very same place."""
    al = pair.alignment
    kept = al.contain_a
    whole = next((r for r in rivals if r.alignment.contain_a >= WHOLE_SHARE), None)
    if whole is None:
        return []
    if kept < EXTENT_SHARE:
        return [Evidence("ends_where_other_ends", -0.6,
                         f"the copy leaves out {1 - kept:.0%} of this text and ends where {whole.a.url} ends")]
    # among texts it holds nearly whole, the one it holds to the last word
    entire = next((r for r in rivals if r.alignment.covered_a == r.alignment.len_a), None)
    left_out = al.len_a - al.covered_a
    if entire is not None and left_out >= LEFT_OUT_WORDS and not pair.spun:
        return [Evidence("other_held_entire", -0.3,
                         f"the copy leaves out {left_out} words of this text, none of {entire.a.url}")]
    return []


def pointers(a: Doc, b: Doc) -> list[Evidence]:
    """B's canonical tag, source meta tags, schema.org isBasedOn or links point to A."""
    out, target = [], url_key(a.url)
    if url_key(b.url) == target:
        return out
    strength = {"canonical": 4.0, "original_source": 4.0, "syndication_source": 4.0, "is_based_on": 4.0,
                "og_url": 3.0, "link": 4.0}
    for credit in b.credits:
        if credit.url and url_key(credit.url) == target and credit.kind in strength:
            out.append(Evidence(f"{credit.kind}_to_source", strength[credit.kind],
                                f"copy's {credit.kind.replace('_', ' ')} points to {credit.url}"))
    if not out and any(url_key(link) == target for link in b.links):
        out.append(Evidence("links_to_source", 2.0, f"copy links to {a.url}"))
    return out[:2]


def names(a: Doc, b: Doc) -> list[Evidence]:
    """B names A's outlet in a credit line or a wire dateline."""
    if same_outlet(a, b):
        return []
    wanted = a.outlet_names
    own = set(b.outlet_names)
    out = []
    for credit in b.credits:
        if credit.kind not in ("line", "dateline"):
            continue
        hit = names_outlet(credit.text, wanted)
        if hit and hit not in own:
            weight = 3.5 if credit.kind == "dateline" else 3.0
            out.append(Evidence(f"{credit.kind}_names_source", weight, f"{credit.kind}: {credit.text!r}"))
    return out[:2]


def crediting(a: Doc, b: Doc) -> list[Credit]:
    """B's credits that point to A or name A's outlet."""
    if same_outlet(a, b):
        return []
    target, wanted, own = url_key(a.url), a.outlet_names, set(b.outlet_names)
    out = []
    for credit in b.credits:
        if credit.url and url_key(credit.url) == target and url_key(b.url) != target:
            out.append(credit)
        elif credit.kind in ("line", "dateline") and (hit := names_outlet(credit.text, wanted)) and hit not in own:
            out.append(credit)
    return out


def carries_credit(intermediary: Doc, credits: list[Credit], carried: list[str]) -> bool:
    """Could a copy have inherited these credits from the intermediary? Only when it carries
    them from there: a credit line standing in a passage the copy shares with the intermediary
    (``carried``: the copy's lines aligned with it, spun or not) or the same line among the
    intermediary's credits, a tag in the head pointing where
    the intermediary's does. A credit worded by the copy itself names its immediate source."""
    tags = {(c.kind, url_key(c.url or "")) for c in intermediary.credits}
    lines = {squash(c.text) for c in intermediary.credits if c.kind in _LINES}  # as extracted, even if not kept in its text
    return any((c.text in carried or squash(c.text) in lines) if c.kind in _LINES
               else (c.kind, url_key(c.url or "")) in tags for c in credits)


def attribution(pair: Pair) -> list[Evidence]:
    """B names A's outlet just before, or in the first words of, a passage it shares with A
    ("As the Journal reported, ..."): B says where that passage came from."""
    a, b, words = pair.a, pair.b, pair.b.tok.norm
    if same_outlet(a, b):
        return []
    names = a.outlet_names
    for p in pair.alignment.passages:
        if names_outlet(" ".join(words[max(0, p.b0 - ATTRIBUTION_WORDS) : p.b0 + ATTRIBUTION_WORDS // 2]), names):
            return [Evidence("passage_attributed", 2.0,
                             f"names {a.site_name or outlet_domain(a.url)} where the shared passage begins")]
    return []


_HEAD_TAGS = ("canonical", "og_url", "original_source", "syndication_source", "is_based_on")  # tags in a page's head


def credit_shared_with(credits: list[Evidence], intermediary: Doc, source: Doc) -> list[Evidence]:
    """B's credit to X (the ``source``) may be inherited: another possible source of B carries the
    same credit to X. Not a tag in B's head (a canonical tag, a source meta tag) that the
    intermediary lacks: a copier takes a text and its lines, and B's own page wrote that tag, so
    it keeps its weight whatever other credits the two share."""
    target = url_key(source.url)
    tags = {c.kind for c in intermediary.credits if c.kind in _HEAD_TAGS and url_key(c.url or "") == target}
    return [e if e.kind.removesuffix("_to_source") in _HEAD_TAGS and e.kind.removesuffix("_to_source") not in tags
            else Evidence(e.kind, round(e.weight * 0.3, 2), f"{e.detail} (also in {intermediary.url}: may be inherited)")
            for e in credits]


def inherited_credit(pair: Pair, carried: list[str]) -> list[Evidence]:
    """B carries a credit line that A added itself (and the first source lacks). Each copier of a
    chain may add its line, and a copy keeps every line above it: the more of A's lines B carries,
    the nearer A stands to it (a page carrying one line is not the source of a copy carrying two)."""
    return [Evidence("shares_added_credit", 1.5, f"carries the source's own credit line {c!r}") for c in carried[:2]]


def title_core(doc: Doc) -> str:
    """The squashed title without the trailing parts that name the doc's own outlet."""
    parts = [doc.title.strip()] if doc.title else []
    suffixes = title_suffixes(doc.title)
    own = doc.outlet_names
    while suffixes and names_outlet(suffixes[-1], own):
        suffixes.pop()
    head = squash(doc.title)
    core = squash(" ".join([_headline(doc.title)] + suffixes)) if parts else ""
    return core or head


def _headline(title: str) -> str:
    from archive.provenance.credits import _TITLE_SEP

    return _TITLE_SEP.split(title.strip(), maxsplit=1)[0]


def title_copied(a: Doc, b: Doc, plain: str, twins: bool = False) -> list[Evidence]:
    """Content farms keep the title they copied and append their own name: B's title, less B's
    own name, is A's served title (suffixes such as " – analysis – Asia Times" included). A bare
    headline says little (every copy may carry it), except between twins, copies with the same
    text, where nothing else tells which copied which."""
    core_b, full_a = b.title_core, squash(a.title)
    if not core_b or core_b != full_a:
        return []
    if core_b != plain:
        return [Evidence("title_copied", 2.5, f"title {b.title!r} repeats the source's {a.title!r}")]
    if twins and squash(b.title) != full_a:
        return [Evidence("title_copied", 2.0, f"title {b.title!r} is the source's bare {a.title!r} with the copier's name")]
    return []


def dates(a: Doc, b: Doc, reworked: bool = False) -> list[Evidence]:
    """Publication dates: evidence, not truth (they can be missing, shifted or back-dated).
    Among several earlier texts, a copier (a scraper, a spinner) takes what just came out in its
    feeds, so the most recent earlier one gets a little more; a text reworked by a newsroom
    (``reworked``: a rewrite, a partial reuse) goes back to the first report, the earliest."""
    if a.published is None or b.published is None:
        return []
    trust = min(a.date_trust, b.date_trust)
    # a printed or guessed date, or one stating no time, is only good to the day: on the same day
    # nothing is told; otherwise it stands for midday, so the order of two timed candidates holds
    if not (timed(a) and timed(b)) and a.published.date() == b.published.date():
        return []
    days = (moment(b) - moment(a)).total_seconds() / 86400
    if abs(days) < 1 / 24 or trust <= 0:
        return []
    if days > 0:
        lag = 0.1 * min(math.log1p(days), 4)
        weight = trust * (0.45 + lag / 2 if reworked else 0.6 - lag)
        return [Evidence("published_later", weight, f"published {_span(days)} after the source")]
    return [Evidence("published_earlier", -1.2 * trust, f"published {_span(-days)} before the source")]


def timed(doc: Doc) -> bool:
    """Is the doc's date known to the minute? Machine-readable metadata is, unless it states a
    day alone: a time of midnight sharp is what a date without a time reads as."""
    when = doc.published
    return doc.date_trust >= 1.0 and (when.hour, when.minute, when.second, when.microsecond) != (0, 0, 0, 0)


def month_only(doc: Doc) -> bool:
    """Is the doc's date a month alone? A date only its URL states (trust at most ``TRUST_URL``)
    on the first of a month is what a /2025/07/ path reads as."""
    return doc.date_trust <= TRUST_URL and doc.published.day == 1


def moment(doc: Doc) -> datetime:
    """The doc's date as a moment: a date known to the day stands for its midday, a month alone
    for the middle of the month."""
    when = doc.published.replace(tzinfo=None)
    if month_only(doc):
        return datetime.combine(when.date().replace(day=16), time(0))
    return when if timed(doc) else datetime.combine(when.date(), time(12))


def _span(days: float) -> str:
    return f"{days:.1f} days" if days >= 1 else f"{days * 24:.0f} hours"


def spin_direction(pair: Pair) -> list[Evidence]:
    """Which side is spun: spinner debris, and rarer words in place of common ones.

    Being spun says B comes after A, not that A rather than A's own source is B's parent, so the
    consistent direction scores 0 and only the reverse one is penalised."""
    a, b, al = pair.a, pair.b, pair.alignment
    out = []
    marks_a = 1000 * a.spin_marks / max(1, len(a))
    marks_b = 1000 * b.spin_marks / max(1, len(b))
    # a spinner leaves debris where its source had none; a copy of a spin keeps most of it
    low, high = sorted((marks_a, marks_b))
    if high >= SPIN_MARKS_GAP and high >= 3 * low + SPIN_MARKS_GAP:
        out.append(Evidence("spinner_marks", 0.0 if marks_b > marks_a else -2.5,
                            f"spinner debris per 1,000 words: copy {marks_b:.1f}, source {marks_a:.1f}"))
    diffs = _swaps(pair)
    if len(diffs) >= 3:
        mean = sum(diffs) / len(diffs)
        weight = min(0.0, max(-2.0, 2.0 * mean * min(1.0, len(diffs) / 8)))
        if abs(mean) >= 0.1:
            out.append(Evidence("substituted_words_rarer", weight,
                                f"{len(diffs)} one-word substitutions; the copy's words are "
                                f"{abs(mean):.2f} Zipf {'rarer' if mean > 0 else 'more common'}"))
    return out


def _swaps(pair: Pair) -> list[float]:
    """For each word B has in place of one of A's (one for one), how much rarer B's word is
    (wordfreq's Zipf scale: A's word's frequency less B's)."""
    a, b = pair.a, pair.b
    return [zipf_frequency(a.tok.norm[s.a0], "en") - zipf_frequency(b.tok.norm[s.b0], "en")
            for s in pair.alignment.substitutions if s.a1 - s.a0 == 1 and s.b1 - s.b0 == 1]


def rarer_spin(pair: Pair) -> bool:
    """Is A the spin of B? An article spinner swaps words for rarer synonyms ("dwellings" for
    "homes"): A has RARER_SWAPS words or more rarer than the words of B's they stand for, and its
    swapped words are rarer on the whole. Which text is the spin says which came after the other,
    whatever the spin's date says (spinners back-date what they take)."""
    diffs = _swaps(pair)
    return sum(1 for d in diffs if d < 0) >= RARER_SWAPS and sum(diffs) / len(diffs) <= -0.1
