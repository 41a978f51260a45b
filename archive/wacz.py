"""CDXJ indexes of WARC files, and WACZ packages of a story (or of everything).

A story's package holds only its own records: every record of the source WARC files whose target
is one of the story's URLs (request, response, revisit, metadata, and the ``urn:text:`` record) is
copied byte for byte (gzip members are independent), so digests and offsets stay valid, with
the resources and screenshot of a browser-captured page (its ``page-resource`` metadata); the
sources' warcinfo records come along (who crawled, with which software and settings). Beside the
archive go the CDXJ index (cdxj-indexer, as pywb and ReplayWeb.page expect; past
``COMPRESSED_INDEX_BYTES`` a compressed ``index.cdx.gz`` of gzip blocks with its ``index.idx``, as
browsertrix-crawler and py-wacz write it), the page list with each page's title and extracted text
(ReplayWeb.page's full-text search reads ``text``), ``logs/`` (a summary of the package's records
and the crawls that made them), the story's provenance graph (``provenance/graph.json``) and
``datapackage.json`` with a SHA-256 for every file, following WACZ 1.1.1. ``sign_wacz`` adds an
authsign signature to ``datapackage-digest.json`` (``signedData``), the way py-wacz does.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from cdxj_indexer.main import write_cdx_index
from warcio.archiveiterator import ArchiveIterator

from archive.urls import url_key

WACZ_VERSION = "1.1.1"
COMPRESSED_INDEX_BYTES = 1_000_000  # past this, index.cdx.gz + index.idx (ReplayWeb.page loads index.cdx whole)
INDEX_BLOCK_LINES = 1024  # CDXJ lines per gzip block of index.cdx.gz, py-wacz's default


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


PAGE_RESOURCE = "page-resource"  # metadata field: a URL the browser fetched for the page (crawler/browser.py)


def _record_target(record) -> str:
    """The page a record is about: its target, or the page of a ``urn:text:`` or
    ``urn:screenshot:`` resource."""
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
    return uri.removeprefix("urn:text:").removeprefix("urn:screenshot:")


def story_warc(sources: Iterable[Path], urls: set[str], out: io.BufferedIOBase) -> int:
    """Copy the records about ``urls`` (as URL keys) from ``sources`` into ``out``, with the
    resources a browser loaded for them (named by their metadata records); returns how many."""
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    writer.write_record(writer.create_warcinfo_record("story.warc.gz", {
        "software": "provenance-archive", "description": "records of one provenance story, copied unchanged"}))
    copied = 0
    for path in sources:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            everything, infos, resources = [], [], set()
            for record in records:
                key = url_key(_record_target(record))
                if record.rec_type == "metadata" and key in urls:  # a browser-captured page lists
                    fields = record.content_stream().read().decode("utf-8", "replace")  # what it loaded
                    resources.update(url_key(line.split(": ", 1)[1]) for line in fields.splitlines()
                                     if line.startswith(f"{PAGE_RESOURCE}: "))
                place = (records.get_record_offset(), records.get_record_length())  # reads to its end
                if record.rec_type == "warcinfo":
                    infos.append(place)
                else:
                    everything.append((place, key))
            spans = [place for place, key in everything if key in urls or key in resources]
            if spans:  # the crawl that made them says who it was
                spans = sorted(infos + spans)
            for offset, length in spans:
                fh.seek(offset)
                out.write(fh.read(length))
                copied += 1
    return copied


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return "sha256:" + digest.hexdigest(), size


def read_sources(warcs: list[tuple[str, Path]]) -> tuple[dict[str, str], bytes]:
    """One pass over a package's WARC files for what it says about them: the newest extracted
    text (``urn:text:`` resource record) of each page by URL key, and ``logs/archive.log``: one
    JSON line per WARC file with the crawls that wrote its records (their warcinfo fields:
    software, operator, settings), its records by type, its first and last capture time, then
    one line per captured URL with its captures and statuses."""
    texts: dict[str, tuple[str, str]] = {}
    lines, urls = [], {}
    for name, path in warcs:
        kinds: dict[str, int] = {}
        crawls, dates = [], []
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                kind = record.rec_type
                kinds[kind] = kinds.get(kind, 0) + 1
                if kind == "warcinfo":
                    fields = record.content_stream().read().decode("utf-8", "replace")
                    crawls.append(dict(line.split(": ", 1) for line in fields.splitlines() if ": " in line))
                    continue
                date = record.rec_headers.get_header("WARC-Date") or ""
                dates.append(date)
                uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
                if kind == "resource" and uri.startswith("urn:text:"):
                    key = url_key(uri.removeprefix("urn:text:"))
                    if key not in texts or texts[key][0] <= date:
                        texts[key] = (date, record.content_stream().read().decode("utf-8", "replace"))
                elif kind in ("response", "revisit"):
                    status = record.http_headers.get_statuscode() if record.http_headers else None
                    urls.setdefault(uri, []).append({"date": date, "type": kind, "status": status, "file": name})
        lines.append({"file": name, "records": kinds, "first": min(dates, default=None),
                      "last": max(dates, default=None), "crawls": crawls})
    lines += [{"url": url, "captures": captures} for url, captures in sorted(urls.items())]
    log = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    return {key: text for key, (_, text) in texts.items()}, log


def _indexes(cdx: str, threshold: int) -> dict[str, bytes]:
    """The package's index: ``index.cdx`` as it is, or past ``threshold`` bytes a compressed
    ``index.cdx.gz`` (blocks of ``INDEX_BLOCK_LINES`` lines, each its own gzip member) with the
    ``index.idx`` that says where each block starts (cdxj-indexer's ZipNum writer, as py-wacz)."""
    if len(cdx.encode()) <= threshold:
        return {"indexes/index.cdx": cdx.encode()}
    from cdxj_indexer.main import CompressedWriter

    idx, data = io.StringIO(), io.BytesIO()
    writer = CompressedWriter(idx, data, num_lines=INDEX_BLOCK_LINES, data_out_name="index.cdx.gz",
                              digest_records=True)
    for line in cdx.splitlines(keepends=True):
        writer.write(line)
    if writer.block:
        writer.flush()
    return {"indexes/index.cdx.gz": data.getvalue(), "indexes/index.idx": idx.getvalue().encode()}


def write_wacz(
    output: Path,
    warcs: list[tuple[str, Path]],
    pages: list[dict],
    extra: dict[str, bytes],
    title: str,
    main_url: str | None = None,
    compressed_index_bytes: int | None = None,
) -> Path:
    """Write a WACZ: ``warcs`` as (name in archive/, file), ``pages`` as pages.jsonl rows (their
    ``text`` filled from the archive's ``urn:text:`` records when missing), ``extra`` files
    ("folder/name": bytes) listed in the datapackage too; the index is compressed past
    ``compressed_index_bytes`` (default ``COMPRESSED_INDEX_BYTES``). Written to a ``.part`` file
    and renamed when complete; WARCs are streamed, never held in memory."""
    resources = []
    tmp = output.with_name(output.name + ".part")
    stamp = datetime.now(UTC)
    threshold = COMPRESSED_INDEX_BYTES if compressed_index_bytes is None else compressed_index_bytes
    texts, log = read_sources(warcs)
    pages = [{**page, "text": texts[url_key(page["url"])]} if "text" not in page and url_key(page["url"]) in texts
             else page for page in pages]
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as package:

        def add(path: str, data: bytes, compress: int = zipfile.ZIP_DEFLATED) -> None:
            info = zipfile.ZipInfo(path, stamp.timetuple()[:6])
            info.compress_type = compress
            package.writestr(info, data)
            resources.append({"name": Path(path).name.lower(), "path": path, "hash": _sha256(data),
                              "bytes": len(data)})

        for name, path in warcs:
            package.write(path, f"archive/{name}", compress_type=zipfile.ZIP_STORED)
            digest, size = _file_sha256(path)
            resources.append({"name": name.lower(), "path": f"archive/{name}", "hash": digest, "bytes": size})
        for path, data in _indexes(cdxj_index([p for _, p in warcs], {p: n for n, p in warcs}), threshold).items():
            # a compressed index is read by range requests, so it is stored, as the WARCs are
            add(path, data, zipfile.ZIP_STORED if path.endswith(".gz") else zipfile.ZIP_DEFLATED)
        header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
        if any("text" in page for page in pages):
            header["hasText"] = True
        add("pages/pages.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in [header, *pages]).encode())
        add("logs/archive.log", log)
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
    tmp.replace(output)
    return output


class SigningError(RuntimeError):
    """The signer refused or could not be reached; the package is left as it was."""


def sign_wacz(path: Path, signer_url: str, token: str | None = None, timeout: float = 60) -> dict:
    """Sign a WACZ the WACZ 1.1.1 way (py-wacz's protocol): ``{hash, created}`` of its
    datapackage.json is posted to an authsign-style signer, whose answer (signature, domain
    certificate, RFC 3161 time signature and its certificate) becomes ``signedData`` in
    datapackage-digest.json. authsign refuses a ``created`` time more than its stamp duration
    (10 minutes by default) old, so sign right after writing. Returns the signed data."""
    import shutil
    import urllib.error
    import urllib.request

    with zipfile.ZipFile(path) as package:
        datapackage = package.read("datapackage.json")
    ask = {"hash": _sha256(datapackage), "created": json.loads(datapackage)["created"]}
    request = urllib.request.Request(signer_url, data=json.dumps(ask).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            signed = json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        raise SigningError(f"the signer at {signer_url} refused: HTTP {exc.code} "
                           f"{exc.read()[:200].decode('utf-8', 'replace')}") from exc
    except (OSError, ValueError) as exc:
        raise SigningError(f"cannot reach the signer at {signer_url}: {exc}") from exc
    if not isinstance(signed, dict) or (signed.get("hash"), signed.get("created")) != (ask["hash"], ask["created"]):
        raise SigningError(f"the signer at {signer_url} signed something else (hash or time differs)")
    digest = {"path": "datapackage.json", "hash": ask["hash"], "signedData": signed}
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(tmp, "w", allowZip64=True) as new:
        for info in old.infolist():
            if info.filename == "datapackage-digest.json":
                continue
            with old.open(info) as src, new.open(info, "w", force_zip64=info.file_size > 1 << 31) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        new.writestr("datapackage-digest.json", json.dumps(digest, indent=2))
    tmp.replace(path)
    return signed
