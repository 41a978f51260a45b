"""The archive: WARC as written, read back by other tools (warcio, pywb, py-wacz), replay, ingest."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import wacz
from archive.wacz import update_index
from archive.warc.writer import WarcFileWriter
from demo.server import SiteServer
from tests.conftest import BIN, ROOT, SEED_TREE, crawl, primary_tree, provenance
from tests.tools import pywb_page, tool_bin

FOREIGN = ROOT / "tests" / "data" / "foreign"
PAGE = b"<html><head><title>T</title></head><body><article><p>" + b"Some words of an article. " * 40 + b"</p></article></body></html>"


def _exchange(writer: WarcFileWriter, url: str, body: bytes = PAGE, status: int = 200, headers=None):
    return writer.write_exchange(url, method="GET", request_headers=[("Host", url.split("/")[2])], status=status,
                                 response_headers=headers or [("Content-Type", "text/html")], body=body)


def _records(path: Path) -> list:
    with open(path, "rb") as fh:
        return [(r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
                for r in ArchiveIterator(fh, check_digests="raise")]


def test_writer_names_rolls_over_and_finishes_files_atomically(tmp_path):
    writer = WarcFileWriter(tmp_path, prefix="TEST", max_size=3000, info={"operator": "desk@example.org"})
    _exchange(writer, "http://a.example/1")
    assert [p.name.endswith(".warc.gz.open") for p in tmp_path.iterdir()] == [True]
    for n in range(2, 6):
        _exchange(writer, f"http://a.example/{n}", body=PAGE + str(n).encode())
    writer.close()
    files = sorted(tmp_path.iterdir())
    assert len(files) >= 2 and not any(p.name.endswith(".open") for p in files)
    for path in files:
        assert re.fullmatch(r"TEST-\d{17}-\d{5}-\d+~[\w-]+\.warc\.gz", path.name)
        records = _records(path)
        assert records[0][0] == "warcinfo" and records[0][1]["WARC-Type"] == "warcinfo"
        assert b"operator: desk@example.org" in records[0][2]
        assert all(h["WARC-Record-ID"] for _, h, _ in records)
        assert all(h.get("WARC-Date") for _, h, _ in records)
    check = subprocess.run([str(BIN / "warcio"), "check", *map(str, files)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_identical_payload_becomes_a_revisit(tmp_path):
    writer = WarcFileWriter(tmp_path)
    first = _exchange(writer, "http://a.example/story")
    second = _exchange(writer, "http://mirror.example/story")
    writer.write_derived("http://a.example/story", first.warc_record_id, "Some words", {"outlink": ["http://b.example/"]})
    writer.close()
    assert second.revisit and not first.revisit
    records = _records(writer.files[0])
    kinds = [k for k, _, _ in records]
    assert kinds == ["warcinfo", "response", "request", "revisit", "request", "resource", "metadata"]
    revisit = records[3][1]
    assert revisit["WARC-Refers-To-Target-URI"] == "http://a.example/story"
    assert revisit["WARC-Refers-To"] == first.warc_record_id
    assert revisit["WARC-Profile"].endswith("identical-payload-digest")
    assert records[4][1]["WARC-Concurrent-To"] == second.warc_record_id
    assert records[5][1]["WARC-Target-URI"] == "urn:text:http://a.example/story"
    assert records[6][1]["WARC-Refers-To"] == first.warc_record_id


def test_ingest_resolves_revisits(tmp_path, db_url):
    writer = WarcFileWriter(tmp_path / "w")
    _exchange(writer, "http://a.example/story")
    _exchange(writer, "http://mirror.example/story")
    writer.close()
    out = provenance(db_url, "ingest", str(tmp_path / "w")).stdout
    assert "documents added: 2" in out


def test_crawl_writes_a_cdxj_index_of_its_warcs(tmp_path, db_url, demo_server, demo_seeds):
    crawl(tmp_path, db_url, demo_seeds, proxy=demo_server.proxy)
    lines = (tmp_path / "warc" / "index.cdxj").read_text().splitlines()
    assert lines == sorted(lines) and len(lines) >= 8
    names = {p.name for p in (tmp_path / "warc").glob("*.warc.gz")}
    assert all(json.loads(line.split(" ", 2)[2])["filename"] in names for line in lines)


def test_pywb_replays_a_captured_page_with_its_text(tmp_path, db_url, demo_pages, demo_seeds):
    with SiteServer(demo_pages, gzip=True, chunked=True) as server:
        crawl(tmp_path, db_url, demo_seeds, proxy=server.proxy)
    page = pywb_page(tmp_path, sorted((tmp_path / "warc").glob("*.warc.gz")),
                     "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/")
    assert "Camp Humphreys has strategic value" in page  # gzip and chunking undone by pywb
    assert "Trump or Harris, US and S Korea must stick together" in page


def test_wacz_export_validates_with_py_wacz(tmp_path, db_url):
    tools = tool_bin("wacz")
    provenance(db_url, "ingest", str(ROOT / "demo" / "seed-story.warc.gz"))
    story = tmp_path / "story.wacz"
    everything = tmp_path / "all.wacz"
    provenance(db_url, "export", "--format", "wacz", "https://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/", "-o", str(story))
    provenance(db_url, "export", "--format", "wacz", "--all", "-o", str(everything))
    for package in (story, everything):
        result = subprocess.run([str(tools / "wacz"), "validate", "-f", str(package)], capture_output=True, text=True)
        assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr
    with zipfile.ZipFile(story) as z:
        names = set(z.namelist())
        assert {"archive/story.warc.gz", "indexes/index.cdx", "pages/pages.jsonl", "datapackage.json",
                "provenance/graph.json"} <= names
        graph = json.loads(z.read("provenance/graph.json"))
        pages = z.read("pages/pages.jsonl").decode().splitlines()
        index = z.read("indexes/index.cdx").decode().splitlines()
    assert len(graph["documents"]) == 4 and len(pages) == 5  # header + the story's 4 pages
    assert len([e for e in graph["edges"] if e["primary"]]) == 3
    assert len(index) == 4  # only the story's captures
    # and the package replays: crawl the story from the WACZ
    db2 = f"sqlite:///{tmp_path / 'replayed.db'}"
    from demo.site import seeds

    crawl(tmp_path, db2, seeds("https"), f"REPLAY_ARCHIVE={story}")
    assert primary_tree(db2) == SEED_TREE


def test_replay_from_a_folder_follows_archived_redirects(tmp_path, db_url, demo_pages):
    folder = tmp_path / "archive"
    writer = WarcFileWriter(folder)
    target = "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"
    _exchange(writer, "http://asiatimes.example/short/xyz", body=b"", status=301,
              headers=[("Location", target), ("Content-Type", "text/html")])
    _exchange(writer, target, body=demo_pages[target], headers=[("Content-Type", "text/html; charset=utf-8")])
    writer.close()
    result = crawl(tmp_path, db_url, ["http://asiatimes.example/short/xyz"], f"REPLAY_ARCHIVE={folder}",
                   "PROVENANCE_DEPTH=0")
    assert "'replay/hit': 2" in result.stderr
    docs = provenance(db_url, "documents", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(d)["url"] for d in docs] == [target]


def test_ingest_survives_other_tools_and_broken_archives(tmp_path, db_url):
    work = tmp_path / "foreign"
    shutil.copytree(FOREIGN, work)
    result = provenance(db_url, "ingest", str(work))
    out, err = result.stdout, result.stderr
    assert "documents added: 3" in out  # example.com, iana.org, archive.org from Webrecorder, warcprox, wget
    assert "skipped (not html)" in out and "skipped (http 302)" in out
    assert re.search(r"problem: .*example-bad-non-chunked\.warc\.gz at offset 0: unreadable record", err)
    assert re.search(r"problem: .*example-trunc\.warc at offset 1197: .*does not match its digest", err)
    docs = [json.loads(d) for d in provenance(db_url, "documents", "--format", "jsonl").stdout.splitlines()]
    assert {d["url"] for d in docs} == {"http://example.com/", "http://www.iana.org/", "https://archive.org/"}
    again = provenance(db_url, "ingest", str(work)).stdout
    assert "documents added: 0" in again


def test_ingest_reads_wget_warcs(tmp_path, db_url, demo_pages):
    wget = shutil.which("wget")
    if wget is None:
        pytest.skip("wget is not installed (apt-get install wget)")
    with SiteServer(demo_pages, gzip=True) as server:
        subprocess.run([wget, "-q", "-e", "robots=off", "-e", "use_proxy=yes", "-e", f"http_proxy={server.proxy}",
                        f"--warc-file={tmp_path / 'wget'}", "-O", "/dev/null",
                        "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/",
                        "http://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/"],
                       check=False, timeout=60)
    out = provenance(db_url, "ingest", str(tmp_path / "wget.warc.gz")).stdout
    assert "documents added: 2" in out
    edges = provenance(db_url, "edges").stdout
    assert "pacforum.example" in edges and "republication" in edges


def test_ingest_reads_a_wacz_package(tmp_path, db_url):
    provenance(db_url, "ingest", str(ROOT / "demo" / "seed-story.warc.gz"))
    package = tmp_path / "story.wacz"
    provenance(db_url, "export", "--format", "wacz", "--all", "-o", str(package))
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    out = provenance(fresh, "ingest", str(package)).stdout
    assert "documents added: 8" in out
    docs = [json.loads(d) for d in provenance(fresh, "documents", "--format", "jsonl").stdout.splitlines()]
    assert all("story.wacz#archive/" in d["warc"]["file"] for d in docs)


def test_files_left_open_by_a_killed_crawl_are_recovered(tmp_path):
    writer = WarcFileWriter(tmp_path)
    for n in range(3):
        _exchange(writer, f"http://a.example/{n}", body=PAGE + str(n).encode())
    writer._fh.close()  # the process dies: the file is never finished
    writer._fh = writer._writer = None
    leftover = next(tmp_path.glob("*.open"))
    size = leftover.stat().st_size
    with open(leftover, "r+b") as fh:  # a crash in the middle of the last record
        fh.truncate(size - 200)
    notes = WarcFileWriter(tmp_path).recover()
    assert len(notes) == 1 and "cut a partial tail" in notes[0]
    recovered = next(tmp_path.glob("*.warc.gz"))
    kinds = [k for k, _, _ in _records(recovered)]  # reads cleanly, digests checked
    assert kinds == ["warcinfo", "response", "request", "response", "request", "response"]


def test_the_folder_index_grows_by_the_new_files_only(tmp_path, monkeypatch):
    folder = tmp_path / "w"
    first = WarcFileWriter(folder)
    _exchange(first, "http://b.example/story")
    first.close()
    index = update_index(folder)
    before = index.read_text().splitlines()
    second = WarcFileWriter(folder, prefix="LATER")
    _exchange(second, "http://a.example/story")
    second.close()
    indexed = []
    real = wacz.cdxj_index
    monkeypatch.setattr(wacz, "cdxj_index", lambda paths: indexed.extend(paths) or real(paths))
    lines = update_index(folder).read_text().splitlines()
    assert [p.name for p in indexed] == [second.files[0].name]
    assert lines == sorted(lines) and set(before) < set(lines)
    assert {json.loads(line.split(" ", 2)[2])["filename"] for line in lines} == {p.name for p in folder.glob("*.warc.gz")}
    assert len(lines) == len(set(lines))  # the first file was not indexed twice
    assert update_index(folder).read_text().splitlines() == lines
