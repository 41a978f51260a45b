"""Browser capture: pages rendered by the system's Chromium through scrapy-playwright, archived
the way browsertrix-crawler archives them.

With ``BROWSER_CAPTURE = True`` (or the ``syndication-browser`` spider) every page of the crawl
(a request of the frontier) is loaded in headless Chromium; the spider gets the rendered DOM, so
an article built by JavaScript is extracted like any other. The archive gets what the browser
received: each network response of the page (the document, scripts, styles, images, XHR) as a
request/response pair, as it came (bodies decoded by the browser, so Content-Encoding is dropped),
and a full-page screenshot as a ``resource`` record ``urn:screenshot:<url>`` (image/png), then a
``metadata`` record listing what the page loaded (``page-resource``). The page cites the
document's response record. Robots.txt, APIs and archived copies are fetched as usual.

No browser is downloaded: ``BROWSER_EXECUTABLE`` (default: ``chromium`` or ``chromium-browser``
on the PATH, Debian's package) is launched by playwright. The browser goes through the proxy of
the ``http_proxy``/``https_proxy`` environment, as Scrapy does, and unless
``PROVENANCE_ALLOW_PRIVATE_ADDRESSES`` its sub-requests to private addresses are refused too.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import UTC, datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings

from archive.wacz import PAGE_RESOURCE
from crawler.middlewares import BROWSER_ARCHIVED
from crawler.trail import trail_of
from crawler.warc import warc_writer

LOGGER = logging.getLogger(__name__)
EXECUTABLES = ("chromium", "chromium-browser")
_DROPPED = {"content-encoding", "transfer-encoding", "content-length"}  # the browser decoded the body


def find_browser(settings: BaseSettings) -> str:
    """The Chromium to launch: ``BROWSER_EXECUTABLE``, else the system's."""
    configured = settings.get("BROWSER_EXECUTABLE")
    found = configured or next(filter(None, map(shutil.which, EXECUTABLES)), None)
    if not found or not shutil.which(found):
        raise NotConfigured(f"browser capture needs Chromium: {configured or ' or '.join(EXECUTABLES)} not found "
                            "(install Debian's chromium package, or set BROWSER_EXECUTABLE)")
    return shutil.which(found)


def _env_proxy() -> str | None:
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        if os.environ.get(name):
            return os.environ[name]
    return None


class BrowserCapture:
    """Scrapy add-on: with ``BROWSER_CAPTURE`` on, requests marked by the capture middleware go to
    scrapy-playwright's download handler (other requests still fall back to Scrapy's)."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("BROWSER_CAPTURE"):
            return
        try:
            executable = find_browser(settings)
        except NotConfigured as exc:
            raise SystemExit(f"error: {exc}") from exc
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {**settings.getdict("DOWNLOAD_HANDLERS"), "http": handler, "https": handler},
                     "addon")
        options = {"executable_path": executable, "headless": True, **settings.getdict("BROWSER_LAUNCH_OPTIONS")}
        proxy = _env_proxy()
        if proxy and "proxy" not in options:
            options["proxy"] = {"server": proxy}
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", "addon")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, "addon")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", settings.getint("DOWNLOAD_TIMEOUT") * 1000, "addon")
        if not settings.getbool("PROVENANCE_ALLOW_PRIVATE_ADDRESSES"):
            settings.set("PLAYWRIGHT_ABORT_REQUEST", "crawler.browser.refused_sub_request", "addon")


async def refused_sub_request(playwright_request) -> bool:
    """A page's sub-request to a private, loopback or metadata address is aborted (logged)."""
    from archive.netguard import refused_address

    parts = urlsplit(playwright_request.url)
    if parts.scheme not in ("http", "https"):
        return False  # data:, blob: and the like never leave the browser
    reason = await refused_address(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    if reason:
        LOGGER.warning("browser: refused %s: %s", playwright_request.url, reason)
    return bool(reason)


class _Responses:
    """Collects the page's network responses as the browser reports them (a page event handler)."""

    def __init__(self):
        self.seen = []

    async def __call__(self, response) -> None:
        self.seen.append(response)


_META = ("playwright", "playwright_include_page", "playwright_page_event_handlers", "playwright_page",
         "playwright_page_goto_kwargs", "browser_responses")


class BrowserCaptureMiddleware:
    """Sends the frontier's page requests to the browser, then archives the browser's exchanges
    and a screenshot; the response the spider sees is the rendered DOM."""

    def __init__(self, stats, writer, wait_until: str):
        self.stats = stats
        self.writer = writer  # None when WARC_ENABLED is off
        self.wait_until = wait_until

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if not crawler.settings.getbool("BROWSER_CAPTURE"):
            raise NotConfigured
        return cls(crawler.stats, warc_writer(crawler), crawler.settings.get("BROWSER_WAIT_UNTIL"))

    def process_request(self, request: Request) -> None:
        # pages of the story, not discovery's calls nor robots.txt; a gone page read from a
        # public archive is its archived bytes, not a page to render
        trail = trail_of(request)
        if trail is None or not trail.is_page or trail.archived_copy:
            return None
        responses = _Responses()
        request.meta.update(playwright=True, playwright_include_page=True, browser_responses=responses,
                            playwright_page_event_handlers={"response": responses},
                            playwright_page_goto_kwargs={"wait_until": self.wait_until})
        return None

    async def process_response(self, request: Request, response: Response) -> Response:
        page = request.meta.get("playwright_page")
        responses = request.meta.get("browser_responses")
        for key in _META:  # a retried request goes back to the scheduler: nothing unpicklable
            request.meta.pop(key, None)
        if page is None:
            return response
        try:
            if "playwright" not in response.flags:
                return response
            screenshot = await _screenshot(page)
            ref = await self._archive(response.url, responses.seen if responses else [], screenshot)
        finally:
            await page.close()
        if ref is not None:
            request.meta["warc"] = ref
        self.stats.inc_value("browser/pages")
        return response.replace(flags=[*response.flags, BROWSER_ARCHIVED])

    async def process_exception(self, request: Request, exception: Exception) -> None:
        page = request.meta.get("playwright_page")
        for key in _META:
            request.meta.pop(key, None)
        if page is not None and not page.is_closed():
            await page.close()
        return None

    async def _archive(self, url: str, responses: list, screenshot: bytes | None) -> dict | None:
        """Each exchange the page made, then the screenshot; the document's record for the page."""
        if self.writer is None:
            return None
        document, loaded = None, []
        for answer in responses:
            exchange = await _exchange(answer)
            if exchange is None:
                continue
            ref = self.writer.write_exchange(**exchange)
            self.stats.inc_value("browser/exchanges")
            if answer.url == url and answer.request.is_navigation_request():
                document = ref.as_dict()
            elif answer.url != url:
                loaded.append(answer.url)
        refers_to = document["warc_record_id"] if document else None
        if screenshot is not None:
            self.writer.write_resource(f"urn:screenshot:{url}", screenshot, "image/png", refers_to=refers_to)
            self.stats.inc_value("browser/screenshots")
        # what the page loaded, so a story's package (archive/wacz.py) takes its resources along
        self.writer.write_metadata(url, refers_to, {PAGE_RESOURCE: loaded, "screenshot": f"urn:screenshot:{url}"})
        return document


async def _screenshot(page) -> bytes | None:
    """The whole page as PNG; a page that cannot be pictured is still archived (logged)."""
    from playwright.async_api import Error as PlaywrightError

    try:
        return await page.screenshot(full_page=True, type="png")
    except PlaywrightError as exc:
        LOGGER.warning("browser: no screenshot of %s: %s", page.url, str(exc).splitlines()[0])
        return None


async def _exchange(answer) -> dict | None:
    """A playwright response as ``WarcFileWriter.write_exchange`` arguments (None if it went)."""
    from playwright.async_api import Error as PlaywrightError

    request = answer.request
    try:
        headers = [(h["name"], h["value"]) for h in await answer.headers_array()
                   if h["name"].lower() not in _DROPPED and not h["name"].startswith(":")]
        request_headers = [(h["name"], h["value"]) for h in await request.headers_array()
                           if not h["name"].startswith(":")]
        body = b"" if 300 <= answer.status < 400 else await answer.body()
        server = await answer.server_addr()
    except PlaywrightError as exc:  # the page or the resource went away before it was read
        LOGGER.debug("browser: %s not archived: %s", answer.url, exc)
        return None
    return {
        "url": answer.url, "method": request.method, "request_headers": request_headers,
        "request_body": request.post_data_buffer or b"", "status": answer.status, "response_headers": headers,
        "body": body, "ip_address": server["ipAddress"] if server else None,
        "date": datetime.now(UTC).replace(tzinfo=None),
    }
