"""Rebuild ``demo/seed-story.warc.gz`` by crawling nothing: each demo page is written as a
response/request pair, as a crawler would have captured it over https.

    python -m demo.build_warc
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from archive.warc.writer import WarcFileWriter
from demo.site import pages

OUTPUT = Path(__file__).parent / "seed-story.warc.gz"
CAPTURED = datetime(2024, 11, 1, 12, 0, 0)


def build(output: Path = OUTPUT) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        writer = WarcFileWriter(tmp, prefix="DEMO", info={"description": "the seed story, fictional outlets"},
                                dedup=False)
        for n, (url, body) in enumerate(pages("https").items()):
            writer.write_exchange(
                url, method="GET",
                request_headers=[("Host", url.split("/")[2]), ("User-Agent", "provenance-archive/0.1"),
                                 ("Accept", "text/html")],
                status=200, response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
                date=CAPTURED.replace(second=n),
            )
        writer.close()
        shutil.copyfile(writer.files[0], output)
    return output


if __name__ == "__main__":
    print(build())
