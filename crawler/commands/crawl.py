"""``scrapy crawl``, ending with a verdict: a crawl that cannot start says why in one line and
exits 2; a crawl that stopped before it was done (interrupted, pages it could not store, requests
left pending) says so in its last line, with how to go on, and exits 1.

Scrapy's own command prints the traceback of a spider or component refusing its input (the
asyncio task's "exception was never retrieved"), and exits 0 after a crawl cut short. Here the
crawl task's exception is retrieved: :class:`~crawler.errors.BadInput` becomes its message, any
other exception is logged with its traceback (a bug), and the finished crawl's stats decide.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import signals
from scrapy.commands import crawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.utils.job import job_dir

from crawler.errors import BadInput

LOGGER = logging.getLogger(__name__)


def unfinished(crawler: Crawler) -> str | None:
    """Why a crawl that ran is not done, or None when it is."""
    get = crawler.stats.get_value
    problems = []
    reason = get("finish_reason")
    if reason not in (None, "finished"):
        problems.append(f"stopped early ({reason})")
    if get("provenance/not_stored"):
        problems.append(f"{get('provenance/not_stored')} pages could not be stored")
    if get("ledger/pending"):
        problems.append(f"{get('ledger/pending')} requests still pending")
    if not problems:
        return None
    folder = job_dir(crawler.settings)
    how = (f"run the same command again to resume (JOBDIR={folder})" if folder else
           "run it again with -s JOBDIR=FOLDER to be able to stop and resume it")
    return f"crawl not finished: {', '.join(problems)}; {how}"


class Command(crawl.Command):
    def run(self, args: list[str], opts) -> None:
        if len(args) != 1:
            raise UsageError("give one spider: scrapy crawl syndication -a url=...")
        crawler = self._create_crawler(args[0])
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        failed: list[BaseException] = []
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        if isinstance(started, asyncio.Future):
            started.add_done_callback(lambda task: task.cancelled() or failed.append(task.exception()))
        else:  # Twisted's CrawlerProcess: a Deferred
            started.addErrback(lambda failure: failed.append(failure.value))
        self.crawler_process.start()
        error = next((e for e in failed if e is not None), None)
        if isinstance(error, BadInput):
            LOGGER.error("%s", error)
            self.exitcode = 2
        elif error is not None:
            LOGGER.error("the crawl could not start", exc_info=error)
            self.exitcode = 1
        elif self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif (problem := unfinished(crawler)) is not None:
            LOGGER.error("%s", problem)
            self.exitcode = 1

    @staticmethod
    def item_error(item, response, spider, failure) -> None:
        """A pipeline that raised: the page is not stored (with JOBDIR, it stays pending)."""
        spider.crawler.stats.inc_value("provenance/not_stored")
