"""Hostile and broken web pages: each gets a clear log line or a recorded reason, nothing already
stored is lost, and the crawl carries on to store the good pages.

One crawl of a local site where every seed misbehaves in its own way, plus the demo story's
pages, which must come out as usual.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import time

import pytest

from demo.server import RESET, SiteServer
from tests.conftest import SEED_TREE, crawl, primary_tree

ARTICLE = ("<p>The harbour authority said on Tuesday that the new breakwater would be finished "
           "before the winter storms, after two years of delays and a dispute over its cost.</p>") * 4


def page(body: str, charset: str = "utf-8", declared: str | None = "utf-8") -> tuple[int, dict, bytes]:
    headers = {"Content-Type": f"text/html; charset={declared}" if declared else "text/html"}
    return 200, headers, body.encode(charset)


HOSTILE = {
    # malformed markup around a real article: still extracted
    "http://broken.example/malformed": page("<html><body><div><p>Unclosed <b>bold <i>italic" + ARTICLE
                                            + "<table><tr><td>cell</div></span></p></body"),
    # the header says UTF-8, the bytes are Windows-1252: decoded by what decodes the whole page
    "http://broken.example/wrong-charset": page("<html><body><h1>Café society</h1>" + "<p>A small café in the old "
                                                "town has kept its doors open every day since 1921, the owner said, "
                                                "through floods, fires and two changes of name.</p>" * 3
                                                + "</body></html>", charset="cp1252"),
    # charset only in <meta>, Cyrillic
    "http://broken.example/meta-charset": page('<html><head><meta charset="windows-1251"></head><body>'
                                               + "<p>Портовое управление заявило во вторник, что новый волнолом будет "
                                                 "достроен до зимних штормов после двух лет задержек.</p>" * 3
                                               + "</body></html>", charset="cp1251", declared=None),
    "http://broken.example/empty": (200, {"Content-Type": "text/html"}, b""),
    "http://broken.example/report.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n" + b"\x00\xff" * 500),
    "http://broken.example/photo.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 500),
    "http://broken.example/api.json": (200, {"Content-Type": "application/json"}, json.dumps({"a": ARTICLE}).encode()),
    "http://broken.example/menu-only": page("<html><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav></body></html>"),
    "http://broken.example/huge": page("<html><body>" + ARTICLE * 3000 + "</body></html>"),  # ~1.5 MB
    "http://broken.example/bomb": (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                                   gzip.compress(b"<html><body>" + b" " * 60_000_000 + b"</body></html>")),
    "http://broken.example/loop-a": (302, {"Location": "http://broken.example/loop-b"}, b""),
    "http://broken.example/loop-b": (302, {"Location": "http://broken.example/loop-a"}, b""),
    "http://broken.example/gone": (404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"),
    "http://broken.example/error": (500, {"Content-Type": "text/html"}, b"<html><body>Oops</body></html>"),
    "http://broken.example/reset": (200, {}, RESET),
}
SLOW = "http://broken.example/slow"


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory, demo_pages, demo_seeds):
    tmp = tmp_path_factory.mktemp("hostile")
    db = f"sqlite:///{tmp / 'graph.db'}"

    def slow(url):
        if url.rstrip("/") == SLOW:
            time.sleep(6)  # longer than DOWNLOAD_TIMEOUT
            return page("<html><body>" + ARTICLE + "</body></html>")
        return None

    with SiteServer({**demo_pages, **HOSTILE}, hook=slow) as server:
        seeds = [u for u in HOSTILE if u != "http://broken.example/loop-b"]
        result = crawl(tmp, db, [*seeds, SLOW, *demo_seeds], "DOWNLOAD_MAXSIZE=1000000", "DOWNLOAD_WARNSIZE=500000",
                       "DOWNLOAD_TIMEOUT=2", "RETRY_TIMES=1", "RETRY_BACKOFF_BASE=0.1", "REDIRECT_MAX_TIMES=5",
                       proxy=server.proxy, timeout=240)
    connection = sqlite3.connect(tmp / "graph.db")
    docs = {url: text for url, text in connection.execute("SELECT url, text FROM documents")}
    skipped = {url: reason for url, reason in connection.execute("SELECT url, reason FROM skipped")}
    return result.stderr, docs, skipped, db


def test_the_good_pages_come_out_as_usual(hostile_crawl):
    log, docs, _, db = hostile_crawl
    assert primary_tree(db) == SEED_TREE
    assert "Traceback" not in log


def test_broken_markup_and_wrong_encodings_are_read(hostile_crawl):
    _, docs, _, _ = hostile_crawl
    assert "breakwater" in docs["http://broken.example/malformed"]
    assert "café" in docs["http://broken.example/wrong-charset"] and "\ufffd" not in docs["http://broken.example/wrong-charset"]
    assert "волнолом" in docs["http://broken.example/meta-charset"]


def test_pages_without_an_article_are_recorded_with_a_reason(hostile_crawl):
    log, docs, skipped, _ = hostile_crawl
    for name, reason in (("empty", "empty page"), ("report.pdf", "not html (application/pdf)"),
                         ("photo.png", "not html (image/png)"), ("api.json", "not html (application/json)"),
                         ("menu-only", "no article text found")):
        url = f"http://broken.example/{name}"
        assert url not in docs and skipped.get(url, "").startswith(reason), (url, skipped.get(url))


def test_oversized_pages_bombs_loops_timeouts_errors_and_resets_are_logged(hostile_crawl):
    log, docs, _, _ = hostile_crawl
    for name in ("huge", "bomb", "loop-a", "gone", "error", "reset", "slow"):
        assert f"http://broken.example/{name}" not in docs
    assert "larger than download max size" in log or "exceeded DOWNLOAD_MAXSIZE" in log  # huge
    assert "bomb" in log and "DOWNLOAD_MAXSIZE" in log  # the bomb is not inflated past the limit
    assert "redirect loop: http://broken.example/loop-a -> http://broken.example/loop-b -> http://broken.example/loop-a" in log
    assert "could not fetch http://broken.example/gone" in log and "could not fetch http://broken.example/error" in log
    assert "could not fetch http://broken.example/reset" in log
    assert "could not fetch http://broken.example/slow" in log and "took longer than 2.0 seconds" in log
