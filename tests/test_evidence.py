"""Evidence that stands alone: a replayed crawl's own archive, WACZ packages as evidence
(page text, compressed index, logs, signatures), and browser capture."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.conftest import BIN, ROOT, SEED_TREE, crawl, primary_tree, provenance
from tests.tools import pywb_page

DEMO_WARC = ROOT / "demo" / "seed-story.warc.gz"
ASIA_TIMES = "https://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"


def _headers(paths: list[Path]) -> list[dict]:
    out = []
    for path in paths:
        with open(path, "rb") as fh:
            out += [dict(r.rec_headers.headers) for r in ArchiveIterator(fh, check_digests="raise")]
    return out


def _demo_crawl(tmp_path: Path, db: str, *settings: str):
    from demo.site import seeds

    return crawl(tmp_path, db, seeds("https"), f"REPLAY_ARCHIVE={DEMO_WARC}", *settings)


def test_a_replayed_crawls_own_folder_replays_in_pywb(tmp_path, db_url):
    """The demo's crawl (``python3 dev.py demo``) copies every capture it used into its own WARC
    folder, so that folder alone shows the article in pywb; the pages cite the copies."""
    result = _demo_crawl(tmp_path, db_url)
    assert "'replay/records_copied': 8" in result.stderr  # 4 responses and their 4 requests
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    check = subprocess.run([str(BIN / "warcio"), "check", *map(str, warcs)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    with open(DEMO_WARC, "rb") as fh:
        originals = {dict(r.rec_headers.headers)["WARC-Record-ID"]: dict(r.rec_headers.headers)
                     for r in ArchiveIterator(fh) if r.rec_type in ("response", "request")}
    copied = [h for h in _headers(warcs) if h["WARC-Type"] in ("response", "request")]
    assert len(copied) == 8 and all(originals[h["WARC-Record-ID"]] == h for h in copied)  # unchanged
    docs = [json.loads(d) for d in provenance(db_url, "documents", "--format", "jsonl").stdout.splitlines()]
    assert all(Path(d["warc"]["file"]).parent == tmp_path / "warc" for d in docs)
    page = pywb_page(tmp_path, warcs, ASIA_TIMES)
    assert "Camp Humphreys has strategic value" in page
    assert "Trump or Harris, US and S Korea must stick together" in page


def test_a_crawl_replayed_from_its_own_folder_writes_revisits(tmp_path, db_url):
    _demo_crawl(tmp_path, db_url)
    first = sorted((tmp_path / "warc").glob("*.warc.gz"))
    again = f"sqlite:///{tmp_path / 'again.db'}"
    result = crawl(tmp_path, again, [ASIA_TIMES], f"REPLAY_ARCHIVE={tmp_path / 'warc'}", "PROVENANCE_DEPTH=0")
    assert "'replay/revisits_written': 1" in result.stderr and "replay/records_copied" not in result.stderr
    new = sorted(set((tmp_path / "warc").glob("*.warc.gz")) - set(first))
    revisits = [h for h in _headers(new) if h["WARC-Type"] == "revisit"]
    originals = {h["WARC-Record-ID"]: h for h in _headers(first) if h["WARC-Type"] == "response"}
    assert len(revisits) == 1
    original = originals[revisits[0]["WARC-Refers-To"]]
    assert revisits[0]["WARC-Refers-To-Target-URI"] == original["WARC-Target-URI"] == ASIA_TIMES
    assert revisits[0]["WARC-Refers-To-Date"] == original["WARC-Date"]
    assert revisits[0]["WARC-Payload-Digest"] == original["WARC-Payload-Digest"]
    assert revisits[0]["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    docs = [json.loads(d) for d in provenance(again, "documents", "--format", "jsonl").stdout.splitlines()]
    assert [d["warc"]["record_id"] for d in docs] == [original["WARC-Record-ID"]]  # cites the payload
    assert primary_tree(db_url) == SEED_TREE
