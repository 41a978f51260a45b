"""Streaming captures out of WARC files, WACZ packages and folders of them.

Any tool's archives: response records (with HTTP headers), resource records (a page saved as-is),
revisit records (resolved against earlier payloads of the same run). A broken file is reported
with its name and offset and the reading moves on to the next file; memory does not grow with the
size of the archive (records are read one at a time; only payload digests of HTML pages are kept
to resolve revisits, bounded).
"""

from __future__ import annotations

import gzip
import logging
import re
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from archive.warc import codecs
from archive.warc.codecs import DecodeError, decode

codecs.register()  # warcio's own readers (replay, indexes) decode br and zstd too

LOGGER = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_BODY = 20 * 1024 * 1024
REVISIT_MEMORY = 50_000


@dataclass(frozen=True, slots=True)
class Located:
    path: str  # file, or "package.wacz#archive/data.warc.gz"
    offset: int
    length: int
    date: str


@dataclass(slots=True)
class Capture:
    url: str
    status: int | None
    content_type: str | None
    body: bytes
    date: datetime | None
    warc_file: str
    warc_offset: int
    warc_length: int
    record_id: str | None
    payload_digest: str | None
    record_type: str


@dataclass(slots=True)
class ReadProblem:
    """A record or file that could not be read: the reason and where."""

    path: str
    offset: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path} at offset {self.offset}" if self.offset is not None else self.path
        return f"{where}: {self.reason}"


def archive_files(paths: list[str | Path]) -> list[Path]:
    """Expand folders; keep the order given; complain about what is not an archive."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw).resolve()  # documents cite their archive by absolute path
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES))
            if not found:
                raise FileNotFoundError(f"no WARC, ARC or WACZ files in folder {path}")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return out


def is_html(content_type: str | None) -> bool:
    return bool(content_type) and content_type.split(";")[0].strip().lower() in HTML_TYPES


def iter_captures(paths: list[str | Path]) -> Iterator[Capture | ReadProblem]:
    """Every capture in the archives, in order, with problems yielded in place of bad records."""
    revisits: OrderedDict[str, Located] = OrderedDict()  # payload digest -> where the original is
    for path in archive_files(paths):
        if path.name.endswith(".wacz"):
            yield from _iter_wacz(path, revisits)
        elif path.stat().st_size == 0:
            yield ReadProblem(str(path), None, "empty file (0 bytes)")
        else:
            with open(path, "rb") as fh:
                yield from _iter_stream(fh, str(path), revisits)


def _iter_wacz(path: Path, revisits) -> Iterator[Capture | ReadProblem]:
    try:
        package = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        yield ReadProblem(str(path), None, f"not a WACZ (zip) file: {exc}")
        return
    with package:
        for name in sorted(package.namelist()):
            if name.startswith("archive/") and name.endswith(ARCHIVE_SUFFIXES):
                with package.open(name) as fh:
                    yield from _iter_stream(fh, f"{path}#{name}", revisits)


def _iter_stream(fh: BinaryIO, label: str, revisits) -> Iterator[Capture | ReadProblem]:
    """The file's captures; past a record that cannot be read, on from the next record that can
    (the next gzip member, or the next ``WARC/`` line of an uncompressed file)."""
    start: int | None = 0
    while start is not None:
        failure = yield from _iter_from(fh, start, label, revisits)
        if failure is None:
            return
        offset, reason = failure
        if reason is NOT_AN_ARCHIVE:
            yield ReadProblem(label, None, reason)
            return
        start = next_record(fh, offset + 1) if fh.seekable() else None
        after = "rest of file skipped" if start is None else f"read on from offset {start}"
        yield ReadProblem(label, offset, f"{reason}; {after}")


def _starts_an_archive(fh: BinaryIO, gzipped: bool) -> bool:
    """Whether the file's first line is a WARC version line or an ARC record header. warcio takes
    any text of space-separated words for an ARC header and reads a README as records of nothing."""
    fh.seek(0)
    try:
        head = gzip.GzipFile(fileobj=fh).read(512) if gzipped else fh.read(512)
    except (OSError, EOFError):
        return True  # a gzip member that does not inflate: reading says where and why
    line = head.lstrip(b"\r\n").split(b"\n", 1)[0]
    return line.startswith(b"WARC/") or ARC_HEADER.match(line) is not None


def _iter_from(fh: BinaryIO, start: int, label: str, revisits):
    """Captures from ``start`` on; returns None at the end, or (offset, reason) where reading broke."""
    fh.seek(0)
    gzipped = fh.read(3) == GZIP_MAGIC
    if start == 0 and not _starts_an_archive(fh, gzipped):
        return 0, NOT_AN_ARCHIVE
    fh.seek(start)
    records = ArchiveIterator(fh, arc2warc=True, check_digests=True)
    seen, offset = 0, start
    try:
        for record in records:
            seen += 1
            offset = records.offset  # where this record starts in the file (warcio counts from fh.tell())
            if gzipped and records.reader.decompressor is None:
                # warcio reads on, undecoded, past a gzip member that does not inflate: stop there
                return offset, "unreadable record (a gzip member that does not inflate)"
            try:
                capture = _capture(record, label)
                if capture is None:
                    _drain(record)
                    continue
            except (_Truncated, DecodeError) as exc:
                yield ReadProblem(label, offset, str(exc))
                continue
            except Exception as exc:  # one record that breaks a reader in a new way must not end the ingest
                yield ReadProblem(label, offset, f"unreadable record ({type(exc).__name__}: {_first_line(exc)}), skipped")
                continue
            capture.warc_offset, capture.warc_length = offset, records.get_record_length() or 0
            if capture.record_type == "revisit":
                place = revisits.get(capture.payload_digest or "")
                try:
                    original = read_at(place) if place else None
                    if original is not None:
                        capture.body = _decoded(original["body"], _header(original["headers"], "content-encoding"),
                                                capture.url)
                except (DecodeError, OSError, ArchiveLoadFailed) as exc:
                    yield ReadProblem(label, offset, f"revisit of {capture.url}: its original cannot be read ({exc})")
                    continue
                if original is None:
                    yield ReadProblem(label, offset, f"revisit of {capture.url} whose original is not in this run")
                    continue
                capture.content_type = capture.content_type or _header(original["headers"], "content-type")
            elif capture.payload_digest and is_html(capture.content_type):
                revisits[capture.payload_digest] = Located(label, offset, capture.warc_length, "")
                if len(revisits) > REVISIT_MEMORY:
                    revisits.popitem(last=False)
            yield capture
    except ArchiveLoadFailed as exc:
        if start == 0 and not seen and "Unknown archive format" in str(exc):
            return 0, NOT_AN_ARCHIVE
        return _failed_at(records, offset), f"unreadable record ({_first_line(exc)})"
    except Exception as exc:  # zlib.error, OverflowError (absurd Content-Length), EOFError, ...
        return _failed_at(records, offset), f"unreadable record ({type(exc).__name__}: {_first_line(exc)})"
    return None


def _failed_at(records: ArchiveIterator, last: int) -> int:
    """Where the record that broke starts: where the last one read ended (warcio's offset), unless
    warcio lost count in a broken gzip stream; then the start of the last record read."""
    return max(records.offset, last)


GZIP_MAGIC = b"\x1f\x8b\x08"
# An ARC record's header line: URL, IP address, 14-digit date, content type, length (ARC v1 and v2)
ARC_HEADER = re.compile(rb"\S+ \S+ \d{14} \S+ \d+")
NOT_AN_ARCHIVE = "not a WARC or ARC file (nor gzip of one)"


def next_record(fh: BinaryIO, after: int) -> int | None:
    """Where the next record may start after a broken one: the next gzip member in a gzip file,
    else the next line starting ``WARC/1.``; None at the end of the file."""
    fh.seek(0)
    marker = GZIP_MAGIC if fh.read(3) == GZIP_MAGIC else b"\nWARC/1."
    skip = 0 if marker == GZIP_MAGIC else 1
    position, tail = after, b""
    fh.seek(after)
    while block := fh.read(1 << 20):
        found = (tail + block).find(marker)
        if found >= 0:
            return position - len(tail) + found + skip
        tail = block[-(len(marker) - 1):]
        position += len(block)
    return None


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0].removeprefix("ERROR:").strip() if lines else type(exc).__name__
    if "warcio recompress" in str(exc):
        text += " (`warcio recompress` can repair it)"
    return text


def _drain(record) -> None:
    """Read a record we do not keep to its end, to notice a cut file."""
    while record.raw_stream.read(1 << 16):
        pass
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        uri = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
        raise _Truncated(f"truncated {record.rec_type} record for {uri}: {missing} bytes missing")


class _Truncated(ValueError):
    """A record shorter than its Content-Length: the file was cut."""


def _capture(record, label: str) -> Capture | None:
    kind = record.rec_type
    if kind not in ("response", "resource", "revisit"):
        return None
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if not url.startswith(("http://", "https://")):
        return None
    status, ctype = None, None
    if record.http_headers is not None and kind != "resource":
        status = int(record.http_headers.get_statuscode() or 0) or None
        ctype = record.http_headers.get_header("Content-Type")
    else:
        ctype = record.rec_headers.get_header("Content-Type")
    body = b""
    if kind != "revisit":
        body = _payload(record).read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise _Truncated(f"{url}: payload larger than {MAX_BODY} bytes, skipped")
        missing = getattr(record.raw_stream, "limit", 0)
        if missing:
            raise _Truncated(f"truncated record for {url}: {missing} bytes missing")
        if record.digest_checker.passed is False:
            raise _Truncated(f"record for {url} does not match its digest (truncated or altered): "
                             + "; ".join(record.digest_checker.problems))
        if record.http_headers is not None and kind != "resource":
            body = _decoded(body, record.http_headers.get_header("Content-Encoding"), url)
    date_header = record.rec_headers.get_header("WARC-Date")
    try:
        date = iso_date_to_datetime(date_header) if date_header else None
    except ValueError:
        date = None
    return Capture(
        url=url, status=status, content_type=ctype, body=body, date=date, warc_file=label,
        warc_offset=0, warc_length=0, record_id=record.rec_headers.get_header("WARC-Record-ID"),
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"), record_type=kind,
    )


def _decoded(body: bytes, content_encoding: str | None, url: str) -> bytes:
    """The payload with its content encoding undone. Some tools store the decoded page and keep
    the header: a payload that does not decode but is markup is read as it is (as warcio does)."""
    try:
        return decode(body, content_encoding, MAX_BODY)
    except DecodeError as exc:
        if body.lstrip().removeprefix(b"\xef\xbb\xbf").startswith(b"<"):
            return body
        raise DecodeError(f"payload of {url} cannot be decoded: {exc}") from exc


def _chunked(record) -> bool:
    headers = record.http_headers
    return (headers is not None and record.rec_type != "resource"
            and "chunked" in (headers.get_header("Transfer-Encoding") or "").lower())


def _payload(record) -> BinaryIO:
    """The record's payload as sent: de-chunked, still content-encoded (``decode`` undoes that)."""
    return ChunkedDataReader(record.raw_stream) if _chunked(record) else record.raw_stream


def open_located(located: Located):
    """A seekable stream of the file (or WACZ member) a record lives in."""
    if "#" in located.path and located.path.split("#", 1)[0].endswith(".wacz"):
        package_path, member = located.path.split("#", 1)
        package = zipfile.ZipFile(package_path)
        return package.open(member)
    return open(located.path, "rb")


def read_at(located: Located) -> dict | None:
    """The record at a known place: its type, HTTP status, headers and body as archived."""
    with open_located(located) as fh:
        fh.seek(located.offset)
        for record in ArchiveIterator(fh):
            if record.http_headers is not None and record.rec_type != "resource":
                status = int(record.http_headers.get_statuscode() or 200)
                headers = list(record.http_headers.headers)
                protocol = record.http_headers.protocol or "HTTP/1.1"
            else:
                ctype = record.rec_headers.get_header("Content-Type") or "application/octet-stream"
                status, headers, protocol = 200, [("Content-Type", ctype)], "HTTP/1.1"
            body = b""
            if record.rec_type != "revisit":
                body = _payload(record).read()
                if _chunked(record):  # de-chunked here; the content encoding is left to the reader
                    headers = [(k, v) for k, v in headers if k.lower() not in ("transfer-encoding", "content-length")]
            return {
                "type": record.rec_type, "status": status, "headers": headers, "protocol": protocol,
                "body": body,
                "digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                "id": record.rec_headers.get_header("WARC-Record-ID"),
            }
    return None
