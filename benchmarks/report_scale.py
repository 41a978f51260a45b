"""How the story report and the graph exports scale with the number of copies.

    python -m benchmarks.report_scale --copies 5 50 500

Builds each story (benchmarks/stories.py) in a temporary SQLite file, then prints, per size, the
seconds and bytes of the HTML report and of each graph export, and the picture's boxes and height
(its width is fixed).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from archive.exports import render_graph, select_story
from archive.report import story_report
from archive.store.db import session_factory
from benchmarks.stories import story_of

HERALD = "https://local-herald.example/news/quay/"


def measure(copies: int, folder: Path, distinct: bool = False, quiet: bool = False) -> list[tuple[str, float, int]]:
    folder.mkdir(exist_ok=True)
    factory = session_factory(f"sqlite:///{folder / f'story{copies}.db'}")
    with factory.begin() as session:
        story_of(session, copies, distinct)
    rows = []
    with factory() as session:
        selection = select_story(session, HERALD)
        started = time.perf_counter()
        page = story_report(selection.title, selection.documents, selection.edges,
                            "https://replay.example/coll/{timestamp}/{url}")
        rows.append(("report", time.perf_counter() - started, len(page.encode())))
        graph = re.search(r'<svg[^>]* class="graph" width="(\d+)" height="(\d+)"', page)
        boxes = page.count('<rect class="box"')
        if not quiet:
            print(f"{copies} copies: graph {graph.group(1)} x {graph.group(2)} px, {boxes} boxes")
        for fmt in ("prov-json", "prov-o", "graphml", "gexf", "dot"):
            started = time.perf_counter()
            out = render_graph(selection, fmt, "story.evidence.json")
            rows.append((fmt, time.perf_counter() - started, len(out if isinstance(out, bytes) else out.encode())))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[5, 50, 500])
    parser.add_argument("--distinct", action="store_true", help="no two copies alike (nothing stacked)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(5, Path(tmp) / "warm-up", quiet=True)  # imports and first-use costs out of the figures
        for copies in args.copies:
            for name, seconds, size in measure(copies, Path(tmp), args.distinct):
                print(f"  {name:10} {seconds:7.3f} s {size / 1024:9.0f} KB")


if __name__ == "__main__":
    main()
