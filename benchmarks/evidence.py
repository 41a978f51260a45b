"""What the evidence features cost: a WACZ's compressed index, copying replayed captures, and
rendering pages in the browser.

    python -m benchmarks.evidence [--pages 5000] [--browser 5]

(1) Writes a WARC of ``--pages`` small exchanges and packages it twice with ``write_wacz``: the
plain index and the compressed one (index.cdx.gz + index.idx); prints their sizes and times.
(2) Replays every URL of that WARC through the ReplayMiddleware's copy step (lookup, raw record
read, write to a new WARC) and prints the time per capture. (3) With ``--browser N`` and Chromium
present, crawls N local pages with and without browser capture and prints seconds per page.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from archive.warc.lookup import ArchiveLookup, raw_exchange
from archive.warc.writer import WarcFileWriter
from archive.wacz import write_wacz

PAGE = "<html><head><title>Page {n}</title></head><body><p>{words}</p></body></html>"


def build_warc(folder: Path, pages: int) -> tuple[Path, list[str]]:
    writer = WarcFileWriter(folder, prefix="BENCH")
    urls = [f"https://site{n % 50}.example/2024/11/story-{n}/" for n in range(pages)]
    for n, url in enumerate(urls):
        body = PAGE.format(n=n, words=f"words of page {n} " * 30).encode()
        writer.write_exchange(url, method="GET", request_headers=[("Host", url.split("/")[2])], status=200,
                              response_headers=[("Content-Type", "text/html")], body=body)
    writer.close()
    return writer.files[0], urls


def index_figures(warc: Path, folder: Path) -> None:
    for label, threshold in (("plain index.cdx", 1 << 62), ("compressed index.cdx.gz", 0)):
        start = time.perf_counter()
        package = write_wacz(folder / f"{threshold}.wacz", [("bench.warc.gz", warc)], [], {}, "bench",
                             compressed_index_bytes=threshold)
        elapsed = time.perf_counter() - start
        with zipfile.ZipFile(package) as z:
            sizes = {i.filename: i.file_size for i in z.infolist() if i.filename.startswith("indexes/")}
        print(f"{label:26} {elapsed:6.2f} s  " + ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in sizes.items()))


def copy_figures(warc: Path, urls: list[str], folder: Path) -> None:
    lookup = ArchiveLookup([warc])
    writer = WarcFileWriter(folder / "copies")
    start = time.perf_counter()
    for url in urls:
        found = lookup.get(url)
        records = raw_exchange(found.located)
        writer.write_copy([r.member for r in records], records[0].record_id, records[0].digest)
    elapsed = time.perf_counter() - start
    writer.close()
    print(f"replay lookup + copy        {elapsed / len(urls) * 1000:.3f} ms a capture ({len(urls)} captures)")


def browser_figures(pages: int, folder: Path) -> None:
    import shutil

    from crawler.browser import EXECUTABLES
    from demo.server import SiteServer
    from tests.conftest import ROOT, crawl_command
    from tests.test_evidence import JS_ARTICLE, _js_site

    if not any(shutil.which(name) for name in EXECUTABLES):
        print("browser capture: no Chromium here, not measured")
        return
    site = _js_site()
    shell = site[JS_ARTICLE]
    urls = [JS_ARTICLE.replace("browser/", f"browser-{n}/") for n in range(pages)]
    site.update({url: shell for url in urls})
    for spider in ("syndication", "syndication-browser"):
        run = folder / spider
        run.mkdir()
        with SiteServer(site) as server:
            args, env = crawl_command(run, f"sqlite:///{run / 'graph.db'}", urls, "PROVENANCE_DEPTH=0",
                                      proxy=server.proxy)
            args[args.index("syndication")] = spider
            start = time.perf_counter()
            subprocess.run(args, capture_output=True, cwd=ROOT, env=env, check=True, timeout=600)
            elapsed = time.perf_counter() - start
        print(f"crawl {spider:20} {elapsed:6.2f} s for {pages} pages ({elapsed / pages:.2f} s a page, "
              "process start included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--browser", type=int, default=0, help="pages to crawl with and without the browser")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warc, urls = build_warc(folder / "warc", args.pages)
        print(f"WARC of {args.pages} exchanges: {warc.stat().st_size / 1e6:.1f} MB")
        index_figures(warc, folder)
        copy_figures(warc, urls, folder)
        if args.browser:
            browser_figures(args.browser, folder)


if __name__ == "__main__":
    main()
