"""Writing captures to gzip WARC/1.1 files with warcio.

Files are named ``PREFIX-TIMESTAMP-SERIAL-HOST.warc.gz`` (the Heritrix/Browsertrix convention),
carry an ``.open`` suffix while being written and are renamed when finished, roll over past a size
limit, and start with a warcinfo record. A payload already archived is written again only as a
``revisit`` record pointing to the first capture.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from isal import isal_zlib
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

LOGGER = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
# deflate level 1: on ~21 KB article pages a record compresses in half the time of zlib's level
# 6 (its default), the file ~6 % larger; in a crawl the reactor thread pays for every record it
# writes. ISA-L (isal) writes the same gzip members in a third of zlib's time at that level (the
# crawl's four records a page 0.70 -> 0.55 ms measured alone, files the same size).
GZIP_LEVEL = 1
DEDUP_MEMORY = 200_000  # payload digests remembered for revisit records
_HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Where a record lives: enough to read it back with warcio or to cite it."""

    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    payload_digest: str | None = None
    revisit: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "warc_file": self.warc_file, "warc_offset": self.warc_offset, "warc_length": self.warc_length,
            "warc_record_id": self.warc_record_id, "payload_digest": self.payload_digest,
        }


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _file_name_part(text: str) -> str:
    """A setting or host name made safe inside a file name: it cannot leave the WARC folder."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._")


class WarcFileWriter:
    def __init__(
        self,
        directory: str | os.PathLike,
        prefix: str = "PROVENANCE",
        max_size: int = 1_000_000_000,
        info: dict[str, Any] | None = None,
        dedup: bool = True,
    ):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = _file_name_part(prefix) or "PROVENANCE"
        self.max_size = max_size
        self.info = info or {}
        self.dedup = dedup
        self.serial = 0
        self.host = _file_name_part(socket.gethostname().split(".")[0]) or "localhost"
        self._fh: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None
        self._record = io.BytesIO()  # warcio serialises each record here, uncompressed
        self._path: Path | None = None
        self._seen: OrderedDict[str, tuple[str, str, str]] = OrderedDict()
        self.files: list[Path] = []

    # -- files -------------------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Finish files a killed crawl left ``.open``: keep every complete record, cut off a
        partial last one, drop the suffix. Returns what was done, one line a file, for the log."""
        done = []
        for leftover in sorted(self.directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
            end = complete_records_end(leftover)
            size = leftover.stat().st_size
            if end < size:
                with open(leftover, "r+b") as fh:
                    fh.truncate(end)
            final = leftover.with_name(leftover.name.removesuffix(OPEN_SUFFIX))
            os.replace(leftover, final)
            done.append(f"recovered {final.name}: kept {end} bytes of complete records, "
                        f"cut a partial tail of {size - end} bytes")
            LOGGER.warning("%s", done[-1])
        return done

    def _open(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
        name = f"{self.prefix}-{stamp}-{self.serial:05d}-{os.getpid()}~{self.host}.warc.gz"
        self.serial += 1
        self._path = self.directory / name
        self._fh = open(str(self._path) + OPEN_SUFFIX, "xb")
        self._writer = WARCWriter(self._record, gzip=False, warc_version="WARC/1.1")
        info = {"software": "provenance-archive", "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        info.update({k: (v if isinstance(v, str) else json.dumps(v)) for k, v in self.info.items()})
        self._write(self._writer.create_warcinfo_record(name, info))

    def _ensure(self) -> WARCWriter:
        if self._fh is not None and self._fh.tell() >= self.max_size:
            self.close()
        if self._writer is None:
            self._open()
        return self._writer

    def close(self) -> None:
        """Finish the current file: flush, fsync, drop the ``.open`` suffix."""
        if self._fh is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(str(self._path) + OPEN_SUFFIX, self._path)
        self.files.append(self._path)
        LOGGER.info("finished WARC file %s", self._path)
        self._fh = self._writer = None

    def _member(self, record) -> bytes:
        """One record as one gzip member. warcio serialises it, uncompressed, into memory; it is
        compressed in one call: warcio's own gzip output compresses a record in a dozen small
        calls, each of which lets go of the interpreter lock, and in a crawler's reactor thread
        every such release can cost a wait for a thread pool to hand the lock back."""
        self._writer.write_record(record)
        raw = self._record.getvalue()
        self._record.seek(0)
        self._record.truncate()
        return isal_zlib.compress(raw, GZIP_LEVEL, wbits=31)

    def _write(self, *records) -> RecordRef:
        """Append records (one exchange, or a page and what was derived from it) in one write,
        flushed: a record the database points to is on disk. Returns the first one's place."""
        offset = self._fh.tell()
        members = [self._member(record) for record in records]
        self._fh.write(b"".join(members))
        self._fh.flush()
        first = records[0].rec_headers
        return RecordRef(str(self._path), offset, len(members[0]), first.get_header("WARC-Record-ID"),
                         first.get_header("WARC-Payload-Digest"))

    # -- records -----------------------------------------------------------------------------

    def write_exchange(
        self,
        url: str,
        *,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes = b"",
        status: int,
        response_headers: list[tuple[str, str]],
        body: bytes,
        protocol: str = "HTTP/1.1",
        ip_address: str | None = None,
        date: datetime | None = None,
    ) -> RecordRef:
        """A response (or revisit) record and its request record, linked by WARC-Concurrent-To."""
        writer = self._ensure()
        warc_date = datetime_to_iso_date(date or datetime.now(UTC).replace(tzinfo=None), use_micros=True)
        common = {"WARC-Date": warc_date}
        if ip_address:
            common["WARC-IP-Address"] = ip_address
        headers = [(k, v) for k, v in response_headers if k.lower() not in _HOP_BY_HOP]
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(body)))]
        http = StatusAndHeaders(f"{status} {reason_phrase(status)}", headers, protocol=protocol)
        response = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict=dict(common),
        )
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
        first = self._seen.get(digest) if self.dedup and body else None
        if first is not None:
            response = self._revisit_record(url, digest, *first, http, common)
        req_http = StatusAndHeaders(f"{method} {_request_target(url)} {protocol}", request_headers,
                                    is_http_request=True)
        request = writer.create_warc_record(
            url, "request", payload=io.BytesIO(request_body), length=len(request_body), http_headers=req_http,
            warc_headers_dict={**common, "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")},
        )
        ref = self._write(response, request)
        if first is None and body:
            self._seen[digest] = (url, warc_date, ref.warc_record_id)
            if len(self._seen) > DEDUP_MEMORY:
                self._seen.popitem(last=False)
        return RecordRef(ref.warc_file, ref.warc_offset, ref.warc_length, ref.warc_record_id, digest, first is not None)

    def _revisit_record(self, url: str, digest: str, refers_to_uri: str, refers_to_date: str, refers_to: str,
                        http: StatusAndHeaders | None, headers: dict[str, str] | None = None):
        """A WARC 1.1 ``revisit`` (identical-payload-digest profile) naming its original by
        WARC-Refers-To-Target-URI, WARC-Refers-To-Date and WARC-Refers-To."""
        record = self._ensure().create_revisit_record(url, digest, refers_to_uri, refers_to_date,
                                                      http_headers=http, warc_headers_dict=dict(headers or {}))
        record.rec_headers.add_header("WARC-Refers-To", refers_to)
        return record

    def write_revisit(self, url: str, digest: str, refers_to_uri: str, refers_to_date: str, refers_to: str,
                      http: StatusAndHeaders | None) -> RecordRef:
        """A revisit of a capture archived elsewhere in the same folder (a crawl replayed from its
        own archive): the payload is not written twice."""
        ref = self._write(self._revisit_record(url, digest, refers_to_uri, refers_to_date, refers_to, http))
        return RecordRef(ref.warc_file, ref.warc_offset, ref.warc_length, ref.warc_record_id, digest, True)

    def write_copy(self, members: list[bytes], record_id: str, digest: str | None) -> RecordRef:
        """Records of another archive appended unchanged (each one complete gzip member), so a
        replayed crawl's own files hold the captures it used; returns the first one's place."""
        self._ensure()
        offset = self._fh.tell()
        self._fh.write(b"".join(members))
        self._fh.flush()
        return RecordRef(str(self._path), offset, len(members[0]), record_id, digest)

    def write_failure(self, url: str, *, method: str, request_headers: list[tuple[str, str]], error: str) -> RecordRef:
        """A request that got no response: the request record plus a metadata record saying why."""
        writer = self._ensure()
        req_http = StatusAndHeaders(f"{method} {_request_target(url)} HTTP/1.1", request_headers,
                                    is_http_request=True)
        request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0,
                                            http_headers=req_http)
        why = self._metadata_record(url, request.rec_headers.get_header("WARC-Record-ID"), {"fetch-error": error})
        return self._write(request, why)

    def write_derived(self, url: str, refers_to: str, text: str, fields: dict[str, Any]) -> RecordRef:
        """What was derived from a capture, in one write: its extracted text, as Browsertrix
        writes it (a ``resource`` record for ``urn:text:URL``), and a metadata record."""
        return self._write(self._text_record(url, refers_to, text), self._metadata_record(url, refers_to, fields))

    def write_metadata(self, url: str, refers_to: str | None, fields: dict[str, Any]) -> RecordRef:
        """A ``metadata`` record about ``url`` (a browser-captured page: what it loaded)."""
        return self._write(self._metadata_record(url, refers_to, fields))

    def _metadata_record(self, url: str, refers_to: str | None, fields: dict[str, Any]):
        """A ``metadata`` record (application/warc-fields) about the record ``refers_to``."""
        lines = []
        for key, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                text = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
                lines.append(f"{key}: {' '.join(text.split())}")
        payload = ("\r\n".join(lines) + "\r\n").encode()
        return self._ensure().create_warc_record(
            url, "metadata", payload=io.BytesIO(payload), length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Refers-To": refers_to} if refers_to else {},
        )

    def _text_record(self, url: str, refers_to: str, text: str):
        return self._resource_record(f"urn:text:{url}", text.encode(), "text/plain; charset=utf-8", refers_to)

    def _resource_record(self, uri: str, payload: bytes, content_type: str, refers_to: str | None):
        return self._ensure().create_warc_record(
            uri, "resource", payload=io.BytesIO(payload), length=len(payload), warc_content_type=content_type,
            warc_headers_dict={"WARC-Refers-To": refers_to} if refers_to else {},
        )

    def write_resource(self, uri: str, payload: bytes, content_type: str, refers_to: str | None = None) -> RecordRef:
        """A ``resource`` record: something made, not fetched (a browser's screenshot,
        ``urn:screenshot:URL`` as browsertrix-crawler names it)."""
        return self._write(self._resource_record(uri, payload, content_type, refers_to))


def complete_records_end(path: Path) -> int:
    """The offset just after the last record of a gzip WARC that reads completely."""
    from warcio.archiveiterator import ArchiveIterator

    end = 0
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh, check_digests=True)
        try:
            for record in records:
                while record.raw_stream.read(1 << 16):
                    pass
                if getattr(record.raw_stream, "limit", 0) or record.digest_checker.passed is False:
                    break
                end = records.get_record_offset() + records.get_record_length()
        except Exception:  # a cut gzip member or header: everything before it is kept
            pass
    return end


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
