"""Bad input to the ``provenance`` command: a broken record is reported with its file and offset
and skipped, the records around it are stored; every bad argument, file or database is one
line of error and a non-zero exit, never a traceback, and nothing stored is lost."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.cli import main
from archive.warc.writer import WarcFileWriter
from tests.conftest import ROOT

PAGE = ("<html><head><title>{0}</title></head><body><article><p>"
        + "The {0} council met on Tuesday to discuss the harbour, the budget and the new school. " * 12
        + "</p></article></body></html>")


def _page(name: str) -> bytes:
    return PAGE.format(name).encode()


def _exchange(writer: WarcFileWriter, name: str, body: bytes | None = None, encoding: str | None = None) -> None:
    headers = [("Content-Type", "text/html")] + ([("Content-Encoding", encoding)] if encoding else [])
    writer.write_exchange(f"http://town.example/{name}", method="GET", request_headers=[("Host", "town.example")],
                          status=200, response_headers=headers, body=_page(name) if body is None else body)


def _three_pages(folder: Path, middle: bytes | None = None, encoding: str | None = None) -> Path:
    writer = WarcFileWriter(folder)
    _exchange(writer, "alpha")
    _exchange(writer, "bravo", middle, encoding)
    _exchange(writer, "charlie")
    writer.close()
    return writer.files[0]


def _response_member(path: Path, name: str) -> tuple[int, int]:
    """Offset and length of the gzip member holding the response record for ``name``."""
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI").endswith(name):
                record.raw_stream.read()
                return records.get_record_offset(), records.get_record_length()
    raise AssertionError(name)


def _replace_member(path: Path, name: str, make_new) -> int:
    offset, length = _response_member(path, name)
    data = path.read_bytes()
    path.write_bytes(data[:offset] + make_new(data[offset:offset + length]) + data[offset + length:])
    return offset


def _absurd_length(member: bytes) -> bytes:
    record = gzip.decompress(member)
    head, _, rest = record.partition(b"\r\n\r\n")
    lines = [b"Content-Length: 99999999999999999999999999" if line.startswith(b"Content-Length:") else line
             for line in head.split(b"\r\n")]
    return gzip.compress(b"\r\n".join(lines) + b"\r\n\r\n" + rest)


def _bad_gzip(member: bytes) -> bytes:
    return member[:10] + b"\xff" * (len(member) - 10)  # the gzip header, then nothing deflate can read


def run(db: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command in-process (click's runner), as the shell would see it: an exception click did
    not turn into an exit is a traceback."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["--db", db, *args])
    finally:
        os.chdir(previous)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, stderr)


def _stored_urls(db: str) -> set[str]:
    return {json.loads(line)["url"] for line in run(db, "documents", "--format", "jsonl").stdout.splitlines()}


@pytest.mark.parametrize("damage, reason", [
    (_absurd_length, "OverflowError"),
    (_bad_gzip, "unreadable record"),
])
def test_a_broken_record_is_reported_and_the_rest_of_the_file_read(tmp_path, damage, reason):
    path = _three_pages(tmp_path / "w")
    offset = _replace_member(path, "bravo", damage)
    db = f"sqlite:///{tmp_path / 'graph.db'}"
    result = run(db, "ingest", "--workers", "1", str(path))
    assert result.returncode == 0, result.stderr
    assert f"problem: {path} at offset {offset}: " in result.stderr and reason in result.stderr, result.stderr
    assert "read on from offset" in result.stderr and "Traceback" not in result.stderr
    assert _stored_urls(db) == {"http://town.example/alpha", "http://town.example/charlie"}
    _assert_records_where_the_graph_says(db)


def _assert_records_where_the_graph_says(db: str) -> None:
    """Every stored document's WARC file and offset hold its response record."""
    from archive.warc.reader import Located, read_at

    for line in run(db, "documents", "--format", "jsonl").stdout.splitlines():
        doc = json.loads(line)
        record = read_at(Located(doc["warc"]["file"], doc["warc"]["offset"], 0, ""))
        assert record is not None and record["id"] == doc["warc"]["record_id"], doc["url"]


@pytest.mark.parametrize("damage, reason", [(_absurd_length, "OverflowError"), (_bad_gzip, "")])
def test_replay_skips_a_broken_record_and_answers_from_the_others(tmp_path, caplog, damage, reason):
    from archive.warc.lookup import ArchiveLookup

    path = _three_pages(tmp_path / "w")
    offset = _replace_member(path, "bravo", damage)
    lookup = ArchiveLookup([path])
    assert f"{path} at offset {offset}: unreadable record (" in caplog.text and reason in caplog.text
    assert lookup.get("http://town.example/bravo") is None
    for name in ("alpha", "charlie"):
        found = lookup.get(f"http://town.example/{name}")
        assert found is not None and found.body == _page(name)


def test_an_undecodable_payload_is_reported_and_skipped(tmp_path):
    path = _three_pages(tmp_path / "w", middle=b"this is not brotli data at all " * 20, encoding="br")
    offset, _ = _response_member(path, "bravo")
    db = f"sqlite:///{tmp_path / 'graph.db'}"
    result = run(db, "ingest", "--workers", "1", str(path))
    assert result.returncode == 0, result.stderr
    assert f"{path} at offset {offset}: payload of http://town.example/bravo cannot be decoded" in result.stderr
    assert _stored_urls(db) == {"http://town.example/alpha", "http://town.example/charlie"}


def test_a_page_stored_decoded_under_its_encoding_header_is_read_as_it_is(tmp_path):
    """Some tools write the decoded page and keep ``Content-Encoding``: markup is taken as it is."""
    path = _three_pages(tmp_path / "w", middle=_page("bravo"), encoding="gzip")
    db = f"sqlite:///{tmp_path / 'graph.db'}"
    result = run(db, "ingest", "--workers", "1", str(path))
    assert result.returncode == 0 and "problem" not in result.stderr, result.stderr
    assert len(_stored_urls(db)) == 3


def _arc(url: str, body: bytes) -> list[bytes]:
    """An ARC v1 file's two records (file description, then the capture), as an old crawler wrote them."""
    described = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    return [b"filedesc://old.arc 0.0.0.0 20080101000000 text/plain %d\n%s\n" % (len(described), described),
            b"%s 93.184.216.34 20080101120000 text/html %d\n%s\n" % (url.encode(), len(http), http)]


@pytest.mark.parametrize("name", ["old.arc", "old.arc.gz"])
def test_an_arc_file_is_read_as_an_archive(tmp_path, name):
    records = _arc("http://town.example/alpha", _page("alpha"))
    data = b"".join(gzip.compress(r) for r in records) if name.endswith(".gz") else b"".join(records)
    db = f"sqlite:///{tmp_path / 'graph.db'}"
    result = run(db, "ingest", "--workers", "1", _write(tmp_path, name, data))
    assert result.returncode == 0 and "problem" not in result.stderr, result.stderr
    assert _stored_urls(db) == {"http://town.example/alpha"}


def test_what_was_read_before_a_bad_file_stays_stored(tmp_path):
    good = _three_pages(tmp_path / "good")
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(gzip.compress(b"no archive here\n" * 100))
    db = f"sqlite:///{tmp_path / 'graph.db'}"
    result = run(db, "ingest", "--workers", "1", str(good), str(bad))
    assert result.returncode == 0 and f"problem: {bad}: not a WARC or ARC file" in result.stderr, result.stderr
    assert len(_stored_urls(db)) == 3


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> tuple[Path, str, str]:
    """A database with the demo story in it, its folder, and its documents as listed."""
    folder = tmp_path_factory.mktemp("bad-input")
    db = f"sqlite:///{folder / 'graph.db'}"
    result = run(db, "ingest", "--workers", "1", str(ROOT / "demo" / "seed-story.warc.gz"))
    assert result.returncode == 0, result.stderr
    return folder, db, run(db, "documents", "--format", "jsonl").stdout


def _not_sqlite(tmp: Path) -> str:
    (tmp / "notes.db").write_text("these are my notes, not a database\n")
    return f"sqlite:///{tmp / 'notes.db'}"


READ_ONLY = "sqlite:///file:graph.db?mode=ro&uri=true"  # relative to the stored database's folder


def _new_page(tmp: Path) -> str:
    return str(_three_pages(tmp / "new"))


def _write(tmp: Path, name: str, data: bytes) -> str:
    (tmp / name).write_bytes(data)
    return str(tmp / name)


def _empty_folder(tmp: Path) -> str:
    (tmp / "empty").mkdir()
    return str(tmp / "empty")


# (database: None for the stored one, arguments from a scratch folder, the message)
CASES = {
    "ingest of a 0-byte .warc.gz": (None, lambda t: ["ingest", _write(t, "zero.warc.gz", b"")], "empty file (0 bytes)"),
    "ingest of a garbage gzip": (None, lambda t: ["ingest", _write(t, "junk.warc.gz", gzip.compress(b"\x00\xff" * 500))],
                                 "not a WARC or ARC file"),
    "ingest of bytes that are not even gzip": (None, lambda t: ["ingest", _write(t, "junk.warc.gz", b"\x8b\x1f" * 500)],
                                               "not a WARC or ARC file"),
    "ingest of an empty folder": (None, lambda t: ["ingest", _empty_folder(t)], "no WARC, ARC or WACZ files in folder"),
    "ingest of a README": (None, lambda t: ["ingest", str(ROOT / "README.md")], "not a WARC or ARC file"),
    "ingest of a text that warcio reads as ARC records": (
        None, lambda t: ["ingest", _write(t, "LICENSE.warc", b"   Apache License\n   Version 2.0, January 2004\n\n"
                                                            b"   TERMS AND CONDITIONS\n")],
        "not a WARC or ARC file"),
    "ingest of a .wacz that is no zip": (None, lambda t: ["ingest", _write(t, "x.wacz", b"PK" + b"\x00" * 100)],
                                         "not a WACZ (zip) file"),
    "--db at a file that is not SQLite": ("not-sqlite", lambda t: ["documents"], "is not a SQLite database"),
    "ingest into a read-only database": (READ_ONLY, lambda t: ["ingest", "--workers", "1", _new_page(t)], "read-only"),
    "analyze of a read-only database": (READ_ONLY, lambda t: ["analyze", "--workers", "1"], "read-only"),
    "copies of a huge id": (None, lambda t: ["copies", "#99999999999999999999999"], "no stored capture of"),
    "tree of an empty URL": (None, lambda t: ["tree", ""], "no stored capture of ''"),
    "recheck of a story that does not exist": (None, lambda t: ["recheck", "--story", "99999999999999999999"],
                                               "no story 99999999999999999999"),
    "recheck with a setting that is not NAME=VALUE": (None, lambda t: ["recheck", "--all", "-s", "DEPTH"],
                                                      "a setting is NAME=VALUE, not 'DEPTH'"),
    "--db at a PostgreSQL server that does not answer": ("postgres-down", lambda t: ["documents"],
                                                         "Connection refused"),
    "export into a missing folder": (None, lambda t: ["export", "--format", "csv", "--all", "-o", str(t / "no" / "x.csv")],
                                     "does not exist"),
    "report into a folder": (None, lambda t: ["report", "--outlets", "-o", str(t)], "is a directory"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_of_error(case, stored, tmp_path):
    folder, db, documents = stored
    which, arguments, message = CASES[case]
    url = {None: db, READ_ONLY: READ_ONLY, "not-sqlite": _not_sqlite(tmp_path),
           "postgres-down": "postgresql+psycopg://nobody@127.0.0.1:1/none"}[which]
    result = run(url, *arguments(tmp_path), cwd=folder)
    assert result.returncode != 0, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert message in result.stderr and lines[-1].startswith("Error: "), result.stderr
    assert len([line for line in lines if line.startswith("Error: ")]) == 1 and not lines[-1].endswith(":")
    assert "Traceback" not in result.stderr
    # the error, after the problems found on the way (ingest) or click's usage lines
    assert all(line.startswith(("Error: ", "problem: ", "Usage: ", "Try ")) or not line.strip() for line in lines)
    assert run(db, "documents", "--format", "jsonl").stdout == documents  # nothing stored was lost
