"""A local web of many hosts on 127.0.0.1, for tests, benchmarks and the demo.

It answers as an HTTP proxy would (``GET http://host/path``), so crawls keep real host names while
every byte stays on this machine: point Scrapy at it with ``http_proxy=http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import gzip as _gzip
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Page = bytes | tuple[int, dict[str, str], bytes]
RESET = b"\x00reset"  # a page (or hook answer) that makes the server drop the connection unanswered


class SiteServer:
    """Serves ``pages`` ({url: body or (status, headers, body)}); ``hook(url)`` may answer first."""

    def __init__(self, pages: dict[str, Page], robots: dict[str, str] | None = None,
                 hook: Callable[[str], Page | None] | None = None, gzip: bool = False, chunked: bool = False):
        self.pages = {self._key(u): v for u, v in pages.items()}
        self.robots = robots or {}
        self.hook = hook
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server's naming)
                url = self.path if self.path.startswith("http") else f"http://{self.headers['Host']}{self.path}"
                server.requests.append(url)
                status, headers, body = server.answer(url)
                if body == RESET:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()  # with linger 0: a TCP reset
                    return
                headers = dict(headers)
                wanted = self.headers.get("Range", "")
                if status == 200 and wanted.startswith("bytes="):  # one range, as archives' data servers do
                    first, _, last = wanted[6:].partition("-")
                    start, end = int(first), min(int(last or len(body) - 1), len(body) - 1)
                    headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
                    status, body = 206, body[start : end + 1]
                if gzip and "gzip" in self.headers.get("Accept-Encoding", "") and body:
                    body = _gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self.send_response(status)
                headers.setdefault("Content-Type", "text/html; charset=utf-8")
                for key, value in headers.items():
                    self.send_header(key, value)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(body), 1000):
                        piece = body[start : start + 1000]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.proxy = f"http://127.0.0.1:{self.port}"

    @staticmethod
    def _key(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.hostname}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")

    def answer(self, url: str) -> tuple[int, dict[str, str], bytes]:
        if self.hook is not None:
            hooked = self.hook(url)
            if hooked is not None:
                return hooked if isinstance(hooked, tuple) else (200, {}, hooked)
        parts = urlsplit(url)
        if parts.path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.get(parts.hostname, "").encode()
        page = self.pages.get(self._key(url))
        if page is None:
            return 404, {}, b"<html><body><h1>Not found</h1></body></html>"
        return page if isinstance(page, tuple) else (200, {}, page)

    def __enter__(self) -> SiteServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
