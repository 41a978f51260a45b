"""Inferred wire sources: copies carrying one agency's dateline or credit, with no page of that
agency captured, may come from the agency's own wire story, a node no captured page holds.

A mixin of :class:`archive.provenance.story.StoryAnalysis`: which copies are offered the wire
(two at least that took it independently), what says a copy took a captured copy of the wire
instead (it credits it, spins it, or is dated apart from the wire with its very text), and how a
wire copy's relation is named.
"""

from __future__ import annotations

import hashlib
from itertools import combinations

from archive.provenance import evidence as ev
from archive.provenance.credits import names_outlet
from archive.provenance.model import Doc, Evidence, Relation
from archive.provenance.relations import relation
from archive.provenance.wires import BY_SLUG, agency_at
from archive.urls import INFERRED_PREFIX, outlet_domain

WIRE_CREDIT = 3.0  # a copy carrying an agency's dateline or credit got its text from the agency's wire
WIRE_HOURS = 12.0  # a wire's customers run its story within this many hours of one another
DAY_SLACK = 12.0  # hours a date known only to the day may be off, either way
DATED = 0.4  # dates trusted this much at least (a printed date; not a URL's month) are compared


class WireSources:
    """The wire-source part of a story's analysis (``self.docs``, ``self.pairs``, ``self.possible``,
    ``self.credits``, ``self.spin``, ``self.spun_after`` are the story's)."""

    def _wire_groups(self) -> dict[str, list[int]]:
        """Copies carrying one agency's dateline or credit, by agency, when no page of that agency
        is captured, and at least two of them took it from the wire as far as the pages tell (no
        credit to another of them, no spinner's marks over another's text), not dated a day or
        more apart (:func:`_ran_together`). A wire sends its story
        to several customers: a lone page carrying a dateline, with only copies that credit it or
        spin it, is their source, and the wire story it carries is no source the pages show (a page
        reusing a passage of the story inside its own wire story is no copy of the wire either)."""
        captured = {agency_at(outlet_domain(d.url)) for d in self.docs}
        groups: dict[str, list[int]] = {}
        for k, doc in enumerate(self.docs):
            if doc.wire and doc.wire not in captured:
                groups.setdefault(doc.wire, []).append(k)
        return {slug: members for slug, members in groups.items()
                if _ran_together([self.docs[k] for k in members if self._independent(k, members)])}

    def _independent(self, k: int, members: list[int]) -> bool:
        """Is copy k, as far as its credits and spinner marks tell, not made from another member?"""
        return not any(self.credits.get((m, k)) or (k, m) in self.spun_after for m in members if m != k)

    def _wire_edges(self) -> dict[tuple, tuple[float, list[Evidence]]]:
        """Each copy of a wire story no captured page holds may come from the agency's own story,
        an inferred source node."""
        edges = {}
        for slug, members in self.wire_groups.items():
            first = min(self.docs[k].url for k in members)
            node = f"{INFERRED_PREFIX}wire:{slug}:{hashlib.sha1(f'{slug} {first}'.encode()).hexdigest()[:12]}"
            name = BY_SLUG[slug].name
            for k in members:
                items = [Evidence("wire_credit", WIRE_CREDIT,
                                  f"carries {name}'s dateline or credit: its text came from {name}'s wire "
                                  f"story, which no captured page holds")] + self._captured_source(k, members)
                edges[(node, k)] = (sum(e.weight for e in items), items)
        return edges

    def _captured_source(self, k: int, members: list[int]) -> list[Evidence]:
        """What says that a wire copy came from a captured copy of the wire rather than from the
        wire itself: it credits that copy (a credit names the immediate source), or it is that
        copy spun (a wire sends its text as written; swapping synonyms is a copier's doing)."""
        for m in members:
            if m == k or (m, k) not in self.possible:
                continue
            if self.credits.get((m, k)):
                return [Evidence("credits_captured_copy", -WIRE_CREDIT,
                                 f"credits {self.docs[m].url}, a captured copy of the wire, as its source")]
            if self._spin_of(m, k):
                kept = self._wire_wording(k, m, members)
                if kept:
                    return [Evidence("wire_wording_kept", 0.0,
                                     f"words differ from {self.docs[m].url}'s, but {len(kept)} other copies of the "
                                     f"wire have them too (such as {self.docs[kept[0]].url}): that copy was the one "
                                     f"changed")]
                return [Evidence("spun_captured_copy", -WIRE_CREDIT,
                                 f"is {self.docs[m].url} spun: a wire sends its text as written")]
        return self._dated_apart(k, members)

    def _spin_of(self, m: int, k: int) -> bool:
        """Is copy k copy m spun? A spinner runs the text it took through its thesaurus: it swaps
        words, it does not write its own outlet into the story. A copy naming its outlet in words
        m lacks, or where m names m's ("Officials in Millbrook said ...; the Millbrook Courier has
        asked them for comment"), is its outlet's own edition of the story (a regional paper's
        reworded lead), not m spun."""
        pair = self.pairs[(m, k)]
        return (relation(pair) is Relation.SPIN or self._spinner_signs(m, k)) and not _names_itself(pair)

    def _dated_apart(self, k: int, members: list[int]) -> list[Evidence]:
        twin = self.apart.get(k)
        if twin is None:
            return []
        if self.docs[k].redated:
            return [Evidence("redated_copy_of_wire", -WIRE_CREDIT,
                             f"states a date before the day its own address states (a copier re-dates what it "
                             f"takes; a wire's customer runs the story under its own date), and has the text of "
                             f"{self.docs[twin].url}: it took a captured copy, not the wire")]
        return [Evidence("dated_apart_from_wire", -WIRE_CREDIT,
                         f"dated a day or more from every other copy of the wire but those with its text, "
                         f"and has the text of {self.docs[twin].url}: it took a captured copy, not the wire")]

    def _apart_copies(self) -> dict[int, int]:
        """A wire's customers run its story within hours of one another: a copy dated a day or
        more away from every other copy of the wire (from one known to the minute at least), and
        holding the very text of one captured copy, took that copy's text rather than the wire's
        (scrapers re-date what they take), as did a copy known to be re-dated (it states a date before
        its own URL's day: ``Doc.redated``) holding such a text. So did a copy dated a day or more away from every other
        copy but its text twins, one of which ran with those others: the wire ran then, and the
        copy's text is that twin's. Copy -> the captured copy it took."""
        out = {}
        for members in self.wire_groups.values():
            for k in members:
                doc = self.docs[k]
                if not _dated(doc):
                    continue
                twins = [m for m in members if m != k and (m, k) in self.possible and self._twins(self.pairs[(m, k)])]
                others = [m for m in members if m != k and _dated(self.docs[m])]
                rest = [self.docs[m] for m in others if m not in twins]
                if (doc.redated or _away(doc, [self.docs[m] for m in others])) and twins:
                    out[k] = twins[0]
                elif _away(doc, rest):
                    ran = [m for m in twins if _dated(self.docs[m]) and not all(_apart(self.docs[m], o) for o in rest)]
                    if ran:
                        out[k] = ran[0]
        return out

    def _wire_wording(self, k: int, m: int, members: list[int]) -> list[int]:
        """Other copies of the wire whose words are closer to k's than to m's (fewer words swapped),
        when they outnumber those closer to m's: a wire sends one text to every customer, so where two copies differ, the
        wording most copies share is the wire's, and the odd copy is the one an editor changed."""
        def swaps(x: int, y: int) -> float:
            pair = self.pairs.get((x, y))
            return len(pair.alignment.substitutions) if pair else float("inf")

        others = [x for x in members if x not in (k, m)]
        with_k = [x for x in others if swaps(x, k) < swaps(x, m)]
        with_m = [x for x in others if swaps(x, m) < swaps(x, k)]
        return with_k if len(with_k) > len(with_m) else []

    def _wire_twin(self, child: int) -> bool:
        """A captured copy of the same wire has the child's text: the child may have been taken
        from it as well as from the wire, and nothing tells which."""
        wire = self.docs[child].wire
        return any(j == child and self.docs[i].wire == wire and self._twins(pair)
                   for (i, j), pair in self.pairs.items())

    def _wire_relation(self, child: int) -> Relation:
        """A wire copy is an excerpt when a sibling carrying the same wire holds much more of the
        story than it does, else a syndication."""
        doc = self.docs[child]
        for (i, j), pair in self.pairs.items():
            if j == child and self.docs[i].wire == doc.wire and relation(pair) is Relation.EXCERPT:
                return Relation.EXCERPT
        return Relation.SYNDICATION


def _names_itself(pair) -> bool:
    """Does B name its own outlet (by a name A's outlet does not go by too) in words of its text A
    lacks: a stretch no passage aligns, or words in place of A's?"""
    a, b, al = pair.a, pair.b, pair.alignment
    own = [n for n in b.outlet_names if n not in a.outlet_names]
    if not own:
        return False
    bounds = [(0, 0)] + sorted((p.b0, p.b1) for p in al.passages) + [(al.len_b, al.len_b)]
    stretches = [(end, start) for (_, end), (start, _) in zip(bounds, bounds[1:]) if start > end]
    stretches += [(s.b0, s.b1) for s in al.substitutions if s.b1 > s.b0]
    return any(names_outlet(" ".join(b.tok.norm[s0:s1]), own) for s0, s1 in stretches)


def _ran_together(copies: list[Doc]) -> bool:
    """Could two of these copies have run one wire story together? A wire's customers run it within
    hours of one another: two copies dated a day or more apart are no such pair (the later may
    have taken the earlier's text: a page carrying a dateline and a newsroom's rewrite of it two
    days later are a source and its rewrite, not two customers of the wire)."""
    return any(not (_dated(a) and _dated(b) and _apart(a, b)) for a, b in combinations(copies, 2))


def _dated(doc: Doc) -> bool:
    """A date worth comparing: stated or printed, not a URL's month."""
    return doc.published is not None and doc.date_trust >= DATED


def _away(doc: Doc, others: list[Doc]) -> bool:
    """Is ``doc`` dated apart from every one of ``others`` (one at least), with a date known to the
    minute among them or its own? A copy known to the minute anchors the time the wire ran: two
    copies dated only to consecutive days may be minutes apart, but a day-only copy that ran with a
    timed one (is not apart from it) stands apart from the doc when that timed copy does."""
    timed = [o for o in others if ev.timed(o)]
    if not others or not (timed or ev.timed(doc)):
        return False

    def anchored_apart(o: Doc) -> bool:
        return (not ev.timed(doc) and not ev.timed(o) and o.published.date() != doc.published.date()
                and any(not _apart(o, t) and _apart(doc, t) for t in timed))

    return all(_apart(doc, o) or anchored_apart(o) for o in others)


def _apart(a: Doc, b: Doc) -> bool:
    """Are two dates more than WIRE_HOURS apart, for sure? A date known only to the day may be off
    by half a day; two such dates are apart only when two days apart at least (a story run before
    midnight and one run after it stand on consecutive days, minutes apart)."""
    if not ev.timed(a) and not ev.timed(b):
        return abs((a.published.date() - b.published.date()).days) >= 2
    gap = abs((ev.moment(a) - ev.moment(b)).total_seconds()) / 3600
    return gap - DAY_SLACK > WIRE_HOURS if not (ev.timed(a) and ev.timed(b)) else gap > WIRE_HOURS
