"""Fixtures of the browser tests: the example site built once, in English, German and Arabic,
served on loopback."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import main

from .tools import ARTIFACTS, CHROMIUM_FLAGS, require
from conftest import EXAMPLE_NOW, REPO
from static_host import serve_site

LANGUAGES = ("en", "de", "ar")
"""The example is walked in these languages: English at the root, German and Arabic (right to
left) under de/ and ar/, each with a few records translated (EXAMPLE_TRANSLATIONS) and the
rest shown in English."""
OTHER_LANGUAGES = LANGUAGES[1:]
EXAMPLE_TRANSLATIONS = REPO / "tests" / "fixtures" / "example_translations"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site (or STATUSGEN_BROWSER_CONFIG's), built once for the whole session."""
    config = Path(os.environ.get("STATUSGEN_BROWSER_CONFIG", REPO / "mkdocs.yml")).resolve()
    now = os.environ.get("STATUSGEN_BROWSER_NOW", EXAMPLE_NOW)
    work = tmp_path_factory.mktemp("browser-site")
    # Built from a copy, so that the repository's own site/ is never touched.
    shutil.copytree(config.parent, work / "src", ignore=shutil.ignore_patterns(".*", "site", "tests", "node_modules"))
    if "STATUSGEN_BROWSER_CONFIG" not in os.environ:
        _in_every_language(work / "src" / config.name)
    site = work / "site"
    args = ["build", "-q", "-f", str(work / "src" / config.name), "--now", now, "--site-dir", str(site)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return site


def _in_every_language(config_file: Path) -> None:
    """The example's copy published in LANGUAGES, with the translations of EXAMPLE_TRANSLATIONS."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    options = next(plugin["statusgen"] for plugin in config["plugins"] if isinstance(plugin, dict) and "statusgen" in plugin)
    options["languages"] = list(LANGUAGES)
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copytree(EXAMPLE_TRANSLATIONS, config_file.parent / options.get("content_dir", config["docs_dir"]), dirs_exist_ok=True)


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[str]:
    """The base URL of the site, served on 127.0.0.1 at a free port as Netlify serves it: with
    the response headers of its `_headers` (the Content-Security-Policy among them)."""
    with serve_site(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright: the system browser, never a downloaded one."""
    tools = require("chromium", "playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=tools["chromium"], args=list(CHROMIUM_FLAGS))
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/: screenshots and reports kept after the run (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def sample_pages(site_dir: Path, language: str = "") -> dict[str, str]:
    """One page of each kind, by name: the paths the browser tests visit; those of another
    language than the first under its folder (`language="de"`), none if the site has no such."""
    prefix = f"{language}/" if language else ""
    pages = {"front": "", "history": "incidents/", "pricing": "pricing/", "uptime": "uptime/", "sla": "sla/"}
    for name, folder in (("incident", "incidents"), ("postmortem", "postmortems"),
                         ("component", "components"), ("announcement", "announcements")):
        records = sorted(p.parent.name for p in (site_dir / prefix / folder).glob("*/index.html"))
        if records:
            pages[name] = f"{folder}/{records[0]}/"
    return {name: prefix + path for name, path in pages.items() if (site_dir / prefix / path / "index.html").is_file()}
