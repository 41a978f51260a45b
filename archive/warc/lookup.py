"""Finding the latest capture of a URL in an archive, for crawling from the archive (replay).

The index maps each URL key to the newest response/resource/revisit record of it: built once by
scanning the archive's record headers (bodies are skipped), then each lookup seeks to one record.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.urls import url_key
from archive.warc.reader import Located, archive_files, open_located, read_at


@dataclass(slots=True)
class Replayed:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # as archived: still content-encoded if it was on the wire
    protocol: str
    located: Located
    record_id: str | None
    original: Located | None = None  # a revisit's original response, when the archive has it


class ArchiveLookup:
    def __init__(self, paths: list[str | Path]):
        self.index: dict[str, Located] = {}
        self.digests: dict[str, Located] = {}  # payload digest -> original, for revisits
        for path in archive_files(paths):
            if path.name.endswith(".wacz"):
                with zipfile.ZipFile(path) as package:
                    for name in package.namelist():
                        if name.startswith("archive/") and ".warc" in name:
                            with package.open(name) as fh:
                                self._scan(fh, f"{path}#{name}")
            else:
                with open(path, "rb") as fh:
                    self._scan(fh, str(path))

    def _scan(self, fh, label: str) -> None:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type not in ("response", "resource", "revisit"):
                continue
            url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
            date = record.rec_headers.get_header("WARC-Date") or ""
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            located = Located(label, records.get_record_offset(), records.get_record_length(), date)
            key = url_key(url)
            if key not in self.index or self.index[key].date <= date:
                self.index[key] = located
            if digest and record.rec_type != "revisit":
                self.digests.setdefault(digest, located)

    def __len__(self) -> int:
        return len(self.index)

    def get(self, url: str) -> Replayed | None:
        located = self.index.get(url_key(url))
        if located is None:
            return None
        record = read_at(located)
        if record is None:
            return None
        original = None
        if record["type"] == "revisit":
            original = self.digests.get(record["digest"] or "")
            body = read_at(original)["body"] if original else b""
            record["body"] = body
        return Replayed(url, record["status"], record["headers"], record["body"], record["protocol"],
                        located, record["id"], original)


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One archived record as bytes (a gzip member), with what a copy or a revisit of it names."""

    member: bytes
    kind: str
    url: str
    date: str
    record_id: str
    digest: str | None
    concurrent_to: str | None
    http_headers: object | None  # warcio StatusAndHeaders of a response or revisit


def raw_exchange(located: Located) -> list[RawRecord]:
    """The record at ``located``, unchanged, followed by the request record written with it (the
    next record, when its WARC-Concurrent-To names this one): what a copy of the capture needs.
    Members of a gzip WARC are copied byte for byte; records of an uncompressed WARC are gzipped."""
    with open_located(located) as fh:
        first, end = _raw_record(fh, located.offset)
        if first is None:
            return []
        request, _ = _raw_record(fh, end)
        if request and request.kind == "request" and request.concurrent_to == first.record_id:
            return [first, request]
        return [first]


def _raw_record(fh, offset: int) -> tuple[RawRecord | None, int]:
    fh.seek(offset)
    records = ArchiveIterator(fh)
    record = next(records, None)
    if record is None:
        return None, offset
    headers, http = record.rec_headers, record.http_headers
    start, length = records.get_record_offset(), records.get_record_length()
    fh.seek(start)
    member = fh.read(length)
    end = start + length
    if not member.startswith(b"\x1f\x8b"):  # uncompressed: warcio's length leaves out the record's end
        member = zlib.compress(member + b"\r\n\r\n", 6, wbits=31)
        end += 4
    return RawRecord(member, record.rec_type, (headers.get_header("WARC-Target-URI") or "").strip("<>"),
                     headers.get_header("WARC-Date") or "", headers.get_header("WARC-Record-ID") or "",
                     headers.get_header("WARC-Payload-Digest"), headers.get_header("WARC-Concurrent-To"),
                     http), end
