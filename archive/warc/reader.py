"""Streaming captures out of WARC files, WACZ packages and folders of them.

Any tool's archives: response records (with HTTP headers), resource records (a page saved as-is),
revisit records (resolved against earlier payloads of the same run). A broken file is reported
with its name and offset and the reading moves on to the next file; memory does not grow with the
size of the archive (records are read one at a time; only payload digests of HTML pages are kept
to resolve revisits, bounded).
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

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
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES)))
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
    records = ArchiveIterator(fh, arc2warc=True, check_digests=True)
    offset = 0
    try:
        for record in records:
            offset = records.offset  # where this record starts (before it is read)
            try:
                capture = _capture(record, label)
                if capture is None:
                    _drain(record)
                    continue
            except _Truncated as exc:
                yield ReadProblem(label, offset, str(exc))
                continue
            capture.warc_offset, capture.warc_length = offset, records.get_record_length() or 0
            if capture.record_type == "revisit":
                place = revisits.get(capture.payload_digest or "")
                original = read_at(place) if place else None
                if original is None:
                    yield ReadProblem(label, offset, f"revisit of {capture.url} whose original is not in this run")
                    continue
                capture.body = _decoded(original)
                capture.content_type = capture.content_type or dict(
                    (k.lower(), v) for k, v in original["headers"]).get("content-type")
            elif capture.payload_digest and is_html(capture.content_type):
                revisits[capture.payload_digest] = Located(label, offset, capture.warc_length, "")
                if len(revisits) > REVISIT_MEMORY:
                    revisits.popitem(last=False)
            yield capture
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError) as exc:
        yield ReadProblem(label, offset, f"unreadable record ({_first_line(exc)}); rest of file skipped")


def _decoded(record: dict) -> bytes:
    """An archived body with its content encoding undone."""
    import gzip
    import zlib as _zlib

    encoding = dict((k.lower(), v.lower()) for k, v in record["headers"]).get("content-encoding", "")
    body = record["body"]
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return _zlib.decompress(body)
        if encoding == "br":
            import brotli

            return brotli.decompress(body)
    except (OSError, _zlib.error, ValueError):
        return body
    return body


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
        body = record.content_stream().read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise _Truncated(f"{url}: payload larger than {MAX_BODY} bytes, skipped")
        missing = getattr(record.raw_stream, "limit", 0)
        if missing:
            raise _Truncated(f"truncated record for {url}: {missing} bytes missing")
        if record.digest_checker.passed is False:
            raise _Truncated(f"record for {url} does not match its digest (truncated or altered): "
                             + "; ".join(record.digest_checker.problems))
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
                chunked = "chunked" in dict((k.lower(), v.lower()) for k, v in headers).get("transfer-encoding", "")
                if chunked:  # warcio de-chunks (and decodes) it; the headers must then say so
                    body = record.content_stream().read()
                    headers = [(k, v) for k, v in headers
                               if k.lower() not in ("transfer-encoding", "content-encoding", "content-length")]
                else:
                    body = record.raw_stream.read()
            return {
                "type": record.rec_type, "status": status, "headers": headers, "protocol": protocol,
                "body": body,
                "digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                "id": record.rec_headers.get_header("WARC-Record-ID"),
            }
    return None
