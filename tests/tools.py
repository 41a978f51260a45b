"""Real clients nobody here wrote (pywb, py-wacz), each in its own virtual environment.

pywb pins an old redis client that conflicts with other packages, so these tools never share the
project's environment. They are installed from the package registry on first use into
``.cache/tools/<name>`` and reused; a test that needs one skips, saying why, when it cannot be had.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".cache" / "tools"
PINS = {"pywb": ["pywb==2.10.0"], "wacz": ["wacz==0.6.0", "authsign==0.6.1"]}


def tool_bin(name: str) -> Path:
    """The bin folder of the tool's environment, installing it if needed (or skip the test)."""
    env = TOOLS / name
    stamp = env / ".installed"
    if stamp.exists() and stamp.read_text() == " ".join(PINS[name]):
        return env / "bin"
    venv.EnvBuilder(with_pip=True, clear=True).create(env)
    result = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet",
                             "--disable-pip-version-check", *PINS[name]], capture_output=True, text=True,
                            timeout=900)
    if result.returncode != 0:
        pytest.skip(f"cannot install {name} from the package registry: {result.stderr.strip()[-300:]}")
    stamp.write_text(" ".join(PINS[name]))
    return env / "bin"


def python_version_ok() -> bool:
    return sys.version_info >= (3, 11)


def debian_program(program: str, package: str) -> str:
    """The path of ``program``, installing Debian's ``package`` with apt-get when it is missing
    (CI is a fresh machine); the test is skipped, saying why, when it cannot be had."""
    import shutil

    found = shutil.which(program)
    if found:
        return found
    install = subprocess.run(["apt-get", "install", "-y", "-q", package], capture_output=True, text=True)
    if install.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True)
        install = subprocess.run(["apt-get", "install", "-y", "-q", package], capture_output=True, text=True)
    found = shutil.which(program)
    if not found:
        pytest.skip(f"{program} is not installed and apt-get could not install {package}: {install.stderr[-300:]}")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pywb_page(work: Path, warcs: list[Path], url: str, timestamp: str = "2030") -> str:
    """``url`` as pywb 2.10 replays it (raw, ``mp_``) from a collection of ``warcs`` made in ``work``."""
    tools = tool_bin("pywb")
    collections = work / "pywb"
    collections.mkdir()
    subprocess.run([str(tools / "wb-manager"), "init", "story"], cwd=collections, check=True, capture_output=True)
    subprocess.run([str(tools / "wb-manager"), "add", "story", *map(str, warcs)],
                   cwd=collections, check=True, capture_output=True)
    port = free_port()
    wayback = subprocess.Popen([str(tools / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=collections,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/story/{timestamp}mp_/{url}", timeout=5) as answer:
                    return answer.read().decode()
            except OSError:
                time.sleep(0.5)
        pytest.fail("pywb did not answer")
    finally:
        wayback.terminate()
        wayback.wait(10)
