"""Finding the latest capture of a URL in an archive, for crawling from the archive (replay).

The index maps each URL key to the newest response/resource/revisit record of it: built once by
scanning the archive's record headers (bodies are skipped), then each lookup seeks to one record.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.urls import url_key
from archive.warc.reader import archive_files


@dataclass(frozen=True, slots=True)
class Located:
    path: str  # file, or "package.wacz#archive/data.warc.gz"
    offset: int
    length: int
    date: str


@dataclass(slots=True)
class Replayed:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # as archived: still content-encoded if it was on the wire
    protocol: str
    located: Located
    record_id: str | None


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
        record = _read(located)
        if record is None:
            return None
        if record["type"] == "revisit":
            original = self.digests.get(record["digest"] or "")
            body = _read(original)["body"] if original else b""
            record["body"] = body
        return Replayed(url, record["status"], record["headers"], record["body"], record["protocol"],
                        located, record["id"])


def _open(located: Located):
    if "#" in located.path and located.path.split("#", 1)[0].endswith(".wacz"):
        package_path, member = located.path.split("#", 1)
        package = zipfile.ZipFile(package_path)
        return package.open(member)
    return open(located.path, "rb")


def _read(located: Located) -> dict | None:
    with _open(located) as fh:
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
