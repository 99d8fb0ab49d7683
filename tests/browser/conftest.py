"""Fixtures of the browser tests: the example site built once, served on loopback."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from statusgen.cli import main

from .tools import ARTIFACTS, CHROMIUM_FLAGS, require
from conftest import EXAMPLE_NOW, REPO


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site (or STATUSGEN_BROWSER_CONFIG's), built once for the whole session."""
    config = Path(os.environ.get("STATUSGEN_BROWSER_CONFIG", REPO / "mkdocs.yml")).resolve()
    now = os.environ.get("STATUSGEN_BROWSER_NOW", EXAMPLE_NOW)
    work = tmp_path_factory.mktemp("browser-site")
    # Built from a copy, so that the repository's own site/ is never touched.
    shutil.copytree(config.parent, work / "src", ignore=shutil.ignore_patterns(".*", "site", "tests", "node_modules"))
    site = work / "site"
    args = ["build", "-q", "-f", str(work / "src" / config.name), "--now", now, "--site-dir", str(site)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return site


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a static host does, 404.html included, and keeps quiet."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[str]:
    """The base URL of the site, served over HTTP on 127.0.0.1 at a free port."""
    handler = functools.partial(_Handler, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


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


def sample_pages(site_dir: Path) -> dict[str, str]:
    """One page of each kind, by name: the paths the browser tests visit."""
    pages = {"front": "", "history": "incidents/", "pricing": "pricing/", "uptime": "uptime/", "sla": "sla/"}
    for name, folder in (("incident", "incidents"), ("postmortem", "postmortems"),
                         ("component", "components"), ("announcement", "announcements")):
        records = sorted(p.parent.name for p in (site_dir / folder).glob("*/index.html"))
        if records:
            pages[name] = f"{folder}/{records[0]}/"
    return {name: path for name, path in pages.items() if (site_dir / path / "index.html").is_file()}
