"""Any JSON search API as a discovery source."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import quote

import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from archive.discovery.responses import Candidate, search_results
from crawler.discovery.base import Source, Subject, Window
from crawler.trail import Trail, with_trail


class WebSearchSource(Source):
    """Any search API that answers JSON: ``WEB_SEARCH_URL`` with ``{query}`` (and ``{key}``, read
    from the environment variable named by ``WEB_SEARCH_KEY_ENV``), result URLs at the JSONPath
    ``WEB_SEARCH_RESULTS`` (titles at ``WEB_SEARCH_TITLES``). The key never reaches the archive."""

    name = "search"

    def __init__(self, delay: float, template: str, key: str, results: str, titles: str | None, queries: int):
        super().__init__(delay)
        self.template = template
        self.key = key
        self.results, self.titles = results, titles
        self.queries = queries

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        template = settings.get("WEB_SEARCH_URL")
        if not template:
            raise NotConfigured("WEB_SEARCH_URL is not set")
        key = os.environ.get(settings.get("WEB_SEARCH_KEY_ENV") or "", "")
        if "{key}" in template and not key:
            raise NotConfigured(f"the search API needs a key in ${settings.get('WEB_SEARCH_KEY_ENV')}")
        return cls(settings.getfloat("DISCOVERY_DELAY"), template, key, settings.get("WEB_SEARCH_RESULTS"),
                   settings.get("WEB_SEARCH_TITLES"), settings.getint("WEB_SEARCH_QUERIES"))

    def search(self, subject: Subject, window: Window) -> Iterator[scrapy.Request]:
        for phrase in subject.signature.queries()[: self.queries]:
            url = self.template.replace("{query}", quote(f'"{phrase}"')).replace("{key}", quote(self.key))
            yield scrapy.Request(url, meta=with_trail(Trail(secrets=(quote(self.key),) if self.key else ())))

    def read(self, response: Response) -> list[Candidate]:
        return search_results(response.body, self.results, self.titles)
