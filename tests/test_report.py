"""The HTML report: one node per copy, the right arrows, crawled text shown as text."""

from __future__ import annotations

import re

from click.testing import CliRunner

from archive.cli import main
from archive.store.db import session_factory
from archive.store.models import Document
from tests.conftest import ROOT

MN = "https://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/"


def test_story_report(tmp_path):
    db = f"sqlite:///{tmp_path / 'g.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "ingest", "--workers", "1", str(ROOT / "demo" / "seed-story.warc.gz")]).exit_code == 0
    factory = session_factory(db)
    with factory.begin() as session:  # a hostile page title must stay text
        doc = session.query(Document).filter(Document.url == MN).one()
        doc.site_name = "<script>alert(1)</script>"
    out = tmp_path / "story.html"
    result = runner.invoke(main, ["--db", db, "report", MN, "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()  # no script at all: nothing to fail, nothing fetched
    assert len(re.findall(r'<g class="node"', page)) == 4
    arrows = set(re.findall(r'<g class="edge" data-source="([^"]+)" data-derived="([^"]+)" data-relation="(\w+)"', page))
    assert {(a.split("/")[2], b.split("/")[2], r) for a, b, r in arrows} == {
        ("pacforum.example", "asiatimes.example", "republication"),
        ("asiatimes.example", "menafn.example", "excerpt"),
        ("asiatimes.example", "newsbeat-daily.example", "spin")}
    assert '<del class="sub">alliance</del>' in page and '<ins class="sub">empire</ins>' in page
    outlets = tmp_path / "outlets.html"
    assert runner.invoke(main, ["--db", db, "report", "--outlets", "-o", str(outlets)]).exit_code == 0
    assert "pacforum.example" in outlets.read_text()
    svg = tmp_path / "graph.svg"
    assert runner.invoke(main, ["--db", db, "export", "--format", "svg", MN, "-o", str(svg)]).exit_code == 0
    assert svg.read_text().startswith("<svg")
    png = tmp_path / "graph.png"
    assert runner.invoke(main, ["--db", db, "export", "--format", "png", MN, "-o", str(png)]).exit_code == 0
    from PIL import Image

    with Image.open(png) as picture:
        assert picture.format == "PNG" and picture.size[0] > 1000


def _chromium() -> str:
    import shutil
    import subprocess

    import pytest

    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    install = subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, text=True)
    if install.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True)
        install = subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, text=True)
    found = shutil.which("chromium")
    if not found:
        pytest.skip(f"Chromium is not installed and could not be installed with apt-get: {install.stderr[-300:]}")
    return found


def test_report_renders_in_headless_chromium(tmp_path):
    import subprocess

    db = f"sqlite:///{tmp_path / 'g.db'}"
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "ingest", "--workers", "1", str(ROOT / "demo" / "seed-story.warc.gz")])
    out = tmp_path / "story.html"
    assert runner.invoke(main, ["--db", db, "report", MN, "-o", str(out)]).exit_code == 0
    chromium = _chromium()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0
    assert "Uncaught" not in dom.stderr and "SyntaxError" not in dom.stderr
    assert dom.stdout.count('class="node"') == 4 and dom.stdout.count('class="edge"') == 3
    shot = tmp_path / "story.png"
    subprocess.run([chromium, *flags, "--window-size=1300,1800", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000
