"""The HTML report: one node per copy (or per group of near-identical copies), the right arrows,\ncrawled text shown as text, legible at 50 copies, in words people understand; checked in Chromium."""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.outputs.describe import EVIDENCE
from archive.outputs.layout import WIDTH
from archive.queries import CREDIT_EVIDENCE
from archive.store.db import session_factory
from archive.store.models import Document
from tests.conftest import ROOT
from benchmarks.stories import story_of
from tests.tools import debian_program

MN = "https://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/"
HERALD = "https://local-herald.example/news/quay/"


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


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0"]


def test_report_renders_in_headless_chromium(tmp_path):
    import subprocess

    db = f"sqlite:///{tmp_path / 'g.db'}"
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "ingest", "--workers", "1", str(ROOT / "demo" / "seed-story.warc.gz")])
    out = tmp_path / "story.html"
    assert runner.invoke(main, ["--db", db, "report", MN, "-o", str(out)]).exit_code == 0
    chromium = debian_program("chromium", "chromium")
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0
    assert "Uncaught" not in dom.stderr and "SyntaxError" not in dom.stderr
    assert dom.stdout.count('class="node"') == 4 and dom.stdout.count('class="edge"') == 3
    shot = tmp_path / "story.png"
    subprocess.run([chromium, *flags, "--window-size=1300,1800", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000
    _keep(shot, "seed-story-report.png")


def _keep(shot: Path, name: str) -> None:
    """With PROVENANCE_UPDATE_DOCS=1, the screenshot replaces the one the README shows."""
    if os.environ.get("PROVENANCE_UPDATE_DOCS") == "1":
        shutil.copyfile(shot, ROOT / "docs" / name)


def _story_db(tmp_path, copies: int, distinct: bool = False) -> str:
    db = f"sqlite:///{tmp_path / f'story{copies}-{distinct}.db'}"
    with session_factory(db).begin() as session:
        story_of(session, copies, distinct)
    return db


def _report(db: str, tmp_path, *args: str) -> str:
    out = tmp_path / "story.html"
    result = CliRunner().invoke(main, ["--db", db, "report", HERALD, "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out.read_text()


def test_report_stays_legible_at_50_copies(tmp_path):
    db = _story_db(tmp_path, 50)
    page = _report(db, tmp_path, "--replay-url", "https://replay.example/coll/{timestamp}/{url}")
    assert "<script" not in page.lower()
    graph = re.search(r'<svg[^>]* class="graph" width="(\d+)"', page)
    assert int(graph.group(1)) <= WIDTH  # wraps, never widens
    boxes = [tuple(map(float, b)) for b in re.findall(r'<rect class="box" x="([\d.]+)" y="([\d.]+)"', page)]
    assert 10 <= len(boxes) < 51  # near-identical copies share a box
    for k, (x, y) in enumerate(boxes):  # no two boxes overlap
        assert x + 158 <= WIDTH and all(abs(x - x2) >= 158 or abs(y - y2) >= 66 for x2, y2 in boxes[k + 1:])
    assert re.search(r'class="node group".*?24 near-identical', page)
    # every colour on the page is explained
    used = set(re.findall(r'stroke="(#[0-9a-f]{6})"', re.search(r'class="graph".*?</svg>', page).group(0)))
    legend = re.search(r'<ul class="legend">.*?</ul>', page).group(0)
    assert used - {"#e0e0e0"} <= set(re.findall(r'fill="(#[0-9a-f]{6})"', legend)) | {"#555555"}
    # the inferred wire story: a dashed box, "not captured", no replay link
    assert 'stroke-dasharray="6 4"/>' in page and "not captured" in page
    assert page.count("https://replay.example/coll/20240320") == 50
    assert "https://replay.example/coll/20240320090" in page and "/urn:provenance" not in page
    assert page.count("of 2 of this page)") == 2 and "2024-03-06 \u00b7 capture 2/2" in page  # a recaptured page
    # a copy dated before its source is flagged
    assert "dated 10 hours before its source (Coastline Magazine, 2024-03-06)" in page


def test_report_words_evidence_credit_and_diffs(tmp_path):
    db = _story_db(tmp_path, 5)
    page = _report(db, tmp_path)
    assert "title_copied" not in page and "line_names_source" not in page
    assert "The copy&#x27;s title repeats the source&#x27;s, with the copier&#x27;s name added." in page
    assert "credits Harbour Institute (its source)" in page  # the magazine's credit line
    assert "credits Coastline Magazine (its source)" in page  # the digest's link
    assert page.count('<td>no credit</td>') == 3  # the spin, its copy and the partial
    # the word diff keeps paragraphs and punctuation, with a legend
    assert 'class="diff-legend"' in page
    diff = re.search(r'<div class="diff"><div><b>source: Coastline Magazine</b>(.*?)</div><div>', page).group(1)
    assert diff.count("<p>") == 7 and "\u201cWe cannot take the " in diff and "</del>,\u201d the " in diff
    assert " master said.</p>" in diff
    copy = re.search(r'<div><b>copy: NewsBeat Daily</b>(.*?)</div></div>', page).group(1)
    assert '<ins class="sub">authorities</ins>' in copy and "euros and take until the end of the summer.</p>" in copy
    # each capture: its time and, without a replay service, its archived text
    assert "captured 2024-03-20 09:02 UTC" in page and page.count('<details id="text-') == 6


def test_every_evidence_kind_has_a_sentence():
    kinds = set()
    for source in (ROOT / "archive" / "provenance").glob("*.py"):
        kinds |= set(re.findall(r'Evidence\(\s*"([a-z_]+)"', source.read_text()))
    kinds |= set(CREDIT_EVIDENCE) | {f"{k}_to_source" for k in ("og_url", "link")}
    assert kinds and kinds <= set(EVIDENCE), kinds - set(EVIDENCE)


def test_outlets_report_ranks_flows_with_rates(tmp_path):
    db = _story_db(tmp_path, 50)
    out = tmp_path / "outlets.html"
    assert CliRunner().invoke(main, ["--db", db, "report", "--outlets", "-o", str(out)]).exit_code == 0
    page = out.read_text()
    assert '<table class="matrix">' in page and "<script" not in page.lower()
    matrix = re.search(r'<table class="matrix">.*?</table>', page).group(0)
    assert matrix.count("<tr>") == 4  # the header, and the three outlets copied: the wire, the magazine, the spin
    assert 'title="wire-digest.example copied coastline-magazine.example 2 times, 1 with credit, 0 spun">2<' in matrix
    assert "1 (100%)" in page  # credit rate of the republication
    assert "50 copies between 50 outlets" in page  # the wire digest captured twice


def test_50_different_copies_wrap_onto_rows(tmp_path):
    page = _report(_story_db(tmp_path, 50, distinct=True), tmp_path)
    boxes = [tuple(map(float, b)) for b in re.findall(r'<rect class="box" x="([\d.]+)" y="([\d.]+)"', page)]
    assert len(boxes) == 51 and 'class="node group"' not in page
    assert max(x for x, _ in boxes) + 158 <= WIDTH and len({y for _, y in boxes}) >= 8
    for k, (x, y) in enumerate(boxes):
        assert all(abs(x - x2) >= 158 or abs(y - y2) >= 66 for x2, y2 in boxes[k + 1:])
    assert page.count('<g class="edge"') == 50 + 1  # every copy's arrow, and the quotation


@pytest.mark.parametrize("copies, distinct", [(5, False), (50, False), (50, True)])
def test_report_screenshots(tmp_path, copies, distinct):
    import subprocess

    from PIL import Image

    page = tmp_path / "story.html"
    page.write_text(_report(_story_db(tmp_path, copies, distinct), tmp_path))
    chromium = debian_program("chromium", "chromium")
    shot = tmp_path / f"report-{copies}-{'different-' if distinct else ''}copies.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1400",
                    "--hide-scrollbars", f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    with Image.open(shot) as picture:
        assert picture.size == (1280, 1400)
        right = picture.convert("RGB").crop((1240, 0, 1280, 1400))  # nothing runs off the right edge
        assert right.getextrema() == ((255, 255),) * 3
        assert len(picture.convert("RGB").getcolors(1 << 16) or []) > 50
    _keep(shot, shot.name)


def test_replay_links_open_the_capture_in_pywb(tmp_path):
    import subprocess
    import time
    import urllib.request

    from tests.tools import free_port, tool_bin

    tools = tool_bin("pywb")
    db = f"sqlite:///{tmp_path / 'g.db'}"
    warc = ROOT / "demo" / "seed-story.warc.gz"
    assert CliRunner().invoke(main, ["--db", db, "ingest", "--workers", "1", str(warc)]).exit_code == 0
    collections = tmp_path / "pywb"
    collections.mkdir()
    subprocess.run([str(tools / "wb-manager"), "init", "story"], cwd=collections, check=True, capture_output=True)
    subprocess.run([str(tools / "wb-manager"), "add", "story", str(warc)], cwd=collections, check=True, capture_output=True)
    port = free_port()
    out = tmp_path / "story.html"
    result = CliRunner().invoke(main, ["--db", db, "report", MN, "-o", str(out), "--replay-url",
                                       f"http://127.0.0.1:{port}/story/{{timestamp}}mp_/{{url}}"])
    assert result.exit_code == 0, result.output
    links = re.findall(r'<a href="(http://127\.0\.0\.1:\d+/story/\d{14}mp_/[^"]+)">replay the capture</a>', out.read_text())
    assert len(links) == 4
    link = next(x for x in links if "menafn.example" in x)
    wayback = subprocess.Popen([str(tools / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=collections,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(60):
            try:
                with urllib.request.urlopen(link.replace("&amp;", "&"), timeout=5) as answer:
                    page = answer.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("pywb did not answer")
    finally:
        wayback.terminate()
        wayback.wait(10)
    assert "Trump or Harris" in page and "MENAFN" in page


def test_replay_url_without_url_is_a_clear_error(tmp_path):
    db = _story_db(tmp_path, 5)
    result = CliRunner().invoke(main, ["--db", db, "report", HERALD, "-o", str(tmp_path / "x.html"),
                                       "--replay-url", "https://replay.example/"])
    assert result.exit_code != 0 and "--replay-url needs {url}" in result.output
    assert not (tmp_path / "x.html").exists()


def test_date_flags_respect_how_precise_a_date_is():
    from datetime import datetime

    from archive.outputs.describe import date_flags

    source = Document(url="https://a.example/x", site_name="A", published=datetime(2024, 10, 24, 22, 40), date_trust=1.0,
                      fetched_at=datetime(2024, 11, 1))
    printed = Document(url="https://b.example/x", site_name="B", published=datetime(2024, 10, 24), date_trust=0.5)
    assert date_flags(printed, source) == []  # the same day, to a printed date's precision
    exact = Document(url="https://c.example/x", site_name="C", published=datetime(2024, 10, 24, 9), date_trust=1.0,
                     fetched_at=datetime(2024, 11, 1))
    assert date_flags(exact, source) == ["dated 14 hours before its source (A, 2024-10-24)"]
    printed.published = datetime(2024, 10, 22)
    assert date_flags(printed, source) == ["dated 3 days before its source (A, 2024-10-24)"]
    late = Document(url="https://d.example/x", site_name="D", published=datetime(2024, 12, 1), date_trust=1.0,
                    fetched_at=datetime(2024, 11, 1))
    assert date_flags(late, None) == ["dated after it was captured (2024-11-01)"]


def test_time_axis_piles_are_capped_and_counted(tmp_path):
    from archive.exports import select_story
    from archive.outputs.layout import STACK_MAX, timeline_svg

    factory = session_factory(_story_db(tmp_path, 400))
    with factory() as session:
        selection = select_story(session, HERALD)
        picture = timeline_svg(selection.documents, selection.edges)
    height = int(re.search(r'height="(\d+)"', picture).group(1))
    assert height <= 46 + 14 * (STACK_MAX + 1)
    counts = [int(n) for n in re.findall(r'fill="#333">(\d+)</text>', picture)]
    assert counts and all(n > STACK_MAX for n in counts)
    assert picture.count('class="dot"') + sum(n - STACK_MAX for n in counts) == len(selection.documents)


def test_crawled_text_stays_text_everywhere(tmp_path):
    from archive.store.models import Edge

    db = _story_db(tmp_path, 5)
    with session_factory(db).begin() as session:
        herald = session.query(Document).filter(Document.url == HERALD).one()
        herald.signals = {"credits": [{"kind": "line", "text": "<script>alert(1)</script> Gazette", "url": None}]}
        herald.title = "<img src=x onerror=alert(2)>"
        herald.text = "<b>bold</b>\n" + herald.text
        edge = session.query(Edge).filter(Edge.derived_id == herald.id).one()
        edge.evidence = [{"kind": "<svg onload=alert(3)>", "weight": 1.0, "detail": "<iframe src=//evil>"}]
    page = _report(db, tmp_path)
    for tag in ("<script", "<img", "<iframe", "<svg onload", "<b>bold"):
        assert tag not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gazette" in page and "&lt;iframe src=//evil&gt;" in page


def test_each_copy_shows_the_screenshot_its_browser_capture_archived(tmp_path):
    """A screenshot record (urn:screenshot:<url>, as the browser capture writes it) in the page's
    WARC file is shown, as a small embedded picture, beside that copy."""
    import gzip
    import io as _io

    from PIL import Image
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "story.warc.gz"
    warc.write_bytes((ROOT / "demo" / "seed-story.warc.gz").read_bytes())
    picture = _io.BytesIO()
    Image.new("RGB", (1200, 2400), (200, 30, 30)).save(picture, format="PNG")
    record = _io.BytesIO()
    writer = WARCWriter(record, gzip=True)
    writer.write_record(writer.create_warc_record(f"urn:screenshot:{MN}", "resource", payload=_io.BytesIO(
        picture.getvalue()), length=len(picture.getvalue()), warc_content_type="image/png"))
    with open(warc, "ab") as fh:
        fh.write(record.getvalue())
    assert gzip.decompress(record.getvalue())  # a whole gzip member appended
    db = f"sqlite:///{tmp_path / 'g.db'}"
    assert CliRunner().invoke(main, ["--db", db, "ingest", "--workers", "1", str(warc)]).exit_code == 0
    out = tmp_path / "story.html"
    assert CliRunner().invoke(main, ["--db", db, "report", MN, "-o", str(out)]).exit_code == 0
    page = out.read_text()
    shots = re.findall(r'<img class="shot" alt="screenshot of ([^"]+) as captured" src="data:image/png;base64,([^"]+)"', page)
    assert [url for url, _ in shots] == [MN]
    thumbnail = Image.open(_io.BytesIO(base64.b64decode(shots[0][1])))
    assert thumbnail.width == 360 and thumbnail.getpixel((10, 10)) == (200, 30, 30)
    assert "<script" not in page
