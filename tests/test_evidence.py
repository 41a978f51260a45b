"""Evidence that stands alone: a replayed crawl's own archive, WACZ packages as evidence
(page text, compressed index, logs, signatures), and browser capture."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from demo.server import SiteServer
from tests.conftest import BIN, ROOT, SEED_TREE, crawl, crawl_command, primary_tree, provenance
from tests.signer import local_signer
from tests.tools import free_port, pywb_page, tool_bin

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



def test_a_replayed_revisit_comes_with_its_original(tmp_path, db_url):
    """A revisit alone does not replay: its original response is copied first, and pywb then
    answers the revisited URL with the original's payload."""
    from archive.warc.writer import WarcFileWriter
    from demo.site import pages

    source = tmp_path / "source"
    writer = WarcFileWriter(source)
    body = pages("https")[ASIA_TIMES]
    mirror = "https://mirror.example/the-same-story/"
    for url in (ASIA_TIMES, mirror):
        writer.write_exchange(url, method="GET", request_headers=[("Host", url.split("/")[2])], status=200,
                              response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body)
    writer.close()
    result = crawl(tmp_path, db_url, [mirror], f"REPLAY_ARCHIVE={source}", "PROVENANCE_DEPTH=0")
    assert "'replay/records_copied': 4" in result.stderr
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    kinds = [(h["WARC-Type"], h["WARC-Target-URI"]) for h in _headers(warcs) if h["WARC-Type"] != "warcinfo"]
    assert kinds[:4] == [("response", ASIA_TIMES), ("request", ASIA_TIMES), ("revisit", mirror), ("request", mirror)]
    page = pywb_page(tmp_path, warcs, mirror)
    assert "Camp Humphreys has strategic value" in page


def test_browser_capture_without_chromium_is_a_clear_error(tmp_path, db_url):
    args, env = crawl_command(tmp_path, db_url, ["https://a.example/story/"], "BROWSER_CAPTURE=True",
                              "BROWSER_EXECUTABLE=/nonexistent/chromium")
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: browser capture needs Chromium: /nonexistent/chromium not found "
        "(install Debian's chromium package, or set BROWSER_EXECUTABLE)")


def test_captures_of_an_uncompressed_warc_are_copied_whole(tmp_path):
    from archive.warc.lookup import ArchiveLookup, raw_exchange
    from archive.warc.writer import WarcFileWriter

    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(DEMO_WARC.read_bytes()))
    lookup = ArchiveLookup([plain])
    writer = WarcFileWriter(tmp_path / "copies")
    for located in lookup.index.values():
        records = raw_exchange(located)
        assert [r.kind for r in records] == ["response", "request"]
        writer.write_copy([r.member for r in records], records[0].record_id, records[0].digest)
    writer.close()
    copied = [h for h in _headers(writer.files) if h["WARC-Type"] != "warcinfo"]
    with open(plain, "rb") as fh:
        original = [dict(r.rec_headers.headers) for r in ArchiveIterator(fh) if r.rec_type in ("response", "request")]
    assert sorted(map(repr, copied)) == sorted(map(repr, original))  # digests checked by _headers

# -- WACZ as evidence ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_graph(tmp_path_factory) -> str:
    """The demo crawl's graph (its own archive beside it), made once for the WACZ tests."""
    folder = tmp_path_factory.mktemp("demo")
    db = f"sqlite:///{folder / 'graph.db'}"
    _demo_crawl(folder, db)
    return db


def _validate(package: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(tool_bin("wacz") / "wacz"), "validate", "-f", str(package), *extra],
                          capture_output=True, text=True, timeout=300)


def test_wacz_pages_carry_text_and_titles_and_the_package_its_logs(tmp_path, demo_graph):
    package = tmp_path / "story.wacz"
    provenance(demo_graph, "export", "--format", "wacz", ASIA_TIMES, "-o", str(package))
    with zipfile.ZipFile(package) as z:
        header, *pages = [json.loads(line) for line in z.read("pages/pages.jsonl").decode().splitlines()]
        logs = [json.loads(line) for line in z.read("logs/archive.log").decode().splitlines()]
        listed = {r["path"] for r in json.loads(z.read("datapackage.json"))["resources"]}
    assert header["hasText"] is True and len(pages) == 4
    page = next(p for p in pages if p["url"] == ASIA_TIMES)
    assert page["title"] == "Trump or Harris, US and S Korea must stick together"
    assert "Camp Humphreys has strategic value" in page["text"] and "<" not in page["text"]
    files = [line for line in logs if "file" in line]
    assert files[0]["records"]["response"] == 4 and files[0]["records"]["warcinfo"] >= 2
    assert any(c.get("software", "").startswith("provenance-archive/0.1 (Scrapy") for c in files[0]["crawls"])
    assert {line["url"] for line in logs if "url" in line} >= {ASIA_TIMES}
    assert "logs/archive.log" in listed
    result = _validate(package)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_large_index_is_compressed_as_browsertrix_writes_it(tmp_path):
    from archive.wacz import cdxj_index, write_wacz

    package = write_wacz(tmp_path / "demo.wacz", [("demo.warc.gz", DEMO_WARC)], [{"id": "1", "url": ASIA_TIMES, "ts": "2024-11-01T12:00:07Z", "title": "T"}],
                         {}, "demo", compressed_index_bytes=0)
    with zipfile.ZipFile(package) as z:
        names = set(z.namelist())
        idx = z.read("indexes/index.idx").decode().splitlines()
        blocks = z.read("indexes/index.cdx.gz")
        stored = z.getinfo("indexes/index.cdx.gz").compress_type
    assert "indexes/index.cdx" not in names and stored == zipfile.ZIP_STORED
    assert json.loads(idx[0].split(" ", 2)[2]) == {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}
    lines = []
    for entry in idx[1:]:  # each block, read on its own by offset and length, as a replayer does
        where = json.loads(entry.split(" ", 2)[2])
        block = blocks[where["offset"]:where["offset"] + where["length"]]
        assert where["digest"] == "sha256:" + hashlib.sha256(block).hexdigest()
        lines += gzip.decompress(block).decode().splitlines(keepends=True)
    assert "".join(lines) == cdxj_index([DEMO_WARC], {DEMO_WARC: "demo.warc.gz"})
    result = _validate(package)
    assert result.returncode == 0, result.stdout + result.stderr
    small = write_wacz(tmp_path / "small.wacz", [("demo.warc.gz", DEMO_WARC)], [], {}, "demo")
    with zipfile.ZipFile(small) as z:
        assert "indexes/index.cdx" in z.namelist() and "indexes/index.idx" not in z.namelist()


def test_a_signed_wacz_verifies_against_its_signer_and_a_forged_one_does_not(tmp_path, demo_graph):
    unsigned, signed = tmp_path / "unsigned.wacz", tmp_path / "signed.wacz"
    provenance(demo_graph, "export", "--format", "wacz", ASIA_TIMES, "-o", str(unsigned))
    with local_signer(tmp_path / "signer") as signer:
        out = provenance(demo_graph, "export", "--format", "wacz", ASIA_TIMES, "-o", str(signed),
                         "--sign-url", f"{signer}/sign").stdout
        assert "signed by signer.test at " in out
        verify = ("--verify-auth", "--verifier-url", f"{signer}/verify")
        result = _validate(signed, *verify)
        assert result.returncode == 0 and "Successfully verified signature" in result.stdout, result.stdout
        result = _validate(unsigned, *verify)
        assert result.returncode == 0, result.stdout
        with zipfile.ZipFile(signed) as z:
            digest = json.loads(z.read("datapackage-digest.json"))
            members = {name: z.read(name) for name in z.namelist()}
        assert digest["signedData"]["hash"] == digest["hash"]
        assert digest["signedData"]["created"] == json.loads(members["datapackage.json"])["created"]
        # the same signature over another package's digest: the verifier refuses it
        with zipfile.ZipFile(unsigned) as z:
            other = json.loads(z.read("datapackage-digest.json"))
            created = json.loads(z.read("datapackage.json"))["created"]
        forged = tmp_path / "forged.wacz"
        with zipfile.ZipFile(unsigned) as z, zipfile.ZipFile(forged, "w") as out_zip:
            for name in z.namelist():
                data = z.read(name)
                if name == "datapackage-digest.json":
                    data = json.dumps({**other, "signedData": {**digest["signedData"], "hash": other["hash"],
                                                                      "created": created}}).encode()
                out_zip.writestr(name, data)
        result = _validate(forged, *verify)
        assert result.returncode == 1 and "Signature not verified" in result.stdout, result.stdout


def test_signing_failure_is_a_clear_error_and_leaves_the_package_unsigned(tmp_path, demo_graph):
    package = tmp_path / "story.wacz"
    result = provenance(demo_graph, "export", "--format", "wacz", ASIA_TIMES, "-o", str(package),
                        "--sign-url", f"http://127.0.0.1:{free_port()}/sign", check=False)
    assert result.returncode == 1
    assert "Error: cannot reach the signer at http://127.0.0.1:" in result.stderr
    assert "was written unsigned" in result.stderr and "Traceback" not in result.stderr
    with zipfile.ZipFile(package) as z:
        assert "signedData" not in json.loads(z.read("datapackage-digest.json"))
    refused = provenance(demo_graph, "export", "--format", "dot", ASIA_TIMES, "-o", str(tmp_path / "x.dot"),
                         "--sign-url", "http://127.0.0.1:9/sign", check=False)
    assert refused.returncode == 2 and "--sign-url signs WACZ packages only" in refused.stderr


# -- browser capture -----------------------------------------------------------------------------

JS_ARTICLE = "http://jsnews.example/2024/11/a-story-built-in-the-browser/"
JS_SENTENCES = [f"Paragraph {n} of the story says the harbour expansion will cost {n * 12} million dollars "
                "and the council voted for it after a long night of debate in the town hall." for n in range(1, 9)]


def _js_site() -> dict:
    shell = (b"<!doctype html><html><head><title>A story built in the browser</title>"
             b'<link rel="stylesheet" href="/static/site.css"></head><body><header>JS News</header>'
             b'<article id="story"><h1>Loading...</h1></article><img src="/static/logo.png" alt="">'
             b'<script src="/static/app.js"></script></body></html>')
    app = (b"fetch('/api/story.json').then(r => r.json()).then(story => {"
           b"const article = document.getElementById('story');"
           b"article.innerHTML = '<h1>' + story.title + '</h1>' + story.paragraphs.map(p => '<p>' + p + '</p>').join('');"
           b"document.title = story.title; });")
    story = json.dumps({"title": "A story built in the browser", "paragraphs": JS_SENTENCES}).encode()
    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(logo, "PNG")
    return {
        JS_ARTICLE: shell,
        "http://jsnews.example/static/app.js": (200, {"Content-Type": "application/javascript"}, app),
        "http://jsnews.example/static/site.css": (200, {"Content-Type": "text/css"}, b"body{font:16px serif}"),
        "http://jsnews.example/static/logo.png": (200, {"Content-Type": "image/png"}, logo.getvalue()),
        "http://jsnews.example/api/story.json": (200, {"Content-Type": "application/json"}, story),
    }


def test_browser_capture_extracts_a_page_built_by_javascript_and_archives_what_the_browser_saw(tmp_path, db_url):
    from crawler.browser import EXECUTABLES

    if not any(shutil.which(name) for name in EXECUTABLES):
        pytest.skip("no Chromium here (Debian's chromium package; python3 dev.py install tries to install it)")
    with SiteServer(_js_site(), gzip=True) as server:
        args, env = crawl_command(tmp_path, db_url, [JS_ARTICLE], "PROVENANCE_DEPTH=0", proxy=server.proxy)
        args[args.index("syndication")] = "syndication-browser"
        result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'browser/pages': 1" in result.stderr and "'browser/screenshots': 1" in result.stderr
    docs = [json.loads(d) for d in provenance(db_url, "documents", "--format", "jsonl").stdout.splitlines()]
    assert [d["url"] for d in docs] == [JS_ARTICLE]
    assert all(sentence in docs[0]["text"] for sentence in JS_SENTENCES[:3])  # built by the script
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    check = subprocess.run([str(BIN / "warcio"), "check", *map(str, warcs)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    records = []
    for path in warcs:
        with open(path, "rb") as fh:
            records += [(r.rec_type, dict(r.rec_headers.headers), r.content_stream().read()) for r in ArchiveIterator(fh)]
    responses = {h["WARC-Target-URI"]: body for kind, h, body in records if kind == "response"}
    requests = {h["WARC-Target-URI"] for kind, h, _ in records if kind == "request"}
    site = _js_site()
    for url in site:  # the document, its script, style, image and the script's XHR, each as received
        expected = site[url] if isinstance(site[url], bytes) else site[url][2]
        assert responses.get(url) == expected, url
        assert url in requests
    assert b"Loading..." in responses[JS_ARTICLE]  # the document as it came, not as rendered
    shots = [(h, body) for kind, h, body in records if kind == "resource" and
             h["WARC-Target-URI"] == f"urn:screenshot:{JS_ARTICLE}"]
    assert len(shots) == 1 and shots[0][0]["Content-Type"] == "image/png"
    assert shots[0][1].startswith(b"\x89PNG\r\n\x1a\n")
    document = next(h for kind, h, _ in records if kind == "response" and h["WARC-Target-URI"] == JS_ARTICLE)
    assert shots[0][0]["WARC-Refers-To"] == document["WARC-Record-ID"] == docs[0]["warc"]["record_id"]
    from PIL import Image

    assert Image.open(io.BytesIO(shots[0][1])).size[0] > 100
    # the story's package takes the page's resources and screenshot along, and validates
    package = tmp_path / "js.wacz"
    provenance(db_url, "export", "--format", "wacz", JS_ARTICLE, "-o", str(package))
    with zipfile.ZipFile(package) as z:
        story = z.read("archive/story.warc.gz")
    packed = {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(io.BytesIO(story))}
    assert set(site) | {f"urn:screenshot:{JS_ARTICLE}", f"urn:text:{JS_ARTICLE}"} <= packed
    result = _validate(package)
    assert result.returncode == 0, result.stdout + result.stderr
