"""Real clients nobody here wrote (pywb, py-wacz), each in its own virtual environment.

pywb pins an old redis client that conflicts with other packages, so these tools never share the
project's environment. They are installed from the package registry on first use into
``.cache/tools/<name>`` and reused; a test that needs one skips, saying why, when it cannot be had.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".cache" / "tools"
PINS = {"pywb": ["pywb==2.10.0"], "wacz": ["wacz==0.6.0"]}


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
