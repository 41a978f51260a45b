"""Nothing lost under concurrency and repetition: two writers on one SQLite file, re-runs."""

from __future__ import annotations

import json
import subprocess

from benchmarks.evalcorpus import build, write_warc
from tests.conftest import BIN, ROOT, provenance


def test_two_processes_ingesting_into_one_sqlite_file(tmp_path, db_url):
    first = build(n_stories=12, seed=21, quotes=0, unrelated=6)
    second = build(n_stories=12, seed=22, quotes=0, unrelated=6)
    warcs = [write_warc(first, tmp_path / "a.warc.gz"), write_warc(second, tmp_path / "b.warc.gz")]
    runs = [subprocess.Popen([str(BIN / "provenance"), "--db", db_url, "ingest", "--workers", "1", str(w)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) for w in warcs]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    urls = {json.loads(line)["url"] for line in provenance(db_url, "documents", "--format", "jsonl").stdout.splitlines()}
    assert urls == set(first.pages) | set(second.pages)  # every page of both, none twice
    integrity = subprocess.run(["python3", "-c", f"import sqlite3; print(sqlite3.connect('{tmp_path / 'graph.db'}')"
                                ".execute('PRAGMA integrity_check').fetchone()[0])"], capture_output=True, text=True)
    assert integrity.stdout.strip() == "ok"


def test_rerunning_an_ingest_adds_nothing(tmp_path, db_url):
    corpus = build(n_stories=8, seed=23, quotes=1, unrelated=3)
    warc = write_warc(corpus, tmp_path / "c.warc.gz")
    provenance(db_url, "ingest", str(warc))
    edges = provenance(db_url, "edges", "--format", "jsonl").stdout
    again = provenance(db_url, "ingest", str(warc)).stdout
    assert "documents added: 0" in again
    assert provenance(db_url, "edges", "--format", "jsonl").stdout == edges
