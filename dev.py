#!/usr/bin/env python3
"""Set-up and everyday tasks on a fresh machine with only Python 3.11+.

    python3 dev.py demo    # install into .venv, crawl the bundled seed story offline, print its tree
    python3 dev.py test    # install into .venv (with test tools), run the test suite

Each step installs what it needs (a virtual environment in .venv, the pinned dependencies of
requirements*.txt) and skips the install when nothing changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
PIP = "pip==25.3"


def run(*args: str | os.PathLike, **kwargs) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=kwargs.pop("cwd", ROOT), **kwargs)


def install(requirements: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]})")
    if not PYTHON.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    warcio_codecs()
    stamp = VENV / f".installed-{Path(requirements).stem}"
    files = [ROOT / "pyproject.toml", ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    # the pip of Python 3.11's venv (23.2) stops on extras spelt two ways (lxml[html_clean] and
    # lxml[html-clean], asked by jusText and readability-lxml): a newer one reads them as one
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PIP)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", ROOT / requirements)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-e", ROOT)
    stamp.write_text(digest)


CODECS_PTH = "provenance_warc_codecs.pth"
# find_spec('archive') first: while pip builds the environment the project is not importable yet
CODECS_LINE = ("import importlib.util as u; u.find_spec('archive') and u.find_spec('archive.warc.codecs') and "
               "__import__('archive.warc.codecs', fromlist=['_']).install_hook()\n")


def warcio_codecs() -> None:
    """Every Python of the environment (``warcio check`` too) reads br and zstd records: warcio's
    own br hook needs a binding Scrapy's brotli replaces (see archive/warc/codecs.py)."""
    purelib = subprocess.run([str(PYTHON), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    pth = Path(purelib) / CODECS_PTH
    if not pth.exists() or pth.read_text() != CODECS_LINE:
        pth.write_text(CODECS_LINE)



SYSTEM_PACKAGES = {"chromium": "chromium", "openssl": "openssl"}  # command: Debian package


def system_packages() -> None:
    """Debian packages for browser capture (Chromium) and the signing tests (openssl), best
    effort: the tests that need them skip, saying why, when they cannot be had."""
    missing = [package for command, package in SYSTEM_PACKAGES.items() if not shutil.which(command)]
    if not missing:
        return
    if not shutil.which("apt-get") or not hasattr(os, "geteuid") or os.geteuid() != 0:
        print(f"note: {' '.join(missing)} not installed (browser capture and some tests need them)", flush=True)
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
        print("+", " ".join(step), flush=True)
        if subprocess.run(step, env=env).returncode != 0:
            print(f"note: could not install {' '.join(missing)}; the tests that need them will skip", flush=True)
            return


def demo() -> None:
    """Crawl the seed story from the bundled WARC (no network) and print its provenance tree."""
    install("requirements.txt")
    out = ROOT / "output" / "demo"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    db = f"sqlite:///{out / 'provenance.db'}"
    run(BIN / "scrapy", "crawl", "syndication", "-a", f"urls={ROOT / 'demo' / 'seeds.txt'}",
        "-s", f"REPLAY_ARCHIVE={ROOT / 'demo' / 'seed-story.warc.gz'}", "-s", f"PROVENANCE_DB={db}",
        "-s", f"WARC_DIR={out / 'warc'}", "-s", "LOG_LEVEL=WARNING")
    seed = (ROOT / "demo" / "seeds.txt").read_text().split()[-1]
    print("\nThe seed story's provenance tree:\n", flush=True)
    run(BIN / "provenance", "--db", db, "tree", seed)
    print(f"\nGraph: {db}\nArchive: {out / 'warc'}\nTry: {BIN / 'provenance'} --db {db} explain "
          f"{seed} https://asiatimes.example/2024/10/trump-or-harris-us-and-s-korea-must-stick-together/")


def test(extra: list[str]) -> None:
    install("requirements-test.txt")
    system_packages()
    result = subprocess.run([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)
    sys.exit(result.returncode)


def main() -> None:
    task = sys.argv[1] if len(sys.argv) > 1 else "help"
    if task == "demo":
        demo()
    elif task == "test":
        test(sys.argv[2:])
    elif task == "install":
        install("requirements-test.txt")
        system_packages()
    else:
        print(__doc__)
        sys.exit(0 if task == "help" else 2)


if __name__ == "__main__":
    main()
