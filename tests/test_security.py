"""A crawler that follows strangers' links must not be turned against its own network."""

from __future__ import annotations

import subprocess

import pytest

from archive.netguard import is_forbidden
from demo.server import SiteServer
from tests.conftest import BIN, ROOT


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"])
def test_private_addresses_are_forbidden(address):
    assert is_forbidden(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert not is_forbidden(address)


def _crawl(tmp_path, url: str, *settings: str) -> subprocess.CompletedProcess:
    args = [str(BIN / "scrapy"), "crawl", "syndication", "-a", f"url={url}", "-s",
            f"PROVENANCE_DB=sqlite:///{tmp_path / 'g.db'}", "-s", f"WARC_DIR={tmp_path / 'warc'}",
            "-s", "ROBOTSTXT_OBEY=False", "-s", "RETRY_ENABLED=False"]
    for setting in settings:
        args += ["-s", setting]
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_loopback_and_metadata_are_refused_by_default(tmp_path, demo_pages):
    with SiteServer(demo_pages) as server:
        direct = f"http://127.0.0.1:{server.port}/anything"
        result = _crawl(tmp_path, direct)
        assert "refused" in result.stderr and "private address" in result.stderr
        assert not server.requests  # nothing reached the server
        for url in (f"http://localhost:{server.port}/", "http://169.254.169.254/latest/meta-data/"):
            assert "refused" in _crawl(tmp_path, url).stderr
        allowed = _crawl(tmp_path, direct, "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=True")
        assert server.requests and "refused" not in allowed.stderr


def test_archive_file_names_cannot_leave_their_folder(tmp_path):
    from archive.warc.writer import WarcFileWriter

    folder = tmp_path / "warc"
    writer = WarcFileWriter(folder, prefix="../../escaped/evil")
    writer.write_exchange("http://a.example/", method="GET", request_headers=[], request_body=b"", status=200,
                          response_headers=[("Content-Type", "text/html")], body=b"<html></html>")
    writer.close()
    assert [p.parent for p in tmp_path.rglob("*.warc.gz")] == [folder]
