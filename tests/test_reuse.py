"""Partial reuse and rewrites are derivations; a quotation's direction comes from its marks and dates."""

from __future__ import annotations

from datetime import datetime

from archive.page import Page
from archive.provenance.align import align
from archive.provenance.compare import DERIVED, Kinship, compare, quoting_side
from archive.provenance.model import Relation, doc_from_page
from archive.provenance.story import analyze_story
from archive.provenance.text import tokens
from benchmarks.evalcorpus import articles


def _doc(url: str, text: str, date: str | None = None):
    return doc_from_page(url, Page(url, text, date=datetime.fromisoformat(date) if date else None,
                                   date_trust=1.0 if date else 0.0))


def _plain(n: int) -> list[str]:
    """Sentences of real articles without quotation marks (a reused passage outside quotes)."""
    texts = [t for t in articles() if 250 < len(t.split()) < 450 and '"' not in t]
    return [s.strip() for s in texts[n].split(". ") if len(s.split()) > 6]


def test_paragraphs_moved_around_still_align():
    sentences = _plain(0)
    third = len(sentences) // 3
    moved = sentences[third:2 * third] + sentences[:third] + sentences[2 * third:]
    al = align(tokens(". ".join(sentences)), tokens(". ".join(moved)))
    assert al.contain_a > 0.95 and al.contain_b > 0.95


def test_a_story_reusing_some_paragraphs_of_another_is_partial_and_derived():
    source, own = _plain(1), _plain(2)
    reuser = own[:4] + source[2:6] + own[4:]
    a = _doc("https://wire-desk.example/a", ". ".join(source), "2024-01-01T08:00:00")
    b = _doc("https://paper.example/b", ". ".join(reuser), "2024-01-02T08:00:00")
    assert compare(a, b).kinship is Kinship.PARTIAL
    result = analyze_story([a, b])
    (edge,) = [e for e in result.edges if e.primary]
    assert (edge.source, edge.derived, edge.relation) == (a.key, b.key, Relation.PARTIAL)
    assert 0.2 < edge.stats["copy_in_source"] < 0.6  # the share reused is reported


def test_a_sentence_by_sentence_rewrite_is_a_rewrite_not_unrelated():
    source = ("The city council voted on Tuesday to close the old harbour bridge for repairs. "
              "Engineers found cracks in two of the main steel supports last month. "
              "The closure is expected to last at least six months, officials said. "
              "Commuters will be directed to the northern crossing during the works. "
              "The repairs are estimated to cost about twelve million dollars.")
    rewrite = ("On Tuesday the city council voted for the old harbour bridge to close for repairs. "
               "Last month engineers found cracks in two main steel supports. "
               "Officials said the closure is expected to last six months at least. "
               "During the works commuters will be directed towards the northern crossing. "
               "The repairs will cost an estimated twelve million dollars.")
    unrelated = ("The regional football final drew a record crowd on Saturday afternoon. "
                 "Fans travelled from across the state to watch the two teams meet. "
                 "The home side won by a single goal scored in the final minute. "
                 "Police reported no incidents around the stadium after the match. "
                 "Organisers said next year's final would be moved to a larger ground.")
    a, b = _doc("https://herald.example/bridge", source, "2024-01-01"), _doc("https://other.example/bridge", rewrite, "2024-01-02")
    assert compare(a, b).kinship in DERIVED
    (edge,) = analyze_story([a, b]).edges
    assert (edge.source, edge.relation) == (a.key, Relation.REWRITE)
    assert compare(a, _doc("https://sport.example/final", unrelated)).kinship is Kinship.NONE


def test_the_text_holding_the_passage_in_quotation_marks_quotes_the_other_whatever_its_length():
    source = _plain(3)
    quoted_words = " ".join(" ".join(source).split()[30:52])
    comment = (f"A short comment. As the report put it, \u201c{quoted_words}\u201d That is the point, "
               "and the rest of this comment says something else entirely about local politics.")
    a = _doc("https://zz-report.example/long", ". ".join(source))
    b = _doc("https://aa-comment.example/short", comment)
    pair = compare(a, b)
    assert pair.kinship is Kinship.QUOTE
    quoted, quoting = quoting_side(pair)
    assert (quoted.url, quoting.url) == (a.url, b.url)
    assert len(b) < len(a)


def test_paragraphs_reused_far_from_where_they_stood_are_partial_reuse_not_a_quotation():
    """The first paragraphs of a story reused at the end of a long one of its own: no in-order
    alignment reaches them, so the texts are aligned again for moved passages (they once made a
    quotation, or nothing)."""
    source, own = _plain(1), _plain(2) + _plain(3) + _plain(4)
    reuser = own + source[:4]
    a = _doc("https://wire-desk.example/a", ". ".join(source), "2024-01-01T08:00:00")
    b = _doc("https://paper.example/b", ". ".join(reuser), "2024-01-02T08:00:00")
    pair = compare(a, b)
    assert pair.kinship is Kinship.PARTIAL and pair.alignment.equal >= 40
    (edge,) = [e for e in analyze_story([a, b]).edges if e.primary]
    assert (edge.source, edge.derived, edge.relation) == (a.key, b.key, Relation.PARTIAL)


def test_a_short_passage_reused_outside_quotation_marks_is_partial_reuse_not_a_quotation():
    """Two sentences (under the 40 words a reused passage needs) of one story stand in another's
    own text, in quotation marks in neither: a quotation stands in marks, so this is reuse; the
    same words in marks are a quotation."""
    source, own = _plain(1), _plain(2)
    taken = next(source[i : i + 2] for i in range(2, len(source)) if 24 <= len(" ".join(source[i : i + 2]).split()) < 40)
    a = _doc("https://wire-desk.example/a", ". ".join(source) + ".", "2024-01-01T08:00:00")
    b = _doc("https://paper.example/b", ". ".join(own[:5] + taken + own[5:]) + ".", "2024-01-02T08:00:00")
    assert compare(a, b).kinship is Kinship.PARTIAL
    quoting = ". ".join(own[:5]) + f". As the desk put it, \u201c{'. '.join(taken)}.\u201d " + ". ".join(own[5:]) + "."
    assert compare(a, _doc("https://paper.example/c", quoting, "2024-01-02T08:00:00")).kinship is Kinship.QUOTE


def test_a_story_that_took_a_short_one_whole_after_a_lead_of_its_own_is_not_its_source():
    """Editors cut a story from the bottom: the short text, held whole in the longer one but only
    after the longer one's own opening paragraphs, was not cut from it; the longer one reused it,
    and the dates say which came first."""
    short, own = _plain(1)[:5], _plain(2)
    a = _doc("https://zz-origin.example/short", ". ".join(short) + ".", "2024-01-01T08:00:00")
    b = _doc("https://aa-paper.example/long", ". ".join(own[:4] + short) + ".", "2024-01-04T08:00:00")
    (edge,) = [e for e in analyze_story([a, b]).edges if e.primary]
    assert (edge.source, edge.derived, edge.relation) == (a.key, b.key, Relation.PARTIAL)


def test_two_commentaries_quoting_one_source_in_the_same_words_do_not_reuse_each_other():
    """Both quote one sentence of a third story, introduced alike ("As the desk put it, “…"): the
    passage they share holds a quotation mark, so it is a quotation in each, not reuse."""
    source, one, two = _plain(1), _plain(2), _plain(3)
    quote = next(s for s in source if 22 <= len(s.split()) < 40)
    line = f"As the desk put it, \u201c{quote}."
    a = _doc("https://first-view.example/a", ". ".join(one[:4]) + ".\n" + line + "\n" + ". ".join(one[4:]) + ".")
    b = _doc("https://second-view.example/b", ". ".join(two[:4]) + ".\n" + line + "\n" + ". ".join(two[4:]) + ".")
    assert compare(a, b).kinship is Kinship.QUOTE


def test_a_passage_ending_a_quotation_that_opened_further_back_is_a_quotation():
    """The shared words close a quotation whose opening mark stands a sentence before them (a
    sentence the source does not have), or stand inside it: a quotation, not unquoted reuse."""
    source, own = _plain(1), _plain(2)
    taken = next(s for s in source if 22 <= len(s.split()) < 40)
    quote = f"As the desk put it, \u201cOfficials said on Tuesday that the review would take months to finish. {taken}.\u201d"
    a = _doc("https://wire-desk.example/a", ". ".join(source) + ".", "2024-01-01T08:00:00")
    b = _doc("https://view.example/b", ". ".join(own[:4]) + ".\n" + quote + "\n" + ". ".join(own[4:]) + ".")
    assert compare(a, b).kinship is Kinship.QUOTE
    # ... or inside one that opened earlier in its paragraph and closes a few words after it
    quote = f'In the words of the desk, "Officials said on Tuesday that the review would take months. {taken}, they said."'
    b = _doc("https://view.example/c", ". ".join(own[:4]) + ".\n" + quote + "\n" + ". ".join(own[4:]) + ".")
    assert compare(a, b).kinship is Kinship.QUOTE


def test_a_speakers_words_reused_with_their_marks_are_reuse_not_a_quotation():
    """The source's own quotation (a speaker's words in double marks) taken with its marks into
    a longer story of another outlet: the passage is in quotation marks in both texts, so it was
    reused, not quoted from this source; and though the longer story says more of its own, the
    dates direct the edge."""
    speech = ". ".join(_plain(3)[:6]) + "."
    report, own = _plain(1), _plain(2)
    source = f"{'. '.join(report[:2])}.\n\u201c{speech}\u201d the minister said.\n{report[2]}."
    reuser = f"{'. '.join(own[:5])}.\n\u201c{speech}\u201d the minister said.\n{'. '.join(own[5:])}."
    a = _doc("https://zz-wire.example/speech", source, "2024-01-01T08:00:00")
    b = _doc("https://aa-paper.example/story", reuser, "2024-01-02T08:00:00")
    pair = compare(a, b)
    assert pair.alignment.contain_a >= 0.5 and pair.kinship is not Kinship.QUOTE
    (edge,) = [e for e in analyze_story([a, b]).edges if e.primary]
    assert (edge.source, edge.derived, edge.relation) == (a.key, b.key, Relation.PARTIAL)



def test_a_report_quoted_with_its_speakers_words_inside_is_quoted_not_reused():
    """A commentary quotes two sentences of a report, the first of them the report's own quotation
    of a speaker: in the report the speaker's quotation closes inside the shared passage, in the
    commentary the passage lies wholly inside the commentary's marks. The marks did not travel with
    the words, as a reuser's would: the commentary put them there, so it quotes the report. So
    does one quoting the speaker's words in guillemets where the report has curly marks."""
    report, own = _plain(1), _plain(2)
    said, then = report[2], report[3]

    def column(quotation: str):
        return _doc("https://aa-view.example/column",
                    f"{'. '.join(own[:5])}.\n{quotation}\n{'. '.join(own[5:])}.", "2024-01-03T08:00:00")

    a = _doc("https://zz-wire.example/report",
             f"{'. '.join(report[:2])}.\n\u201c{said},\u201d the minister said. {then}.\n{'. '.join(report[4:])}.",
             "2024-01-01T08:00:00")
    b = column(f"As the desk put it, \u201c\u2018{said},\u2019 the minister said. {then}.\u201d")
    assert compare(a, b).kinship is Kinship.QUOTE
    a = _doc("https://zz-wire.example/report",
             f"{'. '.join(report[:2])}.\n\u201c{said}. {then},\u201d the minister said.\n{'. '.join(report[4:])}.",
             "2024-01-01T08:00:00")
    assert compare(a, column(f"As the desk noted, \u00ab{said}. {then}.\u00bb")).kinship is Kinship.QUOTE
    # the same words in the report's own marks, as a reuser takes them, are reuse
    assert compare(a, column(f"\u201c{said}. {then},\u201d the minister said.")).kinship is Kinship.PARTIAL


def test_texts_share_a_passage_only_with_a_run_of_quotation_length():
    from archive.provenance.compare import QUOTE_MIN_WORDS, shares_passage

    words = [f"word{n}" for n in range(60)]
    a = _doc("https://a.example/1", " ".join(words) + ".")
    b = _doc("https://b.example/2", " ".join(words[10:10 + QUOTE_MIN_WORDS]) + " and then other words of its own here.")
    c = _doc("https://c.example/3", " ".join(words[10:10 + QUOTE_MIN_WORDS - 1]) + " and then other words of its own here.")
    assert shares_passage(a, b) and not shares_passage(a, c)
