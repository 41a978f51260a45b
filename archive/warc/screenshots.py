"""Screenshots a browser capture archived beside its pages, as thumbnails a report can show.

A browser capture writes each page's screenshot as a ``resource`` record ``urn:screenshot:<url>``
(image/png) in the WARC file that holds the page (crawler/browser.py, as browsertrix-crawler
does). A report reads each file its pages live in once and keeps a small PNG of each screenshot.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

from PIL import Image, UnidentifiedImageError
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.warc.reader import Located, open_located

LOGGER = logging.getLogger(__name__)
PREFIX = "urn:screenshot:"
THUMBNAIL_WIDTH = 360
THUMBNAIL_HEIGHT = 720  # the top of a full-page screenshot: what a reader sees first
MAX_SCREENSHOT = 40 * 1024 * 1024


def thumbnails(pages: Iterable[tuple[str, str | None]]) -> dict[str, bytes]:
    """For (url, WARC file) pairs, the PNG thumbnail of each url's screenshot found in its file."""
    wanted: dict[str, set[str]] = {}
    for url, warc_file in pages:
        if warc_file:
            wanted.setdefault(warc_file, set()).add(url)
    found: dict[str, bytes] = {}
    for warc_file, urls in wanted.items():
        try:
            with open_located(Located(warc_file, 0, 0, "")) as fh:
                for record in ArchiveIterator(fh):
                    target = record.rec_headers.get_header("WARC-Target-URI") or ""
                    url = target.removeprefix(PREFIX)
                    if record.rec_type == "resource" and target.startswith(PREFIX) and url in urls:
                        found[url] = _thumbnail(record.content_stream().read(MAX_SCREENSHOT))
        except (OSError, ArchiveLoadFailed, ValueError) as exc:  # a report without pictures, not no report
            LOGGER.warning("screenshots: could not read %s: %s", warc_file, exc)
    return {url: png for url, png in found.items() if png}


def _thumbnail(png: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(png)) as image:
            image = image.convert("RGB")
            scale = THUMBNAIL_WIDTH / max(1, image.width)
            image = image.resize((THUMBNAIL_WIDTH, max(1, round(image.height * scale))))
            image = image.crop((0, 0, THUMBNAIL_WIDTH, min(image.height, THUMBNAIL_HEIGHT)))
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return b""
