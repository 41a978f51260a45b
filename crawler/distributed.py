"""Several crawl processes, on one or many machines, cooperating on one set of stories.

scrapy-redis shares the request queue and the duplicate filter in Redis (so no page is fetched
twice); :class:`ScaleOut` turns it on when ``REDIS_URL`` is set. What scrapy-redis leaves to us:

- a worker whose own queue ran dry waits while another worker is still busy, since that worker's
  pages may still bring new requests (:class:`Coordinator` keeps each worker's state in Redis);
- each worker matches its pages as they come, but story trees are derived once, by the last worker
  to finish, over every document the crawl added (see ``GraphPipeline.close_spider``);
- only a worker that ends because the crawl is done (its queue dry, nobody else busy) may clear the
  crawl's keys: one stopped early (Ctrl-C, a close reason of its own) leaves the shared queue and
  duplicate filter for the workers started next. With ``JOBDIR`` (one per worker), a worker keeps
  its name across restarts, and its ledger schedules again what it had taken from the queue.

    scrapy crawl syndication -a urls=seeds.txt -s REDIS_URL=redis://host:6379/0 \\
        -s PROVENANCE_DB=postgresql+psycopg://host/provenance -s PROVENANCE_CRAWL_ID=monday
"""

from __future__ import annotations

import logging
import os
import socket
import time

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.job import job_dir

LOGGER = logging.getLogger(__name__)

STALE_AFTER = 120  # seconds without news from a busy worker before it is presumed dead
IDLE_CHECKS = 2  # consecutive idle rounds (Scrapy's idle signal comes every ~5 s) before closing


class ScaleOut:
    """Scrapy add-on: with ``REDIS_URL`` set, the scheduler and duplicate filter live in Redis under
    keys named after ``PROVENANCE_CRAWL_ID`` (default: the spider's name)."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        crawl = settings.get("PROVENANCE_CRAWL_ID") or "syndication"
        settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", "addon")
        settings.set("SCHEDULER_QUEUE_KEY", f"provenance:{crawl}:requests", "addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"provenance:{crawl}:seen", "addon")
        settings.set("SCHEDULER_PERSIST", True, "addon")  # one worker ending must not clear the others' queue
        settings.set("PROVENANCE_COORDINATE", True, "addon")


class Coordinator:
    """One worker's view of the shared crawl: its state, the others', and the crawl's documents."""

    def __init__(self, url: str, crawl: str, folder: str | None, queue_key: str, seen_key: str):
        self.redis = redis.Redis.from_url(url)
        self.prefix = f"provenance:{crawl}"
        self.worker = f"{socket.gethostname()}:{os.path.abspath(folder) if folder else os.getpid()}"
        self.queue_key = queue_key  # scrapy-redis's shared request queue and duplicate filter
        self.seen_key = seen_key
        self.busy_since = 0.0
        self.idle_rounds = 0
        self.done = False  # set when this worker closes because the whole crawl is done

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def join(self) -> None:
        self.redis.sadd(self.key("workers"), self.worker)
        self.busy()

    def busy(self) -> None:
        now = time.time()
        self.idle_rounds = 0
        if now - self.busy_since > 1:  # one write a second at most
            self.busy_since = now
            self.redis.hset(self.key("state"), self.worker, f"busy {now}")

    def others_busy(self) -> bool:
        now = time.time()
        for worker, state in self.redis.hgetall(self.key("state")).items():
            kind, _, stamp = state.decode().partition(" ")
            if worker.decode() != self.worker and kind == "busy" and now - float(stamp) < STALE_AFTER:
                return True
        return False

    def live_workers(self) -> int:
        """Workers of the crawl still heard from (one killed and never restarted goes stale)."""
        now, states = time.time(), self.redis.hgetall(self.key("state"))
        return sum(now - float(states[w].decode().partition(" ")[2]) < STALE_AFTER
                   for w in self.redis.smembers(self.key("workers")) if w in states)

    def may_close(self) -> bool:
        """Called when this worker is idle: close only when the queue is empty and nobody else works."""
        self.busy_since = 0.0
        self.redis.hset(self.key("state"), self.worker, f"idle {time.time()}")
        queued = self.redis.zcard(self.queue_key)
        if queued or self.others_busy():
            self.idle_rounds = 0
            return False
        self.idle_rounds += 1
        self.done = self.idle_rounds >= IDLE_CHECKS
        return self.done

    def finish(self, documents: list[int]) -> list[int] | None:
        """Record this worker's new documents and leave. The last worker to leave, when the crawl
        is done, gets every document of the crawl (to derive the stories once) and clears the
        crawl's keys; a worker stopped early leaves them all for the next."""
        pipe = self.redis.pipeline()
        if documents:
            pipe.sadd(self.key("documents"), *documents)
        pipe.srem(self.key("workers"), self.worker)
        pipe.hdel(self.key("state"), self.worker)
        pipe.execute()
        remaining = self.live_workers()
        if not self.done:
            LOGGER.warning("worker %s stopped before the crawl was done: the shared queue (%d requests) and "
                           "duplicate filter are kept; start a worker again to finish it", self.worker,
                           self.redis.zcard(self.queue_key))
            return None
        if remaining:
            return None
        all_documents = sorted(int(d) for d in self.redis.smembers(self.key("documents")))
        self.redis.delete(self.key("documents"), self.key("workers"), self.key("state"),
                          self.queue_key,
                          self.seen_key)
        return all_documents


class CoordinationExtension:
    """Keeps this worker's state in Redis and the spider open while other workers are busy; the
    graph pipeline finds its :class:`Coordinator` here (``crawler.get_extension``)."""

    def __init__(self, coordinator: Coordinator):
        self.coordinator = coordinator

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        settings = crawler.settings
        if not settings.getbool("PROVENANCE_COORDINATE"):
            raise NotConfigured  # this crawl runs alone
        ext = cls(Coordinator(settings["REDIS_URL"], settings.get("PROVENANCE_CRAWL_ID") or "syndication",
                              job_dir(settings), settings["SCHEDULER_QUEUE_KEY"], settings["SCHEDULER_DUPEFILTER_KEY"]))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.active, signal=signals.response_received)
        crawler.signals.connect(ext.active, signal=signals.item_scraped)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        return ext

    def opened(self) -> None:
        self.coordinator.join()
        LOGGER.info("worker %s joined crawl %s", self.coordinator.worker, self.coordinator.prefix)

    def active(self) -> None:
        self.coordinator.busy()

    def idle(self) -> None:
        if not self.coordinator.may_close():
            raise DontCloseSpider
