"""Scrapy's feed exports of a crawl: ``-O pages.jsonl`` gives one useful object per stored page."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import BIN, ROOT

DEMO = ROOT / "demo"


def test_a_crawl_exports_one_json_object_per_page(tmp_path):
    out = tmp_path / "pages.jsonl"
    result = subprocess.run([str(BIN / "scrapy"), "crawl", "syndication", "-a", f"urls={DEMO / 'seeds.txt'}",
                             "-s", f"REPLAY_ARCHIVE={DEMO / 'seed-story.warc.gz'}", "-s", f"WARC_DIR={tmp_path / 'warc'}",
                             "-s", f"PROVENANCE_DB=sqlite:///{tmp_path / 'graph.db'}", "-O", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "] ERROR: " not in result.stderr
    pages = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(pages) == 4 and len({p["url"] for p in pages}) == 4
    for page in pages:
        assert page["status"] == 200 and isinstance(page["document_id"], int)
        assert page["warc"]["warc_record_id"].startswith("<urn:uuid:")
        assert page["page"]["title"] and len(page["page"]["text"]) > 500
        assert "body" not in page and "fingerprints" not in page["page"]
    assert {p["page"]["site_name"] for p in pages} >= {"Pacific Forum", "Asia Times"}
