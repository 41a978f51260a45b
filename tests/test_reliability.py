"""Nothing lost under concurrency and repetition: two writers on one SQLite file, re-runs."""

from __future__ import annotations

import json
import subprocess

import pytest

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


def test_a_killed_crawl_resumes_without_loss(tmp_path, db_url):
    """kill -9 in the middle of a crawl, then resume with JOBDIR: the WARC files read cleanly
    (the partial tail is cut and reported), every document's record is there, no page twice."""
    import os
    import signal
    import time

    from warcio.archiveiterator import ArchiveIterator

    from demo.server import SiteServer

    corpus = build(n_stories=20, seed=24, quotes=0, unrelated=40)
    pages = {u.replace("https://", "http://"): body for u, body in corpus.pages.items()}

    def slow(url: str):
        time.sleep(0.05)  # the crawl must still be running when it is killed
        return None

    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(pages) + "\n")
    args = [str(BIN / "scrapy"), "crawl", "syndication", "-a", f"urls={seeds}", "-s", f"PROVENANCE_DB={db_url}",
            "-s", f"WARC_DIR={tmp_path / 'warc'}", "-s", f"JOBDIR={tmp_path / 'job'}", "-s", "ROBOTSTXT_OBEY=False",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=True",
            "-s", "PROVENANCE_DEPTH=0", "-s", "CONCURRENT_REQUESTS=4", "-s", "DISCOVERY_SOURCES={}"]
    with SiteServer(pages, hook=slow) as server:
        env = {**{k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}, "http_proxy": server.proxy}
        crawl = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        deadline = time.time() + 60
        while len(server.requests) < 25 and time.time() < deadline:
            time.sleep(0.05)
        os.killpg(crawl.pid, signal.SIGKILL)  # the crawl and its worker processes, mid-page
        crawl.wait()
        fetched_before = len(server.requests)
        assert list((tmp_path / "warc").glob("*.open")), "the killed crawl should leave its file open"
        resumed = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        refetched = [u for u in server.requests[fetched_before:] if server.requests[:fetched_before].count(u)]
    assert "recovered PROVENANCE-" in resumed.stderr
    assert not list((tmp_path / "warc").glob("*.open"))
    for path in (tmp_path / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for _ in ArchiveIterator(fh, check_digests="raise"):
                pass
    docs = [json.loads(d) for d in provenance(db_url, "documents", "--format", "jsonl").stdout.splitlines()]
    missing = set(pages) - {d["url"] for d in docs}
    (tmp_path / "resumed.log").write_text(resumed.stderr)
    assert not missing, (missing, str(tmp_path / "resumed.log"))
    assert len({d["url"] for d in docs}) == len(docs) == len(pages)  # every page once
    for doc in docs:  # every document's evidence is where the graph says
        with open(doc["warc"]["file"], "rb") as fh:
            fh.seek(doc["warc"]["offset"])
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Record-ID") == doc["warc"]["record_id"]
    assert len(refetched) <= 4  # at most the requests in flight when killed
