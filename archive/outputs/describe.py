"""What every output says about a capture or an edge, in words people understand.

One place for names (an outlet, a wire agency that was never captured), relation and evidence
wording, the short label an edge carries in a plot, whom a copy credits, and the dates that
look wrong. The report, PROV, GraphML/GEXF and DOT all read from here, so they agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from archive.provenance.credits import names_outlet, squash
from archive.queries import CREDIT_EVIDENCE
from archive.store.models import Document, Edge
from archive.urls import INFERRED_PREFIX, is_inferred, outlet_label, url_key

RELATIONS = {  # relation -> what it means, for legends and sentences
    "origin": "the first publication the archive knows of",
    "republication": "a full copy that credits its source",
    "syndication": "a wire or aggregator copy (dateline or syndication tag)",
    "excerpt": "a copy cut short",
    "spin": "rewritten by swapping words for synonyms",
    "copy": "a verbatim copy that does not credit its source",
    "partial": "reuses some passages inside its own reporting",
    "rewrite": "the source's sentences reworded beyond synonym swaps",
    "quotes": "quotes a passage (not a copy)",
}

COLOURS = {
    "origin": "#1b5e20", "republication": "#1565c0", "syndication": "#6a1b9a", "excerpt": "#00838f",
    "spin": "#c62828", "copy": "#ef6c00", "partial": "#8d6e63", "rewrite": "#ad1457", "quotes": "#757575",
}
OTHER_COLOUR = "#333333"

# kind -> (short phrase for an edge label, the sentence a reader sees). Kinds "<credit>_to_source"
# come from the credit kinds extraction finds (archive/provenance/model.py Credit.kind).
EVIDENCE = {
    "canonical_to_source": ("canonical tag", "The copy's canonical tag points to the source."),
    "og_url_to_source": ("og:url", "The copy's og:url tag points to the source."),
    "original_source_to_source": ("original-source tag", "The copy's original-source tag names the source."),
    "syndication_source_to_source": ("syndication tag", "The copy's syndication-source tag names the source."),
    "is_based_on_to_source": ("isBasedOn", "The copy's schema.org isBasedOn names the source."),
    "link_to_source": ("credit link", "A credit link in the copy points to the source."),
    "links_to_source": ("links to source", "The copy links to the source."),
    "line_names_source": ("credit line", "A credit line in the copy names the source's outlet."),
    "dateline_names_source": ("wire dateline", "The copy's wire dateline names the source's outlet."),
    "shares_added_credit": ("carries its credit line", "The copy carries a credit line that the source added itself."),
    "same_credit_as_source": ("same credit", "The copy credits the same outlet as the source does."),
    "title_copied": ("title copied", "The copy's title repeats the source's, with the copier's name added."),
    "published_later": ("published later", "The copy was published after the source."),
    "published_earlier": ("dated earlier", "The copy is dated before the source (dates can be wrong or back-dated)."),
    "earlier_of_twins": ("earlier of twins", "Another possible source has exactly this source's text and is dated "
                                             "later: it is a copy of this one, where the text was first published."),
    "closest_text": ("closest text", "Of all possible sources, this one's text is the closest."),
    "closer_text_elsewhere": ("closer text elsewhere", "Another copy's text is closer to it than this source's."),
    "unexplained": ("text not in source", "The copy has passages that are not in this source."),
    "opening_cut": ("source's opening missing", "The copy lacks this source's opening paragraphs, which an "
                                                "excerpt keeps: this source added them to the copy's text."),
    "dateline_dropped": ("dateline dropped", "The copy lacks the wire dateline the source has."),
    "spinner_marks": ("spinner debris", "The copy shows the debris an article spinner leaves (such as \"&nbsp,\")."),
    "substituted_words_rarer": ("synonym swaps", "Words were swapped for synonyms, rarer ones on the copy's side."),
    "credit_dropped": ("credit line dropped", "The copy took the text on both sides of the source's credit line, "
                                              "which names another outlet, but not the line itself."),
    "credit_link_dropped": ("credit link dropped", "The copy holds all of the source's text but not its credit "
                                                   "link, which names another outlet of the story."),
    "passage_attributed": ("passage attributed", "The copy names the source's outlet where the shared passage begins."),
    "credits_captured_copy": ("credits a captured copy", "The copy credits a captured copy of the wire story, so it "
                                                         "came from that copy rather than from the wire."),
    "spun_captured_copy": ("spun captured copy", "The copy is a captured copy of the wire story spun: a wire sends "
                                                 "its text as written."),
    "ends_where_other_ends": ("ends where another ends", "The copy leaves out much of this text and stops where "
                                                        "another possible source stops: it took that one whole."),
    "others_credit_copy": ("others credit the copy", "Another page credits the copy as its source and none credits "
                                                     "this one: the story's pages take the text from the copy, not "
                                                     "from this one."),
    "wire_wording_kept": ("wire's wording kept", "The copy's words differ from another captured copy's, but most "
                                                 "copies of the wire word it so: the other copy was the one changed."),
    "wire_credit": ("wire credit", "The copy carries the agency's dateline or credit: its text came from the "
                                   "agency's wire story, which no captured page holds."),
    "dated_apart_from_wire": ("dated apart from the wire", "The copy is dated a day or more from every other "
                                                           "copy of the wire (but those with its text, one of "
                                                           "which ran with them) and has one captured copy's "
                                                           "text: it took that copy, not the wire."),
    "redated_copy_of_wire": ("re-dated wire copy", "The copy states a date before the day its own URL states, "
                                                   "as a copier re-dating what it takes does, and has one "
                                                   "captured copy's text: it took that copy, not the wire."),
    "wire_line_added": ("agency line added", "The copy closes with the agency's credit line, which this source "
                                             "lacks: it was not made from this source."),
    "wire_line_dropped": ("agency line dropped", "The copy holds this source's text but not the agency's line the "
                                                 "source closes with: it was not made from this source."),
    "other_held_entire": ("another held whole", "The copy leaves out words of this text but holds another "
                                                "possible source to the last word: it took that one."),
    "reworked_from_original": ("reworks a copy", "The source is itself a copy of the report: a newsroom that "
                                                 "reworks a story reworks the report, not a copy of it."),
    "text_copied_elsewhere": ("text copied elsewhere", "Other pages copy the copy's whole text and none the "
                                                       "source's: the source reused a passage of the copy."),
}
CREDITING = (*CREDIT_EVIDENCE, "wire_credit")  # evidence that a copy credits its source


def evidence_sentence(kind: str) -> str:
    known = EVIDENCE.get(kind)
    return known[1] if known else kind.replace("_", " ").capitalize() + "."


def evidence_short(kind: str) -> str:
    known = EVIDENCE.get(kind)
    return known[0] if known else kind.replace("_", " ")


def edge_label(edge: Edge, clues: int = 2) -> str:
    """A short label for a plot: relation, confidence and the strongest clues for it."""
    strongest = sorted((x for x in edge.evidence if x["weight"] > 0), key=lambda x: -x["weight"])
    names = list(dict.fromkeys(evidence_short(x["kind"]) for x in strongest))[:clues]
    return f"{edge.relation} {edge.confidence:.2f}" + (f": {', '.join(names)}" if names else "")


def agency(url: str) -> str:
    """The agency slug of an inferred wire source (``urn:provenance:inferred:wire:ap:1f2e`` -> ``ap``)."""
    parts = url[len(INFERRED_PREFIX):].split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "wire" else parts[0]


def captured(doc: Document) -> bool:
    return not is_inferred(doc.url)


def name(doc: Document) -> str:
    """The outlet as people call it (its site name), or the wire agency of an inferred source
    (its outlet's name: the site name of an inferred source says "not captured" as well)."""
    if not captured(doc):
        return (doc.outlet.name if doc.outlet else None) or doc.site_name or agency(doc.url).upper()
    return doc.site_name or (doc.outlet.domain if doc.outlet else "") or doc.url


def day(when: datetime | None) -> str:
    return when.date().isoformat() if when else "undated"


def warc_timestamp(when: datetime) -> str:
    """The 14-digit WARC/CDX timestamp pywb and ReplayWeb.page put in replay URLs."""
    return when.strftime("%Y%m%d%H%M%S")


def replay_link(template: str | None, doc: Document) -> str | None:
    """``template`` with ``{timestamp}`` and ``{url}`` filled in, for a captured document."""
    if not template or not captured(doc) or doc.fetched_at is None:
        return None
    return template.replace("{timestamp}", warc_timestamp(doc.fetched_at)).replace("{url}", doc.url)


def primary_parents(edges: list[Edge]) -> dict[int, Edge]:
    """Each copy's chosen parent edge (quotations are not parents)."""
    return {e.derived_id: e for e in edges if e.is_primary and e.relation != "quotes"}


def generations(documents: list[Document], parents: dict[int, Edge]) -> dict[int, int]:
    """Each document's distance from its story's origin along chosen parents (0 for the origin)."""
    depth: dict[int, int] = {}
    for doc in documents:
        chain, node = [], doc.id
        while node not in depth and node in parents and node not in chain:
            chain.append(node)
            node = parents[node].source_id
        base = depth.get(node, 0)
        if node not in depth:
            depth[node] = 0
        for k, member in enumerate(reversed(chain), 1):
            depth[member] = base + k
    return depth


def how_made(doc: Document, parents: dict[int, Edge]) -> str:
    """The relation to its chosen parent, or ``origin``."""
    return parents[doc.id].relation if doc.id in parents else "origin"


def _span(seconds: float) -> str:
    days = seconds / 86400
    return f"{days:.0f} days" if days >= 2 else f"{seconds / 3600:.0f} hours"


def date_flags(doc: Document, parent: Document | None) -> list[str]:
    """Dates that do not add up: a copy dated before its source, a page dated after its capture."""
    flags = []
    if doc.published and parent is not None and parent.published:
        ahead = (parent.published - doc.published).total_seconds()
        to_the_day = min(doc.date_trust or 0, parent.date_trust or 0) < 1.0  # a printed date has no hour
        if (doc.published.date() < parent.published.date()) if to_the_day else ahead >= 3600:
            flags.append(f"dated {_span(ahead)} before its source ({name(parent)}, {day(parent.published)})")
    if doc.published and doc.fetched_at and (doc.published - doc.fetched_at).total_seconds() > 86400:
        flags.append(f"dated after it was captured ({day(doc.fetched_at)})")
    return flags


@dataclass
class Credit:
    """Whom a copy credits: a document of the story, or only a name found on the page."""

    text: str
    document: Document | None = None


_SELF = ("canonical", "og_url", "title")  # kinds that normally name the page's own outlet


class Credits:
    """Whom the copies of one story credit, from their stored credits and links; the story's
    URLs and outlet names are worked out once."""

    def __init__(self, story: list[Document], origin: Document | None = None):
        self.origin = origin
        self.by_key = {url_key(d.url): d for d in story if captured(d)}
        self.names = {d.id: {n for n in (squash(name(d)), squash(outlet_label(d.outlet.domain)) if d.outlet else "") if n}
                      for d in story}
        self.story = story

    def given(self, doc: Document) -> list[Credit]:
        """The story's documents ``doc`` credits (or, when none of them is in the story, the
        names its credit lines give)."""
        own = self.names.get(doc.id, set())
        found: dict[str, Credit] = {}
        for credit in (doc.signals or {}).get("credits") or ():
            target = self.by_key.get(url_key(credit["url"])) if credit.get("url") else None
            if target is not None and target.id == doc.id or target is None and credit.get("kind") in _SELF:
                continue
            if target is None:
                text = credit.get("text") or ""
                target = next((d for d in self.story if d.id != doc.id
                               and names_outlet(text, sorted(self.names[d.id] - own))), None)
            if target is not None:
                found.setdefault(name(target), Credit(name(target), target))
            elif credit.get("kind") in ("line", "dateline") and credit.get("text"):
                text = re.sub(r"\s+", " ", credit["text"]).strip()[:120]
                found.setdefault(text, Credit(text))
        resolved = [c for c in found.values() if c.document is not None]
        return resolved or list(found.values())

    def sentence(self, doc: Document, parent_edge: Edge | None) -> str:
        """"credits Asia Times (its source)", "credits Pacific Forum (the origin, not its source
        Asia Times)", "no credit"."""
        if parent_edge is None:
            return ""
        source = parent_edge.source
        given = self.given(doc)
        if any(x["kind"] in CREDITING for x in parent_edge.evidence) and not any(
                c.document is not None and c.document.outlet_id == source.outlet_id for c in given):
            given.insert(0, Credit(name(source), source))
        if not given:
            return "no credit"
        parts = []
        for credit in given:
            if credit.document is None:
                parts.append(f"names \u201c{credit.text}\u201d")
            elif credit.document.id == source.id or credit.document.outlet_id == source.outlet_id:
                parts.append(f"credits {credit.text} (its source)")
            elif self.origin is not None and credit.document.id == self.origin.id:
                parts.append(f"credits {credit.text} (the origin, not its source {name(source)})")
            else:
                parts.append(f"credits {credit.text} (not its source {name(source)})")
        return "; ".join(parts)
