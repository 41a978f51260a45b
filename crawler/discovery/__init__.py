"""Discovery: looking for the copies of a story that nobody links to.

Every source is a component listed in ``DISCOVERY_SOURCES`` (built ``from_crawler``, switched off
by raising NotConfigured when its settings are missing), one module each. For each seed, and for
each candidate that turned out to be a real copy (up to ``DISCOVERY_HOPS`` times), the
:class:`~crawler.discovery.manager.Discovery` extension asks every source for requests: API calls
(GDELT, a search API, feeds, sitemaps, archive indexes), which the spider's callbacks yield like
any request (archived to WARC, polite, robots.txt obeyed) and whose answers come back to the
spider's ``parse_discovery``. What the answers name becomes candidate pages, let through by the
frontier with the source recorded as ``discovered_via``; only candidates whose text joins the
story count as found and search again. A page that is gone is looked up in public archives
(Wayback Machine, Common Crawl), and each copy's first capture there is recorded as independent
dating evidence. :mod:`~crawler.discovery.pace` keeps the calls from holding the pages back.
"""

from crawler.discovery.base import Source, Subject
from crawler.discovery.commoncrawl import CommonCrawlSource
from crawler.discovery.gdelt import GdeltSource
from crawler.discovery.manager import Discovery, since_date
from crawler.discovery.search import WebSearchSource
from crawler.discovery.urllist import UrlListSource
from crawler.discovery.watchlist import WatchListSource
from crawler.discovery.wayback import WaybackSource

__all__ = ["CommonCrawlSource", "Discovery", "GdeltSource", "Source", "Subject", "UrlListSource", "WaybackSource",
           "WatchListSource", "WebSearchSource", "since_date"]
