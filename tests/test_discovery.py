"""Discovery: copies nobody links to, found through each source, against local servers that answer
as the real services do (GDELT DOC artlist JSON, a search API, RSS, news sitemaps, Wayback CDX,
Common Crawl's index and WARC data with range requests, a URL list).

The seed is the origin of the demo story (Pacific Forum), which links to none of its copies.
"""

from __future__ import annotations

import io
import re
import json
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.discovery.responses import (ResponseProblem, cdx_captures, commoncrawl_captures, feed_items,
                                         gdelt_articles, search_results, sitemap_entries)
from archive.discovery.signature import Signature
from archive.discovery.watchlist import WatchListError, load
from demo.server import SiteServer
from tests.conftest import ROOT, crawl, crawl_command

PF = "http://pacforum.example/publication/trump-or-harris-us-and-s-korea-must-stick-together/"
AT = "http://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/"
MN = "http://menafn.example/1108812345/Trump-Or-Harris-US-And-S-Korea-Must-Stick-Together/"
NB = "http://newsbeat-daily.example/trump-or-harris-us-and-s-korea-must-stick-together/"
OIL = "http://menafn.example/1108812399/Oil-prices-steady/"
TITLE = "Trump or Harris, US and S Korea must stick together"
COPIES = {AT, MN, NB}


def stored(db: str) -> dict[str, dict]:
    """url -> {via, signals} of every stored document."""
    path = db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT url, discovered_via, signals, story_id FROM documents").fetchall()
    return {url: {"via": via, "signals": json.loads(signals or "{}"), "story": story} for url, via, signals, story in rows}


def fetched(server: SiteServer) -> list[str]:
    return [u for u in server.requests if not u.endswith("/robots.txt")]


class Services:
    """The outside world of a discovery crawl, served by one local proxy-style server."""

    def __init__(self, pages: dict[str, bytes], gone: set[str] = frozenset()):
        self.pages = {u: b for u, b in pages.items() if u not in gone}
        self.archived = pages  # what the public archives hold: everything, gone pages included
        self.routes = {}

    def route(self, host: str, answer) -> None:
        self.routes[host] = answer

    def __call__(self, url: str):
        host = urlsplit(url).hostname
        if host in self.routes:
            return self.routes[host](url)
        return None


@pytest.fixture
def world(demo_pages):
    return demo_pages


def _crawl(tmp_path, server, *settings):
    db = f"sqlite:///{tmp_path / 'graph.db'}"
    result = crawl(tmp_path, db, [PF], "PROVENANCE_DEPTH=2", *settings, proxy=server.proxy)
    return db, result


def common_crawl_warc(pages: dict[str, bytes], urls: list[str]) -> tuple[bytes, dict[str, tuple[int, int]]]:
    """A gzip WARC of several response records, as on Common Crawl's data server, and where each
    record is (offset, length)."""
    buffer, spans = io.BytesIO(), {}
    writer = WARCWriter(buffer, gzip=True)
    for url in urls:
        start = buffer.tell()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        body = pages[url]
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                      http_headers=headers))
        spans[url] = (start, buffer.tell() - start)
    return buffer.getvalue(), spans


def cc_line(url: str, span: tuple[int, int], timestamp: str = "20241026101500") -> bytes:
    """One line of Common Crawl's URL index (output=json)."""
    return (json.dumps({"urlkey": "example)/x", "timestamp": timestamp, "url": url, "mime": "text/html", "status": "200",
                        "digest": "X", "length": str(span[1]), "offset": str(span[0]),
                        "filename": "crawl-data/CC-MAIN-2024-42/segments/1/warc/CC-MAIN-test-00000.warc.gz"}) + "\n").encode()


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# -- each source finds the unlinked copies --------------------------------------------------------


def test_gdelt_artlist_finds_unlinked_copies(tmp_path, world):
    asked = []

    def gdelt(url):
        query = _query(url)
        asked.append(query)
        articles = [{"url": u, "url_mobile": "", "title": TITLE, "seendate": "20241025T061500Z",
                     "socialimage": "", "domain": urlsplit(u).hostname, "language": "English",
                     "sourcecountry": "Hong Kong"} for u in (AT, MN, NB)]
        articles.append({"url": OIL, "title": "Oil prices steady", "seendate": "20241025T080000Z",
                         "domain": "menafn.example", "language": "English"})
        return 200, {"Content-Type": "application/json"}, json.dumps({"articles": articles}).encode()

    services = Services(world)
    services.route("api.gdeltproject.org", gdelt)
    with SiteServer(services.pages, hook=services) as server:
        db, result = _crawl(tmp_path, server, "DISCOVERY_SOURCES={\"crawler.discovery.GdeltSource\": 1}",
                            "GDELT_API=http://api.gdeltproject.org/api/v2/doc/doc")
    docs = stored(db)
    assert COPIES <= set(docs)
    assert {docs[u]["via"] for u in (MN, NB)} == {"gdelt"}
    assert OIL not in docs and OIL not in fetched(server)  # its headline does not look like the story
    assert all(q["mode"] == "artlist" and q["format"] == "json" and q["query"].startswith('"') for q in asked)
    assert docs[NB]["signals"]["first_seen"] == {"date": "2024-10-25T06:15:00", "source": "gdelt"}
    assert len({docs[u]["story"] for u in COPIES | {PF}}) == 1  # one story
    assert re.search(r"source +queries +candidates +matched.*\n +gdelt +[1-9]\d* +3 +3 +0", result.stderr), result.stderr[-1500:]


def test_web_search_api_with_a_key_kept_out_of_the_archive(tmp_path, world, monkeypatch):
    def search(url):
        assert _query(url)["key"] == "s3cret"
        items = [{"link": u, "title": f"{TITLE} – Asia Times"} for u in (MN, NB)]
        return 200, {"Content-Type": "application/json"}, json.dumps({"kind": "customsearch#search", "items": items}).encode()

    services = Services(world)
    services.route("search.example", search)
    monkeypatch.setenv("MY_SEARCH_KEY", "s3cret")
    with SiteServer(services.pages, hook=services) as server:
        db, _ = _crawl(tmp_path, server, "DISCOVERY_SOURCES={\"crawler.discovery.WebSearchSource\": 1}",
                       "WEB_SEARCH_URL=http://search.example/v1?key={key}&q={query}",
                       "WEB_SEARCH_KEY_ENV=MY_SEARCH_KEY")
    docs = stored(db)
    assert {docs[u]["via"] for u in (MN, NB)} == {"search"}
    import gzip

    archived = b"".join(gzip.decompress(p.read_bytes()) for p in (tmp_path / "warc").glob("*.warc.gz"))
    assert b"search.example/v1?key=REDACTED" in archived and b"s3cret" not in archived


def test_watch_list_feeds_and_news_sitemaps(tmp_path, world):
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>MENAFN</title>
      <item><title>{TITLE}</title><link>{MN}</link><pubDate>Fri, 25 Oct 2024 09:00:00 GMT</pubDate></item>
      <item><title>Oil prices steady ahead of OPEC+ meeting</title><link>{OIL}</link>
        <pubDate>Fri, 25 Oct 2024 10:00:00 GMT</pubDate></item>
      <item><title>{TITLE}</title><link>http://menafn.example/old/</link><pubDate>Mon, 01 Jan 2018 09:00:00 GMT</pubDate></item>
    </channel></rss>"""
    index = """<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>http://newsbeat-daily.example/news-sitemap.xml</loc></sitemap></sitemapindex>"""
    news = f"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>{NB}</loc><news:news><news:publication><news:name>NewsBeat</news:name><news:language>en</news:language>
        </news:publication><news:publication_date>2024-10-26T08:00:00+00:00</news:publication_date>
        <news:title>{TITLE} – Asia Times</news:title></news:news></url>
      <url><loc>http://newsbeat-daily.example/10-foods-that-burn-belly-fat/</loc><news:news>
        <news:publication_date>2024-10-20T08:00:00+00:00</news:publication_date><news:title>10 foods that burn belly fat</news:title>
      </news:news></url></urlset>"""
    pages = {**world, "http://menafn.example/rss.xml": (200, {"Content-Type": "application/rss+xml"}, rss.encode()),
             "http://newsbeat-daily.example/sitemap.xml": (200, {"Content-Type": "application/xml"}, index.encode()),
             "http://newsbeat-daily.example/news-sitemap.xml": (200, {"Content-Type": "application/xml"}, news.encode())}
    watch = tmp_path / "watch.toml"
    watch.write_text('[[outlet]]\nname = "MENAFN"\nhome = "http://menafn.example/"\nfeeds = ["http://menafn.example/rss.xml"]\n\n'
                     '[[outlet]]\nname = "NewsBeat"\nhome = "http://newsbeat-daily.example/"\n'
                     'sitemaps = ["http://newsbeat-daily.example/sitemap.xml"]\n')
    with SiteServer(pages) as server:
        db, result = _crawl(tmp_path, server, "DISCOVERY_SOURCES={\"crawler.discovery.WatchListSource\": 1}",
                            f"DISCOVERY_WATCHLIST={watch}")
    docs = stored(db)
    assert docs[MN]["via"] == "watchlist" and docs[NB]["via"] == "watchlist"
    urls = fetched(server)
    assert OIL not in urls and "http://newsbeat-daily.example/10-foods-that-burn-belly-fat/" not in urls
    assert "http://menafn.example/old/" not in urls  # outside the time window around the story's date


def test_wayback_and_common_crawl_recover_gone_copies_and_date_them(tmp_path, world):
    gone = {MN, NB}
    services = Services(world, gone=gone)
    cdx_asked = []

    def wayback(url):
        parts = urlsplit(url)
        if parts.path == "/cdx/search/cdx":
            query = _query(url)
            cdx_asked.append(query)
            wanted = query["url"]
            if wanted not in world:
                return 200, {"Content-Type": "application/json"}, b"[]"
            header = ["timestamp", "original", "statuscode", "mimetype"]
            rows = [["20241025093000", wanted, "200", "text/html"], ["20241101000000", wanted, "200", "text/html"]]
            rows = rows[:1] if query.get("limit") == "1" else rows[-1:]
            return 200, {"Content-Type": "application/json"}, json.dumps([header, *rows]).encode()
        original = parts.path.split("id_/", 1)[1]
        return 200, {"Content-Type": "text/html"}, world[original]

    warc, spans = common_crawl_warc(world, [OIL, NB, PF])  # Common Crawl's data: several records a file

    def cc_index(url):
        wanted = _query(url)["url"]
        if wanted != NB:
            return 404, {"Content-Type": "application/json"}, b'{"message": "No Captures found for: x"}'
        return 200, {"Content-Type": "text/x-ndjson"}, cc_line(NB, spans[NB])

    services.route("web.archive.org", wayback)
    services.route("index.commoncrawl.org", cc_index)
    services.route("data.commoncrawl.org", lambda url: (200, {"Content-Type": "application/octet-stream"}, warc))
    candidates = tmp_path / "candidates.txt"
    candidates.write_text(f"{MN}\n{NB}\n{AT}\n")
    with SiteServer(services.pages, hook=services) as server:
        db, result = _crawl(tmp_path, server, "DISCOVERY_SOURCES={\"crawler.discovery.UrlListSource\": 1, "
                            "\"crawler.discovery.WaybackSource\": 2, \"crawler.discovery.CommonCrawlSource\": 3}",
                            f"DISCOVERY_URL_LIST={candidates}", "WAYBACK_CDX=http://web.archive.org/cdx/search/cdx",
                            "WAYBACK_REPLAY=http://web.archive.org/web/{timestamp}id_/{url}",
                            "COMMONCRAWL_INDEX=http://index.commoncrawl.org", "COMMONCRAWL_DATA=http://data.commoncrawl.org")
    docs = stored(db)
    assert docs[AT]["via"] == "list"
    assert docs[MN]["signals"]["archived_copy"]["by"] == "wayback"
    assert docs[MN]["signals"]["archived_copy"]["url"].startswith("http://web.archive.org/web/20241101000000id_/")
    assert docs[NB]["signals"]["archived_copy"]["by"] in {"wayback", "commoncrawl"}
    assert "sources/commoncrawl/queries" in result.stderr  # the range request into the WARC file was made
    # every stored copy got its first capture date from the archives
    assert docs[AT]["signals"]["first_seen"]["date"] == "2024-10-25T09:30:00"
    assert any(q.get("limit") == "1" for q in cdx_asked)
    assert len({docs[u]["story"] for u in COPIES | {PF}}) == 1


def test_common_crawl_record_is_read_with_a_range_request(tmp_path, world):
    """Only Common Crawl on: the gone copy comes out of the right record of a multi-record WARC."""
    services = Services(world, gone={NB})
    warc, spans = common_crawl_warc(world, [OIL, NB, PF])
    services.route("index.commoncrawl.org", lambda url: (200, {}, cc_line(NB, spans[NB]))
                   if _query(url)["url"] == NB else (404, {}, b'{"message": "No Captures found"}'))
    services.route("data.commoncrawl.org", lambda url: (200, {"Content-Type": "application/octet-stream"}, warc))
    candidates = tmp_path / "candidates.txt"
    candidates.write_text(f"{NB}\n")
    with SiteServer(services.pages, hook=services) as server:
        db, _ = _crawl(tmp_path, server, "DISCOVERY_SOURCES={\"crawler.discovery.UrlListSource\": 1, "
                       "\"crawler.discovery.CommonCrawlSource\": 2}", f"DISCOVERY_URL_LIST={candidates}",
                       "COMMONCRAWL_INDEX=http://index.commoncrawl.org", "COMMONCRAWL_DATA=http://data.commoncrawl.org")
    docs = stored(db)
    assert docs[NB]["signals"]["archived_copy"]["by"] == "commoncrawl"
    assert docs[NB]["signals"]["first_seen"]["date"] == "2024-10-26T10:15:00"
    assert docs[NB]["story"] is not None and docs[NB]["story"] == docs[PF]["story"]


# -- politeness and control -------------------------------------------------------------------------


def _list_crawl(tmp_path, world, urls, *settings, robots=None):
    candidates = tmp_path / "candidates.txt"
    candidates.write_text("\n".join(urls) + "\n")
    with SiteServer(world, robots=robots) as server:
        db, result = _crawl(tmp_path, server, "DISCOVERY_SOURCES={\"crawler.discovery.UrlListSource\": 1}",
                            f"DISCOVERY_URL_LIST={candidates}", *settings)
    return db, fetched(server), result


def test_robots_txt_disallow_is_honoured(tmp_path, world):
    db, urls, _ = _list_crawl(tmp_path, world, [AT, MN, NB], robots={"menafn.example": "User-agent: *\nDisallow: /\n"})
    assert MN not in urls and MN not in stored(db)
    assert NB in stored(db)


def test_retries_back_off(tmp_path, world):
    import time

    tries: list[float] = []

    def flaky(url):
        if url.rstrip("/") == PF.rstrip("/"):
            tries.append(time.monotonic())
            if len(tries) < 3:
                return 503, {"Content-Type": "text/html"}, b"<html><body>busy</body></html>"
        return None

    with SiteServer(world, hook=flaky) as server:
        db, result = _crawl(tmp_path, server, "RETRY_BACKOFF_BASE=0.5")
    assert len(tries) == 3 and PF in stored(db)
    first, second = tries[1] - tries[0], tries[2] - tries[1]
    assert first >= 0.35 and second >= 0.75, (first, second)  # 0.5 s, then 1 s (±20 % jitter)


def test_allowed_and_denied_domains(tmp_path, world):
    db, urls, result = _list_crawl(tmp_path, world, [AT, MN, NB], "PROVENANCE_DENIED_DOMAINS=menafn.example")
    assert MN not in urls and AT in urls and NB in urls
    (tmp_path / "again").mkdir()
    db, urls, _ = _list_crawl(tmp_path / "again", world, [AT, MN, NB],
                              "PROVENANCE_ALLOWED_DOMAINS=pacforum.example,asiatimes.example")
    assert AT in urls and MN not in urls and NB not in urls


def test_the_story_budget_stops_discovery(tmp_path, world):
    db, urls, result = _list_crawl(tmp_path, world, [AT, MN, NB, OIL], "DISCOVERY_BUDGET=2")
    assert len([u for u in urls if u in {AT, MN, NB, OIL}]) == 2
    assert "sources/list/over_budget" in result.stderr


def test_unmatched_candidates_do_not_search_again(tmp_path, world):
    db, _, result = _list_crawl(tmp_path, world, [OIL, AT], "DISCOVERY_HOPS=3")
    assert "'sources/list/unmatched': 1" in result.stderr and "'sources/list/matched': 1" in result.stderr


def test_since_fetches_only_what_is_new(tmp_path, world):
    db, first, _ = _list_crawl(tmp_path, world, [AT, MN])
    assert AT in first and MN in first
    candidates = tmp_path / "candidates.txt"
    candidates.write_text(f"{AT}\n{MN}\n{NB}\n")
    with SiteServer(world) as server:
        crawl(tmp_path, db, [PF], "PROVENANCE_DEPTH=2", "DISCOVERY_SOURCES={\"crawler.discovery.UrlListSource\": 1}",
              f"DISCOVERY_URL_LIST={candidates}", "DISCOVERY_SINCE=2024-10-01", proxy=server.proxy)
        again = fetched(server)
    assert NB in again and AT not in again and MN not in again  # known copies are not fetched again
    assert NB in stored(db)


# -- the readers, on the services' own response shapes ------------------------------------------------


def test_readers_accept_the_real_shapes_and_refuse_others():
    assert gdelt_articles(b"{}") == []
    found = gdelt_articles(json.dumps({"articles": [{"url": AT, "title": "t", "seendate": "20241025T061500Z"}]}).encode())
    assert found[0].url == AT and found[0].seen.isoformat() == "2024-10-25T06:15:00"
    with pytest.raises(ResponseProblem, match="not JSON"):
        gdelt_articles(b"Your search contained a phrase that was too short.")
    assert cdx_captures(b"[]") == []
    rows = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
            ["x", "20241025093000", AT, "text/html", "200", "D", "100"]]
    assert cdx_captures(json.dumps(rows).encode())[0].status == 200
    assert commoncrawl_captures(b'{"message": "No Captures found for: x"}\n') == []
    assert search_results(b'{"webPages": {"value": [{"url": "https://a.example/"}]}}', "$.webPages.value[*].url")[0].url \
        == "https://a.example/"
    with pytest.raises(ResponseProblem):
        search_results(b"{}", "$$[")
    with pytest.raises(ResponseProblem):
        feed_items(b"<html>not a feed</html>")
    with pytest.raises(ResponseProblem):
        sitemap_entries(b"{json}")
    kind, entries = sitemap_entries(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                    b"<url><loc>http://a.example/1</loc><lastmod>2024-10-25</lastmod></url></urlset>")
    assert kind == "urlset" and entries[0].url == "http://a.example/1" and entries[0].seen.year == 2024


def test_watch_list_errors_are_clear(tmp_path):
    bad = tmp_path / "w.toml"
    bad.write_text("[[outlet]]\nname = 'x'\n")
    with pytest.raises(WatchListError, match="home URL"):
        load(bad)
    bad.write_text("not toml = = =")
    with pytest.raises(WatchListError, match="not valid TOML"):
        load(bad)
    with pytest.raises(WatchListError, match="cannot read"):
        load(tmp_path / "missing.toml")


def test_query_phrases_survive_spinning_and_truncation():
    import re

    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not here")
    syndicated = (seeds / "syndicated-copy.txt").read_text()
    spun = (seeds / "spun-copy.txt").read_text()
    norm = lambda text: " ".join(re.findall(r"\w+", text.lower()))  # noqa: E731
    queries = Signature.of(TITLE, syndicated).queries()
    assert len(queries) >= 3
    assert sum(norm(q) in norm(spun) for q in queries) >= 2  # found in the spun copy too
    assert Signature.of(TITLE, syndicated).looks_like(f"{TITLE} – Asia Times")
    assert not Signature.of(TITLE, syndicated).looks_like("Oil prices steady ahead of OPEC+ meeting")


def test_discovery_offline_never_holds_the_pages_back(tmp_path, demo_server, demo_seeds):
    """Every default source pointed at a dead local port, GDELT at its real 5 s pace: the pages are
    all fetched and stored, each source is taken as down after a few failed calls (no more asked)
    and reported FAILED, not as "0 candidates"."""
    args, env = crawl_command(tmp_path, f"sqlite:///{tmp_path / 'graph.db'}", demo_seeds,
                              "DISCOVERY_SOURCES={\"crawler.discovery.GdeltSource\": 1, "
                              "\"crawler.discovery.WaybackSource\": 2, \"crawler.discovery.CommonCrawlSource\": 3}",
                              "GDELT_API=http://127.0.0.1:9/gdelt", "WAYBACK_CDX=http://127.0.0.1:9/cdx",
                              "COMMONCRAWL_INDEX=http://127.0.0.1:9/cc", "GDELT_DELAY=5", "DISCOVERY_DELAY=1",
                              "RETRY_BACKOFF_BASE=1", proxy=demo_server.proxy)
    env["no_proxy"] = "127.0.0.1"  # the dead port is reached directly, and refuses
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    (tmp_path / "crawl.log").write_text(result.stderr)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'provenance/documents_added': 4" in result.stderr
    stats = {k: int(v) for k, v in re.findall(r"'(sources/[a-z]+/[a-z_]+)': (\d+)", result.stderr)}
    for source in ("gdelt", "wayback", "commoncrawl"):
        assert stats[f"sources/{source}/calls"] == stats[f"sources/{source}/failed"] == 1, stats  # then down
        assert re.search(rf"discovery source {source} FAILED: all \d+ of its calls failed", result.stderr)
    assert stats["sources/gdelt/down"] > 0  # the calls it would have made after that were dropped
    page_fetches = [u for u in demo_server.requests if not u.endswith("/robots.txt")]
    assert len(page_fetches) == 4  # every page once; no call of a dead source reached the site
