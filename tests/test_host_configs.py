"""The user guide's nginx, Caddy and S3/CloudFront settings (statusgen.host_configs) say what
`_headers` says: the guide shows exactly the generated texts, and nginx and Caddy, run with
them on 127.0.0.1, send every file of a built site the headers Netlify sends it from `_headers`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen import headers, host_configs, urls
from statusgen.cli import main

from browser.tools import require
from conftest import EXAMPLE_NOW, REPO
from static_host import headers_for_path, parse_headers_file
from test_mount import free_port

GUIDE = REPO / "docs" / "user-guide.md"
COMPARED = ("cache-control", "access-control-allow-origin", "x-content-type-options", "referrer-policy",
            "content-security-policy")
SNIPPETS = {"nginx": host_configs.nginx, "caddy": host_configs.caddy, "sh": host_configs.s3_sync,
            "json": host_configs.cloudfront_policy}


def guide_blocks() -> list[tuple[str, str]]:
    """(language, text) of every fenced block of the user guide."""
    return [(lang, body) for lang, body in re.findall(r"^```(\w*)\n(.*?)^```$", GUIDE.read_text(encoding="utf-8"), re.S | re.M)]


@pytest.mark.parametrize("language", sorted(SNIPPETS))
def test_the_guide_shows_the_generated_settings(language: str) -> None:
    expected = SNIPPETS[language]()
    assert (language, expected) in guide_blocks(), f"paste into docs/user-guide.md:\n```{language}\n{expected}```"


def test_s3_and_cloudfront_settings_carry_the_rules() -> None:
    commands = [shlex.split(line) for line in host_configs.s3_sync().replace("\\\n", "").splitlines()]
    assert [c[c.index("--cache-control") + 1] for c in commands] == [headers.LONG_CACHE, headers.SHORT_CACHE,
                                                                      *[headers.SHORT_CACHE] * len(headers.CONTENT_TYPES)]
    typed = {c[3].removeprefix("site/"): c[c.index("--content-type") + 1] for c in commands if "--content-type" in c}
    assert typed == headers.CONTENT_TYPES
    assert commands[0][3].endswith("/assets/") and "assets/*" in commands[1]  # assets first, then the rest
    policy = json.loads(host_configs.cloudfront_policy())
    assert policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"] == headers.HOST_POLICY
    assert policy["CorsConfig"]["AccessControlAllowOrigins"]["Items"] == ["*"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hosted")
    folder.chmod(0o755)  # nginx's workers may run as another user
    result = CliRunner().invoke(main, ["build", "-q", "--now", EXAMPLE_NOW, "-f", str(REPO / "mkdocs.yml"),
                                       "--site-dir", str(folder / "site")])
    assert result.exit_code == 0, result.output
    return folder / "site"


def _request_paths(site: Path) -> list[str]:
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != "_headers")
    return ["/" + path for path in files + [f[: -len("index.html")] for f in files if f.endswith("index.html")]]


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


@contextmanager
def _running(command: list[str], url: str, env: dict[str, str] | None = None) -> Iterator[None]:
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                _get(url)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _same_as_headers_file(site: Path, base: str) -> None:
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    for path in _request_paths(site):
        status, sent = _get(base + path)
        assert status == 200, (path, status)
        expected = headers_for_path(rules, path)
        assert {name: sent.get(name) for name in COMPARED} == {name: expected.get(name) for name in COMPARED}, path
        if "content-type" in expected:  # a file whose name says nothing of its type (metrics)
            assert sent.get("content-type") == expected["content-type"], path
    assert "content-type" in headers_for_path(rules, "/" + urls.METRICS) or not (site / urls.METRICS).exists()
    assert _get(base + "_headers")[0] == 404
    status, sent = _get(base + "no/such/page/")
    assert status == 404 and sent["content-security-policy"] == headers.HOST_POLICY


def test_nginx_serves_what_headers_says(site: Path, tmp_path: Path) -> None:
    nginx = require("nginx")["nginx"]
    port = free_port()
    server_block = host_configs.nginx().replace(f"root {host_configs.SITE_ROOT};", f"root {site};").replace(
        "    # listen, server_name and TLS as for any site", f"    listen 127.0.0.1:{port};")
    config = tmp_path / "nginx.conf"
    config.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        + "include /etc/nginx/mime.types;\naccess_log off;\n"
        + "".join(f"{name}_temp_path {tmp_path}/{name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + server_block + "}\n"
    )
    base = f"http://127.0.0.1:{port}/"
    with _running([nginx, "-p", str(tmp_path), "-c", str(config)], base):
        _same_as_headers_file(site, base)


def test_caddy_serves_what_headers_says(site: Path, tmp_path: Path) -> None:
    caddy = require("caddy")["caddy"]
    port = free_port()
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text("{\n\tadmin off\n}\n" + host_configs.caddy().replace(
        "status.example.com {", f"http://127.0.0.1:{port} {{").replace(host_configs.SITE_ROOT, str(site)))
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "HOME": str(tmp_path)}
    base = f"http://127.0.0.1:{port}/"
    with _running([caddy, "run", "--config", str(caddyfile), "--adapter", "caddyfile"], base, env):
        _same_as_headers_file(site, base)
