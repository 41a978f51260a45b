"""Where a crawled page's CPU goes, per process and per stage (milliseconds of CPU a page).

    python -m benchmarks.crawl_cpu [--pages 600] [--profile worker|writer]

The pages of ``benchmarks.crawl_throughput``'s local site go through the two kinds of worker
process a crawl runs, here in this one process, one after the other, timed with CPU clocks
(``time.process_time``: what a busy, shared machine takes from others does not count):

- the extraction worker: ``extract_page`` (the extractors and our signals), then what storage
  needs (text digest, fingerprints, segments), then pickling the page back to the crawler;
- the graph writer: the batches the crawl sends it (16 pages a transaction), split into storing
  the document, learning template segments, the engine's view of the page, the candidate query,
  comparing with candidates, story membership, tree derivation, and the rest (transactions,
  commits).

Each stage counts its own time, not that of the stages it calls.

``--profile`` prints cProfile's top functions of one of the two instead. ``--crawl`` runs the real
crawl of ``benchmarks.crawl_throughput`` (and the bare Scrapy one) and reads each process's CPU
time from /proc while it runs: the crawler (reactor, downloader, WARC, pipelines), the extraction
workers and the graph writer (the process holding the database open).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from archive import graph_writer
from archive.analysis import Analyzer
from archive.extract import extract_page
from archive.store import reads, templates, writes
from crawler.pipelines import BATCH as BATCH_PAGES
from benchmarks.ingest_throughput import corpus_of

SORT = "cumulative"
SPENT: dict[str, float] = defaultdict(float)


@contextmanager
def stage(name: str):
    """CPU time spent inside, less what the stages inside it counted."""
    counted = sum(SPENT.values())
    started = time.process_time()
    try:
        yield
    finally:
        SPENT[name] += time.process_time() - started - (sum(SPENT.values()) - counted)


def _timed(owner, attribute: str, name: str) -> None:
    """Count every call of ``owner.attribute`` as the stage ``name``."""
    function = getattr(owner, attribute)

    def timed(*args, **kwargs):
        with stage(name):
            return function(*args, **kwargs)

    setattr(owner, attribute, timed)


def extraction(pages: dict[str, bytes]) -> list:
    done = []
    for url, body in pages.items():
        with stage("worker: extract_page"):
            page = extract_page(body, url, "text/html")
        with stage("worker: digest, fingerprints, segments"):
            writes.prepared(page)
        with stage("worker: pickle to the crawler"):
            data = pickle.dumps([("ok", page)], pickle.HIGHEST_PROTOCOL)
        with stage("writer: unpickle"):
            done.append(pickle.loads(data)[0][1])
    return done


def writer(pages: list, db: str) -> None:
    _timed(templates, "learn", "writer: template segments")
    _timed(reads, "candidates", "writer: candidate query")
    _timed(Analyzer, "links", "writer: compare with candidates")
    _timed(Analyzer, "story", "writer: tree derivation")
    _timed(Analyzer, "refresh", "writer: stories a template changed")
    _timed(writes, "add_document", "writer: store document, fingerprints")
    _timed(Analyzer, "add", "writer: the engine's Doc of a new page")
    _timed(writes, "assign_story", "writer: story membership, tree writes")
    _timed(writes, "write_story", "writer: story membership, tree writes")
    graph_writer.start(db)
    for start in range(0, len(pages), BATCH_PAGES):
        jobs = [(page, {"status": 200, "discovered_via": "seed"}, True) for page in pages[start:start + BATCH_PAGES]]
        with stage("writer: transaction, commit, rest"):
            graph_writer.store_many(jobs)
    with stage("writer: transaction, commit, rest"):
        graph_writer.flush()


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task") if os.path.exists(f"/proc/{pid}/task") else ():
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(c) for c in handle.read().split()]
        except OSError:
            pass
    return found


def _holds(pid: int, suffix: str) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").endswith(suffix) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def _watched(args: list[str], proxy: str) -> tuple[dict[str, float], int]:
    """Run a crawl; CPU seconds of its main process, its extraction workers and its graph writer."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["http_proxy"] = proxy
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                               cwd=Path(__file__).resolve().parent.parent)
    seen: dict[int, float] = {}
    writers: set[int] = set()

    def watch():
        while process.poll() is None:
            for pid in [process.pid, *_children(process.pid)]:
                spent = _cpu_seconds(pid)
                if spent is not None:
                    seen[pid] = spent
                    if pid != process.pid and pid not in writers and _holds(pid, "graph.db"):
                        writers.add(pid)
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stderr = process.communicate()[1]
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(stderr[-2000:])
    pages = int(re.search(r"'response_received_count': (\d+)", stderr).group(1))
    spent = {"crawler process": seen.pop(process.pid, 0.0),
             "graph writer": sum(seen.pop(pid, 0.0) for pid in writers)}
    spent["extraction workers"] = sum(seen.values())
    return spent, pages


def crawl(n: int) -> None:
    from benchmarks.crawl_throughput import commands
    from demo.server import SiteServer

    corpus = corpus_of(n)
    pages = {u.replace("https://", "http://"): body for u, body in corpus.pages.items()}
    with tempfile.TemporaryDirectory() as tmp, SiteServer(pages) as server:
        urls = Path(tmp) / "urls.txt"
        urls.write_text("\n".join(pages) + "\n")
        bare_command, full_command = commands(tmp, urls, len(pages))
        bare, full = _watched(bare_command, server.proxy), _watched(full_command, server.proxy)
    print(f"{len(pages)} pages; ms of CPU a page, per process (read from /proc every 0.1 s)")
    print(f"  {'bare Scrapy':46}{sum(bare[0].values()) / bare[1] * 1000:8.2f}")
    for name, spent in full[0].items():
        print(f"  {'full pipeline: ' + name:46}{spent / full[1] * 1000:8.2f}")
    print(f"  {'full pipeline: all processes':46}{sum(full[0].values()) / full[1] * 1000:8.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--profile", choices=["worker", "writer"])
    parser.add_argument("--crawl", action="store_true", help="measure a real crawl's processes instead")
    args = parser.parse_args(argv)
    if args.crawl:
        crawl(args.pages)
        return 0
    corpus = corpus_of(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'graph.db'}"
        profile = cProfile.Profile()
        if args.profile == "worker":
            profile.enable()
        pages = extraction(corpus.pages)
        profile.disable()
        if args.profile == "writer":
            profile.enable()
        writer(pages, db)
        profile.disable()
    if args.profile:
        pstats.Stats(profile).sort_stats(SORT).print_stats(45)
        return 0
    n = len(pages)
    print(f"{n} pages of benchmarks.crawl_throughput's site; ms of CPU a page")
    for process in ("worker", "writer"):
        rows = [(k, v) for k, v in SPENT.items() if k.startswith(process)]
        for name, spent in sorted(rows, key=lambda r: -r[1]):
            print(f"  {name:46}{spent / n * 1000:8.2f}")
        print(f"  {process + ' total':46}{sum(v for _, v in rows) / n * 1000:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
