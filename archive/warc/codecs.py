"""Undoing HTTP content encodings (gzip, deflate, br, zstd) of archived payloads, for warcio too.

WARC records keep the payload as it came off the wire, so a reader must undo the encoding.
warcio 1.8.1 does gzip and deflate itself; its br hook expects the old brotlipy binding (a
``decompress`` method, a settable ``unused_data``) and raises AttributeError with Google's brotli,
which Scrapy requires; it knows no zstd and hands the compressed bytes on. ``register()`` gives
warcio decoders for both, built on the bindings Scrapy already uses; ``install_hook()`` registers
them in any process of the environment as soon as warcio is imported (``warcio check`` included:
``dev.py install`` puts the hook in a ``.pth`` file). This module imports nothing heavy, so the
hook costs nothing to processes that never read a WARC.
"""

from __future__ import annotations

import sys
import zlib

MAX_DECODED = 256 * 1024 * 1024  # a decompression bomb stops here, whatever the reader asked for


class DecodeError(ValueError):
    """A payload that does not decode as its Content-Encoding says."""


class _Decoder:
    """What warcio's BufferedReader expects of a decompressor: ``decompress(data)``, ``unused_data``
    (always empty: everything after the end of the stream is consumed) and ``flush()``."""

    unused_data = b""

    def __init__(self, limit: int = MAX_DECODED) -> None:
        self.limit = limit
        self.produced = 0

    @property
    def room(self) -> int:
        """How much output a call may make: one byte past the limit shows it was passed."""
        return self.limit - self.produced + 1

    def _count(self, out: bytes) -> bytes:
        self.produced += len(out)
        if self.produced > self.limit:
            raise DecodeError(f"decoded payload larger than {self.limit} bytes")
        return out

    def flush(self) -> bytes:
        return b""


class BrotliDecoder(_Decoder):
    def __init__(self, limit: int = MAX_DECODED) -> None:
        import brotli

        super().__init__(limit)
        self._error = brotli.error
        self._brotli = brotli.Decompressor()

    def decompress(self, data: bytes) -> bytes:
        if self._brotli.is_finished():
            return b""  # bytes after the end of the stream are not part of it
        try:
            return self._count(self._brotli.process(data, output_buffer_limit=self.room))
        except self._error as exc:
            raise DecodeError(f"not valid br data: {exc}") from exc


class ZstdDecoder(_Decoder):
    """zstd, frames one after another as RFC 8878 allows."""

    def __init__(self, limit: int = MAX_DECODED) -> None:
        if sys.version_info >= (3, 14):
            from compression import zstd
        else:
            from backports import zstd

        super().__init__(limit)
        self._zstd = zstd
        self._frame = zstd.ZstdDecompressor()

    def decompress(self, data: bytes) -> bytes:
        out = []
        try:
            while data:
                out.append(self._count(self._frame.decompress(data, max_length=self.room)))
                if not self._frame.eof:
                    break
                data = self._frame.unused_data
                self._frame = self._zstd.ZstdDecompressor()
        except self._zstd.ZstdError as exc:
            raise DecodeError(f"not valid zstd data: {exc}") from exc
        return b"".join(out)


class _ZlibDecoder(_Decoder):
    """gzip (``wbits=31``) or deflate: zlib-wrapped, or raw as some servers send it."""

    def __init__(self, wbits: int, limit: int = MAX_DECODED) -> None:
        super().__init__(limit)
        self._wbits = wbits
        self._zlib = zlib.decompressobj(wbits)

    def decompress(self, data: bytes) -> bytes:
        try:
            return self._count(self._zlib.decompress(data, self.room))
        except zlib.error as exc:
            if self._wbits == zlib.MAX_WBITS and not self.produced:
                self._wbits = -zlib.MAX_WBITS
                self._zlib = zlib.decompressobj(self._wbits)
                return self.decompress(data)
            raise DecodeError(f"not valid {'gzip' if self._wbits == 31 else 'deflate'} data: {exc}") from exc


def _gzip(limit: int = MAX_DECODED) -> _ZlibDecoder:
    return _ZlibDecoder(31, limit)


def _deflate(limit: int = MAX_DECODED) -> _ZlibDecoder:
    return _ZlibDecoder(zlib.MAX_WBITS, limit)


DECODERS = {"br": BrotliDecoder, "zstd": ZstdDecoder, "gzip": _gzip, "x-gzip": _gzip, "deflate": _deflate}


def decode(body: bytes, content_encoding: str | None, limit: int = MAX_DECODED) -> bytes:
    """``body`` with its content encodings undone (the last one applied first); unknown encodings
    and ``identity`` leave it as it is. Raises DecodeError when the bytes do not decode, or decode
    to more than ``limit`` bytes."""
    for name in reversed([part.strip().lower() for part in (content_encoding or "").split(",")]):
        if name in DECODERS and body:
            body = DECODERS[name](limit).decompress(body)
    return body


def register() -> None:
    """Give warcio's readers the br and zstd decoders (idempotent)."""
    from warcio.bufferedreaders import BufferedReader

    BufferedReader.DECOMPRESSORS["br"] = BrotliDecoder
    BufferedReader.DECOMPRESSORS["zstd"] = ZstdDecoder


class _AfterWarcio:
    """A meta-path finder that lets the normal import of ``warcio.bufferedreaders`` happen, then
    calls ``register()``: warcio stays unimported in processes that do not use it."""

    target = "warcio.bufferedreaders"

    def find_spec(self, name, path=None, target=None):
        if name != self.target:
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                register()

            spec.loader.exec_module = exec_module
        return spec


def install_hook() -> None:
    """Register the decoders now if warcio is loaded, else when it is (from a ``.pth`` file)."""
    if _AfterWarcio.target in sys.modules:
        register()
    elif not any(isinstance(finder, _AfterWarcio) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterWarcio())
