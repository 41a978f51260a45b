"""Settings of the provenance crawler (see README, "Settings"). Override with -s NAME=VALUE."""

BOT_NAME = "provenance"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl` with one-line errors and a non-zero exit when not done

# Be a good citizen: say who we are, obey robots.txt, adapt to the servers' pace.
PROVENANCE_CONTACT = "https://github.com/provenance-archive"
USER_AGENT = f"provenance-archive/0.1 (+{PROVENANCE_CONTACT})"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
CONCURRENT_ITEMS = 8
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_TIMES = 2
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry, doubled at each further one
RETRY_BACKOFF_MAX = 60.0
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False  # no remote control of the crawl unless asked for (-s ..._ENABLED=True)
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy crawl syndication -O pages.jsonl`: one object per stored page, without its raw body (in the WARC)
FEED_EXPORT_FIELDS = ["url", "status", "content_type", "fetched_at", "depth", "via", "referrer", "document_id",
                      "story_id", "subject", "hop", "matched", "first_seen", "archived_copy", "warc", "page"]

# The graph (any SQLAlchemy URL) and how far to look for copies.
PROVENANCE_DB = None  # None: env PROVENANCE_DB, else sqlite:///provenance.db
PROVENANCE_DEPTH = 3  # hops from the seed along credits, canonical tags and source links
PROVENANCE_BUDGET = 200  # pages fetched at most per crawl
PROVENANCE_EXTRACT_WORKERS = 0  # extraction processes; 0: one per core
PROVENANCE_GC_FREEZE = True  # freeze the objects built before the spider opens (crawler/collector.py)
PROVENANCE_EXTRACT_NICE = 10  # niceness added to the extraction processes: the serial stages first (crawler/extraction.py)
PROVENANCE_ANALYZE = True  # analyse each document as it arrives
PROVENANCE_PROGRESS_INTERVAL = 10  # seconds between progress lines; 0 turns them and the summary off
PROVENANCE_ALLOWED_DOMAINS = []  # only these domains (and their subdomains); empty: all
PROVENANCE_DENIED_DOMAINS = []  # never these
PROVENANCE_ALLOW_PRIVATE_ADDRESSES = False  # True lets the crawler reach private and loopback addresses

# The archive: gzip WARC/1.1 files, rolled over at WARC_MAX_SIZE bytes.
WARC_ENABLED = True
WARC_DIR = "output/warc"
WARC_PREFIX = "PROVENANCE"
WARC_MAX_SIZE = 1_000_000_000
WARC_OPERATOR = ""
WARC_DEDUP = True  # identical payloads written once, later captures as revisit records
WARC_WRITE_TEXT = True  # extracted text and a metadata record beside each page

# Discovery: where to look for copies nobody links to (crawler/discovery/, one module per source; README "Discovery").
# Each source switches itself off when its own settings are missing.
DISCOVERY_SOURCES = {
    "crawler.discovery.UrlListSource": 100,  # DISCOVERY_URL_LIST or -a candidates=FILE
    "crawler.discovery.WatchListSource": 200,  # DISCOVERY_WATCHLIST
    "crawler.discovery.GdeltSource": 300,
    "crawler.discovery.WebSearchSource": 400,  # WEB_SEARCH_URL
    "crawler.discovery.WaybackSource": 500,
    "crawler.discovery.CommonCrawlSource": 600,
}
DISCOVERY_HOPS = 1  # a copy found by searching searches again this many times
DISCOVERY_BUDGET = 100  # candidate pages fetched per story
DISCOVERY_WINDOW_DAYS = 30  # candidates dated this far from the story's date at most
DISCOVERY_SINCE = None  # or -a since=YYYY-MM-DD: search only from then, known copies not refetched
DISCOVERY_URL_LIST = None
DISCOVERY_CONCURRENCY = 1  # calls of one source in the downloader at once (the rest wait, not the pages)
DISCOVERY_DELAY = 1.0  # seconds between two calls of one source (its own download slot)
DISCOVERY_RETRY_TIMES = 1  # retries of a failed call
DISCOVERY_TIME_BUDGET = 300  # seconds a source may keep calling, from its first call
DISCOVERY_DOWN_AFTER = 3  # failed calls in a row, none answered: the source is down, not asked again
DISCOVERY_WATCHLIST = None  # a TOML file of outlets: feeds, sitemaps, site search
GDELT_API = "https://api.gdeltproject.org/api/v2/doc/doc"
GDELT_QUERIES = 3  # exact-phrase queries per copy searched from
GDELT_MAX_RECORDS = 75
GDELT_DELAY = 5.0  # GDELT asks for one call every 5 seconds at most
WEB_SEARCH_URL = None  # e.g. "https://www.googleapis.com/customsearch/v1?key={key}&cx=ENGINE&q={query}"
WEB_SEARCH_KEY_ENV = "WEB_SEARCH_KEY"
WEB_SEARCH_RESULTS = "$.items[*].link"  # JSONPath of the result URLs
WEB_SEARCH_TITLES = "$.items[*].title"
WEB_SEARCH_QUERIES = 2
WAYBACK_CDX = "https://web.archive.org/cdx/search/cdx"
WAYBACK_REPLAY = "https://web.archive.org/web/{timestamp}id_/{url}"
COMMONCRAWL_INDEX = "https://index.commoncrawl.org"
COMMONCRAWL_DATA = "https://data.commoncrawl.org"
COMMONCRAWL_COLLECTIONS = ["CC-MAIN-2024-42"]

# Several crawl processes on one set of stories (scrapy-redis; see crawler/distributed.py).
REDIS_URL = None  # e.g. redis://127.0.0.1:6379/0 turns on the shared queue and duplicate filter
PROVENANCE_CRAWL_ID = None  # names the crawl's Redis keys; workers of one crawl share it
ADDONS = {"crawler.distributed.ScaleOut": 0, "crawler.browser.BrowserCapture": 10}

# Browser capture (crawler/browser.py): pages rendered by the system's Chromium via scrapy-playwright,
# their resources and a screenshot archived as browsertrix-crawler writes them.
BROWSER_CAPTURE = False  # or the syndication-browser spider
BROWSER_EXECUTABLE = None  # None: chromium or chromium-browser on the PATH (no browser is downloaded)
BROWSER_WAIT_UNTIL = "networkidle"  # page loaded when: "load", "domcontentloaded", "networkidle" (browsertrix waits for the network too)
BROWSER_LAUNCH_OPTIONS = {}  # more playwright launch options, e.g. {"args": ["--no-sandbox"]}

# Crawl from an archive instead of the web: a WARC file, a folder of them, or a WACZ.
REPLAY_ARCHIVE = None

DOWNLOADER_MIDDLEWARES = {
    "crawler.ledger.LedgerMiddleware": 50,  # only with JOBDIR: each request fetched once across a resume
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,  # Scrapy's retries, with back-off
    "crawler.middlewares.RedirectLoopMiddleware": 610,  # sees redirects before RedirectMiddleware (600)
    # after every middleware that changes the request, before decompression and redirects:
    # what is archived is what went over the wire.
    "crawler.middlewares.WarcArchiveMiddleware": 950,
    # only with BROWSER_CAPTURE: sends pages to the browser; on the way back, before 950, it
    # archives what the browser received (the rendered DOM it hands on is not what came over the wire)
    "crawler.browser.BrowserCaptureMiddleware": 955,
    "crawler.middlewares.ReplayMiddleware": 960,  # only with REPLAY_ARCHIVE
    # last before the network: refuses private and metadata addresses (after DNS resolution)
    "crawler.middlewares.PrivateAddressGuard": 970,
}
SPIDER_MIDDLEWARES = {
    # after DepthMiddleware (900), which gives each request Scrapy's `depth`: which pages are fetched
    "crawler.frontier.Frontier": 850,
    # only with JOBDIR: what a stopped run left pending is scheduled first (past the frontier: seen already)
    "crawler.ledger.CrawlLedger": 100,
}
# sinks only: the spider yields each page extracted, with the requests for its leads
ITEM_PIPELINES = {
    "crawler.pipelines.ArchiveTextPipeline": 350,
    "crawler.pipelines.GraphPipeline": 400,
}

EXTENSIONS = {
    "crawler.collector.FreezeStartupObjects": 40,  # PROVENANCE_GC_FREEZE: startup objects out of every collection
    "crawler.warc.WarcFiles": 50,  # only with WARC_ENABLED: the WARC writer the middlewares and pipelines share
    "crawler.extraction.Extraction": 60,  # the worker processes the spider's callback awaits
    "crawler.discovery.Discovery": 70,  # only with DISCOVERY_SOURCES: the sources the callbacks ask
    "crawler.extensions.ProvenanceSummary": 500,
    "crawler.distributed.CoordinationExtension": 510,  # only with REDIS_URL
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
