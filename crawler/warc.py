"""One WARC writer per crawl, an extension shared by the archiving middlewares and the text
pipeline, which find it with ``crawler.get_extension(WarcFiles)`` (extensions are built before
the engine's components)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.warc.writer import WarcFileWriter
from crawler.errors import BadInput

_INFO_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "PROVENANCE_DEPTH", "PROVENANCE_BUDGET", "DOWNLOAD_DELAY",
                  "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS_PER_DOMAIN")


class WarcFiles:
    """The crawl's WARC files (``WARC_ENABLED``): opened when the crawl is built, so a folder
    that cannot be written stops it before it fetches anything; closed, and the folder's CDXJ
    index updated, when the engine stops."""

    def __init__(self, writer: WarcFileWriter):
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcFiles:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is off")
        info = {
            "software": f"provenance-archive/0.1 (Scrapy {scrapy.__version__})",
            "operator": settings.get("WARC_OPERATOR") or settings.get("PROVENANCE_CONTACT") or "",
            "isPartOf": settings.get("BOT_NAME"),
            "crawl-settings": {k: settings.get(k) for k in _INFO_SETTINGS},
        }
        folder = settings.get("WARC_DIR")
        try:
            writer = WarcFileWriter(folder, prefix=settings.get("WARC_PREFIX"), max_size=settings.getint("WARC_MAX_SIZE"),
                                    info=info, dedup=settings.getbool("WARC_DEDUP"))
            tempfile.TemporaryFile(dir=writer.directory).close()  # can files be made there?
        except OSError as exc:
            raise BadInput(f"WARC_DIR={folder}: cannot write WARC files there ({exc.strerror or exc})") from None
        writer.recover()  # files a killed crawl left open: complete records kept, partial tail cut
        files = cls(writer)
        crawler.signals.connect(files.close, signal=signals.engine_stopped)
        return files

    def close(self) -> None:
        self.writer.close()
        if self.writer.files:  # one CDXJ index of the folder, for pywb and friends
            from archive.wacz import update_index

            update_index(Path(self.writer.directory))


def warc_writer(crawler: Crawler) -> WarcFileWriter | None:
    """The crawl's writer, None when WARC_ENABLED is off (for a component's ``from_crawler``)."""
    files = crawler.get_extension(WarcFiles)
    return files.writer if files is not None else None
