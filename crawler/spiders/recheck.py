"""The ``recheck`` spider: fetch stored copies again to catch stealth edits and removals.

A page whose text changed becomes a new capture of the same URL (its first capture stays the
story's evidence; the tree lists versions); a page that is gone is recorded as such. Run it from
``provenance recheck`` or directly:

    scrapy crawl recheck -a story=12
    scrapy crawl recheck -a url=https://example.com/copy/    (or -a all=1)
"""

from __future__ import annotations

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from archive.store import reads
from archive.store.db import session_factory
from crawler.middlewares import ended_quietly
from crawler.pipelines import GraphPipeline
from crawler.spiders.syndication import SyndicationSpider
from crawler.trail import KEY, Trail, trail_of

GONE = [404, 410, 451]


class RecheckSpider(SyndicationSpider):
    name = "recheck"
    custom_settings = {"DISCOVERY_SOURCES": {}, "PROVENANCE_DEPTH": 0}  # a recheck looks again, it does not search

    def __init__(self, story: str | None = None, url: str | None = None, all: str | None = None, **kwargs):  # noqa: A002
        scrapy.Spider.__init__(self, **kwargs)
        if not (story or url or all):
            raise ValueError("say what to recheck: -a story=ID, -a url=URL or -a all=1")
        self.story, self.url, self.everything = story, url, bool(all)
        self.seeds = []

    async def start(self):
        with session_factory(self.crawler.settings.get("PROVENANCE_DB"))() as session:
            targets = reads.latest_captures(session, story_id=int(self.story) if self.story else None,
                                            url=self.url, everything=self.everything)
        if not targets:
            self.logger.warning("nothing stored to recheck")
        for doc_id, url in targets:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                                 meta={KEY: Trail(via="recheck", recheck_of=doc_id), "handle_httpstatus_list": GONE})

    async def parse(self, response):
        if response.status in GONE:
            self._settle(response.request)
            self._gone(response.request, f"HTTP {response.status}", response.status)
            return
        async for out in super().parse(response):
            yield out

    def failed(self, failure):
        if ended_quietly(failure.request):
            return ()
        self._settle(failure.request)
        status = failure.value.response.status if failure.check(HttpError) else None
        self._gone(failure.request, failure.getErrorMessage(), status)
        return ()

    def _gone(self, request, detail: str, status: int | None) -> None:
        self.crawler.stats.inc_value("recheck/gone")
        self.crawler.get_item_pipeline(GraphPipeline).record_check(request.url, trail_of(request).recheck_of, None,
                                                                   status, detail)
