"""The ``syndication-browser`` spider: the syndication crawl with every page rendered and captured
by the system's Chromium (``BROWSER_CAPTURE``, crawler/browser.py)."""

from __future__ import annotations

from crawler.spiders.syndication import SyndicationSpider


class SyndicationBrowserSpider(SyndicationSpider):
    name = "syndication-browser"
    custom_settings = {"BROWSER_CAPTURE": True}
