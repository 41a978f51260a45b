"""The reference for crawl throughput: Scrapy fetching the same URLs and doing nothing else."""

from pathlib import Path

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = {
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.WarcArchiveMiddleware": None,
                                   "crawler.middlewares.ReplayMiddleware": None},
        "ITEM_PIPELINES": {},
    }

    def __init__(self, urls: str, **kwargs):
        super().__init__(**kwargs)
        self.urls = Path(urls).read_text().split()

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        yield {"url": response.url, "size": len(response.body)}
