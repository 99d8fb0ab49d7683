"""A real Statuspage consumer reads our api/v2/summary.json over HTTP from 127.0.0.1.

statuspage-prometheus-exporter (PyPI) polls Atlassian Statuspage summaries and turns them
into monitoring metrics; it was written against Statuspage, not against statusgen. The test
is skipped where the package is not installed (it is in the test extras).
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from statusgen.publish.statuspage_api import render_statuspage_api

from sites.corpus import BASE_URL, corpus_site


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture()
def summary_url(tmp_path: Path):
    site_dir = tmp_path / "site"
    site = corpus_site()
    for output in render_statuspage_api(site.records, site.state, site.settings):
        target = site_dir / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v2/summary.json"
    finally:
        server.shutdown()
        server.server_close()


def test_statuspage_exporter_reads_our_summary(summary_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the exporter keeps a cache/ folder in the working directory
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    checker = pytest.importorskip("statuspage_prometheus_exporter.service_checker")
    result = checker.check_status_page_service("statusgen", {"url": summary_url})
    assert result["success"] is True, result.get("error")
    assert result["raw_status"] == "minor" and result["status"] == 0
    [incident] = result["incident_metadata"]
    assert incident["name"] == "Website slow" and incident["status"] == "identified"
    assert incident["impact"] == "minor" and incident["affected_components"] == ["Website <main>"]
    assert incident["started_at"] == "2024-06-10T09:00:00.000Z"
    assert incident["shortlink"] == BASE_URL + "incidents/2024-06-10-web-slow/"
    windows = {m["name"]: m for m in result["maintenance_metadata"]}
    assert set(windows) == {"CDN switch", "Search reindex"}
    assert windows["CDN switch"]["status"] == "in_progress"
    assert windows["CDN switch"]["scheduled_start"] == "2024-06-10T11:00:00.000Z"
    assert windows["CDN switch"]["affected_components"] == ["Image pulls", "Image pushes"]
    statuses = {c["name"]: c["status"] for c in result["component_metadata"]}
    assert statuses["Website <main>"] == "degraded_performance" and statuses["Image pulls"] == "under_maintenance"
