"""One WARC writer per crawl, shared by the archiving middleware and the text pipeline."""

from __future__ import annotations

import tempfile
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from archive.warc.writer import WarcFileWriter
from crawler.errors import BadInput

_ATTR = "_provenance_warc_writer"
_INFO_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "PROVENANCE_DEPTH", "PROVENANCE_BUDGET", "DOWNLOAD_DELAY",
                  "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS_PER_DOMAIN")


def shared_writer(crawler: Crawler) -> WarcFileWriter:
    writer = getattr(crawler, _ATTR, None)
    if writer is None:
        settings = crawler.settings
        import scrapy

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
        setattr(crawler, _ATTR, writer)

        def close_writer() -> None:
            writer.close()
            if writer.files:  # one CDXJ index of the folder, for pywb and friends
                from archive.wacz import update_index

                update_index(Path(writer.directory))

        crawler.signals.connect(close_writer, signal=signals.engine_stopped, weak=False)
    return writer
