"""The ``provenance`` command is safe with hostile data and targets: control characters in crawled
text never reach the terminal as such, outputs go where asked without renaming over what is not a
regular file, and lookups by URL answer from the capture the tree is built on."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import threading
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.output_file import output_file
from archive.warc.writer import WarcFileWriter
from demo.site import pages
from tests.conftest import BIN, ROOT

PF = "https://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/"
AT = "https://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"
MN = "https://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/"
SP = "https://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/"
FAKE_SITE = "\x1b[2J\x1b[HPacific\x9b31m Forum\x07\norigin: Reuters\u202e"  # clears the screen, fakes a line


def run(db: str, *args: str):
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result


def _warc(folder: Path, site: dict[str, bytes]) -> Path:
    writer = WarcFileWriter(folder)
    for url, body in site.items():
        writer.write_exchange(url, method="GET", request_headers=[("Host", url.split("/")[2])], status=200,
                              response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body)
    writer.close()
    return writer.files[0]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("hostile-text")
    site = pages("https")
    site[PF] = site[PF].replace(b'content="Pacific Forum"', f'content="{FAKE_SITE}"'.encode(), 1)
    db = f"sqlite:///{tmp / 'graph.db'}"
    run(db, "ingest", "--workers", "1", str(_warc(tmp / "w", site)))
    return db


@pytest.mark.parametrize("command", [
    ["origin", SP], ["tree", PF], ["documents"], ["copies", PF], ["explain", PF, AT], ["path", MN, PF],
    ["outlets"], ["edges"],
])
def test_control_characters_never_reach_the_terminal(hostile_db, command):
    out = run(hostile_db, *command).output
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", out), repr(out)
    assert "\norigin: Reuters" not in out


def _stored_site(db: str) -> str:
    """The site name as stored (extraction drops some controls, such as ESC, and keeps others)."""
    import sqlite3

    with sqlite3.connect(db.removeprefix("sqlite:///")) as connection:
        return connection.execute("SELECT site_name FROM documents WHERE url = ?", (PF,)).fetchone()[0]


def test_the_terminal_sees_escapes_where_the_page_had_controls(hostile_db):
    from archive.tables import printable

    stored = _stored_site(hostile_db)
    assert re.search("[\x00-\x1f\x7f-\x9f\u202e]", stored)  # controls did reach the database
    out = run(hostile_db, "origin", SP).output
    assert out.startswith(f"origin: {printable(stored)} (2024-10-23)") and "\\x0aorigin: Reuters" in out


@pytest.mark.parametrize("command", [["documents", "--format", "jsonl"], ["origin", SP, "--json"],
                                     ["tree", PF, "--json"]])
def test_json_keeps_the_text_exactly_and_escapes_it(hostile_db, command):
    out = run(hostile_db, *command).output
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", out)
    if command[0] == "documents":
        sites = {json.loads(line)["url"]: json.loads(line)["site"] for line in out.splitlines()}
        assert sites[PF] == _stored_site(hostile_db)


# -- where outputs go ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def story_db(tmp_path_factory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('outputs') / 'graph.db'}"
    run(db, "ingest", "--workers", "1", str(ROOT / "demo" / "seed-story.warc.gz"))
    return db


def _provenance(db: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "provenance"), "--db", db, *args], capture_output=True, cwd=cwd, check=True)


def test_dash_is_standard_output(story_db, tmp_path):
    result = _provenance(story_db, "export", "--format", "csv", "--all", "-o", "-", cwd=tmp_path)
    assert result.stdout.startswith(b"source,derived,relation") and not (tmp_path / "-").exists()
    assert b"wrote -" in result.stderr and b"wrote" not in result.stdout
    package = _provenance(story_db, "export", "--format", "wacz", "--all", "-o", "-", cwd=tmp_path).stdout
    with zipfile.ZipFile(BytesIO(package)) as z:  # written to a pipe, which cannot seek
        assert "datapackage.json" in z.namelist() and z.testzip() is None
    report = _provenance(story_db, "report", PF, "-o", "-", cwd=tmp_path).stdout
    assert report.startswith(b"<!DOCTYPE html>") and list(tmp_path.iterdir()) == []


def test_what_is_not_a_regular_file_is_written_in_place(story_db, tmp_path):
    # /proc/self/fd/1 is /dev/stdout's target: it cannot be renamed over (the bug renamed over /dev/stdout)
    result = _provenance(story_db, "export", "--format", "jsonl", "--all", "-o", "/proc/self/fd/1", cwd=tmp_path)
    assert result.stdout.count(b'"type": "edge"') >= 3
    null = tmp_path / "null"
    null.symlink_to("/dev/null")
    run(story_db, "export", "--format", "dot", "--all", "-o", str(null))
    assert null.is_symlink() and os.readlink(null) == "/dev/null"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    run(story_db, "export", "--format", "csv", "--all", "-o", str(fifo))
    reader.join(30)
    assert received and received[0].startswith(b"source,derived") and stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "null"]


def test_a_regular_file_is_replaced_whole_and_links_kept(story_db, tmp_path):
    target = tmp_path / "graph.csv"
    target.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(target.name)
    previous = os.umask(0o022)
    try:
        run(story_db, "export", "--format", "csv", "--all", "-o", str(link))
    finally:
        os.umask(previous)
    assert link.is_symlink() and target.read_text().startswith("source,derived")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.csv", "latest.csv"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "story.wacz"
    target.write_bytes(b"the old package")
    with pytest.raises(RuntimeError), output_file(target) as fh:
        fh.write(b"half a new package")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"the old package" and list(tmp_path.iterdir()) == [target]


# -- lookups by URL after a page changed ---------------------------------------------------------

CREDIT = re.compile(rb"<p><em>This article was originally published by .*?</em></p>", re.S)


def test_lookups_by_url_follow_the_capture_in_the_tree(tmp_path):
    db = f"sqlite:///{tmp_path / 'graph.db'}"
    run(db, "ingest", "--workers", "1", str(ROOT / "demo" / "seed-story.warc.gz"))
    edited = CREDIT.sub(b"", pages("https")[AT])  # the republisher quietly drops its credit: a new capture
    assert edited != pages("https")[AT]
    run(db, "ingest", "--workers", "1", str(_warc(tmp_path / "later", {AT: edited})))
    captures = [json.loads(line) for line in run(db, "documents", "--format", "jsonl").output.splitlines()]
    assert [c["url"] for c in captures].count(AT) == 2
    assert run(db, "origin", AT).output.startswith(f"origin: Pacific Forum (2024-10-23) {PF}")
    copies = run(db, "copies", AT).output
    assert MN in copies and SP in copies
    assert "relation: republication" in run(db, "explain", PF, AT).output
    tree = run(db, "tree", AT).output
    assert tree.startswith(f"origin Pacific Forum (2024-10-23) {PF}") and "2 captures" in tree
