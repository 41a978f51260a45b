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
        path = Path(raw)
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
    revisits: OrderedDict[str, Capture] = OrderedDict()
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
    records = ArchiveIterator(fh, arc2warc=True)
    offset = 0  # where the record being read starts (warcio knows it once a record is read)
    try:
        for record in records:
            capture = _capture(record, label)
            offset, length = records.get_record_offset(), records.get_record_length()
            if capture is None:
                offset += length or 0
                continue
            capture.warc_offset, capture.warc_length = offset, length or 0
            offset += length or 0
            if capture.record_type == "revisit":
                original = revisits.get(capture.payload_digest or "")
                if original is None:
                    yield ReadProblem(label, offset, f"revisit of {capture.url} whose original is not in this run")
                    continue
                capture.body = original.body
                capture.content_type = capture.content_type or original.content_type
            elif capture.payload_digest and is_html(capture.content_type):
                revisits[capture.payload_digest] = capture
                if len(revisits) > REVISIT_MEMORY:
                    revisits.popitem(last=False)
            yield capture
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError) as exc:
        yield ReadProblem(label, offset, f"unreadable record ({type(exc).__name__}: {exc}); rest of file skipped")


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
    body = b"" if kind == "revisit" else record.content_stream().read(MAX_BODY)
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
