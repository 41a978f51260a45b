"""Downloader middlewares: archive every exchange to WARC; answer requests from an archive."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from scrapy.statscollectors import StatsCollector
from scrapy.utils.python import to_unicode

from archive.warc.lookup import ArchiveLookup, Replayed, raw_exchange
from archive.warc.reader import Located
from archive.warc.writer import RecordRef, WarcFileWriter
from crawler.errors import BadInput
from crawler.trail import trail_of
from crawler.warc import warc_writer

LOGGER = logging.getLogger(__name__)
REPLAYED = "replayed"  # response flag: came from REPLAY_ARCHIVE, already archived there
BROWSER_ARCHIVED = "browser-archived"  # response flag: a rendered page whose exchanges are archived
RESCHEDULED = "retry_rescheduled"  # request meta flag: its retry was handed back to the engine, nothing failed
DUPLICATE = "ledger_duplicate"  # request meta flag: dropped as already fetched (crawler/ledger.py)


def ended_quietly(request: Request) -> bool:
    """A request that ended without failing: fetched already, or to be tried again later."""
    return bool(request.meta.get(DUPLICATE) or request.meta.get(RESCHEDULED))


def _headers(headers) -> list[tuple[str, str]]:
    return [(to_unicode(k, errors="replace"), to_unicode(v, errors="replace"))
            for k, values in headers.items() for v in values]


def request_headers(request: Request) -> list[tuple[str, str]]:
    """The headers sent; Host is added by the HTTP client, so we add it here too."""
    from urllib.parse import urlsplit

    headers = _headers(request.headers)
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", urlsplit(request.url).netloc))
    return headers


def _redacted(url: str, secrets: tuple[str, ...]) -> str:
    """An API key in a query URL is not archived (the request meta names what to hide)."""
    for secret in secrets:
        url = url.replace(secret, "REDACTED")
    return url


class WarcArchiveMiddleware:
    """Writes each request and its response (redirects and errors included) to WARC, as they
    went over the wire, and records where in ``request.meta["warc"]``."""

    def __init__(self, writer: WarcFileWriter, stats: StatsCollector):
        self.writer = writer
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        writer = warc_writer(crawler)
        if writer is None:
            raise NotConfigured("WARC_ENABLED is off")
        return cls(writer, crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if REPLAYED in response.flags or BROWSER_ARCHIVED in response.flags:
            return response
        trail = trail_of(request)
        secrets = trail.secrets if trail is not None else ()
        ref = self.writer.write_exchange(
            _redacted(request.url, secrets),
            method=request.method,
            request_headers=[(k, _redacted(v, secrets)) for k, v in request_headers(request)],
            request_body=request.body,
            status=response.status,
            response_headers=_headers(response.headers),
            body=response.body,
            protocol=response.protocol or "HTTP/1.1",
            ip_address=str(response.ip_address) if response.ip_address else None,
            date=datetime.now(UTC).replace(tzinfo=None),
        )
        request.meta["warc"] = ref.as_dict()
        self.stats.inc_value("warc/records_written", 2)
        self.stats.inc_value("warc/revisits" if ref.revisit else "warc/responses")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.writer.write_failure(
            request.url, method=request.method, request_headers=request_headers(request),
            error=f"{type(exception).__name__}: {exception}",
        )
        self.stats.inc_value("warc/failures")
        return None


class ReplayMiddleware:
    """With ``REPLAY_ARCHIVE`` set, answers every request from the archive: the newest capture of
    the URL; archived redirects are followed by RedirectMiddleware; a URL missing from the archive
    gets a 404 flagged ``replay-miss`` and is counted, never fetched from the web.

    The crawl's own archive stands alone: each capture used is copied into its WARC files
    unchanged (with the request record written with it, and a revisit's original first), and the
    page cites the copy. A capture already in the crawl's own folder (a crawl replayed from its own
    archive) gets a ``revisit`` record instead, so no payload is stored twice."""

    def __init__(self, stats: StatsCollector, lookup: ArchiveLookup, writer: WarcFileWriter | None, own: Path):
        self.stats = stats
        self.lookup = lookup
        self.writer = writer  # None when WARC_ENABLED is off
        self.own = own.resolve()
        self.kept: dict[Located, RecordRef] = {}  # source record -> its copy (or revisit) here

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        path = crawler.settings.get("REPLAY_ARCHIVE")
        if not path:
            raise NotConfigured  # the usual case: crawl the live web, quietly
        try:
            lookup = ArchiveLookup([path])
        except Exception as exc:  # a missing file, not an archive, a broken gzip or zip: all the user's input
            raise BadInput(f"REPLAY_ARCHIVE={path}: cannot read it ({exc})") from None
        if not len(lookup):
            raise BadInput(f"REPLAY_ARCHIVE={path}: no captures in it")
        LOGGER.info("replaying from %s: %d URLs", path, len(lookup))
        return cls(crawler.stats, lookup, warc_writer(crawler), Path(crawler.settings.get("WARC_DIR")))

    def process_request(self, request: Request) -> Response:
        found = self.lookup.get(request.url)
        if found is None:
            self.stats.inc_value("replay/miss")
            LOGGER.info("replay miss: %s", request.url)
            return Response(request.url, status=404, request=request, flags=[REPLAYED, "replay-miss"])
        self.stats.inc_value("replay/hit")
        response = replayed_response(request, found)
        if self.writer is not None:
            ref = self.keep(found)
            if not ref.revisit:
                request.meta["warc"].update(ref.as_dict())
        return response

    def _in_own_folder(self, located: Located) -> bool:
        return Path(located.path.split("#", 1)[0]).resolve().is_relative_to(self.own)

    def keep(self, found: Replayed) -> RecordRef:
        """The capture in this crawl's own archive: copied once, or revisited once."""
        located = found.located
        if located in self.kept:
            return self.kept[located]
        records = raw_exchange(located)
        head = records[0]
        if self._in_own_folder(located):
            original = raw_exchange(found.original)[0] if head.kind == "revisit" and found.original else head
            ref = self.writer.write_revisit(head.url, original.digest, original.url, original.date,
                                            original.record_id, head.http_headers)
            self.stats.inc_value("replay/revisits_written")
        else:
            if head.kind == "revisit" and found.original and found.original not in self.kept:
                original = raw_exchange(found.original)
                self.kept[found.original] = self.writer.write_copy(
                    [r.member for r in original], original[0].record_id, original[0].digest)
                self.stats.inc_value("replay/records_copied", len(original))
            ref = self.writer.write_copy([r.member for r in records], head.record_id, head.digest)
            self.stats.inc_value("replay/records_copied", len(records))
        self.kept[located] = ref
        return ref


def replayed_response(request: Request, found) -> Response:
    """The archived response to ``request``, pointing the page at the record it came from."""
    headers: dict[str, list[str]] = {}
    for key, value in found.headers:
        headers.setdefault(key, []).append(value)
    cls = responsetypes.from_args(headers=headers, url=request.url, body=found.body)
    request.meta["warc"] = {
        "warc_file": found.located.path, "warc_offset": found.located.offset,
        "warc_length": found.located.length, "warc_record_id": found.record_id,
        "fetched_at": found.located.date,
    }
    return cls(request.url, status=found.status, headers=headers, body=found.body, request=request,
               flags=[REPLAYED], protocol=found.protocol)


class PrivateAddressGuard:
    """Refuses requests to private, loopback, link-local, reserved and cloud-metadata addresses
    (checked after DNS resolution, so a public name pointing inside is caught too; every redirect
    is a new request and is checked again; the address actually connected to is checked on the
    response). ``PROVENANCE_ALLOW_PRIVATE_ADDRESSES = True`` lifts the guard (tests need loopback)."""

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if crawler.settings.getbool("PROVENANCE_ALLOW_PRIVATE_ADDRESSES"):
            raise NotConfigured
        return cls(crawler.stats)

    async def process_request(self, request: Request) -> None:
        from urllib.parse import urlsplit

        from scrapy.exceptions import IgnoreRequest

        from archive.netguard import refused_address

        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise IgnoreRequest(f"only http and https are fetched, not {parts.scheme!r}: {request.url}")
        reason = await refused_address(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        if reason:
            self.stats.inc_value("security/refused_private_address")
            LOGGER.warning("refused %s: %s", request.url, reason)
            raise IgnoreRequest(reason)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        from scrapy.exceptions import IgnoreRequest

        from archive.netguard import is_forbidden

        if response.ip_address is not None and is_forbidden(response.ip_address):
            self.stats.inc_value("security/refused_private_address")
            raise IgnoreRequest(f"{request.url} was served from {response.ip_address}, a private address")
        return response


class RedirectLoopMiddleware:
    """A redirect back to a URL of its own chain is a loop: the request fails with a clear reason
    (Scrapy would drop the looping request silently as a duplicate)."""

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = urljoin(request.url, to_unicode(location, errors="replace"))
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target in chain:
                self.stats.inc_value("provenance/redirect_loops")
                raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, target])}")
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, each new try after a wait: ``RETRY_BACKOFF_BASE`` seconds doubled at every
    try (with jitter, at most ``RETRY_BACKOFF_MAX``), or what the server's ``Retry-After`` asks (in
    seconds or as an HTTP date). A struggling server gets room instead of a burst of retries.

    The wait is not spent in the middleware (that would hold a downloader slot, and the crawl's
    concurrency, for up to a minute): the retry is handed back to the engine when it is due, the
    request that failed ends quietly (flagged ``RESCHEDULED`` for the errbacks), and the spider
    stays open while retries are waiting."""

    def __init__(self, settings, crawler: Crawler | None = None):
        super().__init__(settings)
        self.crawler = crawler
        self.base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX")
        self.waiting: set[Request] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        middleware = cls(crawler.settings, crawler)
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        return middleware

    def delay(self, retry: Request, response: Response | None) -> float:
        asked = retry_after(response.headers.get("Retry-After")) if response is not None else None
        if asked is not None:
            return min(self.cap, asked)
        tries = retry.meta.get("retry_times", 1)
        return min(self.cap, self.base * 2 ** (tries - 1)) * random.uniform(0.8, 1.2)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            self.later(request, result, self.delay(result, response))
        return result

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            self.later(request, result, self.delay(result, None))
        return result

    def later(self, request: Request, retry: Request, wait: float) -> None:
        """Hands ``retry`` to the engine in ``wait`` seconds; ``request`` ends here."""
        if wait <= 0:
            return  # returned as is: scheduled now
        from twisted.internet import reactor

        self.waiting.add(retry)

        def due() -> None:
            self.waiting.discard(retry)
            if self.crawler.engine is not None and self.crawler.engine.running:
                self.crawler.engine.crawl(retry)

        reactor.callLater(wait, due)
        request.meta[RESCHEDULED] = True
        raise IgnoreRequest(f"retrying {request.url} in {wait:.1f} s")

    def spider_idle(self) -> None:
        if self.waiting:
            raise DontCloseSpider


def retry_after(value: bytes | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait: a number, or an HTTP date (RFC 9110)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
