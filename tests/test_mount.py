"""A docs site mounts the status section with plain `mkdocs build`; `statusgen serve` previews.

The docs site has its own docs/ and theme (MkDocs' built-in `mkdocs` theme, and Material);
its mkdocs.yml adds `statusgen: {content_dir: status, prefix: status/}`. The whole section
must come out under status/ with the theme's chrome around it, every relative link landing on
a file that exists, and SOURCE_DATE_EPOCH as "now".
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import html5lib
import pytest

from sites.files import write_config

FIXTURES = Path(__file__).parent / "fixtures"
BIN = Path(sys.executable).parent
EPOCH = "1633348800"  # 2021-10-04T12:00:00Z
INCIDENT = "2021-09-30-login-slow"
CHROME = {"mkdocs": ['class="navbar', "css/bootstrap.min.css"], "material": ['class="md-header', 'class="md-content"']}

pytestmark = pytest.mark.slow


def docs_site(root: Path, theme: str) -> Path:
    """An existing docs site (docs/ with its own index.md) that mounts the status section."""
    (root / "docs").mkdir(parents=True)
    (root / "docs/index.md").write_text("# Acme docs\n\nWelcome to the documentation.\n")
    (root / "docs/install.md").write_text("# Install\n\nRun the installer.\n")
    shutil.copytree(FIXTURES / "authoring_site/content", root / "status")
    write_config(root, site_name="Acme Docs", site_url="https://docs.acme.example/", docs_dir=None,
                 theme={"name": theme}, plugins=[{"statusgen": {"content_dir": "status", "prefix": "status/"}}])
    return root


def mkdocs_build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.run([str(BIN / "mkdocs"), "build"], cwd=root, env=env, capture_output=True, text=True, timeout=120)


def local_links(page: Path, site: Path) -> list[str]:
    """Every relative href/src of a page, resolved to a path under the site."""
    document = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    base = "http://site.invalid/" + page.relative_to(site).as_posix()
    found = []
    for element in document.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value and not urlsplit(value).scheme and not value.startswith(("#", "//", "mailto:")):
                found.append(urlsplit(urljoin(base, value)).path.lstrip("/"))
    return found


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_docs_site_mounts_status_section(tmp_path: Path, theme: str) -> None:
    root = docs_site(tmp_path / theme, theme)
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    status = site / "status"
    for path in ("index.html", f"incidents/{INCIDENT}/index.html", "incidents/index.html", "feed.xml",
                 "atom.xml", "api/v2/summary.json", "api/v2/incidents.json", "components/website/index.html"):
        assert (status / path).is_file(), path
    assert "Welcome to the documentation." in (site / "index.html").read_text()  # the docs are still there
    assert (site / "install/index.html").is_file()
    incident_page = (status / "incidents" / INCIDENT / "index.html").read_text()
    for marker in CHROME[theme]:
        assert marker in incident_page and marker in (status / "index.html").read_text()
    assert "Sign-in was slow for about an hour." in incident_page
    head = incident_page.split("</head>", 1)[0]
    assert '<link rel="alternate" type="application/rss+xml" title="Acme Docs" href="../../feed.xml">' in head
    assert "Acme Docs" in incident_page and "install/" in incident_page  # the docs' own name and nav around it

    for page in [status / "index.html", status / "incidents" / INCIDENT / "index.html", status / "pricing/index.html"]:
        for target in local_links(page, site):
            resolved = site / target
            assert resolved.is_file() or (resolved / "index.html").is_file(), f"{page.relative_to(site)} links to missing {target}"

    summary = json.loads((status / "api/v2/summary.json").read_text())
    assert summary["page"]["url"] == "https://docs.acme.example/status"
    assert [item["name"] for item in summary["incidents"]] == ["Login is slow"]
    assert json.loads((status / "api/uptime.json").read_text())["now"] == "2021-10-04T12:00:00Z"  # SOURCE_DATE_EPOCH
    feed = feedparser.parse((status / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries
    assert all(entry.link.startswith("https://docs.acme.example/status/") for entry in feed.entries)


def test_source_date_epoch_is_now_when_mounted(tmp_path: Path) -> None:
    root = docs_site(tmp_path / "later", "mkdocs")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1640995200"}  # 2022-01-01: the window has moved
    subprocess.run([str(BIN / "mkdocs"), "build"], cwd=root, env=env, capture_output=True, check=True, timeout=120)
    uptime = json.loads((root / "site/status/api/uptime.json").read_text())
    assert uptime["now"] == "2022-01-01T00:00:00Z" and uptime["end"] == "2022-01-01"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_previews_the_site(tmp_path: Path) -> None:
    root = tmp_path / "preview"
    shutil.copytree(FIXTURES / "authoring_site", root)
    port = free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    server = subprocess.Popen(
        [str(BIN / "statusgen"), "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=interruptible,
    )
    try:
        page = _fetch(f"http://127.0.0.1:{port}/", server, deadline=time.monotonic() + 60)
        assert "Acme Status" in page and "Registry pulls" in page
        incident = _fetch(f"http://127.0.0.1:{port}/incidents/{INCIDENT}/", server, deadline=time.monotonic() + 10)
        assert "Sign-in was slow" in incident
    finally:
        stop(server)


def test_serve_stopped_by_sigterm_cleans_up_as_on_ctrl_c(tmp_path: Path) -> None:
    # A process manager or a container stops with SIGTERM: the preview MkDocs built in a
    # temporary folder, and the section's own folder, must go as they do on Ctrl-C.
    root = tmp_path / "preview"
    shutil.copytree(FIXTURES / "authoring_site", root)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "statusgen"), "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(temporary)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        assert "Acme Status" in _fetch(f"http://127.0.0.1:{port}/", server, deadline=time.monotonic() + 60)
        assert sorted(path.name.split("_")[0].split("-serve-")[0] for path in temporary.iterdir()) == ["mkdocs", "statusgen"]
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, server.stderr.read().decode()[-2000:] if server.stderr else ""
    assert list(temporary.iterdir()) == []


def test_serve_rebuilds_when_a_mounted_record_changes(tmp_path: Path) -> None:
    root = docs_site(tmp_path / "live", "mkdocs")
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "statusgen"), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=interruptible,
    )
    url = f"http://127.0.0.1:{port}/status/incidents/{INCIDENT}/"
    try:
        assert "Sign-in was slow" in _fetch(url, server, deadline=time.monotonic() + 60)
        subprocess.run([str(BIN / "statusgen"), "update", INCIDENT, "--status", "monitoring", "-m", "Watching the fix closely.",
                        "--at", "2021-09-30T07:00:00Z"], cwd=root, check=True, capture_output=True, timeout=60)
        deadline = time.monotonic() + 45
        while "Watching the fix closely." not in _fetch(url, server, deadline=deadline):
            assert time.monotonic() < deadline, "the preview was not rebuilt after the record changed"
            time.sleep(0.5)
    finally:
        stop(server)


def interruptible() -> None:
    """Run in a server's process before it starts (Popen's preexec_fn): Ctrl-C, as `stop`
    sends it, reaches the server even when the suite runs as a shell's background job, whose
    children start with SIGINT ignored; killed instead, a server cleans nothing up."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a `statusgen serve` as Ctrl-C would, killing it if it hangs."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _fetch(url: str, server: subprocess.Popen[bytes], deadline: float) -> str:
    while True:
        if server.poll() is not None:
            pytest.fail(f"statusgen serve exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
