"""Every content encoding a crawl can meet (gzip, deflate, br, zstd): archived as it came off the
wire, checked by warcio, ingested, replayed and packaged as a WACZ that validates."""

from __future__ import annotations

import gzip
import json
import subprocess
import zlib
from pathlib import Path

import brotli
import pytest
from backports import zstd
from warcio.archiveiterator import ArchiveIterator

from archive.warc import codecs
from archive.warc.codecs import DecodeError, decode
from archive.warc.writer import WarcFileWriter
from demo.server import SiteServer
from tests.conftest import BIN, SEED_TREE, crawl, primary_tree, provenance
from tests.tools import tool_bin

PAGE = b"<html><head><title>T</title></head><body><article><p>" + b"Some words of an article. " * 40 + b"</p></article></body></html>"
ENCODE = {
    "br": brotli.compress,
    "zstd": zstd.compress,
    "gzip": gzip.compress,
    "deflate": zlib.compress,
}
# the seed story's four copies, each sent in its own encoding
STORY = {
    "http://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/": "br",
    "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/": "zstd",
    "http://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/": "gzip",
    "http://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/": "deflate",
}


@pytest.mark.parametrize("encoding", sorted(ENCODE))
def test_decode_undoes_each_encoding(encoding):
    assert decode(ENCODE[encoding](PAGE), encoding) == PAGE
    assert decode(ENCODE[encoding](PAGE), encoding.upper() + " ") == PAGE


def test_decode_handles_raw_deflate_zstd_frames_stacked_encodings_and_identity():
    raw = zlib.compressobj(wbits=-15)
    assert decode(raw.compress(PAGE) + raw.flush(), "deflate") == PAGE  # as some servers send it
    assert decode(zstd.compress(PAGE[:100]) + zstd.compress(PAGE[100:]), "zstd") == PAGE  # RFC 8878 frames
    assert decode(brotli.compress(gzip.compress(PAGE)), "gzip, br") == PAGE
    assert decode(PAGE, "identity") == PAGE and decode(PAGE, None) == PAGE


@pytest.mark.parametrize("encoding", sorted(ENCODE))
def test_decode_refuses_garbage_and_bombs(encoding):
    with pytest.raises(DecodeError):
        decode(b"\x00\x01 certainly not " + encoding.encode() + b" data " * 20, encoding)
    bomb = ENCODE[encoding](b" " * 5_000_000)
    with pytest.raises(DecodeError, match="larger than 1000000 bytes"):
        decode(bomb, encoding, limit=1_000_000)


def _exchange(writer: WarcFileWriter, url: str, encoding: str, body: bytes = PAGE):
    return writer.write_exchange(url, method="GET", request_headers=[("Host", url.split("/")[2])], status=200,
                                 response_headers=[("Content-Type", "text/html"), ("Content-Encoding", encoding)],
                                 body=ENCODE[encoding](body))


def test_warcio_reads_br_and_zstd_payloads(tmp_path):
    """warcio 1.8.1 raised AttributeError on br and returned zstd still compressed."""
    codecs.register()
    writer = WarcFileWriter(tmp_path)
    for encoding in ENCODE:
        _exchange(writer, f"http://a.example/{encoding}", encoding)
    writer.close()
    with open(writer.files[0], "rb") as fh:
        bodies = [r.content_stream().read() for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert bodies == [PAGE] * 4


def test_ingest_reads_every_encoding_and_resolves_a_br_revisit(tmp_path, db_url):
    writer = WarcFileWriter(tmp_path / "w")
    for encoding in ENCODE:
        _exchange(writer, f"http://a.example/{encoding}", encoding, PAGE.replace(b"Some", encoding.encode()))
    assert _exchange(writer, "http://mirror.example/br", "br", PAGE.replace(b"Some", b"br")).revisit
    writer.close()
    result = provenance(db_url, "ingest", "--workers", "1", str(tmp_path / "w"))
    assert "documents added: 5" in result.stdout and "problem" not in result.stderr, result.stderr
    docs = {d["url"]: d["text"] for d in map(json.loads, provenance(db_url, "documents", "--format", "jsonl").stdout.splitlines())}
    for encoding in ENCODE:
        assert docs[f"http://a.example/{encoding}"].startswith(f"{encoding} words of an article.")
    assert docs["http://mirror.example/br"] == docs["http://a.example/br"]


@pytest.fixture(scope="module")
def encoded_crawl(tmp_path_factory, demo_pages, demo_seeds):
    """The seed story crawled from a server that sends each copy in another encoding."""
    tmp = tmp_path_factory.mktemp("encodings")
    served = dict(demo_pages)
    for url, encoding in STORY.items():
        served[url] = (200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": encoding},
                       ENCODE[encoding](demo_pages[url]))
    db = f"sqlite:///{tmp / 'crawl.db'}"
    with SiteServer(served) as server:
        crawl(tmp, db, demo_seeds, proxy=server.proxy)
    return tmp, db, served


def test_the_crawl_archives_the_bytes_as_sent_and_warcio_check_passes(encoded_crawl):
    tmp, db, served = encoded_crawl
    warcs = sorted((tmp / "warc").glob("*.warc.gz"))
    seen = {}
    for path in warcs:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and url in STORY:
                    seen[url] = (record.http_headers.get_header("Content-Encoding"), record.raw_stream.read())
    assert seen == {url: (encoding, served[url][2]) for url, encoding in STORY.items()}
    check = subprocess.run([str(BIN / "warcio"), "check", "-v", *map(str, warcs)], capture_output=True, text=True)
    assert check.returncode == 0 and "digest pass" in check.stdout, check.stdout + check.stderr
    assert "Traceback" not in check.stderr
    assert primary_tree(db) == SEED_TREE


def test_ingest_and_replay_of_the_crawl_find_the_same_story(encoded_crawl, tmp_path):
    tmp, db, _ = encoded_crawl
    texts = {d["url"]: d["text"] for d in map(json.loads, provenance(db, "documents", "--format", "jsonl").stdout.splitlines())}
    ingested = f"sqlite:///{tmp_path / 'ingested.db'}"
    result = provenance(ingested, "ingest", str(tmp / "warc"))
    assert "problem" not in result.stderr, result.stderr
    assert primary_tree(ingested) == SEED_TREE
    replayed = f"sqlite:///{tmp_path / 'replayed.db'}"
    from demo.site import seeds

    crawl(tmp_path, replayed, seeds("http"), f"REPLAY_ARCHIVE={tmp / 'warc'}")
    assert primary_tree(replayed) == SEED_TREE
    for other in (ingested, replayed):
        again = {d["url"]: d["text"] for d in map(json.loads, provenance(other, "documents", "--format", "jsonl").stdout.splitlines())}
        assert {url: again[url] for url in STORY} == {url: texts[url] for url in STORY}


def test_the_crawl_exports_as_a_wacz_that_validates_and_reads_back(encoded_crawl, tmp_path):
    tmp, db, _ = encoded_crawl
    assert any("~" in p.name for p in (tmp / "warc").glob("*.warc.gz"))  # PREFIX-…-PID~HOST.warc.gz
    package = tmp_path / "all.wacz"
    provenance(db, "export", "--format", "wacz", "--all", "-o", str(package))
    story = tmp_path / "story.wacz"
    provenance(db, "export", "--format", "wacz", next(iter(STORY)), "-o", str(story))
    tools = tool_bin("wacz")
    for wacz in (package, story):
        result = subprocess.run([str(tools / "wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True)
        assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr
    fresh = f"sqlite:///{tmp_path / 'from-wacz.db'}"
    provenance(fresh, "ingest", str(package))
    assert primary_tree(fresh) == SEED_TREE


def test_resource_names_follow_the_frictionless_pattern():
    import re

    from archive.wacz import resource_name

    name = resource_name("PROVENANCE-20261201210121395-00000-15086~Crawler_1.warc.gz")
    assert re.fullmatch(r"([-a-z0-9._/])+", name) and name.endswith("-crawler_1.warc.gz")


def test_the_warcio_hook_is_installed_for_every_python_of_the_environment():
    """``dev.py install`` writes it; a Python started afresh has decoders before it asks for them."""
    probe = ("import sys; from warcio.bufferedreaders import BufferedReader as B; "
             "print(B.DECOMPRESSORS['br'].__name__, B.DECOMPRESSORS['zstd'].__name__)")
    out = subprocess.run([str(BIN / "python"), "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["BrotliDecoder", "ZstdDecoder"]
    lazy = subprocess.run([str(BIN / "python"), "-c", "import sys; print('warcio' in sys.modules)"],
                          capture_output=True, text=True, check=True).stdout
    assert lazy.strip() == "False"  # nothing is imported until warcio is

