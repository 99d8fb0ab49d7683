"""Every page is valid HTML (the Nu Html Checker) and every internal link and fragment resolves."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from .sitewalk import html_files, read_page, resolve
from .tools import VNU_JAR, require

pytestmark = pytest.mark.browser


def _vnu(site: Path, *args: str) -> list[dict[str, object]]:
    java = require("java", "vnu.jar")["java"]
    command = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *args]
    result = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=300)
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    report = json.loads(result.stderr or result.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def _describe(messages: list[dict[str, object]]) -> str:
    return "\n".join(f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract', '')}]"
                     for m in messages)


def test_every_page_stylesheet_and_badge_is_valid(site_dir: Path) -> None:
    pages = html_files(site_dir)
    stylesheets = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.css"))
    badges = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.svg"))
    assert "index.html" in pages and "404.html" in pages and stylesheets and badges
    errors = _vnu(site_dir, "--also-check-css", "--also-check-svg", *pages, *stylesheets, *badges)
    assert not errors, _describe(errors)


def test_the_checker_finds_errors() -> None:
    """The check above can fail: vnu reports a plainly broken page."""
    broken = Path(__file__).parent / "node_modules" / ".broken-page.html"
    require("java", "vnu.jar")
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></span>", encoding="utf-8")
    try:
        assert _vnu(broken.parent, broken.name)
    finally:
        broken.unlink()


def test_every_internal_link_and_fragment_resolves(site_dir: Path) -> None:
    config = yaml.safe_load((site_dir.parent / "src" / "mkdocs.yml").read_text(encoding="utf-8"))
    site_url = str(config.get("site_url") or "")
    pages = {path: read_page(site_dir, path) for path in html_files(site_dir)}
    checked, broken = 0, []
    for page in pages.values():
        for link in page.links:
            if link.url.startswith(("data:", "mailto:")):
                continue
            target = resolve(link, site_url)
            if target is None:
                continue
            path, fragment = target
            checked += 1
            if not (site_dir / path).is_file():
                broken.append(f"{link.page}: <{link.element}> {link.url}: no file {path}")
            elif fragment and path.endswith(".html") and fragment not in pages[path].ids:
                broken.append(f"{link.page}: <{link.element}> {link.url}: no id {fragment!r} in {path}")
    assert checked > 10 * len(pages), f"only {checked} links found: is the parser reading the pages?"
    assert not broken, "\n".join(broken)


def test_skip_link_targets_exist_on_every_page(site_dir: Path) -> None:
    for path in html_files(site_dir):
        page = read_page(site_dir, path)
        assert any(link.url == "#main" for link in page.links), f"{path}: no skip link"
        assert "main" in page.ids, path
