"""Generated input never crashes extraction or analysis: pages either give a document or a clear
ExtractionError, and any texts can be compared and analysed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.extract import ExtractionError, extract_page
from archive.provenance.compare import compare
from archive.provenance.model import Doc
from archive.provenance.story import analyze_story

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=12)
texts = st.lists(words, min_size=0, max_size=120).map(" ".join)
tags = st.sampled_from(["p", "div", "span", "a", "script", "style", "article", "h1", "li", "table", "time", "meta"])


@st.composite
def pages(draw) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(tags)
        attrs = draw(st.sampled_from(["", ' class="date"', ' href="/x"', ' rel="canonical" href="//a.example/"',
                                      ' datetime="2024-13-45"', ' property="og:title" content="&amp;nbsp;"']))
        parts.append(f"<{tag}{attrs}>{draw(texts)}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    body = "".join(parts)
    wrap = draw(st.sampled_from(["<html><body>{}</body></html>", "{}", "<!DOCTYPE html><html><head><title>{}</title>"]))
    raw = wrap.format(body)
    return raw.encode(draw(st.sampled_from(["utf-8", "latin-1", "utf-16"])), errors="replace")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_extraction_gives_a_page_or_a_clear_error(body):
    try:
        page = extract_page(body, "https://fuzz.example/a/", "text/html")
    except ExtractionError:
        return
    assert page.text.strip() and isinstance(page.credits, tuple)


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_any_texts_can_be_compared_and_analysed(bodies):
    docs = [Doc(i, f"https://site{i}.example/x/", body, title=body[:40]) for i, body in enumerate(bodies)]
    for a in docs:
        for b in docs:
            if a is not b:
                compare(a, b)
    result = analyze_story(docs)
    assert set(result.members) == {d.key for d in docs}
