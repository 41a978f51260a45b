"""Accuracy on a generated corpus (real articles, every transformation): the engine must get most
parents right, never link unrelated stories, beat the MinHash baseline, and give the same graph
incrementally and in batch. The full benchmark is benchmarks/provenance_eval.py."""

from __future__ import annotations

import json

import pytest

from benchmarks.evalcorpus import build, write_warc
from benchmarks.provenance_eval import run_warc
from tests.conftest import SHARED


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    work = tmp_path_factory.mktemp("eval")
    corpus = build(n_stories=30, seed=11, quotes=5, unrelated=8)
    return run_warc(write_warc(corpus, work / "corpus.warc.gz"), corpus.truth, work, "eval")


def test_engine_accuracy_on_a_generated_corpus(scored):
    engine, baseline = scored["engine"], scored["baseline"]
    assert engine["cross_story_false_links"] == 0
    assert engine["parent_f1"] >= 0.88, engine
    assert engine["origin_accuracy"] >= 0.9, engine
    assert engine["parent_f1"] > baseline["parent_f1"] + 0.3


def test_incremental_and_batch_agree(scored):
    assert scored["incremental_equals_batch"]


def test_public_sample_if_present(tmp_path):
    sample = SHARED / "eval-sample"
    if not (sample / "corpus.warc.gz").exists():
        pytest.skip(f"the public sample corpus is not at {sample}")
    result = run_warc(sample / "corpus.warc.gz", json.loads((sample / "truth.json").read_text()), tmp_path, "sample")
    assert result["engine"]["cross_story_false_links"] == 0
    assert result["engine"]["parent_f1"] >= 0.9
