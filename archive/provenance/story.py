"""Choosing one parent per copy inside a story (relations are named in relations.py, wire sources
inferred in wiresources.py).

Every ordered pair of related copies gets a score (the sum of its evidence weights); a virtual
root offers each copy the option of being the origin. The best tree is the maximum spanning
arborescence of that graph (Chu–Liu/Edmonds, from networkx): it picks parents jointly, so two
copies can never each be the other's source, and exactly one origin is chosen. Scores depend only
on the set of documents, so crawling one page at a time and ``provenance analyze`` agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property

import networkx as nx

from archive.provenance import evidence as ev
from archive.provenance.compare import DERIVED, Kinship, Pair, compare
from archive.provenance.confidence import features, probability
from archive.provenance.credits import names_outlet, squash
from archive.provenance.model import Doc, EdgeResult, Evidence, Relation, StoryResult
from archive.provenance.relations import carried_lines, pair_stats, relation, reworked
from archive.provenance.wiresources import WireSources

ROOT = "__root__"
ROOT_COST = 1000.0  # every extra origin costs this much, so a story gets exactly one
ALTERNATIVE_MARGIN = 4.0  # keep other parents scoring within this of the chosen one
TWIN_SHARE = 0.9  # copies sharing this share of their words, none substituted, are twins
ORDER_MARGIN = 1.0  # twins swapped, or a twin of the parent, scoring within this: the choice is a guess


class StoryAnalysis(WireSources):
    """Parents, relations and evidence for the members of one story."""

    def __init__(self, docs: Sequence[Doc], pairs: dict[tuple[int, int], Pair] | None = None):
        self.docs = list(docs)
        self.pairs: dict[tuple[int, int], Pair] = {}
        self._carried_memo: dict[tuple[int, int], list[str]] = {}
        for i in range(len(self.docs)):
            for j in range(i + 1, len(self.docs)):
                pair = (pairs or {}).get((i, j)) or compare(self.docs[i], self.docs[j])
                if pair.kinship in DERIVED:
                    self.pairs[(i, j)] = pair
                    self.pairs[(j, i)] = pair.flipped()

    def run(self) -> StoryResult:
        n = len(self.docs)
        if n == 1:
            return StoryResult([self.docs[0].key], self.docs[0].key, [])
        self._prepare()
        scored = {edge: self._score(*edge) for edge in self.pairs}
        weights = ({(ROOT, i): self._origin_prior(i) - ROOT_COST for i in range(n)}
                   | {edge: weight for edge, (weight, _) in scored.items()})
        tree_edges = self._tree(weights)
        wires = self._wire_edges()
        if wires:  # an unseen wire story as the source, when it explains the copies better
            with_wires = weights | {(ROOT, w): -ROOT_COST for w in {p for p, _ in wires}} | {
                edge: weight for edge, (weight, _) in wires.items()}
            candidate = self._tree(with_wires)
            if _total(candidate, with_wires) > _total(tree_edges, weights):
                tree_edges, scored, weights = candidate, scored | wires, with_wires
        parents = {child: parent for parent, child in tree_edges}
        edges: list[EdgeResult] = []
        origin = None
        for parent, child in sorted(tree_edges, key=lambda e: str(e)):
            if parent == ROOT:
                origin = self._key(child)
                continue
            guess = not self._order_told(parent, child, parents, weights) or self._twin_rival(parent, child, scored)
            edges.extend(self._edges_for(child, parent, scored, guess))
        return StoryResult([d.key for d in self.docs], origin, edges)

    def _key(self, node) -> int | str:
        return self.docs[node].key if isinstance(node, int) else node

    @staticmethod
    def _tree(weights: dict[tuple, float]) -> list[tuple]:
        """The maximum spanning arborescence from ROOT with one origin. For each choice of origin,
        every other node taking its best incoming edge bounds the total from above and, when it
        forms a tree, is that origin's optimum (the first step of Edmonds' algorithm). If the
        best-bounded origin's greedy choice is a tree, it is optimal overall; otherwise networkx
        runs the full algorithm."""
        incoming: dict = {}
        for (parent, child), weight in weights.items():
            incoming.setdefault(child, []).append((weight, parent))
        for options in incoming.values():
            options.sort(key=lambda wp: (-wp[0], str(wp[1])))
        best_total, best_tree = None, None
        for origin in sorted(incoming, key=str):
            parents = {origin: (ROOT, weights[(ROOT, origin)])}
            for child, options in incoming.items():
                if child != origin:
                    choice = next(((w, p) for w, p in options if p != ROOT), None)
                    if choice is None:  # a document with no possible parent must be the origin
                        break
                    parents[child] = (choice[1], choice[0])
            else:
                total = sum(w for _, w in parents.values())
                if best_total is None or total > best_total:
                    best_total, best_tree = total, parents
        if best_tree is not None and _acyclic(best_tree):
            return [(parent, child) for child, (parent, _) in best_tree.items()]
        graph = nx.DiGraph()
        graph.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
        return list(nx.maximum_spanning_arborescence(graph, attr="weight").edges())

    def _prepare(self) -> None:
        """What every score needs: credits, and which pairs could be parent -> child at all."""
        # a text that reuses or rewords another says things of its own: that is what it is
        self.unexplained = {edge: ev.unexplained(p) if p.kinship is Kinship.COPY else []
                            for edge, p in self.pairs.items()}
        # when each text says things the other lacks, neither holds the other whole, and which
        # says more of its own tells nothing of which came first: both directions weigh the same
        for (i, j), items in self.unexplained.items():
            other = self.unexplained.get((j, i))
            if items and other and items[0].weight < other[0].weight:
                self.unexplained[(i, j)] = [replace(items[0], weight=other[0].weight)]
        # editors cut a story from the bottom: a shorter text lacking the longer one's opening was
        # not cut from it, so what the longer says of its own weighs the same both ways (a story
        # that took a short one whole after a lead of its own is not that short one's source)
        for (i, j), items in list(self.unexplained.items()):
            other = self.unexplained.get((j, i))
            if not items and other and ev.opening_cut(self.pairs[(i, j)]):
                self.unexplained[(i, j)] = [Evidence("opening_cut", other[0].weight,
                                                     "the copy lacks the source's opening: an excerpt keeps it")]
        self.carried = self._carried()
        self.credits = {(i, j): ev.pointers(p.a, p.b) + ev.names(p.a, p.b) for (i, j), p in self.pairs.items()}
        self.plausible = {edge for edge, items in self.unexplained.items() if not items}
        self.shared = {edge: ev.shared_runs(p.a, p.b) for edge, p in self.pairs.items()}
        self.spin = {edge: ev.spin_direction(pair) for edge, pair in self.pairs.items()}
        # a possible parent: holds all of the copy, is not the spun side, and does not credit the copy
        self.possible = {
            (i, j) for (i, j) in self.plausible
            if not self.credits.get((j, i)) and not any(e.weight < 0 for e in self.spin[(i, j)])
        }
        self.plain_title = min((d.title_core for d in self.docs if d.title), key=len, default="")
        # the spun side of a pair came after the other side, whatever it says
        self.spun_after = {edge for edge, items in self.spin.items()
                           if any(e.kind == "spinner_marks" and e.weight < 0 for e in items)}
        # ... and so did a copy after the page it credits as its source, and a spin dated before
        # every text it could have spun (:meth:`_rarer_spin`)
        self.made_after = (self.spun_after | {(j, i) for (i, j), items in self.credits.items() if items}
                           | self._rarer_spin())
        # ... and a wire copy dated apart from the wire after the captured copy it took
        self.wire_groups = self._wire_groups()
        self.apart = self._apart_copies()
        self.made_after |= {(k, twin) for k, twin in self.apart.items()}
        self.dated = [self._date_checked(k) for k in range(len(self.docs))]

    def _rarer_spin(self) -> set[tuple[int, int]]:
        """(spin, text) pairs of a spin dated before every text it could have been spun from: a copy
        whose words stand for rarer ones of those texts (:func:`evidence.rarer_spin`) is a spin of
        one of them, so it came after it, and a date before all of them is a back-date. A spin dated
        after one of them may have been spun from that one, and its date may be its own."""
        spun: dict[int, list[int]] = {}
        for (i, j), pair in self.pairs.items():
            if pair.spun and ev.rarer_spin(pair):
                spun.setdefault(i, []).append(j)
        out = set()
        for k, texts in spun.items():
            dated = [j for j in texts if self.docs[j].published is not None]
            if self.docs[k].published is not None and dated and all(_before(self.docs[k], self.docs[j]) for j in dated):
                out |= {(k, j) for j in texts}
        return out

    def _date_checked(self, k: int) -> Doc:
        """The doc, without its date when that date is before a doc it was demonstrably made
        after (a spin dated before its source, a copy dated before the page it credits, are
        back-dated: none of their date comparisons count)."""
        doc = self.docs[k]
        if doc.published is None:
            return doc
        for later, earlier in self.made_after:
            other = self.docs[earlier]
            if later == k and other.published is not None and _before(doc, other):
                return replace(doc, published=None, date_trust=0.0)
        return doc

    def _lines_carried(self, i: int, j: int) -> list[str]:
        """:func:`carried_lines` of the pair (i, j), computed once a story (scores ask for it again
        and again: 7,970 calls for 2,806 pairs on the crawl benchmark's site)."""
        found = self._carried_memo.get((i, j))
        if found is None:
            found = self._carried_memo[(i, j)] = carried_lines(self.pairs[(i, j)])
        return found

    def _carried(self) -> dict[tuple[int, int], list[str]]:
        """Credit lines each copy shares with a possible source that did not write about itself:
        the copy inherited them from that source."""
        carried = {}
        for (i, j), pair in self.pairs.items():
            if self.unexplained[(i, j)]:
                continue
            lines = [c for c in self._lines_carried(i, j) if not names_outlet(c, pair.a.outlet_names)]
            if lines:
                carried[(i, j)] = lines
        return carried

    def _score(self, i: int, j: int) -> tuple[float, list[Evidence]]:
        pair = self.pairs[(i, j)]
        a, b = pair.a, pair.b
        rivals = [self.shared[(x, y)] for (x, y) in self.pairs if y == j and (x, y) in self.possible]
        best_equal = max(rivals or [self.shared[(x, y)] for (x, y) in self.pairs if y == j])
        items = (
            self.unexplained[(i, j)]
            + ev.closeness(self.shared[(i, j)], best_equal)
            + ev.extent(pair, [self.pairs[edge] for edge in self.possible if edge[1] == j and edge[0] != i])
            + self._credits(i, j)
            + ev.inherited_credit(pair, self.carried.get((i, j), []))
            + (ev.attribution(pair) if pair.kinship is not Kinship.COPY else [])
            + ev.title_copied(a, b, self.plain_title, twins=self._twins(pair))
            + ev.dropped_dateline(a, b)
            + ev.wire_line(pair)
            + ev.dropped_credit(pair, self._own_lines[i], self._lines_carried(j, i))
            + ev.dropped_link(pair, self._own_links[i])
            + ev.dates(self.dated[i], self.dated[j], reworked=reworked(pair) or self._own_around(i, j))
            + self._credited_elsewhere(i, j)
            + self._earlier_of_twins(i, j)
            + self._reworked_copy(i, j)
            + self._part_of_copied_text(i, j)
            + self.spin[(i, j)]
        )
        return sum(e.weight for e in items), items

    def _credited_elsewhere(self, i: int, j: int) -> list[Evidence]:
        """J's text is i's, word for word, and another page of the story credits j as its source
        while none credits i, and j names no source of its own that i does not name too (a credit
        line or dateline i lacks, or one naming i, says where j took the text): the page others
        take the text from is the one they credit, so j is not i's copy (whatever i's date says).
        A credit line both carry says nothing of which copied the other."""
        credited_by = [m for m in range(len(self.docs)) if m not in (i, j) and self.credits.get((j, m))]
        if not credited_by or not self._twins(self.pairs[(i, j)]):
            return []
        if self.credits.get((i, j)) or _named_sources(self.docs[j]) - _named_sources(self.docs[i]):
            return []
        if any(self.credits.get((i, m)) for m in range(len(self.docs)) if m != i):
            return []
        return [Evidence("others_credit_copy", -2.0,
                         f"{self.docs[credited_by[0]].url} credits the copy as its source, and no page credits "
                         f"this one: the story's pages take the text from the copy")]

    def _earlier_of_twins(self, i: int, j: int) -> list[Evidence]:
        """Another possible source of j has exactly i's text, is dated after i (dates not shown to
        be back-dated) and credits i nowhere: the later of two verbatim copies copied the earlier
        without a word, as a scraper does, and a copier finds a text where it was published more
        often than at a scraper's copy of it (a credited republication is a source of its own)."""
        a = self.dated[i]
        if a.published is None:
            return []
        for m in self._same_text[i]:
            other = self.dated[m]
            if (m != j and (m, j) in self.possible and other.published is not None and _before(a, other)
                    and not self.credits.get((i, m))):
                return [Evidence("earlier_of_twins", 0.5, f"{self.docs[m].url} has the very same text, dated later: "
                                                          f"a copy of this one")]
        return []

    def _reworked_copy(self, i: int, j: int) -> list[Evidence]:
        """A newsroom reworking a story (a rewrite, a partial reuse) goes back to the report itself:
        not to a copy of it, known as one because it credits the report, or because it has the
        report's text word for word and other pages credit the report, none this copy."""
        if relation(self.pairs[(i, j)]) not in (Relation.PARTIAL, Relation.REWRITE) and not self._own_around(i, j):
            return []
        credits_none = not any(self.credits.get((i, x)) for x in range(len(self.docs)) if x != i)
        for m in range(len(self.docs)):
            if m in (i, j) or (m, j) not in self.pairs:
                continue
            credits_original = bool(self.credits.get((m, i)))
            twin_of_credited = (credits_none and (m, i) in self.pairs and self._twins(self.pairs[(m, i)])
                                and any(self.credits.get((m, x)) for x in range(len(self.docs)) if x not in (i, m)))
            if credits_original or twin_of_credited:
                return [Evidence("reworked_from_original", -1.0,
                                 f"a copy of {self.docs[m].url}: a newsroom reworks the report itself")]
        return []

    def _own_around(self, i: int, j: int) -> bool:
        """Did j take part of i's text and say things of its own around it (named ``partial``, as
        :meth:`_edges_for` does: its alignment makes it a copy, the words i lacks its own)? That
        is a newsroom's work, as a rewrite is: it goes back to the report itself, the earliest."""
        return self.pairs[(i, j)].kinship is Kinship.COPY and bool(self.unexplained[(i, j)])

    def _part_of_copied_text(self, i: int, j: int) -> list[Evidence]:
        """I and j share a passage inside texts of their own (partial reuse): which reused which?
        A text other pages copy whole is a story's text; when j's is and i's is not, i took its
        passage from j's story, not j from i."""
        if self.pairs[(i, j)].kinship is not Kinship.PARTIAL:
            return []
        copied = [m for m in range(len(self.docs)) if m not in (i, j) and self._copied_whole(j, m)]
        if not copied or any(self._copied_whole(i, m) for m in range(len(self.docs)) if m not in (i, j)):
            return []
        return [Evidence("text_copied_elsewhere", -1.0,
                         f"other pages copy this copy's whole text (such as {self.docs[copied[0]].url}), none "
                         f"the source's: the source reused a passage of it")]

    def _copied_whole(self, x: int, m: int) -> bool:
        """Does m hold x's text (nearly) whole, as a copy does?"""
        pair = self.pairs.get((x, m))
        return pair is not None and pair.kinship is Kinship.COPY and pair.alignment.contain_a >= ev.WHOLE_SHARE

    def _spinner_signs(self, i: int, j: int) -> bool:
        """J is i with words swapped, and the swaps bear a spinner's marks: debris i lacks, or
        words rarer than those they replace (not a rewrite by an editor)."""
        return self.pairs[(i, j)].spun and any(
            e.kind in ("spinner_marks", "substituted_words_rarer") and e.weight == 0 for e in self.spin[(i, j)])

    def _other_outlets(self, i: int) -> list[str]:
        """The names of the story's outlets other than doc i's own."""
        names = self.docs[i].outlet_names
        return [n for k, d in enumerate(self.docs) if k != i for n in d.outlet_names if n not in names]

    @cached_property
    def _same_text(self) -> list[list[int]]:
        """For each doc, the other docs with exactly its text (grouped once, not compared a pair at a time)."""
        groups: dict[tuple[str, ...], list[int]] = {}
        for k, doc in enumerate(self.docs):
            groups.setdefault(tuple(doc.tok.norm), []).append(k)
        return [[m for m in groups[tuple(doc.tok.norm)] if m != k] for k, doc in enumerate(self.docs)]

    @cached_property
    def _own_lines(self) -> list[list[tuple[int, int, str]]]:
        """Each doc's credit lines naming another outlet of the story (the source a copy lacking
        the line would have come from), as token spans; not those naming its own outlet."""
        def of(i: int, doc: Doc) -> list[tuple[int, int, str]]:
            lines, others = {c.text for c in doc.credits if c.kind == "line"}, self._other_outlets(i)
            return [(s, e, t) for s, e, t in doc.credit_spans
                    if t in lines and not names_outlet(t, doc.outlet_names) and names_outlet(t, others)]
        return [of(i, doc) for i, doc in enumerate(self.docs)]

    @cached_property
    def _own_links(self) -> list[list[tuple[str, str]]]:
        """Each doc's credit links naming another outlet of the story, outside its text (no credit
        line in the same words, which :attr:`_own_lines` has), with the outlet each names."""
        def of(i: int, doc: Doc) -> list[tuple[str, str]]:
            lines, others = {squash(c.text) for c in doc.credits if c.kind == "line"}, self._other_outlets(i)
            return [(c.text, outlet) for c in doc.credits
                    if c.kind == "link" and squash(c.text) not in lines
                    and not names_outlet(c.text, doc.outlet_names) and (outlet := names_outlet(c.text, others))]
        return [of(i, doc) for i, doc in enumerate(self.docs)]

    @staticmethod
    def _twins(pair: Pair) -> bool:
        """The same text on both sides (a credit line or note more or less): nothing substituted,
        nine words in ten aligned."""
        al = pair.alignment
        return not al.substituted_b and al.equal >= TWIN_SHARE * max(al.len_a, al.len_b)

    def _credits(self, i: int, j: int) -> list[Evidence]:
        """B's credits to A, weakened when another possible source of B credits A too (B may
        have inherited the credit line), plus credits B shares with A (a sign B copied A)."""
        own = self.credits.get((i, j), [])
        a, b = self.docs[i], self.docs[j]
        sharers = [m for m in range(len(self.docs))
                   if m not in (i, j) and self.credits.get((i, m)) and (m, j) in self.possible
                   and ev.carries_credit(self.docs[m], ev.crediting(a, b), self._lines_carried(m, j))]
        if own and sharers:
            own = ev.credit_shared_with(own, self.docs[sharers[0]], a)
        # B carries the very credit line the source has (not one worded alike by another copier)
        shared = [x for x in range(len(self.docs))
                  if x not in (i, j) and self.credits.get((x, j)) and self.credits.get((x, i))
                  and ev.carries_credit(a, ev.crediting(self.docs[x], b), self._lines_carried(i, j))]
        if shared and (i, j) in self.plausible:
            own = own + [Evidence("same_credit_as_source", 1.5,
                                  f"credits {self.docs[shared[0]].url} as the source does")]
        return own

    def _origin_prior(self, i: int) -> float:
        """How much doc i looks like nobody's copy: it credits no one in the story, and carries
        no credit line or wire dateline of its own."""
        doc, prior = self.docs[i], 0.0
        if any(c.kind in ("line", "dateline") for c in doc.credits):
            prior -= 1.0
        if any(later == i for later, _ in self.spun_after):  # the spun side of a pair is nobody's origin
            prior -= 3.0
        others = [d for k, d in enumerate(self.docs) if k != i]
        for other in others:
            if ev.pointers(other, doc) or ev.names(other, doc):
                prior -= 2.0
                break
        return prior

    def _order_told(self, parent, child: int, parents: dict, weights: dict[tuple, float]) -> bool:
        """Is the chosen order of two twins told by their evidence? The tree with them swapped
        (the child in the parent's place, the parent under the child) scoring within
        ``ORDER_MARGIN`` of the chosen one says nothing told which of the two copied the other
        (a spin and a scraper's verbatim copy of it, say): a guess, and the confidence says so."""
        if not isinstance(parent, int) or not self._twins(self.pairs[(parent, child)]):
            return True
        grand = parents[parent]
        chosen = weights[(grand, parent)] + weights[(parent, child)]
        swapped = weights.get((grand, child), -math.inf) + weights.get((child, parent), -math.inf)
        return chosen - swapped >= ORDER_MARGIN

    def _twin_rival(self, parent, child: int, scored) -> bool:
        """Does a twin of the chosen parent (the same text: an origin and its verbatim
        republication, say) score within ``ORDER_MARGIN`` of it as the child's source? Then which
        of the two the child was made from is a guess."""
        if not isinstance(parent, int):
            return False
        best = scored[(parent, child)][0]
        return any(k not in (parent, child) and (k, child) in scored and (parent, k) in self.pairs
                   and self._twins(self.pairs[(parent, k)]) and best - scored[(k, child)][0] < ORDER_MARGIN
                   for k in range(len(self.docs)))

    def _edges_for(self, child: int, parent, scored, guess: bool = False) -> list[EdgeResult]:
        """The chosen parent's edge and, with lower confidence, close alternatives; each
        confidence is the calibrated probability that this parent is the right one (``guess``:
        nothing but a coin chose the parent among twins, :meth:`_order_told`, :meth:`_twin_rival`)."""
        incoming = {i: w for (i, j), (w, _) in scored.items() if j == child}
        alternatives = sorted((i for i in incoming if i != parent), key=lambda i: (-incoming[i], str(i)))
        alternatives = [i for i in alternatives if incoming[i] >= incoming[parent] - ALTERNATIVE_MARGIN][:2]
        results: list[EdgeResult] = []
        for i in [parent, *alternatives]:
            pair = None if isinstance(i, str) else self.pairs[(i, child)]
            rel = self._wire_relation(child) if pair is None else relation(pair)
            if rel in (Relation.EXCERPT, Relation.COPY) and self.unexplained.get((i, child)):
                rel = Relation.PARTIAL  # it took part of the source, and says things of its own
            # how much better this direction scores than the other way round (1: no other way)
            reverse = scored.get((child, i))
            direction = 1.0 if reverse is None else max(-1.0, min(1.0, (incoming[i] - reverse[0]) / 10))
            values = features(incoming[i], [w for k, w in incoming.items() if k != i], i == parent,
                              {e.kind for e in scored[(i, child)][1]}, self._twins(pair) if pair else self._wire_twin(child),
                              rel is Relation.SPIN, rel in (Relation.PARTIAL, Relation.REWRITE), direction,
                              twin_guess=i == parent and guess)
            conf = max(0.01, min(0.99, probability(values)))
            if results:  # an alternative never outranks the chosen parent
                conf = min(conf, 0.9 * results[0].confidence)
            results.append(EdgeResult(
                source=self._key(i),
                derived=self.docs[child].key,
                relation=rel,
                confidence=round(conf, 3),
                evidence=scored[(i, child)][1],
                primary=i == parent,
                stats={**({} if pair is None else pair_stats(pair)),
                       "features": {k: round(v, 4) for k, v in values.items()}},
            ))
        return results

def _before(a: Doc, b: Doc) -> bool:
    """Is a dated before b? A date known only to the day (printed, guessed, or stating no time)
    is not before a time later that same day, nor a month alone before a day of that month."""
    if ev.timed(a) and ev.timed(b):
        return a.published.replace(tzinfo=None) < b.published.replace(tzinfo=None)
    if ev.month_only(a) or ev.month_only(b):  # a month alone is not before a day of that month
        return (a.published.year, a.published.month) < (b.published.year, b.published.month)
    return a.published.date() < b.published.date()


def _named_sources(doc: Doc) -> set[str]:
    """The doc's credit lines and datelines, squashed: the sources it names in its text."""
    return {squash(c.text) for c in doc.credits if c.kind in ("line", "dateline")}


def _total(edges: list[tuple], weights: dict[tuple, float]) -> float:
    return sum(weights[edge] for edge in edges)


def _acyclic(parents: dict) -> bool:
    """Does following each node's parent always reach ROOT?"""
    for start in parents:
        seen, node = set(), start
        while node != ROOT:
            if node in seen:
                return False
            seen.add(node)
            node = parents[node][0]
    return True


def analyze_story(docs: Sequence[Doc], pairs: dict[tuple[int, int], Pair] | None = None) -> StoryResult:
    return StoryAnalysis(docs, pairs).run()
