"""The site as a host that reads `_headers` serves it, seen from Chromium (issue 18).

Atlassian's own status widget, on a page of another origin, reads the site's API (and fails
without the CORS header); every page loads under its Content-Security-Policy without a
violation; and script that slipped into a page would not run.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import sample_pages
from .tools import STATUS_WIDGET, require
from static_host import serve_site

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline')));
"""
"""An init script (run before the page's own, outside its policy) that records what the policy refused."""
INJECTED = (
    "<script>window.__ran = 'script';</script>"
    "<img src=\"x.png\" alt=\"\" onerror=\"window.__ran = 'handler'\">"
    "<object data=\"data:text/html,x\" type=\"text/html\"></object>"
)
"""Markup of the kind the sanitizer keeps out (tests/test_injection.py), as if it had slipped past."""


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    """A fresh browser context that records every CSP violation of its pages."""
    browser_context = chromium.new_context()
    browser_context.add_init_script(RECORD_VIOLATIONS)
    yield browser_context
    browser_context.close()


def test_every_sample_page_loads_under_its_policy_without_a_violation(context: Any, server: str, site_dir: Path) -> None:
    paths = [*sample_pages(site_dir).values(), "no-such-page/at/depth/"]
    tab = context.new_page()
    for path in paths:
        response = tab.goto(server + path)
        assert response is not None
        header = response.headers.get("content-security-policy", "")
        assert "script-src 'none'" in header and "frame-ancestors 'none'" in header, path
        meta = tab.get_attribute("meta[http-equiv='Content-Security-Policy']", "content")
        assert meta and "script-src 'none'" in meta, path
        assert tab.evaluate("window.__violations") == [], path
        # The stylesheet applied (the 404 page's inline copy by its hash): the body has no margin.
        assert tab.evaluate("getComputedStyle(document.body).marginTop") == "0px", path


@pytest.fixture(scope="module")
def injected_site(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The front page with script in its <main>, in a copy of the site."""
    site = tmp_path_factory.mktemp("injected")
    shutil.copytree(site_dir, site, dirs_exist_ok=True)
    page = site / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", INJECTED + "</main>", 1), encoding="utf-8")
    return site


def _ran(context: Any, url: str) -> tuple[Any, list[str]]:
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_load_state("load")
    return tab.evaluate("window.__ran"), tab.evaluate("window.__violations")


def test_injected_script_is_refused_by_the_header_and_by_the_meta(context: Any, injected_site: Path, tmp_path: Path) -> None:
    with serve_site(injected_site) as url:
        ran, violations = _ran(context, url)
    assert ran is None, f"injected script ran: {ran}"
    assert any(v.startswith("script-src") for v in violations), violations
    assert any(v.startswith("object-src") for v in violations), violations
    # A host that sends no headers (GitHub Pages): the page's own <meta> policy refuses it as well.
    with serve_site(injected_site, apply_headers=False) as url:
        ran, violations = _ran(context, url)
    assert ran is None and any(v.startswith("script-src") for v in violations), (ran, violations)


def test_without_any_policy_the_injected_script_would_run(context: Any, injected_site: Path, tmp_path: Path) -> None:
    """The test above can fail: the same page, its meta removed and served without headers, runs it."""
    site = tmp_path / "unprotected"
    site.mkdir()
    html = (injected_site / "index.html").read_text(encoding="utf-8")
    (site / "index.html").write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html), encoding="utf-8")
    with serve_site(site, apply_headers=False) as url:
        ran, violations = _ran(context, url)
    assert ran in ("script", "handler") and violations == []


@pytest.fixture(scope="module")
def widget_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Another origin (a second server, another port) whose page embeds the widget."""
    require("status-widget")
    folder = tmp_path_factory.mktemp("widget-origin")
    shutil.copy(STATUS_WIDGET, folder / "status-widget.js")
    handler = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *args: None})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _widget_page(folder: Path, name: str, status_site: str) -> str:
    (folder / name).write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Acme support</title>"
        "<script src=status-widget.js></script></head><body><h1>Support</h1>"
        f'<statuspage-widget src="{status_site}"></statuspage-widget></body></html>',
        encoding="utf-8",
    )
    return name


def test_statuspage_widget_on_another_origin_shows_the_status(chromium: Any, site_dir: Path, server: str,
                                                               widget_origin: tuple[Path, str]) -> None:
    folder, origin = widget_origin
    description = json.loads((site_dir / "api/v2/summary.json").read_text(encoding="utf-8"))["status"]["description"]
    assert origin.split(":")[2] != server.split(":")[2], "the widget's page must be on another origin"
    tab = chromium.new_page()
    try:
        tab.goto(origin + _widget_page(folder, "with-cors.html", server.rstrip("/")))
        # The widget renders into its shadow root, which Playwright's locators pierce.
        text = tab.locator("statuspage-widget .status-text")
        text.wait_for(state="attached")
        assert text.inner_text().strip() == description
    finally:
        tab.close()


def test_statuspage_widget_fails_without_the_cors_header(chromium: Any, site_dir: Path,
                                                         widget_origin: tuple[Path, str]) -> None:
    """The test above can fail: served without `_headers`, the browser refuses the API to the widget."""
    folder, origin = widget_origin
    tab = chromium.new_page()
    try:
        with serve_site(site_dir, apply_headers=False) as bare:
            with tab.expect_event("requestfailed", lambda request: "summary.json" in request.url) as failed:
                tab.goto(origin + _widget_page(folder, "without-cors.html", bare.rstrip("/")))
            assert failed.value.url == bare + "api/v2/summary.json"
            tab.wait_for_load_state("networkidle")
            assert tab.locator("statuspage-widget .status-text").count() == 0
    finally:
        tab.close()
