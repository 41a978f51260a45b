"""Generator B (benchmarks/evalcorpus_b.py): the same corpus for a seed, truth that the pages bear
out, every relation present, pages the project's own extractor and ingest read."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime

import pytest

from benchmarks import evalcorpus_b
from benchmarks.evalcorpus import write_warc
from benchmarks.evalcorpus_b import AGENCIES, build

# what each agency's dateline leaves in the text
WIRE_MARKS = {"ap": "(AP) —", "reuters": "(Reuters) -", "afp": "(AFP) -", "xinhua": "(Xinhua) --", "dpa": "(dpa) -",
              "businesswire": "--(BUSINESS WIRE)--", "prnewswire": "/PRNewswire/ --"}


@pytest.fixture(scope="module")
def corpus():
    return build(n_stories=40, seed=5)


def _grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_same_seed_same_corpus_other_seed_another():
    a, b, c = build(n_stories=12, seed=3), build(n_stories=12, seed=3), build(n_stories=12, seed=4)
    assert a.pages == b.pages and a.truth == b.truth
    assert a.truth != c.truth


def test_every_relation_and_kind_of_story_present(corpus):
    relations = {t["relation"] for t in corpus.truth.values()}
    assert relations == {"origin", "republication", "syndication", "excerpt", "spin", "copy", "partial", "rewrite",
                         "quotes"}
    stories = {t["story"][0] for t in corpus.truth.values()}
    assert stories == {"s", "w", "q", "u"}  # web stories, wire stories, quoting commentaries, unrelated pages
    parents = [t["parent"] for t in corpus.truth.values() if t["parent"]]
    assert any(p.startswith("wire:") for p in parents)
    wire_copies = {u for u, t in corpus.truth.items() if (t["parent"] or "").startswith("wire:")}
    assert any(p in wire_copies for p in parents), "an outlet's wire copy copied by another outlet"
    shown = [t["date"] for t in corpus.truth.values()]
    assert all(shown)


def test_truth_agrees_with_the_pages(corpus):
    truth, texts = corpus.truth, corpus.texts
    assert set(truth) == set(corpus.pages) == set(texts)
    agencies = {a.slug for a in AGENCIES}
    for url, t in truth.items():
        page = html.unescape(re.sub(r"<[^>]+>", "", corpus.pages[url].decode()))
        assert texts[url].split("\n")[0][:60] in page
        parent = t["parent"]
        if t["relation"] in ("origin", "quotes"):
            assert parent is None
            continue
        if parent.startswith("wire:"):
            agency = parent.removeprefix("wire:")
            assert agency in agencies and t["story"].startswith("w")
            assert WIRE_MARKS[agency] in texts[url] or "(Reuters) -" in texts[url], url
            assert t["relation"] in ("syndication", "excerpt")
            continue
        src = truth[parent]
        assert src["story"] == t["story"]
        assert datetime.fromisoformat(src["date"]) < datetime.fromisoformat(t["date"])
        shared = _grams(texts[parent]) & _grams(texts[url])
        share_of_copy = len(shared) / len(_grams(texts[url]))
        if t["relation"] in ("republication", "syndication", "excerpt", "copy"):
            assert share_of_copy > 0.9, (url, t["relation"], share_of_copy)
        elif t["relation"] in ("spin", "rewrite"):
            assert 0.3 < share_of_copy < 0.95, (url, t["relation"], share_of_copy)
        else:  # partial: 2-5 of the source's paragraphs inside the page's own reporting
            reused = [p for p in texts[parent].split("\n") if p[20:120] in texts[url]]
            assert 2 <= len(reused) <= 5 and share_of_copy < 0.8, (url, len(reused), share_of_copy)


def test_wire_siblings_share_their_parent_within_a_story(corpus):
    stories: dict[str, set] = {}
    for t in corpus.truth.values():
        if (t["parent"] or "").startswith("wire:"):
            stories.setdefault(t["story"], set()).add(t["parent"])
    assert stories and all(len(parents) == 1 for parents in stories.values())
    sizes = {}
    for t in corpus.truth.values():
        if (t["parent"] or "").startswith("wire:"):
            sizes[t["story"]] = sizes.get(t["story"], 0) + 1
    assert all(2 <= n <= 6 for n in sizes.values())


def test_quoting_pages_quote_a_passage_of_another_story(corpus):
    quoted = 0
    for url, t in corpus.truth.items():
        if t["relation"] != "quotes":
            continue
        for m in re.finditer(r"[“\"«]([^”\"»]{40,})[”\"»]", corpus.texts[url]):
            quoted += any(m.group(1)[:40] in text for u, text in corpus.texts.items() if u != url)
    assert quoted >= sum(t["relation"] == "quotes" for t in corpus.truth.values()) * 0.8


def test_spinner_uses_moby_synonyms_and_tortured_phrases():
    import random

    rng = random.Random(1)
    spun = evalcorpus_b.spin_text("Researchers said artificial intelligence and deep learning changed the industry "
                                  "quickly, and officials increased spending.", 1.0, rng, debris=0)
    assert "counterfeit consciousness" in spun and "profound learning" in spun
    assert "quickly" not in spun or "industry" not in spun
    assert evalcorpus_b.moby_synonyms("quickly") and all(w.isalpha() for w in evalcorpus_b.moby_synonyms("quickly"))


def test_the_extractor_reads_the_article_of_every_layout(corpus):
    from archive.extract import extract_page

    layouts = {}
    for url, t in corpus.truth.items():
        outlet = next(o for o in evalcorpus_b.OUTLETS if o.domain == t["outlet"])
        layouts.setdefault(outlet.template, url)
    assert len(layouts) == 9
    for template, url in layouts.items():
        got = set(re.findall(r"\w+", extract_page(corpus.pages[url], url).text.lower()))
        gold = set(re.findall(r"\w+", corpus.texts[url].lower()))
        assert len(gold & got) / len(gold) > 0.9, template


def test_cli_writes_a_warc_and_truth_that_ingest_reads(tmp_path):
    from archive.ingest import ingest
    from archive.store.db import session_factory

    assert evalcorpus_b.main(["--stories", "5", "--seed", "2", "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text())
    report = ingest([tmp_path / "corpus.warc.gz"], session_factory(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    assert report.added == len(truth)


def test_cli_refuses_a_corpus_of_no_stories(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        evalcorpus_b.main(["--stories", "0", "--out", str(tmp_path)])
    assert exit_.value.code == 2 and "--stories" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_warc_matches_generator_a_writer(tmp_path):
    corpus = build(n_stories=3, seed=1)
    path = write_warc(corpus, tmp_path / "b.warc.gz")
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as f:
        urls = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(f) if r.rec_type == "response"]
    assert sorted(urls) == sorted(corpus.pages)


def test_base_texts_are_english_independent_and_carry_no_dateline_of_their_own():
    from benchmarks.realnews import articles, select

    texts = articles()
    assert len(texts) > 100
    assert not any(re.match(r"^[A-Z/ ,.'\d-]*\((AP|Reuters|AFP)\) [—-]", a.paragraphs[0]) for a in texts)
    body = " ".join(["The council said the plan would cost more than the city had set aside for it this year."] * 30)
    truth = {"https://a.test/1": "KATHMANDU, April 25 (Reuters) - " + body,
             "https://a.test/2": body,  # shares every 8-word run with the first: left out
             "https://a.test/3": "Der Rat sagte, der Plan werde mehr kosten. " * 40}  # not English
    records = select(truth, {"https://a.test/1": {"title": "The plan", "authors": None}})
    assert [r["source"] for r in records] == ["https://a.test/1"]
    assert records[0]["paragraphs"][0].startswith("The council") and records[0]["title"] == "The plan"
