"""Each crawler component alone, the way Scrapy tests its own: a crawler from
``scrapy.utils.test.get_crawler`` with the project's settings, the component built from it, its
``process_*`` methods called with plain requests and responses."""

from __future__ import annotations

import json
import re
from dataclasses import fields, replace
from datetime import datetime

import pytest
from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from archive.discovery.responses import Candidate
from archive.discovery.signature import Signature
from archive.page import Page
from crawler import settings as project
from crawler.discovery import Discovery, GdeltSource, Subject, UrlListSource, WatchListSource, WaybackSource
from crawler.fate import Fates
from crawler.frontier import Frontier
from crawler.items import PageItem
from crawler.ledger import CrawlLedger, LedgerMiddleware
from crawler.middlewares import DUPLICATE, WarcArchiveMiddleware
from crawler.pipelines import ArchiveTextPipeline
from crawler.spiders.syndication import SyndicationSpider
from crawler.trail import KEY, Trail, trail_of
from crawler.warc import WarcFiles

PROJECT = {name: getattr(project, name) for name in dir(project) if name.isupper()}
SEED = "http://a.example/story"


def crawler_with(**settings):
    crawler = get_crawler(SyndicationSpider, {**PROJECT, **settings})  # settings frozen, as in a crawl
    spider = SyndicationSpider(url=SEED)
    spider._set_crawler(crawler)
    spider.fates = Fates(crawler.signals)
    crawler.spider = spider
    return crawler


def page(url: str, depth: int | None = None, trail: Trail | None = None) -> Response:
    meta = {KEY: trail or Trail()}
    if depth is not None:
        meta["depth"] = depth
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))


def through(crawler, frontier: Frontier, response: Response, requests: list[Request]) -> list[Request]:
    """Spider output through Scrapy's DepthMiddleware and then the frontier, as in the crawl."""
    depth = DepthMiddleware.from_crawler(crawler)
    return list(frontier.process_spider_output(response, depth.process_spider_output(response, requests)))


# -- the trail and the ledger -----------------------------------------------------------------------


def every_field_set() -> Trail:
    """A trail with every field away from its default (a field added later is covered too)."""
    values = {"via": "gdelt", "referrer": "http://r.example/", "subject": 7, "hop": 2,
              "first_seen": {"date": "2024-10-25T06:15:00", "source": "gdelt"}, "call": "wayback",
              "about": "http://gone.example/", "want": "copy", "listing": "http://feed.example/rss",
              "site_search": "site.example", "document": 9, "page": Trail(via="credit_link", subject=3, hop=1),
              "archived_copy": "http://gone.example/", "warc_record": True, "secrets": ("k3y",), "recheck_of": 4,
              "resumed": False}
    missing = {f.name for f in fields(Trail)} - set(values)
    assert not missing, f"give test values to {missing}"
    return Trail(**values)


def test_the_ledger_keeps_every_field_of_the_trail_across_a_resume(tmp_path):
    trail = every_field_set()
    crawler = crawler_with(JOBDIR=str(tmp_path / "job"))
    ledger = build_from_crawler(CrawlLedger, crawler)
    spider = crawler.spider
    request = Request("http://gone.example/", callback=spider.parse_discovery, errback=spider.discovery_failed,
                      meta={KEY: trail, "depth": 2, "dont_obey_robotstxt": True, "handle_httpstatus_list": [404]})
    ledger.request_scheduled(request)
    ledger.file.close()
    json.loads((tmp_path / "job" / "ledger.jsonl").read_text())  # one JSON line

    resumed = build_from_crawler(CrawlLedger, crawler_with(JOBDIR=str(tmp_path / "job")))
    resumed.file.close()
    (again,) = [CrawlLedger.request(spider, entry) for entry in resumed.scheduled.values()]
    assert trail_of(again) == trail.but(resumed=True)
    assert again.callback == spider.parse_discovery and again.errback == spider.discovery_failed
    assert again.meta["depth"] == 2 and again.meta["handle_httpstatus_list"] == [404]
    assert again.meta["dont_obey_robotstxt"] is True and again.dont_filter


def test_the_ledger_middleware_drops_what_was_settled_and_settles_redirects(tmp_path):
    crawler = crawler_with(JOBDIR=str(tmp_path / "job"))
    ledger = build_from_crawler(CrawlLedger, crawler)
    middleware = LedgerMiddleware(crawler.stats)
    middleware.ledger = ledger
    done = Request("http://a.example/done", meta={KEY: Trail()})
    ledger.settle(done)
    with pytest.raises(IgnoreRequest):
        middleware.process_request(done)
    assert done.meta[DUPLICATE] and crawler.stats.get_value("ledger/duplicates_dropped") == 1

    fresh = Request("http://a.example/new", meta={KEY: Trail()})
    assert middleware.process_request(fresh) is None  # let through, once
    with pytest.raises(IgnoreRequest):
        middleware.process_request(fresh.copy())
    redirect = Response(fresh.url, status=301, headers={"Location": "/elsewhere"}, request=fresh)
    assert middleware.process_response(fresh, redirect) is redirect
    assert ledger.fingerprint(fresh) in ledger.settled
    ledger.file.close()


# -- the frontier --------------------------------------------------------------------------------


def test_the_frontier_follows_leads_within_depth_domains_and_budget():
    crawler = crawler_with(PROVENANCE_DEPTH=1, PROVENANCE_BUDGET=3, PROVENANCE_DENIED_DOMAINS=["x.com"])
    frontier = build_from_crawler(Frontier, crawler)
    seed = page(SEED)  # a seed: no depth yet, DepthMiddleware makes it 0
    leads = [Request(f"http://b.example/{n}", meta={KEY: Trail(via="credit_link")}) for n in range(3)]
    leads += [Request("http://x.com/share", meta={KEY: Trail(via="read_more")}),
              Request("http://b.example/0", meta={KEY: Trail(via="canonical")})]  # seen already
    passed = through(crawler, frontier, seed, leads)
    assert [r.url for r in passed] == ["http://b.example/0", "http://b.example/1", "http://b.example/2"]
    assert all(r.meta["depth"] == 1 for r in passed)
    assert crawler.stats.get_value("discovery/credit_link") == 3
    assert crawler.stats.get_value("provenance/domain_not_allowed") == 1

    deeper = through(crawler, frontier, page("http://b.example/1", depth=1),
                     [Request("http://c.example/", meta={KEY: Trail(via="canonical")})])
    assert deeper == []  # depth 2 > PROVENANCE_DEPTH


def test_a_discovery_call_is_no_hop_and_its_candidates_are_one():
    crawler = crawler_with(PROVENANCE_DEPTH=1)
    frontier = build_from_crawler(Frontier, crawler)
    (call,) = through(crawler, frontier, page(SEED, depth=0), [Request("http://api.example/q",
                                                                       meta={KEY: Trail(call="gdelt")})])
    assert call.meta["depth"] == 0
    answer = HtmlResponse(call.url, body=b"{}", request=call)
    candidate = Request("http://copy.example/", meta={KEY: Trail(via="gdelt", subject=1, hop=1)})
    copy_of_gone = Request("http://archive.example/web/x", dont_filter=True,
                           meta={KEY: Trail(via="wayback", archived_copy="http://gone.example/")})
    passed = through(crawler, frontier, answer, [candidate, copy_of_gone])
    assert [(r.url, r.meta["depth"]) for r in passed] == [("http://copy.example/", 1), ("http://archive.example/web/x", 0)]


@deferred_f_from_coro_f
async def test_the_frontier_lets_each_seed_through_once_and_counts_redirect_targets_as_seen():
    crawler = crawler_with()
    frontier = build_from_crawler(Frontier, crawler)

    async def start():
        for url in (SEED, SEED, "http://b.example/"):
            yield Request(url, meta={KEY: Trail()})

    assert [r.url async for r in frontier.process_start(start())] == [SEED, "http://b.example/"]
    frontier.process_spider_input(page("http://moved.example/here", depth=0))
    assert not frontier.wants("http://moved.example/here", 1)


# -- discovery ------------------------------------------------------------------------------------


def opened_discovery(crawler, **settings) -> Discovery:
    discovery = build_from_crawler(Discovery, crawler)
    discovery.spider = crawler.spider
    discovery.frontier = build_from_crawler(Frontier, crawler)
    return discovery


def stored_seed(doc_id: int = 1) -> PageItem:
    item = PageItem(url=SEED, status=200, content_type="text/html", body=b"", depth=0, document_id=doc_id)
    item.page = Page(SEED, "Seoul and Washington must stick together whoever wins. " * 20,
                     title="Trump or Harris, US and S Korea must stick together", date=datetime(2024, 10, 23))
    return item


def test_a_stored_seed_searches_and_its_candidates_carry_the_story(tmp_path):
    listed = tmp_path / "candidates.txt"
    listed.write_text("http://copy.example/1\nhttp://copy.example/2\nnot a url\n")
    crawler = crawler_with(DISCOVERY_SOURCES={"crawler.discovery.UrlListSource": 1, "crawler.discovery.WaybackSource": 2},
                           DISCOVERY_URL_LIST=str(listed), DISCOVERY_BUDGET=1)
    discovery = opened_discovery(crawler)
    assert set(discovery.sources) == {"list", "wayback"}
    out = list(discovery.found(stored_seed()))
    pages = [r for r in out if trail_of(r).is_page]
    calls = [r for r in out if not trail_of(r).is_page]
    assert [r.url for r in pages] == ["http://copy.example/1"]  # the story's budget is one candidate
    assert trail_of(pages[0]) == Trail(via="list", referrer=SEED, subject=1, hop=1)
    assert pages[0].callback == crawler.spider.parse
    assert crawler.stats.get_value("sources/list/over_budget") == 1
    (first_seen,) = calls  # Wayback's first capture of the seed
    assert trail_of(first_seen).want == "first" and trail_of(first_seen).document == 1
    assert first_seen.callback == crawler.spider.parse_discovery and first_seen.meta["dont_obey_robotstxt"]
    assert list(discovery.found(stored_seed())) == []  # searched once


def test_a_gone_page_is_read_from_the_archive_under_its_own_trail():
    crawler = crawler_with(DISCOVERY_SOURCES={"crawler.discovery.WaybackSource": 1},
                           WAYBACK_CDX="http://cdx.example/cdx", WAYBACK_REPLAY="http://replay.example/{timestamp}id_/{url}")
    discovery = opened_discovery(crawler)
    gone = Request("http://gone.example/a", meta={KEY: Trail(via="credit_link", referrer=SEED), "depth": 1})
    (lookup,) = discovery.gone(gone)
    assert lookup.meta["depth"] == 1 and trail_of(lookup).page == trail_of(gone)
    cdx = json.dumps([["timestamp", "original", "statuscode", "mimetype"],
                      ["20241024101500", "http://gone.example/a", "200", "text/html"]]).encode()
    (copy,) = discovery.read(Response(lookup.url, body=cdx, request=lookup))
    assert copy.url == "http://replay.example/20241024101500id_/http://gone.example/a"
    assert trail_of(copy) == Trail(via="wayback", referrer=SEED, archived_copy="http://gone.example/a")
    assert copy.callback == crawler.spider.parse and copy.dont_filter
    assert list(discovery.gone(copy)) == []  # an archived copy is not looked up again


def test_sources_ask_and_read_as_the_services_answer():
    crawler = crawler_with(GDELT_API="http://gdelt.example/doc", GDELT_QUERIES=2)
    gdelt = GdeltSource.from_crawler(crawler)
    subject = Subject(1, SEED, Signature.of("A headline of the story", "Seoul and Washington agree. " * 30,
                                            datetime(2024, 10, 23)), 1, 0, 0)
    asks = list(gdelt.search(subject, (datetime(2024, 10, 1), datetime(2024, 11, 1))))
    assert 1 <= len(asks) <= 2 and all("startdatetime=20241001000000" in r.url for r in asks)
    answer = json.dumps({"articles": [{"url": "http://copy.example/", "title": "A headline",
                                       "seendate": "20241025T061500Z"}]}).encode()
    (found,) = gdelt.read(Response(asks[0].url, body=answer))
    assert found == Candidate("http://copy.example/", "A headline", seen=datetime(2024, 10, 25, 6, 15),
                              extra={"domain": None, "language": None})

    watch = WatchListSource(0.0, [])
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>http://news.example/s1.xml</loc></sitemap></sitemapindex>")
    listing = Request("http://news.example/index.xml", meta={KEY: Trail(listing="http://news.example/index.xml")})
    (child,) = watch.read(Response(listing.url, body=index, request=listing))
    assert trail_of(child).listing == "http://news.example/s1.xml"

    listed = UrlListSource(0.0, ["http://x.example/"])
    assert listed.search(subject, None) == [Candidate("http://x.example/")]
    assert listed.search(replace(subject, hop=1), None) == []  # only the seeds' searches use the list
    wayback = WaybackSource(0.0, "http://cdx.example/cdx", "http://r.example/{timestamp}/{url}")
    (ask,) = wayback.first_seen("http://copy.example/")
    assert trail_of(ask) == Trail(about="http://copy.example/", want="first")


# -- the spider, extraction, fates ---------------------------------------------------------------------


ARTICLE = (b"<html><head><title>Allies agree</title><link rel=canonical href='http://origin.example/story'>"
           b"</head><body><article><h1>Allies agree</h1>"
           + b"".join(b"<p>Seoul and Washington agreed on Tuesday to keep their alliance whatever the vote brings, "
                      b"officials said in a statement number %d.</p>" % n for n in range(12))
           + b"</article></body></html>")


def test_extraction_workers_run_at_the_niceness_asked_for():
    import os

    from crawler.extraction import Extraction

    extraction = Extraction.from_crawler(crawler_with(PROVENANCE_EXTRACT_WORKERS=1, PROVENANCE_EXTRACT_NICE=7))
    extraction.open()
    try:
        worker = extraction.pool.submit(os.nice, 0).result()
    finally:
        extraction.close()
    assert worker == min(os.nice(0) + 7, 19)  # the crawler's own process keeps its priority


def test_the_word_lists_every_worker_reads_are_read_before_the_workers_fork(monkeypatch):
    from trafilatura import external

    from crawler.extraction import Extraction

    monkeypatch.setattr(external, "JT_STOPLIST", None)
    Extraction.from_crawler(crawler_with())
    assert external.JT_STOPLIST and "the" in external.JT_STOPLIST


def test_what_the_crawl_built_before_the_spider_opened_is_frozen_out_of_collections_until_it_closes():
    import gc

    from crawler.collector import FreezeStartupObjects

    collector = FreezeStartupObjects.from_crawler(crawler_with())
    thresholds = gc.get_threshold()
    collector.spider_opened()
    try:
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] > thresholds[0]
    finally:
        collector.spider_closed()
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    with pytest.raises(NotConfigured):
        FreezeStartupObjects.from_crawler(crawler_with(PROVENANCE_GC_FREEZE=False))


@deferred_f_from_coro_f
async def test_the_callback_awaits_extraction_and_yields_the_leads_then_the_page():
    from crawler.extraction import Extraction

    crawler = crawler_with(PROVENANCE_EXTRACT_WORKERS=1)
    spider = crawler.spider
    extraction = Extraction.from_crawler(crawler)
    spider.__dict__.update(extraction=extraction, discovery=None, frontier=None, ledger=None)

    extraction.open()
    try:
        response = HtmlResponse(SEED, body=ARTICLE, encoding="utf-8",
                                request=Request(SEED, meta={KEY: Trail(), "depth": 0}))
        *leads, item = [out async for out in spider.parse(response)]
    finally:
        extraction.close()
    assert isinstance(item, PageItem) and item.page is not None and "alliance" in item.page.text
    assert [(r.url, trail_of(r)) for r in leads] == [("http://origin.example/story",
                                                      Trail(via="canonical", referrer=SEED))]
    assert leads[0].callback == spider.parse and leads[0].errback == spider.failed
    assert crawler.stats.get_value("provenance/extracted") == 1


@deferred_f_from_coro_f
async def test_an_item_fate_is_told_by_scrapys_signals():
    crawler = crawler_with()
    fates = Fates(crawler.signals)
    stored, dropped = PageItem(SEED, 200, None, b""), PageItem(SEED, 200, None, b"")
    first, second = fates.expect(stored), fates.expect(dropped)
    crawler.signals.send_catch_log(signals.item_scraped, item=stored, response=None, spider=None)
    crawler.signals.send_catch_log(signals.item_dropped, item=dropped, response=None, exception=None, spider=None)
    assert (await first, await second) == (True, False)
    assert fates.waiting == {}


# -- the archive ----------------------------------------------------------------------------------------


def test_the_exchange_and_the_text_are_archived_and_the_key_redacted(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    crawler = crawler_with(WARC_DIR=str(tmp_path / "warc"))
    files = WarcFiles.from_crawler(crawler)
    middleware = WarcArchiveMiddleware(files.writer, crawler.stats)
    request = Request("http://api.example/q?key=s3cret", meta={KEY: Trail(call="search", secrets=("s3cret",))})
    response = Response(request.url, status=200, body=b"{}", request=request)
    assert middleware.process_response(request, response) is response
    record_id = request.meta["warc"]["warc_record_id"]
    pipeline = ArchiveTextPipeline(files.writer, crawler.stats)
    item = PageItem("http://api.example/q", 200, "text/html", b"", warc=request.meta["warc"])
    item.page = Page("http://api.example/q", "the text", title="T")
    assert pipeline.process_item(item) is item
    files.close()
    records = []
    for path in sorted((tmp_path / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            records += [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                         r.rec_headers.get_header("WARC-Refers-To")) for r in ArchiveIterator(fh)]
    uris = [uri for _, uri, _ in records]
    assert "http://api.example/q?key=REDACTED" in uris and not any("s3cret" in (u or "") for u in uris)
    assert ("resource", "urn:text:http://api.example/q", record_id) in records
    assert crawler.stats.get_value("warc/derived_records") == 2


# -- the other middlewares, the graph, the summary ----------------------------------------------------


def test_replay_answers_from_the_archive_and_counts_misses(tmp_path):
    from crawler.middlewares import REPLAYED, ReplayMiddleware
    from tests.conftest import ROOT

    crawler = crawler_with(REPLAY_ARCHIVE=str(ROOT / "demo" / "seed-story.warc.gz"), WARC_ENABLED=False)
    middleware = ReplayMiddleware.from_crawler(crawler)
    assert middleware.writer is None
    seed = next(line for line in (ROOT / "demo" / "seeds.txt").read_text().split() if line.startswith("http"))
    hit = middleware.process_request(Request(seed, meta={KEY: Trail()}))
    assert hit.status == 200 and REPLAYED in hit.flags and b"<html" in hit.body.lower()
    miss = middleware.process_request(Request("https://nowhere.example/", meta={KEY: Trail()}))
    assert miss.status == 404 and "replay-miss" in miss.flags
    assert crawler.stats.get_value("replay/hit") == 1 and crawler.stats.get_value("replay/miss") == 1


def test_a_redirect_back_into_its_chain_is_a_loop():
    from crawler.middlewares import RedirectLoopMiddleware

    crawler = crawler_with()
    middleware = RedirectLoopMiddleware.from_crawler(crawler)
    request = Request("http://a.example/b", meta={"redirect_urls": ["http://a.example/a"]})
    onward = Response(request.url, status=302, headers={"Location": "/c"}, request=request)
    assert middleware.process_response(request, onward) is onward
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        middleware.process_response(request, Response(request.url, status=302, headers={"Location": "/a"}))
    assert crawler.stats.get_value("provenance/redirect_loops") == 1


@deferred_f_from_coro_f
async def test_private_addresses_are_refused_before_any_connection():
    from crawler.middlewares import PrivateAddressGuard

    crawler = crawler_with(PROVENANCE_ALLOW_PRIVATE_ADDRESSES=False)
    guard = PrivateAddressGuard.from_crawler(crawler)
    with pytest.raises(IgnoreRequest):
        await guard.process_request(Request("http://127.0.0.1:8080/admin"))
    with pytest.raises(IgnoreRequest, match="only http and https"):
        await guard.process_request(Request("ftp://example.com/file"))
    assert crawler.stats.get_value("security/refused_private_address") == 1


def test_the_browser_renders_pages_only():
    from crawler.browser import BrowserCaptureMiddleware

    middleware = BrowserCaptureMiddleware(crawler_with().stats, None, "load")
    story_page = Request("http://a.example/", meta={KEY: Trail()})
    call = Request("http://api.example/q", meta={KEY: Trail(call="gdelt")})
    archived = Request("http://archive.example/x", meta={KEY: Trail(archived_copy="http://gone.example/")})
    robots = Request("http://a.example/robots.txt")
    for request in (story_page, call, archived, robots):
        middleware.process_request(request)
    assert story_page.meta["playwright"] and story_page.meta["playwright_page_goto_kwargs"] == {"wait_until": "load"}
    assert not any("playwright" in r.meta for r in (call, archived, robots))


def test_the_search_key_is_a_secret_and_common_crawl_records_are_ranges():
    from crawler.discovery import CommonCrawlSource, WebSearchSource

    subject = Subject(1, SEED, Signature.of("A headline of the story", "Seoul and Washington agree. " * 30), 1, 0, 0)
    search = WebSearchSource(0.0, "http://s.example/v1?key={key}&q={query}", "k3y", "$.items[*].link", None, 1)
    (ask,) = search.search(subject, (None, None))
    assert "key=k3y" in ask.url and trail_of(ask).secrets == ("k3y",)

    cc = CommonCrawlSource(0.0, "http://index.example/", "http://data.example", ["CC-MAIN-2024-42"])
    (lookup,) = cc.gone("http://gone.example/")
    assert lookup.url.startswith("http://index.example/CC-MAIN-2024-42-index?") and lookup.dont_filter
    assert lookup.meta["handle_httpstatus_list"] == [404] and trail_of(lookup).want == "copy"
    line = json.dumps({"url": "http://gone.example/", "timestamp": "20241026101500", "status": "200", "mime": "text/html",
                       "filename": "crawl-data/x.warc.gz", "offset": "100", "length": "50"}).encode()
    (record,) = cc.read(Response(lookup.url, body=line, request=lookup))
    assert record.url == "http://data.example/crawl-data/x.warc.gz" and record.headers["Range"] == b"bytes=100-149"
    assert trail_of(record) == Trail(archived_copy="http://gone.example/", warc_record=True)
    assert list(cc.read(Response(lookup.url, status=404, request=lookup))) == []


def test_a_failed_page_is_counted_and_looked_up_in_the_archives():
    crawler = crawler_with(DISCOVERY_SOURCES={"crawler.discovery.WaybackSource": 1})
    spider = crawler.spider
    spider.__dict__.update(discovery=opened_discovery(crawler), ledger=None)
    from twisted.python.failure import Failure

    request = Request("http://gone.example/", meta={KEY: Trail(via="credit_link"), "depth": 1})
    failure = Failure(IgnoreRequest("refused"))
    failure.request = request
    (lookup,) = spider.failed(failure)
    assert trail_of(lookup).call == "wayback" and trail_of(lookup).page == trail_of(request)
    assert crawler.stats.get_value("provenance/fetch_failed") == 1
    request.meta[DUPLICATE] = True  # dropped by the ledger as fetched already: nothing failed
    assert list(spider.failed(failure)) == []


@deferred_f_from_coro_f
async def test_the_graph_pipeline_stores_an_extracted_page_and_drops_one_without_text(tmp_path):
    from scrapy.exceptions import DropItem

    from crawler.extraction import Extraction
    from crawler.pipelines import GraphPipeline

    crawler = crawler_with(PROVENANCE_DB=f"sqlite:///{tmp_path / 'graph.db'}", PROVENANCE_EXTRACT_WORKERS=1)
    extraction, pipeline = Extraction.from_crawler(crawler), GraphPipeline.from_crawler(crawler)
    assert pipeline.coordinator is None  # one crawl process: no CoordinationExtension
    extraction.open()
    pipeline.open_spider()
    try:
        item = PageItem(SEED, 200, "text/html", ARTICLE, fetched_at="2024-10-25T10:00:00",
                        warc={"warc_record_id": "<urn:uuid:1>"})
        await extraction.extract(item)
        stored = await pipeline.process_item(item)
        assert stored is item and item.document_id is not None and item.body == b""
        empty = PageItem("http://a.example/empty", 200, "image/png", b"\x89PNG")
        await extraction.extract(empty)
        with pytest.raises(DropItem, match="no document"):
            await pipeline.process_item(empty)
    finally:
        pipeline.close_spider()
        extraction.close()
    assert crawler.stats.get_value("provenance/documents_added") == 1
    assert crawler.stats.get_value("provenance/skipped") == 1 and crawler.stats.get_value("provenance/not_html") == 1


def test_the_summary_names_a_source_whose_every_call_failed(caplog):
    from crawler.extensions import ProvenanceSummary

    crawler = crawler_with()
    summary = ProvenanceSummary(crawler.stats, 10, None)
    for key, value in {"sources/gdelt/calls": 3, "sources/gdelt/failed": 3, "sources/list/candidates": 2}.items():
        crawler.stats.set_value(key, value)
    table = summary.sources_table()
    assert re.search(r"gdelt +0 +0 .* 3 +3  FAILED", table) and re.search(r"list +0 +2 ", table)
    assert "discovery source gdelt FAILED" in caplog.text


def test_archive_never_imports_scrapy_and_only_the_spider_side_schedules():
    from tests.conftest import ROOT

    scrapy_imports = [p for p in (ROOT / "archive").rglob("*.py")
                      if re.search(r"^\s*(import scrapy|from scrapy)", p.read_text(), re.M)]
    assert scrapy_imports == []
    scheduling = {p.relative_to(ROOT).as_posix() for p in (ROOT / "crawler").rglob("*.py") if "engine.crawl(" in p.read_text()}
    assert scheduling <= {"crawler/middlewares.py"}  # the back-off retry, handed to the engine when due
