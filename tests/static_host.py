"""A static host for the tests that serves a built site as Netlify and Cloudflare Pages do.

`_headers` is read as those hosts read it (a path line, then indented `Name: value` lines;
comments and blank lines skipped) and never served itself. A path pattern matches as in
Netlify's own parser (@netlify/headers-parser, for_regexp): `*` as a whole segment is an
optional catch-all, `:name` one segment, and a trailing slash is optional. Cloudflare Pages
reads the same file with a literal slash before `*`, and joins the values of a header that
several matching rules set; Netlify keeps one. `headers_for_path` answers as either host.
Text (HTML, CSS, JSON, XML) goes gzipped to a client that accepts it, as both hosts send it.
Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class HeaderRule:
    """One block of `_headers`."""

    pattern: str
    headers: tuple[tuple[str, str], ...]


def parse_headers_file(text: str) -> list[HeaderRule]:
    """The blocks of a `_headers` file, in order; a line that is neither a path, a header nor a
    comment is an error (the hosts would report it too)."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("/"):
            assert not raw[0].isspace(), f"_headers:{number}: a path starts its line"
            rules.append((line, []))
            continue
        name, colon, value = line.partition(":")
        assert colon and name.strip() and value.strip(), f"_headers:{number}: not `Name: value`: {line!r}"
        assert rules, f"_headers:{number}: a header before any path"
        assert raw[0].isspace(), f"_headers:{number}: a header line is indented"
        rules[-1][1].append((name.strip(), value.strip()))
    return [HeaderRule(pattern, tuple(values)) for pattern, values in rules]


def netlify_regex(pattern: str) -> re.Pattern[str]:
    """The request paths a pattern matches on Netlify (after @netlify/headers-parser)."""
    parts = [part.rstrip() for part in pattern.split("/") if part.rstrip()]
    regex = "/".join("([^/]+)" if part.startswith(":") else "?(.*)" if part == "*"
                     else ".*".join(re.escape(piece) for piece in part.split("*")) for part in parts)
    return re.compile(f"^/{regex}/?$", re.IGNORECASE)


def cloudflare_regex(pattern: str) -> re.Pattern[str]:
    """The request paths a pattern matches on Cloudflare Pages: the slashes are literal."""
    pieces = re.split(r"(\*|:[A-Za-z0-9_]+)", pattern)
    regex = "".join(".*" if piece == "*" else "[^/]+" if piece.startswith(":") else re.escape(piece) for piece in pieces)
    return re.compile(f"^{regex}$")


def headers_for_path(rules: list[HeaderRule], path: str, host: str = "netlify") -> dict[str, str]:
    """The headers a host sends for a request path: every matching rule's, and for one name
    set by several rules Netlify's last value or Cloudflare's values joined by commas."""
    found: dict[str, str] = {}
    for rule in rules:
        regex = netlify_regex(rule.pattern) if host == "netlify" else cloudflare_regex(rule.pattern)
        if not regex.match(path):
            continue
        for name, value in rule.headers:
            key = name.lower()
            found[key] = f"{found[key]}, {value}" if host == "cloudflare" and key in found else value
    return found


COMPRESSED_TYPES = frozenset({"application/json", "application/xml", "application/javascript", "image/svg+xml"})
"""Besides text/*, what the hosts compress."""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A site's files, 404.html for what is missing, and the `_headers` of its root."""

    rules: list[HeaderRule] = []
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".json": "application/json", ".ics": "text/calendar", ".xml": "application/xml"}

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        for name, value in headers_for_path(self.rules, path).items():
            self.send_header(name, value)
        super().end_headers()

    def send_head(self) -> Any:
        if self.path.split("?", 1)[0].rstrip("/").endswith("/_headers"):
            self.send_error(404)  # the hosts read it; they never serve it
            return None
        compressed = self._compressed()
        return compressed if compressed is not None else super().send_head()

    def _compressed(self) -> io.BytesIO | None:
        """A text file gzipped for a client that accepts it, as Netlify and Cloudflare serve
        one (a browser test then loads what readers load); None leaves the file to the server."""
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return None
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return None  # the server redirects to the folder's URL
            path = os.path.join(path, "index.html")
        kind = self.guess_type(path)
        if not os.path.isfile(path) or not (kind.startswith("text/") or kind in COMPRESSED_TYPES):
            return None
        with open(path, "rb") as file:
            body = gzip.compress(file.read(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind if "charset" in kind or not kind.startswith("text/") else kind + "; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(os.path.getmtime(path))))
        self.end_headers()
        return io.BytesIO(body)

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


@contextmanager
def serve_site(site: Path, *, apply_headers: bool = True) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 at a free port, with its `_headers` applied (or not, as a host
    without header control would); yields the base URL."""
    headers_file = site / "_headers"
    rules = parse_headers_file(headers_file.read_text(encoding="utf-8")) if apply_headers and headers_file.is_file() else []
    handler = functools.partial(type("SiteHandler", (_Handler,), {"rules": rules}), directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
