"""CDXJ indexes of WARC files, and WACZ packages of a story (or of everything).

A story's package holds only its own records: every record of the source WARC files whose target
is one of the story's URLs (request, response, revisit, metadata, and the ``urn:text:`` record) is
copied byte for byte (gzip members are independent), so digests and offsets stay valid. Beside
the archive go the CDXJ index (cdxj-indexer, as pywb and ReplayWeb.page expect), the page list,
the story's provenance graph (``provenance/graph.json``) and ``datapackage.json`` with a SHA-256
for every file, following WACZ 1.1.1.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from cdxj_indexer.main import write_cdx_index
from warcio.archiveiterator import ArchiveIterator

from archive.output_file import output_file
from archive.urls import url_key

WACZ_VERSION = "1.1.1"


def cdxj_index(warcs: Iterable[Path], names: dict[Path, str] | None = None) -> str:
    """A sorted CDXJ index of the WARC files; ``filename`` fields use ``names`` (default: the
    files' own names)."""
    lines: list[str] = []
    for path in warcs:
        out = io.StringIO()
        write_cdx_index(out, [str(path)], {"sort": False})
        name = (names or {}).get(path, path.name)
        for line in out.getvalue().splitlines():
            if not line.strip():
                continue
            key, stamp, data = line.split(" ", 2)
            fields = json.loads(data)
            fields["filename"] = name
            lines.append(f"{key} {stamp} {json.dumps(fields)}")
    return "".join(sorted(line + "\n" for line in lines))


def update_index(folder: Path, name: str = "index.cdxj") -> Path:
    """Bring the folder's CDXJ index up to date with its WARC files: the files it does not cover
    yet (a crawl's new ones, files a killed crawl left) are indexed and merged in, in one
    streaming pass, so the time and memory a crawl's end costs do not grow with the archive."""
    index, tmp = folder / name, folder / f"{name}.open"
    covered: set[str] = set()
    if index.exists():
        with index.open() as lines:
            covered = {json.loads(line.split(" ", 2)[2])["filename"] for line in lines if line.strip()}
    new = cdxj_index(sorted(p for p in folder.glob("*.warc.gz") if p.name not in covered)).splitlines(keepends=True)
    with tmp.open("w") as out:
        if index.exists():
            with index.open() as old:
                out.writelines(heapq.merge(old, new))
        else:
            out.writelines(new)
    tmp.replace(index)
    return index


def _record_target(record) -> str:
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
    return uri.removeprefix("urn:text:")


def story_warc(sources: Iterable[Path], urls: set[str], out: io.BufferedIOBase) -> int:
    """Copy the records about ``urls`` (as URL keys) from ``sources`` into ``out``; returns how many."""
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    writer.write_record(writer.create_warcinfo_record("story.warc.gz", {
        "software": "provenance-archive", "description": "records of one provenance story, copied unchanged"}))
    copied = 0
    for path in sources:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            spans = []
            for record in records:
                if record.rec_type == "warcinfo" or url_key(_record_target(record)) not in urls:
                    continue
                spans.append((records.get_record_offset(), records.get_record_length()))
            for offset, length in spans:
                fh.seek(offset)
                out.write(fh.read(length))
                copied += 1
    return copied


def resource_name(file_name: str) -> str:
    """A datapackage resource name for a file: lower case, and only the characters the
    frictionless schema allows (``^([-a-z0-9._/])+$``; ``PREFIX-…-PID~HOST.warc.gz`` has a ``~``)."""
    return re.sub(r"[^-a-z0-9._/]", "-", file_name.lower())


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return "sha256:" + digest.hexdigest(), size


def write_wacz(
    output: Path,
    warcs: list[tuple[str, Path]],
    pages: list[dict],
    extra: dict[str, bytes],
    title: str,
    main_url: str | None = None,
) -> Path:
    """Write a WACZ: ``warcs`` as (name in archive/, file), ``pages`` as pages.jsonl rows, ``extra``
    files ("folder/name": bytes) listed in the datapackage too. Written as archive/output_file.py says
    (a regular file only once complete); WARCs are streamed, never held in memory."""
    resources = []
    stamp = datetime.now(UTC)
    with output_file(output) as out, zipfile.ZipFile(out, "w", allowZip64=True) as package:

        def add(path: str, data: bytes) -> None:
            info = zipfile.ZipInfo(path, stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
            resources.append({"name": resource_name(Path(path).name), "path": path, "hash": _sha256(data),
                              "bytes": len(data)})

        for name, path in warcs:
            package.write(path, f"archive/{name}", compress_type=zipfile.ZIP_STORED)
            digest, size = _file_sha256(path)
            resources.append({"name": resource_name(name), "path": f"archive/{name}", "hash": digest, "bytes": size})
        add("indexes/index.cdx", cdxj_index([p for _, p in warcs], {p: n for n, p in warcs}).encode())
        header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
        add("pages/pages.jsonl", "".join(json.dumps(x) + "\n" for x in [header, *pages]).encode())
        for path, data in extra.items():
            add(path, data)
        datapackage = {
            "profile": "data-package",
            "resources": resources,
            "title": title,
            "created": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "wacz_version": WACZ_VERSION,
            "software": "provenance-archive 0.1",
        }
        if main_url:
            datapackage["mainPageURL"] = main_url
        package_bytes = json.dumps(datapackage, indent=2).encode()
        package.writestr("datapackage.json", package_bytes)
        package.writestr("datapackage-digest.json", json.dumps(
            {"path": "datapackage.json", "hash": _sha256(package_bytes)}, indent=2))
    return output
