"""``provenance recheck``: stealth edits become new captures, removals are recorded, the tree
shows versions and keeps its shape."""

from __future__ import annotations

import json
import os
import re
import subprocess

from demo.server import SiteServer
from tests.conftest import BIN, ROOT, SEED_TREE, crawl, primary_tree, provenance

PF = "http://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/"
AT = "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"
NB = "http://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/"
CREDIT = re.compile(rb"<p><em>This article was originally published by .*?</em></p>", re.S)


def test_recheck_records_edits_and_removals(tmp_path, db_url, demo_pages, demo_seeds):
    with SiteServer(demo_pages) as server:
        crawl(tmp_path, db_url, demo_seeds, proxy=server.proxy)
    assert primary_tree(db_url) == SEED_TREE

    edited = dict(demo_pages)
    edited[AT] = CREDIT.sub(b"", demo_pages[AT])  # the republisher quietly drops its credit line
    del edited[NB]  # the content farm's copy is taken down
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    with SiteServer(edited) as server:
        env.update(http_proxy=server.proxy)
        result = subprocess.run([str(BIN / "provenance"), "--db", db_url, "recheck", PF, "--json",
                                 "--warc-dir", str(tmp_path / "recheck-warc"),
                                 "-s", "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=True"],
                                capture_output=True, text=True, cwd=ROOT, env=env, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    checks = {c["url"]: c for c in json.loads(result.stdout)}
    assert checks[AT]["outcome"] == "changed" and "credit removed" in checks[AT]["detail"]
    assert checks[NB]["outcome"] == "gone" and checks[NB]["http_status"] == 404
    assert checks[PF]["outcome"] == "unchanged"
    assert list((tmp_path / "recheck-warc").glob("*.warc.gz"))  # the new captures are archived

    assert primary_tree(db_url) == SEED_TREE  # the first capture stays the evidence; versions are no copies
    tree = provenance(db_url, "tree", PF).stdout
    assert "2 captures; changed" in tree and "credit removed" in tree and "gone" in tree
    lines = json.loads(provenance(db_url, "tree", PF, "--json").stdout)
    assert {l["url"]: l["captures"] for l in lines}[AT] == 2


def test_recheck_needs_a_target(db_url):
    result = provenance(db_url, "recheck", check=False)
    assert result.returncode != 0 and "say what to recheck" in result.stderr
