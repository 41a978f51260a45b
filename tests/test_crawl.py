"""Real Scrapy crawls of the demo web: live over HTTP on 127.0.0.1, and replayed from the WARC."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.conftest import BIN, ROOT, SEED_TREE, crawl, edges_jsonl, primary_tree, provenance


def _records(warc_dir: Path) -> list:
    out = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, check_digests=True):
                out.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                            dict(record.rec_headers.headers)))
    return out


def test_live_crawl_finds_the_seed_story(tmp_path, db_url, demo_server, demo_seeds):
    result = crawl(tmp_path, db_url, demo_seeds, proxy=demo_server.proxy)
    assert "provenance/documents_added': 4" in result.stderr
    assert "crawl finished (finished)" in result.stderr and "copies: spin" in result.stderr

    # documents stored, with their extracted fields and a pointer to their WARC record
    docs = provenance(db_url, "documents", "--format", "jsonl").stdout.splitlines()
    assert len(docs) == 4
    assert all('"text": "' in d and '/warc/PROVENANCE-' in d for d in docs)

    # the tree: origin -> republication -> {excerpt, spin}
    assert primary_tree(db_url) == SEED_TREE

    # WARC: every file passes `warcio check`; request/response pairs, warcinfo, derived records
    warc_dir = tmp_path / "warc"
    files = sorted(warc_dir.glob("*.warc.gz"))
    assert files and not list(warc_dir.glob("*.open"))
    check = subprocess.run([str(BIN / "warcio"), "check", "-v", *map(str, files)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run([str(BIN / "warcio"), "index", "-f", "warc-type,warc-target-uri,offset", *map(str, files)],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    indexed = [json.loads(line) for line in index]
    assert {"warcinfo", "request", "response", "resource", "metadata"} <= {r["warc-type"] for r in indexed}
    records = _records(warc_dir)
    kinds = [r[0] for r in records]
    assert kinds[0] == "warcinfo"
    assert kinds.count("request") == kinds.count("response") + kinds.count("revisit") >= 8  # pages + robots.txt
    responses = {r[2]["WARC-Record-ID"]: r for r in records if r[0] == "response"}
    for kind, uri, headers in records:
        if kind == "request":
            assert headers["WARC-Concurrent-To"] in responses
        if kind == "resource":
            assert uri.startswith("urn:text:") and headers["WARC-Refers-To"] in responses
    assert kinds.count("resource") == 4 and kinds.count("metadata") == 4
    assert any(uri.endswith("/robots.txt") for kind, uri, _ in records if kind == "response")

    # CLI answers
    tree = provenance(db_url, "tree", demo_seeds[0]).stdout
    assert tree.splitlines()[0].startswith("origin Pacific Forum")
    assert "└── republication" in tree and "── excerpt" in tree and "── spin" in tree
    origin = provenance(db_url, "origin", demo_seeds[1]).stdout
    assert origin.startswith("origin: Pacific Forum")


def test_replayed_crawl_needs_no_network(tmp_path, db_url, demo_seeds):
    seeds = [s.replace("http://", "https://") for s in demo_seeds]
    result = crawl(tmp_path, db_url, seeds, f"REPLAY_ARCHIVE={ROOT / 'demo' / 'seed-story.warc.gz'}",
                   proxy="http://127.0.0.1:9")  # a proxy nobody listens on: any fetch would fail
    assert "'replay/hit': 4" in result.stderr
    assert "provenance/fetch_failed" not in result.stderr
    assert primary_tree(db_url) == SEED_TREE
    docs = provenance(db_url, "documents", "--format", "jsonl").stdout
    assert str(tmp_path / "warc") in docs  # documents cite the crawl's own copies of what was replayed


def test_replay_reports_misses(tmp_path, db_url):
    result = crawl(tmp_path, db_url, ["https://nowhere.example/missing"],
                   f"REPLAY_ARCHIVE={ROOT / 'demo' / 'seed-story.warc.gz'}")
    assert "replay miss: https://nowhere.example/missing" in result.stderr
    assert "'replay/miss'" in result.stderr


def test_ingest_of_the_demo_warc_gives_the_crawls_edges(tmp_path, demo_server, demo_seeds):
    crawled = f"sqlite:///{tmp_path / 'crawled.db'}"
    ingested = f"sqlite:///{tmp_path / 'ingested.db'}"
    crawl(tmp_path, crawled, [s.replace("http://", "https://") for s in demo_seeds],
          f"REPLAY_ARCHIVE={ROOT / 'demo' / 'seed-story.warc.gz'}")
    out = provenance(ingested, "ingest", str(ROOT / "demo" / "seed-story.warc.gz")).stdout
    assert "documents added: 8" in out  # the story's four pages and four unrelated ones

    def comparable(db):
        return sorted((e["source"], e["derived"], e["relation"], e["primary"]) for e in edges_jsonl(db))

    assert comparable(ingested) == comparable(crawled)


def test_bad_seed_is_a_clear_error(tmp_path, db_url):
    result = subprocess.run([str(BIN / "scrapy"), "crawl", "syndication", "-a", "url=ftp://x", "-s",
                             f"PROVENANCE_DB={db_url}"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    assert "http/https URLs only" in result.stderr
