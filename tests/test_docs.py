"""The README documents every command and every crawler setting."""

from __future__ import annotations

import re

from archive.cli import main
from crawler import settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_command_is_documented():
    for name in main.commands:
        assert f"provenance {name}" in README, f"`provenance {name}` is not in the README"


def test_every_project_setting_is_documented():
    names = [n for n in dir(settings) if re.fullmatch(r"(PROVENANCE|WARC|REPLAY|DISCOVERY|GDELT|WEB_SEARCH|WAYBACK|COMMONCRAWL|BROWSER)_[A-Z_]+|REDIS_URL", n)]
    assert names
    for name in names:
        assert f"`{name}`" in README, f"setting {name} is not in the README"


def test_readme_has_the_two_setup_commands():
    assert "python3 dev.py demo" in README and "python3 dev.py test" in README
    assert "scrapy crawl syndication" in README
