"""Every bad ``scrapy crawl syndication`` input ends in one line saying what is wrong and exit 2,
before anything is fetched; input that only looks odd (an upper-case scheme) is crawled."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import BIN, ROOT

DEAD = "http://127.0.0.1:9/article"  # nothing listens there: a crawl that started would fail to fetch

# (case id, arguments after `scrapy crawl syndication`, words the last line of stderr must hold)
BAD = [
    ("ftp", ["-a", "url=ftp://example.com/a"], "not an http or https URL: 'ftp://example.com/a'"),
    ("file", ["-a", "url=file:///etc/passwd"], "not an http or https URL"),
    ("empty", ["-a", "url="], "give a seed article"),
    ("ipv6-unclosed", ["-a", "url=http://[::1"], "not a URL: 'http://[::1' (Invalid IPv6 URL)"),
    ("urls-missing", ["-a", "urls={tmp}/nope.txt"], "-a urls={tmp}/nope.txt: cannot read it"),
    ("candidates-missing", ["-a", f"url={DEAD}", "-a", "candidates={tmp}/nope.txt"], "-a candidates="),
    ("depth", ["-a", f"url={DEAD}", "-a", "depth=abc"], "-a depth='abc': give a whole number"),
    ("budget", ["-a", f"url={DEAD}", "-a", "budget=-5"], "-a budget='-5': give a number of at least 1"),
    ("long-url", ["-a", f"url=http://example.com/{'a' * 10_000}"], "longer than URLLENGTH_LIMIT (2083)"),
    ("since", ["-a", f"url={DEAD}", "-a", "since=yesterday"], "since='yesterday': give a date as YYYY-MM-DD"),
    ("replay-missing", ["-a", f"url={DEAD}", "-s", "REPLAY_ARCHIVE={tmp}/none.warc.gz"], "REPLAY_ARCHIVE="),
    ("warc-dir", ["-a", f"url={DEAD}", "-s", "WARC_DIR={tmp}/a-file/warc"], "WARC_DIR={tmp}/a-file/warc: cannot write"),
    ("db-scheme", ["-a", f"url={DEAD}", "-s", "PROVENANCE_DB=nosuch://x"], "PROVENANCE_DB=nosuch://x: no driver for 'nosuch'"),
    ("db-not-sqlite", ["-a", f"url={DEAD}", "-s", "PROVENANCE_DB=sqlite:///{tmp}/a-file"], "a-file: file is not a database"),
]


def _run(tmp: Path, args: list[str]) -> subprocess.CompletedProcess:
    command = [str(BIN / "scrapy"), "crawl", "syndication", "-s", f"PROVENANCE_DB=sqlite:///{tmp}/graph.db",
               "-s", f"WARC_DIR={tmp}/warc", "-s", "DISCOVERY_SOURCES={}", "-s", "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=True",
               "-s", "RETRY_TIMES=0", *[a.replace("{tmp}", str(tmp)) for a in args]]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=180)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    """Every case at once (each is a Scrapy start-up: seconds of imports), in its own folder."""
    folders = {}
    for case, *_ in BAD:
        folder = tmp_path_factory.mktemp(case)
        (folder / "a-file").write_text("not a folder, not a database\n" * 100)
        folders[case] = folder
    with ThreadPoolExecutor(max_workers=6) as pool:
        runs = {case: pool.submit(_run, folders[case], args) for case, args, _ in BAD}
        return {case: (folders[case], run.result()) for case, run in runs.items()}


@pytest.mark.parametrize("case,args,message", BAD, ids=[case for case, *_ in BAD])
def test_bad_input_is_one_line_and_exit_2(outcomes, case, args, message):
    folder, result = outcomes[case]
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "ERROR: " in lines[-1] and message.replace("{tmp}", str(folder)) in lines[-1], lines[-1]
    assert sum("ERROR" in line for line in lines) == 1, result.stderr[-3000:]
    assert not list(folder.glob("warc/*.warc.gz")), "nothing may be fetched or archived"


def test_an_upper_case_scheme_is_a_url(tmp_path):
    result = _run(tmp_path, ["-a", "url=HTTP://127.0.0.1:9/Article"])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "could not fetch http://127.0.0.1:9/Article" in result.stderr  # it was tried
