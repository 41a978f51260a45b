"""Crawl progress a person can follow, and a summary of what the crawl found."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from twisted.internet import task

LOGGER = logging.getLogger(__name__)


class ProvenanceSummary:
    """Every ``PROVENANCE_PROGRESS_INTERVAL`` seconds: pages fetched, documents stored, leads
    followed. At the end: a table of the copies found, by relation."""

    def __init__(self, stats: StatsCollector, interval: float, db: str | None):
        self.stats = stats
        self.interval = interval
        self.db = db
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        interval = crawler.settings.getfloat("PROVENANCE_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        ext = cls(crawler.stats, interval, crawler.settings.get("PROVENANCE_DB"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.loop = task.LoopingCall(self.progress)
        self.loop.start(self.interval, now=False)

    def progress(self) -> None:
        get = self.stats.get_value
        leads = sum(v for k, v in self.stats.get_stats().items() if k.startswith("discovery/") and k != "discovery/seed")
        LOGGER.info("progress: %d pages fetched, %d documents stored, %d leads followed, %d failed",
                    get("response_received_count", 0), get("provenance/documents_added", 0), leads,
                    get("provenance/fetch_failed", 0))

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        from sqlalchemy import func, select

        from archive.store.db import session_factory
        from archive.store.models import Document, Edge, Story

        with session_factory(self.db)() as session:
            relations = dict(session.execute(select(Edge.relation, func.count()).where(Edge.is_primary)
                                             .group_by(Edge.relation)).all())
            documents = session.scalar(select(func.count()).select_from(Document))
            stories = session.scalar(select(func.count()).select_from(Story))
        rows = [("pages fetched", self.stats.get_value("response_received_count", 0)),
                ("documents added", self.stats.get_value("provenance/documents_added", 0)),
                ("documents in the graph", documents), ("stories in the graph", stories)]
        rows += [(f"copies: {name}", count) for name, count in sorted(relations.items())]
        width = max(len(name) for name, _ in rows)
        table = "\n".join(f"  {name:<{width}}  {count:>7}" for name, count in rows)
        LOGGER.info("crawl finished (%s):\n%s%s", reason, table, self.sources_table())

    def sources_table(self) -> str:
        """Per discovery source: queries asked, candidates fetched, how many joined the story, and
        calls made and failed. A source whose every call failed is named as failed (a warning),
        not left to read as "0 candidates"."""
        per: dict[str, dict[str, int]] = {}
        for key, value in self.stats.get_stats().items():
            if key.startswith("sources/") and key.count("/") == 2:
                _, source, what = key.split("/")
                per.setdefault(source, {})[what] = value
        if not per:
            return ""
        for name, counts in sorted(per.items()):
            if counts.get("calls") and counts.get("failed", 0) >= counts["calls"]:
                LOGGER.warning("discovery source %s FAILED: all %d of its calls failed, so it found nothing",
                               name, counts["calls"])
        columns = ("queries", "candidates", "matched", "unmatched", "unlike", "out_of_window", "over_budget",
                   "calls", "failed")
        head = f"\n  {'source':<12}" + "".join(f"{c.replace('_', ' '):>14}" for c in columns)
        lines = [f"  {name:<12}" + "".join(f"{counts.get(c, 0):>14}" for c in columns)
                 + ("  FAILED" if counts.get("calls") and counts.get("failed", 0) >= counts["calls"] else "")
                 for name, counts in sorted(per.items())]
        return "\n" + head + "\n" + "\n".join(lines)
