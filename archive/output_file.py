"""Writing a command's output file safely: ``-`` is standard output; what is not a regular file
(``/dev/stdout``, a pipe, a terminal) is written in place, never renamed over; a regular file is
written to a temporary file beside it and renamed over it only once complete."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def is_stream(path: str | os.PathLike) -> bool:
    """Whether ``path`` is standard output or something other than a regular file (or none)."""
    if str(path) == "-":
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return False


@contextmanager
def output_file(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary file to write the output to; see the module's docstring for where it goes."""
    if str(path) == "-":
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if is_stream(path):
        with open(path, "wb") as fh:
            yield fh
        return
    target = Path(os.path.realpath(path))  # a symbolic link to a file keeps pointing to it
    fh = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False)
    try:
        with fh:
            yield fh
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fh.fileno(), 0o666 & ~umask)  # as a file opened for writing would be, not 0600
        os.replace(fh.name, target)
    except BaseException:
        Path(fh.name).unlink(missing_ok=True)
        raise


def write_output(path: str | os.PathLike, data: bytes) -> None:
    with output_file(path) as fh:
        fh.write(data)
