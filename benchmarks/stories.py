"""Stories built straight into a graph database, for the output tests and benchmarks/report_scale.py:
as many copies as wanted (5, 50, 500...), every relation, an inferred wire source that was never captured, a recaptured
page, near-identical syndicated copies and a copy dated before its source."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from archive.store.models import Document, Edge, Outlet, Story
from archive.urls import INFERRED_PREFIX, outlet_domain, url_key

BASE = [
    "Port officials said on Tuesday that the harbour will close for three weeks, after inspectors found "
    "cracks in the old northern breakwater. \u201cWe cannot take the risk,\u201d the harbour master said.",
    "The closure affects about 40 fishing boats and two ferry lines. Fishermen, who land most of the "
    "region's catch at the port, asked for compensation; the ministry promised an answer by Friday.",
    "Engineers will survey the breakwater with divers and sonar. Repairs, if needed, could cost as much "
    "as 12 million euros and take until the end of the summer.",
    "The breakwater was built in 1911 and last repaired in 1987. Storms this winter were the strongest "
    "recorded since the port's weather station opened.",
    "Ferry passengers are advised to use the southern terminal, where extra crossings will run twice a "
    "day; tickets already bought remain valid.",
    "Local businesses fear a quiet spring. \u201cThree weeks is a long time for a harbour town,\u201d said the "
    "owner of a caf\u00e9 on the quay, who has run it for 30 years.",
]
SYNONYMS = {"officials": "authorities", "harbour": "port", "close": "shut", "inspectors": "examiners",
            "cracks": "fissures", "risk": "hazard", "affects": "impacts", "boats": "vessels", "asked": "requested",
            "promised": "pledged", "survey": "examine", "cost": "price", "strongest": "fiercest",
            "advised": "counselled", "businesses": "enterprises", "fear": "dread", "quiet": "calm"}
NEAR = {"shared_words": 300, "source_in_copy": 0.99, "copy_in_source": 0.99, "substituted_words": 0, "passages": 1}


def spun(text: str, every: int) -> str:
    """Swap the known words for synonyms, one in ``every``, leaving the debris a spinner leaves."""
    count = 0

    def swap(match: re.Match) -> str:
        nonlocal count
        count += 1
        word = match.group(0)
        return SYNONYMS[word] if count % every == 0 else word

    return re.sub("|".join(rf"\b{w}\b" for w in SYNONYMS), swap, text).replace(". ", ". &nbsp, ", 1)


class Builder:
    def __init__(self, session, start: datetime = datetime(2024, 3, 5, 8, 0), distinct: bool = False):
        self.session, self.start, self.distinct = session, start, distinct
        self.story = Story()
        session.add(self.story)
        session.flush()
        self.outlets: dict[str, Outlet] = {}
        self.count = 0

    def doc(self, url: str, site: str, paragraphs: list[str], hours: float | None, parent: Document | None = None,
            relation: str = "copy", evidence: list[dict] | None = None, stats: dict | None = None,
            credits: list[dict] | None = None, primary: bool = True) -> Document:
        inferred = url.startswith(INFERRED_PREFIX)
        domain = "apnews.com" if inferred else outlet_domain(url)  # as archive/store/writes.py makes them
        outlet = self.outlets.get(domain)
        if outlet is None:
            outlet = self.outlets[domain] = Outlet(domain=domain, name=site)
            self.session.add(outlet)
        if inferred:
            site, paragraphs = f"{site} (wire, not captured)", []
        self.count += 1
        if self.distinct and not inferred:  # each copy its own last line: no two texts alike
            paragraphs = [*paragraphs, f"Reported for {site} (edition {self.count})."]
        text = "\n".join(paragraphs)
        published = self.start + timedelta(hours=hours) if hours is not None else None
        doc = Document(
            url=url, url_key=url_key(url) if not inferred else url, outlet=outlet, story_id=self.story.id,
            title=f"{outlet.name} wire story (not captured)" if inferred else
            "Harbour to close for three weeks after breakwater cracks", site_name=site, text=text,
            text_digest=hashlib.sha256(text.encode()).hexdigest(), published=published, date_trust=0.0 if inferred else 1.0,
            signals={"credits": credits or []},
            fetched_at=None if inferred else datetime(2024, 3, 20, 9, 0) + timedelta(minutes=self.count),
            warc_file=None if inferred else f"/data/crawls/PROVENANCE-20240320090000-00000-{self.count % 2}.warc.gz",
            warc_offset=None if inferred else 1000 * self.count,
            warc_record_id=None if inferred else f"<urn:uuid:00000000-0000-4000-8000-{self.count:012d}>")
        self.session.add(doc)
        self.session.flush()
        if parent is not None:  # distinct copies are not near-identical to their source either
            self.edge(parent, doc, relation, evidence, None if self.distinct else stats, primary)
        return doc

    def edge(self, source: Document, derived: Document, relation: str, evidence: list[dict] | None = None,
             stats: dict | None = None, primary: bool = True) -> Edge:
        edge = Edge(story_id=self.story.id, source_id=source.id, derived_id=derived.id, relation=relation,
                    confidence=0.97 if primary else 0.41, is_primary=primary,
                    evidence=evidence or [{"kind": "closest_text", "weight": 0.5, "detail": "closest text: 300 words identical"}],
                    stats=stats or {"shared_words": 200, "source_in_copy": 0.8, "copy_in_source": 0.9,
                                    "substituted_words": 0, "passages": 2})
        self.session.add(edge)
        self.session.flush()
        return edge


def later(hours: float) -> list[dict]:
    return [{"kind": "published_later", "weight": 0.4, "detail": f"published {hours:.0f} hours after the source"}]


def story_of(session, copies: int, distinct: bool = False) -> Document:
    """A story with ``copies`` copies (5 or more); returns its origin. From 12 copies on, the
    origin is an inferred wire story (never captured) and one page is captured twice. With
    ``distinct``, no two copies have the same text (nothing is grouped in the picture)."""
    b = Builder(session, distinct=distinct)
    wire = copies >= 12
    if wire:
        origin = b.doc(f"{INFERRED_PREFIX}wire:ap:5e1f0c", "The Associated Press", [], 0)
    else:
        origin = b.doc("https://harbour-institute.example/news/breakwater/", "Harbour Institute", BASE, 0)
    magazine = b.doc("https://coastline-magazine.example/2024/03/harbour-closes/", "Coastline Magazine",
                     ["This article was originally published by " + name_of(origin) + ". It is republished with permission."]
                     + BASE, 20, origin, "republication",
                     [{"kind": "line_names_source", "weight": 3.0, "detail": f"line: 'originally published by {name_of(origin)}'"}]
                     + later(20), credits=[{"kind": "line", "text": f"This article was originally published by {name_of(origin)}.",
                                            "url": None if wire else origin.url}])
    made = [magazine]
    spin = b.doc("https://newsbeat-daily.example/harbour-close/", "NewsBeat Daily", [spun(p, 1) for p in BASE], 10,
                 magazine, "spin", [{"kind": "spinner_marks", "weight": 0.0, "detail": "spinner debris per 1,000 words: copy 9.1, source 0.0"},
                                    {"kind": "substituted_words_rarer", "weight": -0.3, "detail": "17 one-word substitutions"},
                                    {"kind": "published_earlier", "weight": -1.2, "detail": "published 10 hours before the source"}],
                 {"shared_words": 150, "source_in_copy": 0.7, "copy_in_source": 0.7, "substituted_words": 17, "passages": 9})
    made.append(spin)
    made.append(b.doc("https://wire-digest.example/a/991/", "Wire Digest", BASE[:2], 30, magazine, "excerpt",
                      [{"kind": "links_to_source", "weight": 2.0, "detail": f"copy links to {magazine.url}"}] + later(10),
                      credits=[{"kind": "link", "text": "Coastline Magazine", "url": magazine.url}]))
    made.append(b.doc("https://daily-scrape.example/harbour-close/", "Daily Scrape", [spun(p, 1) for p in BASE], 40, spin,
                      "copy", [{"kind": "title_copied", "weight": 2.5, "detail": "title repeats the source's"}] + later(30), NEAR))
    made.append(b.doc("https://local-herald.example/news/quay/", "Local Herald",
                      ["Our reporter spoke to the caf\u00e9 owners on the quay on Wednesday."] + BASE[1:3], 50, origin,
                      "partial", [{"kind": "unexplained", "weight": -1.1, "detail": "14 words of the copy are not in the source"}]))
    if not wire:
        return origin
    sources = [magazine, spin]
    k = 0
    while len(made) < copies - 1:
        k += 1
        slot = k % 10
        if slot in (1, 2, 3, 4, 5):  # near-identical wire copies: one stacked box
            made.append(b.doc(f"https://paper{k}.example/world/harbour-{k}/", f"Paper {k} Gazette",
                              ["(AP) \u2014 " + BASE[0]] + BASE[1:], 2 + k / 4, origin, "syndication",
                              [{"kind": "dateline_names_source", "weight": 3.5, "detail": "dateline: '(AP)'"}], NEAR))
        elif slot == 6:
            made.append(b.doc(f"https://brief{k}.example/{k}/", f"Brief {k}", BASE[:3], 3 + k / 3, origin, "excerpt",
                              later(3)))
        elif slot == 7:
            made.append(b.doc(f"https://farm{k}.example/harbour/", f"Content Farm {k}", [spun(p, 2) for p in BASE],
                              30 + k, sources[k % 2], "spin", later(10)))
        elif slot == 8:
            made.append(b.doc(f"https://reword{k}.example/harbour/", f"Reword {k}", list(reversed(BASE)), 26 + k,
                              magazine, "rewrite", later(6)))
        else:
            made.append(b.doc(f"https://mirror{k}.example/harbour/", f"Mirror {k}", [spun(p, 1) for p in BASE],
                              44 + k, spin, "copy", later(30), NEAR))
    # the Wire Digest page, captured again after an edit (a recapture: same URL, new text)
    b.doc("https://wire-digest.example/a/991/", "Wire Digest", BASE[:3], 30, magazine, "excerpt", later(10))
    b.edge(spin, made[4], "quotes", [{"kind": "quotation", "weight": 1.0, "detail": "one passage of 24 words in quotation marks"}])
    return origin


def name_of(doc: Document) -> str:
    return doc.outlet.name
