"""Soak test: a long crawl of a local site that misbehaves, then an audit of what was kept.

    python -m benchmarks.soak [--pages 20000] [--kills N]

The site has ``--pages`` article pages (generated texts, ~3 KB each) on 40 hosts, and injects
faults: a 500 on the first try of every 50th page, a connection reset on the first try of every
97th, a body cut short on the first try of every 151st, a 1.5 s answer for every 101st, and a
permanent 404 for every 131st. Transient faults must be retried until the page is stored, so
every page that is not a 404 must end up as a document.

Prints pages captured, faults injected and seen, records lost (pages that should be stored and
are not, and documents whose WARC record cannot be read back: must both be 0), pages stored twice
(must be 0) and the peak memory of the crawl's largest process.

With ``--kills N`` the crawl is the hard case for resuming: one seed, every other page reached
through "Read more" links (three a page), a ``JOBDIR``; its process group is killed (``kill -9``)
N times, evenly through the soak, and the same command resumes it each time until it is done.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from benchmarks.evalcorpus import synthetic_articles
from demo.server import RESET, SiteServer

ROOT = Path(__file__).resolve().parent.parent


class FaultySite:
    """Answers like a web that breaks now and then (the hook of a SiteServer)."""

    def __init__(self, pages: dict[str, bytes]):
        self.pages = pages
        self.order = {url: n for n, url in enumerate(pages, 1)}
        self.tries: Counter = Counter()
        self.injected: Counter = Counter()
        self.lock = threading.Lock()

    def __call__(self, url: str):
        n = self.order.get(url)
        if n is None:
            return None
        with self.lock:
            self.tries[url] += 1
            first = self.tries[url] == 1
        if n % 131 == 0:
            self.injected["404 (permanent)"] += first
            return 404, {"Content-Type": "text/html"}, b"<html><body>gone</body></html>"
        if first and n % 50 == 0:
            self.injected["500 (first try)"] += 1
            return 500, {"Content-Type": "text/html"}, b"<html><body>error</body></html>"
        if first and n % 97 == 0:
            self.injected["connection reset (first try)"] += 1
            return 200, {}, RESET
        if first and n % 151 == 0:
            self.injected["body cut short (first try)"] += 1
            return 200, {"Content-Type": "text/html", "Content-Length": str(len(self.pages[url]) * 2)}, self.pages[url]
        if n % 101 == 0:
            self.injected["slow answer (1.5 s)"] += first
            time.sleep(1.5)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, self.pages[url]


def site(n_pages: int, hosts: int = 40, fanout: int = 0) -> dict[str, bytes]:
    """``n_pages`` article pages on ``hosts`` hosts; with ``fanout``, page n ends with "Read more"
    links to pages ``fanout*n+1`` to ``fanout*n+fanout``, so one seed (the first URL) reaches all."""
    rng = random.Random(9)
    texts = synthetic_articles(n_pages, seed=9)
    urls = [f"http://host{n % hosts}.example/{2024 - rng.randint(0, 2)}/{n}/" for n in range(n_pages)]
    pages = {}
    for n, (url, text) in enumerate(zip(urls, texts)):
        words = text.split()
        title = " ".join(words[:8])
        paragraphs = "".join(f"<p>{' '.join(words[i:i + 60])}</p>" for i in range(0, len(words), 60))
        more = "".join(f'<p><a href="{urls[c]}">Read more: part {c}</a></p>'
                       for c in range(fanout * n + 1, min(fanout * n + fanout + 1, n_pages)) if fanout)
        pages[url] = (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><nav>Home News Sport</nav>"
                      f"<article><h1>{title}</h1>{paragraphs}{more}</article><footer>Contact</footer></body></html>"
                      ).encode()
    return pages


def audit(folder: Path, db: str) -> tuple[int, int]:
    """(documents stored, documents whose WARC record does not read back as their response)."""
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT url, warc_file, warc_offset, warc_record_id FROM documents").fetchall()
    bad = 0
    handles: dict[str, object] = {}
    for url, path, offset, record_id in rows:
        fh = handles.get(path) or handles.setdefault(path, open(path, "rb"))
        fh.seek(offset)
        try:
            record = next(iter(ArchiveIterator(fh, check_digests="raise")))
            ok = record.rec_headers.get_header("WARC-Record-ID") == record_id and record.rec_type in ("response", "revisit")
        except Exception:  # an unreadable record is exactly what this counts
            ok = False
        bad += not ok
    for fh in handles.values():
        fh.close()
    return len(rows), bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=0, help="kill -9 the crawl this many times, resuming each time")
    args = parser.parse_args(argv)
    pages = site(args.pages, fanout=3 if args.kills else 0)
    faults = FaultySite(pages)
    with tempfile.TemporaryDirectory() as tmp, SiteServer(pages, hook=faults) as server:
        seeds = Path(tmp) / "seeds.txt"
        seeds.write_text("\n".join(list(pages)[:1] if args.kills else pages) + "\n")
        db = Path(tmp) / "graph.db"
        command = [str(Path(sys.executable).parent / "scrapy"), "crawl", "syndication", "-a", f"urls={seeds}",
                   "-s", f"PROVENANCE_DB=sqlite:///{db}", "-s", f"WARC_DIR={tmp}/warc",
                   "-s", f"PROVENANCE_DEPTH={40 if args.kills else 0}",
                   "-s", f"PROVENANCE_BUDGET={args.pages + 10}", "-s", "ROBOTSTXT_OBEY=False",
                   "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=True",
                   "-s", "DISCOVERY_SOURCES={}", "-s", "RETRY_TIMES=3", "-s", "RETRY_BACKOFF_BASE=0.2",
                   "-s", "DOWNLOAD_TIMEOUT=10", "-s", "LOG_LEVEL=INFO"]
        if args.kills:
            command += ["-s", f"JOBDIR={tmp}/job"]
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")} | {"http_proxy": server.proxy}
        began = time.perf_counter()
        killed_at = kill_repeatedly(command, env, server, args.kills, len(pages))
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
        elapsed = time.perf_counter() - began
        if result.returncode != 0:
            raise SystemExit(result.stderr[-3000:])
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        stored, unreadable = audit(Path(tmp), str(db))
        per_url = Counter(u for (u,) in sqlite3.connect(db).execute("SELECT url FROM documents"))
        expected = reachable(faults, fanout=3 if args.kills else 0)
        lost = expected - set(per_url)
        twice = sum(n > 1 for n in per_url.values())
        fetched = Counter(server.requests)
        counts = dict(re.findall(r"'((?:retry/reason_count|downloader/exception_type_count)/[^']+|"
                                 r"downloader/response_status_count/\d+)': (\d+)", result.stderr))
    shape = "one seed, pages linked by \"Read more\"" if args.kills else "every page a seed"
    print(f"site: {len(pages):,} pages on 40 hosts ({shape}); crawl took {elapsed:.0f} s ({len(pages) / elapsed:.0f} pages/s)")
    if args.kills:
        print(f"killed (kill -9 of the process group) {len(killed_at)} times, after {', '.join(map(str, killed_at))} "
              f"requests; resumed each time; pages fetched more than once: {sum(n > 1 for n in fetched.values())}")
    print("faults injected:")
    for name, count in sorted(faults.injected.items()):
        print(f"  {name:32} {count:>6}")
    print("faults seen by the crawler (its last run):" if args.kills else "faults seen by the crawler:")
    for name, count in sorted(counts.items()):
        print(f"  {name:64} {int(count):>6}")
    print(f"pages captured (documents): {stored:,} of {len(expected):,} that should be")
    print(f"records lost: {len(lost)} pages not stored, {unreadable} documents whose WARC record does not read back")
    print(f"pages stored twice: {twice}")
    if lost:
        print("  not stored, for instance: " + ", ".join(sorted(lost)[:10]))
    print(f"peak memory of the largest crawl process: {peak:.0f} MB")
    return 0 if not lost and not unreadable and not twice else 1


def reachable(faults: FaultySite, fanout: int) -> set[str]:
    """The pages that should be stored: all but the permanent 404s and, when pages are reached
    through links, what only a 404 page links to."""
    urls = list(faults.order)
    if not fanout:
        return {u for u in urls if faults.order[u] % 131}
    found, todo = set(), [0]
    while todo:
        n = todo.pop()
        if (n + 1) % 131 == 0:  # order counts from 1
            continue
        found.add(urls[n])
        todo.extend(c for c in range(fanout * n + 1, min(fanout * n + fanout + 1, len(urls))))
    return found


def kill_repeatedly(command: list[str], env: dict, server: SiteServer, kills: int, n_pages: int) -> list[int]:
    """Starts the crawl ``kills`` times and kills its process group once the site has answered
    another ``n_pages / (kills + 1)`` requests; returns the request counts it was killed at."""
    killed_at = []
    for k in range(1, kills + 1):
        crawl = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        target = k * n_pages // (kills + 1)
        while len(server.requests) < target and crawl.poll() is None:
            time.sleep(0.02)
        if crawl.poll() is not None:
            break  # finished before it could be killed
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait()
        killed_at.append(len(server.requests))
    return killed_at


if __name__ == "__main__":
    sys.exit(main())
