"""Reading archived pages in each content encoding, and what the warcio hook costs a process.

    python -m benchmarks.encodings [--pages 300]

Writes one WARC per encoding (identity, gzip, deflate, br, zstd) of the demo site's pages, each
made distinct, then reads every capture back with the ingest reader (archive/warc/reader.py:
digests checked, payload decoded) and prints pages/s and decoded MB/s per encoding; then the time
a fresh Python spends importing archive.warc.codecs and installing the hook (what the .pth file
``dev.py install`` writes adds to every start).
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import brotli

from archive.warc.reader import Capture, iter_captures
from archive.warc.writer import WarcFileWriter
from demo.site import pages

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

ENCODE = {"identity": lambda b: b, "gzip": gzip.compress, "deflate": zlib.compress,
          "br": brotli.compress, "zstd": zstd.compress}
ROOT = Path(__file__).resolve().parent.parent


def write(folder: Path, encoding: str, count: int) -> int:
    site = list(pages("http").items())
    writer = WarcFileWriter(folder / encoding, dedup=False)
    size = 0
    for n in range(count):
        url, body = site[n % len(site)]
        body = body.replace(b"</body>", f"<p>copy {n}</p></body>".encode())
        size += len(body)
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        writer.write_exchange(f"{url}?n={n}", method="GET", request_headers=[("Host", "x")], status=200,
                              response_headers=headers, body=ENCODE[encoding](body))
    writer.close()
    return size


def read(folder: Path) -> tuple[int, int, float]:
    start = time.perf_counter()
    count = size = 0
    for item in iter_captures([folder]):
        assert isinstance(item, Capture), item
        count += 1
        size += len(item.body)
    return count, size, time.perf_counter() - start


def hook_cost(runs: int = 20) -> tuple[float, float]:
    """Fastest and median seconds a Python started without the .pth files spends on the hook
    (the fastest is the cost itself; the median adds what a busy machine adds)."""
    probe = ("import time; t = time.perf_counter(); import archive.warc.codecs as c; c.install_hook(); "
             "print(time.perf_counter() - t)")
    times = sorted(float(subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True,
                                        check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}).stdout)
                   for _ in range(runs))
    return times[0], times[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'encoding':<10} {'pages':>6} {'pages/s':>9} {'MB/s':>7}  (decoded HTML, digests checked)")
        for encoding in ENCODE:
            expected = write(folder, encoding, args.pages)
            read(folder / encoding)  # warm the page cache
            count, size, seconds = read(folder / encoding)
            assert count == args.pages and size == expected, (encoding, count, size, expected)
            print(f"{encoding:<10} {count:>6} {count / seconds:>9.0f} {size / seconds / 1e6:>7.1f}")
    fastest, median = hook_cost()
    print(f"hook at start-up (import archive.warc.codecs, install_hook): fastest {fastest * 1000:.2f} ms, "
          f"median {median * 1000:.2f} ms of 20 runs")


if __name__ == "__main__":
    main()
