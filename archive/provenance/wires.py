"""Wire services named by a copy: the agency whose story it carries, from its dateline or credit.

Most copies on the web come from a wire (AP, Reuters, AFP, Xinhua, a press-release wire) whose own
text is not on the web. Agencies mark their stories in fixed ways that outlets keep: a dateline
code ("WASHINGTON (AP) —", "BEIJING, March 3 (Xinhua) --", "(Reuters) -", "/PRNewswire/"), a
credit or copyright line at the foot ("© 2008 The Associated Press", "Reporting by …; Editing by …"),
a byline. Only the opening and closing words of a text are read: an article that merely cites
"the Associated Press" somewhere in its body carries no wire story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from archive.provenance.text import clean

HEAD_WORDS = 60  # a dateline opens the story, after page furniture at most
TAIL_WORDS = 60  # credit and copyright lines close it


@dataclass(frozen=True, slots=True)
class Agency:
    slug: str
    name: str
    domain: str  # where the agency publishes (a captured page there is the wire story itself)
    head: re.Pattern  # in the opening words: dateline codes
    anywhere: re.Pattern | None = None  # in the opening or closing words: credits, copyright lines
    # words (case-folded) every match of ``head`` holds, and of ``anywhere``: a text holding none is
    # not searched, as most texts name no agency and each pattern costs a scan of the text
    needles: tuple[str, ...] = ()  # the slug by default
    credit_needles: tuple[str, ...] = ()  # the needles by default

    def __post_init__(self):
        if not self.needles:
            object.__setattr__(self, "needles", (self.slug,))
        if not self.credit_needles:
            object.__setattr__(self, "credit_needles", self.needles)


def _codes(*codes: str) -> str:
    """Dateline codes as they appear: "(AP)", "(AP) —", "AP —" after a place name."""
    return "|".join(rf"\(\s*{c}\s*\)" for c in codes)


AGENCIES = (
    Agency("ap", "The Associated Press", "apnews.com", re.compile(_codes("AP", "The Associated Press")),
           re.compile(r"(?:©|\(c\)|copyright)\s*\d{4},?\s*(?:by\s+)?(?:the\s+)?associated press|"
                      r"\bby\s+(?:the\s+)?associated press\b|^associated press\b|associated press writers?\b",
                      re.IGNORECASE | re.MULTILINE),
           needles=("ap", "associated press"), credit_needles=("associated press",)),
    Agency("reuters", "Reuters", "reuters.com", re.compile(_codes("Reuters") + r"|\bReuters\s+[-–—]\s"),
           re.compile(r"\(Reporting by [^)]{3,120}\)|\bReporting by [A-Z][^.;]{2,80}[;,] (?:additional reporting|"
                      r"editing|writing) by\b|(?:©|copyright)\s*\d{4}\s*(?:thomson\s+)?reuters", re.IGNORECASE),
           credit_needles=("reuters", "reporting by")),
    Agency("thomsonfinancial", "Thomson Financial", "thomsonreuters.com", re.compile(_codes("Thomson Financial")),
           re.compile(r"\bthomson financial news\b|(?:©|copyright)\s*\d{4}\s*thomson financial", re.IGNORECASE),
           needles=("thomson financial",)),
    Agency("afp", "Agence France-Presse", "afp.com", re.compile(_codes("AFP") + r"|\bAFP\s+[-–—]\s"),
           re.compile(r"(?:©|copyright)\s*\d{4}\s*AFP|agence france[- ]presse", re.IGNORECASE),
           credit_needles=("afp", "agence france")),
    Agency("xinhua", "Xinhua", "xinhuanet.com", re.compile(_codes("Xinhua") + r"|\bXinhua\s+[-–—]+\s"),
           re.compile(r"\bxinhua news agency\b|^source:\s*xinhua\b", re.IGNORECASE | re.MULTILINE)),
    Agency("businesswire", "Business Wire", "businesswire.com", re.compile(r"\(\s*BUSINESS WIRE\s*\)|/\s*Business Wire\s*/", re.I),
           re.compile(r"\bsource:\s*[^\n]{0,80}business wire\b|\bview source version on businesswire\.com", re.I),
           needles=("business wire", "businesswire")),
    Agency("prnewswire", "PR Newswire", "prnewswire.com", re.compile(r"/\s*PRNewswire(?:-[A-Za-z]+)?\s*/", re.I),
           re.compile(r"\bsource\s+[^\n]{0,80}\bpr newswire\b|\bcision\b.*\bprnewswire", re.I),
           credit_needles=("prnewswire", "pr newswire")),
    Agency("globenewswire", "GlobeNewswire", "globenewswire.com", re.compile(r"\(\s*GLOBE NEWSWIRE\s*\)", re.I),
           needles=("globe newswire",)),
    Agency("upi", "United Press International", "upi.com", re.compile(_codes("UPI") + r"|\bUPI\s+[-–—]\s"),
           re.compile(r"(?:©|copyright)\s*\d{4}\s*(?:by\s+)?united press international", re.IGNORECASE),
           credit_needles=("united press international",)),
    Agency("dpa", "dpa", "dpa.com", re.compile(_codes("dpa", "DPA"))),
    Agency("bloomberg", "Bloomberg", "bloomberg.com", re.compile(_codes("Bloomberg"))),
    Agency("kyodo", "Kyodo News", "kyodonews.net", re.compile(r"\(\s*Kyodo\s*\)|\bKyodo\s+[-–—]\s")),
    Agency("yonhap", "Yonhap", "yna.co.kr", re.compile(_codes("Yonhap"))),
    Agency("pti", "Press Trust of India", "ptinews.com", re.compile(_codes("PTI"))),
    Agency("ians", "IANS", "ians.in", re.compile(_codes("IANS"))),
    Agency("ani", "ANI", "aninews.in", re.compile(_codes("ANI"))),
    Agency("cp", "The Canadian Press", "thecanadianpress.com", re.compile(_codes("CP", "The Canadian Press")),
           re.compile(r"(?:©|copyright)\s*\d{4}\s*the canadian press", re.IGNORECASE),
           needles=("cp", "canadian press"), credit_needles=("canadian press",)),
    Agency("aap", "Australian Associated Press", "aap.com.au", re.compile(_codes("AAP"))),
    Agency("efe", "EFE", "efe.com", re.compile(_codes("EFE"))),
    Agency("ansa", "ANSA", "ansa.it", re.compile(_codes("ANSA"))),
    Agency("tass", "TASS", "tass.com", re.compile(_codes("TASS"))),
    Agency("anadolu", "Anadolu Agency", "aa.com.tr", re.compile(_codes("AA")), re.compile(r"\banadolu agency\b", re.I),
           needles=("aa",), credit_needles=("anadolu",)),
    Agency("sportsnetwork", "The Sports Network", "sportsnetwork.com", re.compile(_codes("Sports Network")),
           re.compile(r"courtesy of the sports network", re.IGNORECASE),
           needles=("sports network",)),
)
BY_SLUG = {a.slug: a for a in AGENCIES}
_BY_DOMAIN = {a.domain: a for a in AGENCIES}


@lru_cache(maxsize=8192)  # a stored copy is read back whenever a new page meets it
def wire_of(text: str, author: str = "") -> str | None:
    """The slug of the agency whose story the text carries, if its dateline or credit says so."""
    text = clean(text)
    words = text.split()
    head, tail = " ".join(words[:HEAD_WORDS]), " ".join(words[-TAIL_WORDS:])
    lines = text.split("\n")
    edges = "\n".join(lines if len(lines) <= 6 else lines[:3] + lines[-3:])
    read = (edges, tail, head, author or "")
    seen = "\n".join(read).casefold()  # as the patterns' IGNORECASE folds
    for agency in AGENCIES:
        if any(needle in seen for needle in agency.needles) and agency.head.search(head):
            return agency.slug
    for agency in AGENCIES:
        if (agency.anywhere is not None and any(needle in seen for needle in agency.credit_needles)
                and any(agency.anywhere.search(part) for part in read)):
            return agency.slug
    return None


def credit_line(text: str, slug: str) -> str | None:
    """The agency's credit or copyright line among the text's closing lines ("Copyright 2025 The
    Associated Press. All rights reserved."), squashed to its words, if the text carries one."""
    agency = BY_SLUG.get(slug)
    if agency is None or agency.anywhere is None:
        return None
    for line in reversed(clean(text).split("\n")[-6:]):
        found = agency.anywhere.search(line)
        if found:
            return " ".join(re.findall(r"\w+", line.casefold()))
    return None


def agency_at(domain: str) -> str | None:
    """The agency publishing on this registered domain, if it is one."""
    agency = _BY_DOMAIN.get(domain)
    return agency.slug if agency else None
