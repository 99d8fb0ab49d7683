"""How a built site asks to be served (issue 18): `_headers`, the pages' policy, robots.txt,
the fingerprinted stylesheet, and the policy `serve` relaxes for its reload script alone.

`_headers` is parsed and every published file asked for as Netlify and as Cloudflare Pages
would match it (tests/static_host.py): both must give it the same headers, and the right ones.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.robotparser import RobotFileParser

import html5lib
import pytest
from click.testing import CliRunner

from statusgen.cli import main

from conftest import EXAMPLE_NOW, REPO
from static_host import HeaderRule, headers_for_path, parse_headers_file
from test_mount import BIN, EPOCH, FIXTURES, _fetch, docs_site, free_port, interruptible, mkdocs_build, stop

GOLDEN = Path(__file__).resolve().parent / "golden"
STYLESHEET = re.compile(r"assets/statusgen\.[0-9a-f]{12}\.css")
MACHINE_READABLE = ("/api/v2/summary.json", "/api/v2/incidents/unresolved.json", "/api/uptime.json", "/feed.xml",
                    "/atom.xml", "/feed.json", "/maintenance.ics", "/badge.svg", "/badge.json",
                    "/components/registry-cdn/badge.svg", "/components/registry-cdn/feed.xml", "/schema/incident.json")


def build(config: Path, site: Path, now: str = EXAMPLE_NOW) -> Path:
    result = CliRunner().invoke(main, ["build", "-q", "-f", str(config), "--now", now, "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    return site


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(REPO / "mkdocs.yml", tmp_path_factory.mktemp("served") / "site")


@pytest.fixture(scope="module")
def rules(example_site: Path) -> list[HeaderRule]:
    return parse_headers_file((example_site / "_headers").read_text(encoding="utf-8"))


def request_paths(site: Path) -> list[str]:
    """Every path a reader can ask for: each file, and each page by its folder too."""
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != "_headers")
    folders = [name[: -len("index.html")] for name in files if name.endswith("index.html")]
    return ["/" + path for path in files + folders]


def max_age(cache_control: str) -> int:
    ages = re.findall(r"(?:^|,)\s*max-age=(\d+)\s*(?:,|$)", cache_control)
    assert len(ages) == 1, cache_control
    return int(ages[0])


def directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in (p.strip() for p in policy.split(";")) if part}


def test_every_file_is_served_with_its_headers_alike_by_netlify_and_cloudflare(example_site: Path, rules: list[HeaderRule]) -> None:
    seen_immutable = []
    for path in request_paths(example_site):
        netlify = headers_for_path(rules, path, "netlify")
        # Cloudflare joins the values of a header set by two matching rules: equal answers mean no rule overlaps another.
        assert headers_for_path(rules, path, "cloudflare") == netlify, path
        assert netlify["x-content-type-options"] == "nosniff", path
        assert netlify["referrer-policy"] == "strict-origin-when-cross-origin", path
        policy = directives(netlify["content-security-policy"])
        assert policy["script-src"] == "'none'" and policy["object-src"] == "'none'" and policy["base-uri"] == "'none'", path
        cache = netlify["cache-control"]
        if path.startswith("/assets/"):
            assert STYLESHEET.fullmatch(path[1:]) and cache == "public, max-age=31536000, immutable", path
            seen_immutable.append(path)
            continue
        assert max_age(cache) <= 60 and "immutable" not in cache, (path, cache)
        is_page = path.endswith(("/", ".html"))
        assert netlify.get("access-control-allow-origin") == (None if is_page else "*"), path
    assert len(seen_immutable) == 1, seen_immutable
    for path in MACHINE_READABLE:
        assert (example_site / path[1:]).is_file(), path
        assert headers_for_path(rules, path)["access-control-allow-origin"] == "*", path


def test_headers_file_keeps_within_cloudflare_limits(example_site: Path, rules: list[HeaderRule]) -> None:
    assert len(rules) <= 100  # Cloudflare Pages reads at most 100 rules
    assert all(len(line) <= 2000 for line in (example_site / "_headers").read_text().splitlines())
    assert all(rule.pattern.count("*") <= 1 for rule in rules)  # one splat per pattern


def meta_policy(page: Path) -> dict[str, str]:
    """The directives of a page's <meta http-equiv> policy, which must come before anything it governs."""
    head = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False).find("head")
    metas = [m for m in head.iter("meta") if m.get("http-equiv", "").lower() == "content-security-policy"]
    assert len(metas) == 1, page
    assert list(head).index(metas[0]) <= 1, page
    return directives(metas[0].get("content"))


def test_every_page_carries_the_policy_as_its_meta(example_site: Path, rules: list[HeaderRule]) -> None:
    header = directives(headers_for_path(rules, "/")["content-security-policy"])
    assert header["frame-ancestors"] == "'none'" and header["style-src"] == "'self' 'unsafe-inline'"
    css = next((example_site / "assets").iterdir()).read_bytes()
    only_the_stylesheet = f"'self' 'sha256-{base64.b64encode(hashlib.sha256(css).digest()).decode()}'"
    pages = sorted(example_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        policy = meta_policy(page)
        # The header's policy, less frame-ancestors (ignored in a <meta>), with inline styles
        # narrowed to the stylesheet's own text (the 404 page inlines it); the browser enforces both.
        assert policy.pop("style-src") == only_the_stylesheet, page
        assert policy == {k: v for k, v in header.items() if k not in ("frame-ancestors", "style-src")}, page
        assert policy["img-src"] == "'self' data:"  # the favicon is a data: image


def test_a_built_site_never_carries_the_relaxed_policy(example_site: Path, rules: list[HeaderRule]) -> None:
    for page in example_site.rglob("*.html"):
        policy = meta_policy(page)
        assert policy["script-src"] == "'none'", page
    for rule in rules:
        for name, value in rule.headers:
            if name == "Content-Security-Policy":
                assert directives(value)["script-src"] == "'none'"


def test_robots_txt_names_the_absolute_sitemap(example_site: Path) -> None:
    robots = RobotFileParser()
    robots.parse((example_site / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert robots.site_maps() == ["https://status.example.com/sitemap.xml"]
    assert robots.can_fetch("*", "https://status.example.com/incidents/")
    assert (example_site / "sitemap.xml").is_file()


def _minimal_copy(root: Path, css: str | None = None) -> Path:
    shutil.copytree(GOLDEN / "minimal/input", root)
    if css is not None:
        (root / "overrides/assets").mkdir(parents=True)
        (root / "overrides/assets/statusgen.css").write_text(css, encoding="utf-8")
        text = (root / "mkdocs.yml").read_text().replace("  name: statusgen\n", "  name: statusgen\n  custom_dir: overrides\n")
        (root / "mkdocs.yml").write_text(text)
    return root / "mkdocs.yml"


def _stylesheet_of(site: Path) -> str:
    (name,) = [p.relative_to(site).as_posix() for p in (site / "assets").iterdir()]
    assert STYLESHEET.fullmatch(name), name
    return name


def test_the_stylesheets_name_changes_with_its_content_and_only_then(tmp_path: Path) -> None:
    now = (GOLDEN / "minimal/now.txt").read_text().strip()
    packaged = (REPO / "statusgen/templates/assets/statusgen.css").read_text(encoding="utf-8")
    plain = build(_minimal_copy(tmp_path / "plain"), tmp_path / "plain-site", now)
    same = build(_minimal_copy(tmp_path / "same", packaged), tmp_path / "same-site", now)
    changed = build(_minimal_copy(tmp_path / "changed", packaged + "\n.sg-brand { letter-spacing: .01em; }\n"),
                    tmp_path / "changed-site", now)
    assert _stylesheet_of(plain) == _stylesheet_of(same)
    new = _stylesheet_of(changed)
    assert new != _stylesheet_of(plain)
    assert (changed / new).read_text(encoding="utf-8").endswith("letter-spacing: .01em; }\n")
    for page in changed.rglob("index.html"):
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.read_text(encoding="utf-8"))
        assert [link.rsplit("/", 1)[-1] for link in links] == [new.rsplit("/", 1)[-1]], page
    assert f"/{new}\n" in (changed / "_headers").read_text() and _stylesheet_of(plain) not in (changed / "_headers").read_text()
    # The 404 page inlines the changed text: its policy's hash follows it (the host's policy needs no change).
    assert meta_policy(plain / "404.html")["style-src"] != meta_policy(changed / "404.html")["style-src"]
    assert (plain / "_headers").read_text().replace(_stylesheet_of(plain), new) == (changed / "_headers").read_text()


def test_the_sites_own_headers_come_first_and_its_robots_txt_is_kept(tmp_path: Path) -> None:
    config = _minimal_copy(tmp_path / "own")
    (config.parent / "content/_headers").write_text("/private/*\n  X-Robots-Tag: noindex\n")
    (config.parent / "content/robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    site = build(config, tmp_path / "site", (GOLDEN / "minimal/now.txt").read_text().strip())
    assert (site / "robots.txt").read_text() == "User-agent: *\nDisallow: /private/\n"
    rules = parse_headers_file((site / "_headers").read_text())
    assert rules[0] == HeaderRule("/private/*", (("X-Robots-Tag", "noindex"),))
    assert any(rule.pattern == "/api/*" for rule in rules)


@pytest.mark.slow
def test_mounted_under_another_theme_statusgen_sets_no_policy_on_its_pages(tmp_path: Path) -> None:
    """Material runs scripts: the host site's pages and statusgen's inside them carry no policy
    from statusgen; its `_headers` speaks for the status section only; robots.txt is the host's."""
    root = docs_site(tmp_path / "material", "material")
    (root / "docs/_headers").write_text("/*\n  X-Frame-Options: SAMEORIGIN\n")
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    for page in site.rglob("*.html"):
        assert "Content-Security-Policy" not in page.read_text(encoding="utf-8"), page
    rules = parse_headers_file((site / "_headers").read_text())
    assert rules[0] == HeaderRule("/*", (("X-Frame-Options", "SAMEORIGIN"),))
    assert rules[1:] and all(rule.pattern.startswith("/status/") for rule in rules[1:])
    assert not any(name == "Content-Security-Policy" for rule in rules for name, _ in rule.headers)
    assert headers_for_path(rules, "/status/api/v2/summary.json")["access-control-allow-origin"] == "*"
    assert max_age(headers_for_path(rules, "/status/incidents/")["cache-control"]) <= 60
    assert "cache-control" not in headers_for_path(rules, "/install/")  # the host's own pages are left alone
    assert not (site / "robots.txt").exists()
    stylesheet = [p.relative_to(site).as_posix() for p in (site / "status/assets").iterdir()]
    assert len(stylesheet) == 1 and STYLESHEET.fullmatch(stylesheet[0].removeprefix("status/"))
    assert f'href="../{stylesheet[0]}"' in (site / "install/index.html").read_text()  # extra_css, hashed name
    assert headers_for_path(rules, "/" + stylesheet[0])["cache-control"].endswith("immutable")


@pytest.mark.slow
def test_serve_relaxes_the_policy_for_its_reload_script_only(tmp_path: Path) -> None:
    root = tmp_path / "preview"
    shutil.copytree(FIXTURES / "authoring_site", root)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "statusgen"), "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"],
        cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=interruptible,
    )
    try:
        page = _fetch(f"http://127.0.0.1:{port}/", server, deadline=time.monotonic() + 60)
    finally:
        stop(server)
    head = html5lib.parse(page, namespaceHTMLElements=False).find("head")
    (meta,) = [m for m in head.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    policy = directives(meta.get("content"))
    assert policy["script-src"] == "'unsafe-inline'" and policy["connect-src"] == "'self'"  # MkDocs' inline poller, and only it
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert "/livereload/" in page  # the script the relaxation is for
    # The same site built, not served, keeps the strict policy.
    site = build(root / "mkdocs.yml", tmp_path / "built")
    assert meta_policy(site / "index.html")["script-src"] == "'none'"
