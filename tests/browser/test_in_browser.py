"""The site in a real Chromium: axe-core, the weight budget, JavaScript off, screenshots."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from statusgen import wording
from statusgen.languages import Language
from statusgen.models.common import ComponentStatus
from statusgen.state import Indicator

from .conftest import LANGUAGES, OTHER_LANGUAGES, sample_pages
from .tools import AXE_JS, require

pytestmark = pytest.mark.browser

BUDGET_GZIP_BYTES = 14_000
"""The front page's critical path (HTML, CSS, images): about what a first round trip carries."""
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE_PAGES = ("front", "incident", "postmortem", "pricing", "history", "component", "announcement", "uptime", "sla")
AXE_PAGES_PER_LANGUAGE = ("front", "incident", "pricing")


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh page at desktop size whose every request is recorded in page.seen."""
    context = chromium.new_context(viewport=DESKTOP)
    tab = context.new_page()
    tab.seen = []
    tab.on("request", lambda request: tab.seen.append(request.url))
    yield tab
    context.close()


def _foreign(urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith("data:") and urlsplit(url).hostname != "127.0.0.1"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", AXE_PAGES)
def test_axe_finds_no_violation(page: Any, server: str, site_dir: Path, name: str, scheme: str) -> None:
    _assert_axe_passes(page, server, sample_pages(site_dir), name, scheme)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", AXE_PAGES_PER_LANGUAGE)
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_axe_finds_no_violation_in_other_languages(page: Any, server: str, site_dir: Path, language: str,
                                                    name: str, scheme: str) -> None:
    _assert_axe_passes(page, server, sample_pages(site_dir, language), name, scheme)


def _assert_axe_passes(page: Any, server: str, pages: dict[str, str], name: str, scheme: str) -> None:
    require("axe-core")
    if name not in pages:
        pytest.skip(f"this site has no {name} page")
    page.emulate_media(color_scheme=scheme)
    # axe comes in as an init script: the page's own policy refuses every <script> it did not have.
    page.add_init_script(path=str(AXE_JS))
    page.goto(server + pages[name])
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe checked nothing"
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not violations, "\n".join(violations)
    assert not _foreign(page.seen), _foreign(page.seen)


def test_axe_catches_a_real_problem(page: Any, server: str) -> None:
    """The check above can fail: an image without a text alternative is a violation."""
    require("axe-core")
    page.add_init_script(path=str(AXE_JS))
    page.goto(server)
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert "image-alt" in {v["id"] for v in result["violations"]}


def test_front_page_is_within_the_weight_budget(page: Any, server: str, site_dir: Path, artifacts: Path) -> None:
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(server, wait_until="load")
    # Bodies are read after the load: a sync handler must not wait on the browser.
    sizes = {response.url: len(gzip.compress(response.body(), 9)) for response in responses}
    assert _foreign(page.seen) == [], "requests to another host"
    assert server in sizes and any(url.endswith(".css") for url in sizes), sizes
    total = sum(sizes.values())
    report = {"gzip_bytes": total, "budget": BUDGET_GZIP_BYTES, "requests": {urlsplit(u).path: n for u, n in sizes.items()}}
    (artifacts / "weight.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    assert total < BUDGET_GZIP_BYTES, f"{total} bytes gzip: {json.dumps(sizes, indent=1)}"
    html = len(gzip.compress((site_dir / "index.html").read_bytes(), 9))
    assert sizes[server] == html, "the budget counted another page than the one built"


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_is_readable_with_javascript_off(chromium: Any, server: str, site_dir: Path, language: str) -> None:
    """The front page shows the overall status and every component's, in words, without
    script; another language's front page the same, in its words, component for component
    (a component's row is found by its link, the same in every language)."""
    summary = json.loads((site_dir / "api" / "v2" / "summary.json").read_text(encoding="utf-8"))
    other = language != LANGUAGES[0]
    pages = sample_pages(site_dir, language if other else "")
    if "front" not in pages:
        pytest.skip(f"this site has no {language} front page")
    words = Language(language, "")
    context = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        english, _ = _front_rows(context, server)
        rows, text = _front_rows(context, server + pages["front"])
        assert wording.indicator_sentence(Indicator(summary["status"]["indicator"]), words) in text
        components = [c for c in summary["components"] if not c["group"]]
        assert len(rows) == len(components)
        for component in components:
            link = next(href for href, (shown, _) in english.items() if component["name"] in shown)
            shown, visible = rows[link]
            label = wording.label(ComponentStatus(component["status"]), words)
            assert label in shown, f"{component['name']}: {label} not shown in {language}"
            assert visible
    finally:
        context.close()


def _front_rows(context: Any, url: str) -> tuple[dict[str, tuple[str, bool]], str]:
    """A front page's component rows (link -> text shown, visible) and its main text."""
    tab = context.new_page()
    tab.goto(url)
    rows = tab.locator(".sg-components > li")
    found = {}
    for index in range(rows.count()):
        row = rows.nth(index)
        found[row.locator("a").first.get_attribute("href")] = (row.inner_text(), row.is_visible())
    return found, tab.inner_text("main")


SHOTS = [
    ("front-light", "front", "light", DESKTOP, "screen"),
    ("front-dark", "front", "dark", DESKTOP, "screen"),
    ("front-phone", "front", "light", PHONE, "screen"),
    ("front-phone-dark", "front", "dark", PHONE, "screen"),
    ("incident-light", "incident", "light", DESKTOP, "screen"),
    ("postmortem-print", "postmortem", "light", DESKTOP, "print"),
    ("postmortem-phone", "postmortem", "dark", PHONE, "screen"),
    ("pricing-phone", "pricing", "light", PHONE, "screen"),
    ("incident-phone", "incident", "light", PHONE, "screen"),
    ("pricing-dark", "pricing", "dark", DESKTOP, "screen"),
    ("not-found-phone", "404", "light", PHONE, "screen"),
    ("uptime-phone", "uptime", "light", PHONE, "screen"),
    ("uptime-dark", "uptime", "dark", DESKTOP, "screen"),
    ("sla-phone", "sla", "dark", PHONE, "screen"),
    # name@language: that language's version of the page (Arabic: the layout mirrored).
    ("front-de-phone", "front@de", "light", PHONE, "screen"),
    ("front-ar", "front@ar", "light", DESKTOP, "screen"),
    ("front-ar-phone", "front@ar", "dark", PHONE, "screen"),
    ("incident-ar-phone", "incident@ar", "light", PHONE, "screen"),
    ("pricing-ar", "pricing@ar", "light", DESKTOP, "screen"),
]


@pytest.mark.parametrize(("shot", "name", "scheme", "viewport", "media"), SHOTS, ids=[s[0] for s in SHOTS])
def test_screenshots(chromium: Any, server: str, site_dir: Path, artifacts: Path,
                     shot: str, name: str, scheme: str, viewport: dict[str, int], media: str) -> None:
    """Screenshots kept in test-artifacts/ for a person to look at; nothing overflows sideways."""
    kind, _, language = name.partition("@")
    path = "no-such-page/at/depth/" if name == "404" else sample_pages(site_dir, language).get(kind)
    if path is None:
        pytest.skip(f"this site has no {name} page")
    context = chromium.new_context(viewport=viewport, color_scheme=scheme)
    try:
        tab = context.new_page()
        response = tab.goto(server + path)
        assert response is not None and response.status == (404 if name == "404" else 200)
        tab.emulate_media(media=media)
        tab.screenshot(path=str(artifacts / f"{shot}.png"), full_page=True)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{shot}: the page is {overflow}px wider than the viewport"
        # A figure wider than its cell runs into the next one ("19:00 UTC6 Jul 2020").
        crammed = tab.evaluate(
            "[...document.querySelectorAll('main dd, main dt')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim())")
        assert crammed == [], f"{shot}: text overflows its cell: {crammed}"
        if name == "404":
            # Served at any depth, the 404 page carries its own styles rather than a relative link.
            assert tab.evaluate("getComputedStyle(document.body).marginTop") == "0px"
    finally:
        context.close()


def test_skip_link_is_first_and_shows_when_focused(page: Any, server: str) -> None:
    page.goto(server)
    link = page.locator("a.sg-skip")
    assert link.bounding_box()["y"] < 0, "the skip link should be out of sight until focused"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    box = link.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0, "the focused skip link is not on screen"


def test_post_mortem_prints_without_the_site_chrome(page: Any, server: str, site_dir: Path) -> None:
    path = sample_pages(site_dir).get("postmortem")
    if path is None:
        pytest.skip("this site has no post-mortem")
    page.goto(server + path)
    page.emulate_media(media="print")
    hidden = page.evaluate("['header.sg-header', 'footer.sg-footer', 'a.sg-skip']"
                           ".map(s => getComputedStyle(document.querySelector(s)).display)")
    assert hidden == ["none", "none", "none"]
    assert page.locator("main h1").is_visible() and page.locator("main table").first.is_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
