"""Settings of the provenance crawler (see README, "Settings"). Override with -s NAME=VALUE."""

BOT_NAME = "provenance"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

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
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# The graph (any SQLAlchemy URL) and how far to look for copies.
PROVENANCE_DB = None  # None: env PROVENANCE_DB, else sqlite:///provenance.db
PROVENANCE_DEPTH = 3  # hops from the seed along credits, canonical tags and source links
PROVENANCE_BUDGET = 200  # pages fetched at most per crawl
PROVENANCE_EXTRACT_WORKERS = 0  # extraction processes; 0: one per core
PROVENANCE_ANALYZE = True  # analyse each document as it arrives
PROVENANCE_PROGRESS_INTERVAL = 10  # seconds between progress lines; 0 turns them and the summary off
PROVENANCE_ALLOW_PRIVATE_ADDRESSES = False  # True lets the crawler reach private and loopback addresses

# The archive: gzip WARC/1.1 files, rolled over at WARC_MAX_SIZE bytes.
WARC_ENABLED = True
WARC_DIR = "output/warc"
WARC_PREFIX = "PROVENANCE"
WARC_MAX_SIZE = 1_000_000_000
WARC_OPERATOR = ""
WARC_DEDUP = True  # identical payloads written once, later captures as revisit records
WARC_WRITE_TEXT = True  # extracted text and a metadata record beside each page

# Several crawl processes on one set of stories (scrapy-redis; see crawler/distributed.py).
REDIS_URL = None  # e.g. redis://127.0.0.1:6379/0 turns on the shared queue and duplicate filter
PROVENANCE_CRAWL_ID = None  # names the crawl's Redis keys; workers of one crawl share it
ADDONS = {"crawler.distributed.ScaleOut": 0}

# Crawl from an archive instead of the web: a WARC file, a folder of them, or a WACZ.
REPLAY_ARCHIVE = None

DOWNLOADER_MIDDLEWARES = {
    # after every middleware that changes the request, before decompression and redirects:
    # what is archived is what went over the wire.
    "crawler.middlewares.WarcArchiveMiddleware": 950,
    "crawler.middlewares.ReplayMiddleware": 960,  # only with REPLAY_ARCHIVE
    # last before the network: refuses private and metadata addresses (after DNS resolution)
    "crawler.middlewares.PrivateAddressGuard": 970,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 300,
    "crawler.pipelines.LeadsPipeline": 320,
    "crawler.pipelines.ArchiveTextPipeline": 350,
    "crawler.pipelines.GraphPipeline": 400,
}

EXTENSIONS = {
    "crawler.extensions.ProvenanceSummary": 500,
    "crawler.distributed.CoordinationExtension": 510,  # only with REDIS_URL
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
