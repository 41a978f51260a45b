"""The template-heavy corpus (benchmarks/templatecorpus.py) is what it claims to be, and the
false-link benchmark (benchmarks/false_links.py) counts what it says it counts."""

from __future__ import annotations

import collections
import json
import random
import re

import pytest
from lxml import html as lxml_html

from benchmarks import false_links, templatecorpus
from benchmarks.templatecorpus import AP_LINE, SITE, TSN, build, reword, sentences

AGENCIES = {"ap", "reuters", "afp", "xinhua", "businesswire", "prnewswire", "dpa", "thomsonfinancial"}
AGENCY_LINES = [templatecorpus.TSN, templatecorpus.AP_LINE, templatecorpus.TF_LINE, templatecorpus.XINHUA_LINE,
                templatecorpus.BW_LINE, templatecorpus.RELEASE_ABOUT, "Source: Xinhua"]


@pytest.fixture(scope="module")
def corpus():
    return build(1, real=[])  # the Lee corpus only: the same on every machine


def _article(corpus, url: str) -> str:
    text = corpus.texts[url]
    for line in AGENCY_LINES:
        text = text.replace(line, "")
    return text


def _grams(text: str, n: int = 8) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def _visible(page: bytes) -> str:
    tree = lxml_html.fromstring(page)
    for bad in tree.xpath("//script|//style|//title"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


def test_same_seed_same_corpus_other_seed_other_corpus(corpus):
    again = build(1, real=[])
    assert again.pages == corpus.pages and again.truth == corpus.truth
    other = build(2, real=[])
    assert set(other.truth) != set(corpus.truth)


def test_truth_shape_and_wire_parents(corpus):
    urls = set(corpus.truth)
    stories = collections.defaultdict(list)
    for url, t in corpus.truth.items():
        assert set(t) == {"story", "parent", "relation", "outlet", "date"}
        assert t["outlet"] in url
        stories[t["story"]].append(url)
        if t["parent"] is None:
            assert t["relation"] == "origin"
        elif t["parent"].startswith("wire:"):
            assert t["parent"].removeprefix("wire:") in AGENCIES
            assert t["relation"] in ("syndication", "excerpt", "rewrite")
        else:  # a rewrite of a captured wire copy, in its story
            assert t["parent"] in urls and corpus.truth[t["parent"]]["story"] == t["story"]
            assert t["relation"] == "rewrite"
    for members in stories.values():
        if len(members) == 1:
            assert corpus.truth[members[0]]["parent"] is None  # every other page is its own story
        else:
            wires = {corpus.truth[u]["parent"] for u in members if str(corpus.truth[u]["parent"]).startswith("wire:")}
            assert len(wires) == 1  # the siblings of one wire story share their parent value
    agencies = {t["parent"] for t in corpus.truth.values() if str(t["parent"]).startswith("wire:")}
    assert agencies == {"wire:ap", "wire:thomsonfinancial", "wire:xinhua", "wire:businesswire"}


def test_articles_of_different_stories_share_no_eight_word_run(corpus):
    """So any link between two stories is false: what they share is template or agency boilerplate."""
    owner: dict[str, str] = {}
    for url, t in corpus.truth.items():
        for gram in _grams(_article(corpus, url)):
            assert owner.setdefault(gram, t["story"]) == t["story"], (gram, url)


def test_template_text_is_shared_across_stories_sites_and_domains(corpus):
    by_site = collections.defaultdict(list)
    for url, t in corpus.truth.items():
        by_site[t["outlet"]].append(url)
    stations = [u for d in ("wlks8.com", "krvn12.com", "wtbq4.com") for u in by_site[d]]
    tsn = [u for u in stations if TSN in corpus.texts[u]]
    assert len({corpus.truth[u]["outlet"] for u in tsn}) == 3 and len({corpus.truth[u]["story"] for u in tsn}) == len(tsn)
    # the broadcast group's footer, on every station's pages
    assert all("WorldNow and" in corpus.pages[u].decode() and "Lakeshore Broadcasting stations" in corpus.pages[u].decode()
               for u in stations)
    # the regional network's editions: one footer naming every edition, and one "Most popular" box
    editions = [u for d, s in SITE.items() if s.family == "edition" for u in by_site[d]]
    boxes = {re.search(r'<div class="most-popular">.*?</div>', corpus.pages[u].decode(), re.S).group(0) for u in editions}
    assert len(editions) >= 8 and len(boxes) == 1
    # one site's related-links box on two pages of two stories
    two = by_site["valleysentinel.com"][:2]
    more = [re.search(r'<div class="more-headlines">.*?</div>', corpus.pages[u].decode(), re.S).group(0) for u in two]
    assert more[0] == more[1] and corpus.truth[two[0]]["story"] != corpus.truth[two[1]]["story"]
    # agency boilerplate on different AP stories of different portals
    ap = [u for u in corpus.truth if AP_LINE in corpus.texts[u]]
    assert len({corpus.truth[u]["story"] for u in ap}) >= 6 and len({corpus.truth[u]["outlet"] for u in ap}) >= 4


def test_briefs_are_short_and_their_template_is_longer(corpus):
    old_style = [u for u, t in corpus.truth.items() if SITE[t["outlet"]].family in ("station", "oldpaper")]
    assert len(old_style) >= 20
    for url in old_style:
        page = corpus.pages[url].decode()
        article = _article(corpus, url)
        assert 60 <= len(article.split()) <= 150
        assert "<font" in page and "<table" in page and "<!--" in page and "Posted" in page
        assert len(_visible(corpus.pages[url]).split()) > 2 * len(article.split())


def test_ap_story_versions(corpus):
    copies = [u for u, t in corpus.truth.items() if t["story"] == "ap0"]
    assert 3 <= len(copies) <= 5 and len({corpus.truth[u]["outlet"] for u in copies}) == len(copies)
    texts = {u: _article(corpus, u) for u in copies}
    longest = max(copies, key=lambda u: len(texts[u].split()))
    v1 = texts[min(copies, key=lambda u: corpus.truth[u]["date"])]  # the first version, full
    assert 300 <= len(v1.split()) <= 410
    update_lede = texts[longest].split("\n")[0]
    assert "(AP) --" in update_lede and update_lede not in v1
    assert len(texts[longest].split("\n")) == len(v1.split("\n")) + 4  # a new lede and three more paragraphs
    assert any(corpus.truth[u]["relation"] == "excerpt" for u in copies) or len(copies) < 4


def test_rewrites_keep_some_sentences_and_reword_others(corpus):
    rewrites = [u for u, t in corpus.truth.items() if t["relation"] == "rewrite"]
    assert len(rewrites) == 2
    for url in rewrites:
        story = corpus.truth[url]["story"]
        wire = [u for u, t in corpus.truth.items() if t["story"] == story and t["relation"] == "syndication"][0]
        source = set(sentences(_article(corpus, wire).replace("\n", " ")))
        mine = sentences(_article(corpus, url).replace("\n", " "))
        kept = sum(s in source for s in mine)
        assert kept >= 3 and len(mine) - kept >= 2, (kept, len(mine))


def test_reword_changes_phrasing_and_order():
    rng = random.Random(0)
    cases = {
        "The company will cut jobs in order to save money, John Smith said.":
            "John Smith said the company will cut jobs to save money.",
        "After the meeting ended, the minister resigned.": "The minister resigned after the meeting ended.",
        "Shares rose in early trading on Tuesday.": "On Tuesday, shares rose in early trading.",
        '"We will not give up on this town," the mayor said.': "The mayor said: \"We won't give up on this town.\"",
        "The Rural Fire Service says the fire has burnt more than 2,000 hectares.":
            "The fire has burnt over 2,000 hectares, The Rural Fire Service says.",
    }
    for before, after in cases.items():
        assert reword(before, rng, phrase_rate=1) == after
    assert reword("Rain fell.", rng) == "Rain fell."  # nothing to reword


def test_measure_counts_false_links_quotes_and_wire_siblings():
    truth = {
        "http://a.com/1": {"story": "s1", "parent": "wire:ap"},
        "http://b.com/1": {"story": "s1", "parent": "wire:ap"},
        "http://c.com/1": {"story": "s1", "parent": "wire:ap"},
        "http://a.com/2": {"story": "s2", "parent": None},
        "http://a.com/3": {"story": "s3", "parent": None},
        "http://d.com/1": {"story": "s1", "parent": "wire:ap"},  # linked only through another story
        "http://e.com/1": {"story": "s4", "parent": None},
    }
    inferred = "urn:provenance:inferred:wire:ap:00ff"
    edges = [
        {"source": inferred, "derived": "http://a.com/1", "relation": "syndication", "primary": True, "confidence": 0.9},
        {"source": inferred, "derived": "http://b.com/1/", "relation": "excerpt", "primary": True, "confidence": 0.8},
        {"source": "http://b.com/1", "derived": "http://c.com/1", "relation": "copy", "primary": True, "confidence": 0.7},
        {"source": "http://a.com/2", "derived": "http://a.com/3", "relation": "copy", "primary": True, "confidence": 0.6,
         "stats": {"shared_words": 12}},
        {"source": inferred, "derived": "http://a.com/2", "relation": "excerpt", "primary": False, "confidence": 0.1},
        {"source": "http://a.com/2", "derived": "http://d.com/1", "relation": "copy", "primary": True, "confidence": 0.3},
        {"source": "http://d.com/1", "derived": "http://e.com/1", "relation": "spin", "primary": True, "confidence": 0.2},
        {"source": "http://a.com/3", "derived": "http://b.com/1", "relation": "quotes", "primary": False, "confidence": 0.5},
        {"source": "http://a.com/3", "derived": "http://a.com/2", "relation": "quotes", "primary": False, "confidence": 0.4},
    ]
    docs = [{"url": "http://a.com/2", "text": "one two Copyright the Station all rights reserved"},
            {"url": "http://a.com/3", "text": "three Copyright the Station all rights reserved four"}]
    r = false_links.measure(truth, docs, edges, worst=5, articles={"http://a.com/2": "one two", "http://a.com/3": "x"},
                            families={"d.com": "network", "e.com": "network", "a.com": "other"})
    assert (r["edges"], r["primary_edges"], r["false_links"], r["false_links_primary"]) == (7, 6, 4, 3)
    assert r["false_links_same_site"] == 1  # a.com/2 -> a.com/3; the inferred source is no site
    assert r["false_links_same_family"] == 1  # d.com -> e.com
    assert (r["false_quotes"], r["false_quotes_same_site"]) == (2, 1)
    assert r["inferred_sources"] == 1 and r["mostly_template"] == 2
    worst = r["worst"][0]
    assert worst["derived"] == "http://a.com/3" and worst["shared_words"] == 12
    assert worst["shared_run"] == "Copyright the Station all rights reserved"
    assert (r["copy_pairs"], r["copy_pairs_connected"]) == (6, 3)  # not d.com: its path goes through s2
    assert (r["wire_sibling_pairs"], r["wire_siblings_joined"]) == (6, 1)  # c.com's parent is b.com, not the wire
    assert (r["wire_copies"], r["wire_copies_inferred_agency_right"]) == (4, 2)


def test_missing_real_pages_is_a_clear_message(tmp_path, monkeypatch, capsys):
    assert false_links.main(["--real-pages", str(tmp_path / "nowhere"), "--seeds"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no real pages at" in err
    monkeypatch.setattr(false_links, "REAL_PAGES", tmp_path / "nowhere")
    assert false_links.main(["--seeds", "--json"]) == 0
    captured = capsys.readouterr()
    assert "part (a) skipped" in captured.err and json.loads(captured.out) == {}


def test_benchmark_end_to_end_on_one_corpus(tmp_path, monkeypatch, capsys):
    """Through `provenance ingest`, `edges` and `documents`: every page stored, the figures consistent."""
    monkeypatch.setattr(false_links, "REAL_PAGES", tmp_path / "nowhere")
    monkeypatch.setattr(false_links, "build", lambda seed, scale: build(seed, real=[], scale=scale))
    assert false_links.main(["--seeds", "3", "--json", "--worst", "3"]) == 0
    result = json.loads(capsys.readouterr().out)["template sites seed=3"]
    assert result["documents"] == len(build(3, real=[]).pages)
    assert result["false_links"] <= result["edges"] and result["false_links_same_site"] <= result["false_links"]
    assert result["copy_pairs"] > 20 and result["wire_sibling_pairs"] > 15
    assert len(result["worst"]) == min(3, result["false_links"])


def test_written_corpus_folder(tmp_path, capsys):
    from warcio.archiveiterator import ArchiveIterator

    assert templatecorpus.main(["--seed", "2", "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text())
    with open(tmp_path / "corpus.warc.gz", "rb") as f:
        urls = {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(f) if r.rec_type == "response"}
    assert urls == set(truth) and "wrote" in capsys.readouterr().out
