"""Does discovery hold page fetching back? The demo web's 4 pages crawled with discovery off, then
with the default API sources (GDELT, Wayback, Common Crawl) pointed at a dead local port, as on a
machine with no way out; AutoThrottle and GDELT's 5 s pace as configured.

    python -m benchmarks.discovery_offline

Prints each crawl's elapsed time (Scrapy's own) and documents stored.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from demo.server import SiteServer
from demo.site import pages, seeds

ROOT = Path(__file__).resolve().parent.parent
DEAD = "http://127.0.0.1:9"
OFFLINE = ['DISCOVERY_SOURCES={"crawler.discovery.GdeltSource": 1, "crawler.discovery.WaybackSource": 2, '
           '"crawler.discovery.CommonCrawlSource": 3}', f"GDELT_API={DEAD}/gdelt", f"WAYBACK_CDX={DEAD}/cdx",
           f"COMMONCRAWL_INDEX={DEAD}/cc"]


def crawl(folder: Path, proxy: str, settings: list[str]) -> tuple[float, int]:
    (folder / "seeds.txt").write_text("\n".join(seeds("http")) + "\n")
    args = [str(Path(sys.executable).parent / "scrapy"), "crawl", "syndication", "-a", f"urls={folder / 'seeds.txt'}",
            "-s", f"PROVENANCE_DB=sqlite:///{folder / 'graph.db'}", "-s", f"WARC_DIR={folder / 'warc'}",
            "-s", "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=True"]
    for setting in settings:
        args += ["-s", setting]
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(http_proxy=proxy, no_proxy="127.0.0.1")  # the pages through the demo web; the dead port directly
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr).group(1))
    stored = int(re.search(r"'provenance/documents_added': (\d+)", result.stderr).group(1))
    return elapsed, stored


def main() -> int:
    with SiteServer(pages("http")) as server, tempfile.TemporaryDirectory() as tmp:
        for name, settings in (("discovery off", ["DISCOVERY_SOURCES={}"]), ("default sources, offline", OFFLINE)):
            folder = Path(tmp) / name.replace(" ", "-").replace(",", "")
            folder.mkdir()
            elapsed, stored = crawl(folder, server.proxy, settings)
            print(f"{name:28} {elapsed:6.1f} s   {stored} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
