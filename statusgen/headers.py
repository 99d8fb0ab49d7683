"""How every file of a status site should be served: caching, CORS and a script-free policy.

One definition, read by everything that writes host configuration: `_headers` (Netlify and
Cloudflare Pages, publish/host_headers.py) and the user guide's nginx, Caddy and S3 settings
(host_configs.py). A file is one of three kinds:
- a page (HTML): short caching, so a CDN never shows "All Systems Operational" for long after
  an outage began;
- data (feeds, API, badges, calendar, schemas, sitemap, metrics: every file that is not a page
  or an asset): short caching, and `Access-Control-Allow-Origin: *`, so widgets and other
  browser clients read it from any origin, as they read Statuspage's API;
- an asset under assets/, whose name carries a hash of its content: cached for a year.
Every response also gets nosniff and a Referrer-Policy; a standalone site (statusgen's theme)
also gets its Content-Security-Policy. Mounted under another theme, the pages are that
theme's (Material runs scripts): statusgen then sets no policy on them.
"""

from __future__ import annotations

from enum import Enum

from . import urls
from .settings import Settings

SHORT_CACHE = "public, max-age=60"
"""Status documents: a minute in any cache at most."""
LONG_CACHE = "public, max-age=31536000, immutable"
"""Fingerprinted assets: a new content is a new name, so the old one never changes."""
REFERRER_POLICY = "strict-origin-when-cross-origin"
ANY_ORIGIN = "*"
CONTENT_TYPES = {urls.METRICS: "text/plain; version=0.0.4; charset=utf-8"}
"""Files whose name says nothing of their type: hosts must be told (Prometheus 3 refuses a
scrape answered as application/octet-stream)."""


class FileKind(Enum):
    """How a file of the status section is served."""

    PAGE = "page"
    DATA = "data"
    ASSET = "asset"


def file_kind(path: str) -> FileKind:
    """The kind of a path of the section: a file ("feed.xml") or a page URL ("incidents/")."""
    if path.startswith(urls.ASSETS):
        return FileKind.ASSET
    if path == "" or path.endswith(("/", ".html")):
        return FileKind.PAGE
    return FileKind.DATA


def common_headers(policy: str | None) -> dict[str, str]:
    """The headers every response of the section gets, whatever its kind."""
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": REFERRER_POLICY}
    if policy is not None:
        headers["Content-Security-Policy"] = policy
    return headers


def kind_headers(kind: FileKind) -> dict[str, str]:
    """The headers that depend on the kind of file: caching, and CORS for data."""
    headers = {"Cache-Control": LONG_CACHE if kind is FileKind.ASSET else SHORT_CACHE}
    if kind is FileKind.DATA:
        headers["Access-Control-Allow-Origin"] = ANY_ORIGIN
    return headers


def _policy(style_sources: tuple[str, ...], *, live_reload: bool, in_meta: bool) -> str:
    directives = [
        ("default-src", "'none'"),
        ("script-src", "'unsafe-inline'" if live_reload else "'none'"),
        ("style-src", " ".join(style_sources)),
        ("img-src", "'self' data:"),
        # No script of the page's own can run, so this admits only tools that fetch from inside
        # the page: Lighthouse and PageSpeed Insights read robots.txt so (under serve, the
        # reload script polls its server).
        ("connect-src", "'self'"),
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        ("form-action", "'none'"),
    ]
    if not in_meta:
        directives.append(("frame-ancestors", "'none'"))
    return "; ".join(f"{name} {value}" for name, value in directives)


def page_policy(inline_styles: tuple[str, ...], *, live_reload: bool) -> str:
    """The policy every page carries in its <meta>: no script, no plugin, nothing from another
    origin; styles from the site and the <style> elements whose CSP sources ('sha256-...') are
    given (the 404 page inlines the stylesheet); images from the site and data: (the favicon).
    Under `serve` the preview's reload script (inline) is let through, and only there."""
    return _policy(("'self'", *inline_styles), live_reload=live_reload, in_meta=True)


HOST_POLICY = _policy(("'self'", "'unsafe-inline'"), live_reload=False, in_meta=False)
"""The policy hosts send as a header (`_headers`, and the user guide's nginx, Caddy and
CloudFront settings). A browser enforces both it and the page's <meta>, so it differs from
the pages' policy only where that helps: it adds frame-ancestors (ignored in a <meta>), and
it allows inline styles without naming the stylesheet's hash, so that a host's configuration
stays right when the stylesheet changes; each page's own policy still admits only that hash."""


def site_page_policy(settings: Settings, inline_styles: tuple[str, ...]) -> str | None:
    """The policy of a site's pages, or None when another theme makes them (mounted mode)."""
    return page_policy(inline_styles, live_reload=settings.live_reload) if settings.standalone else None


def site_host_policy(settings: Settings) -> str | None:
    """The policy header of a site's responses, or None when mounted under another theme."""
    return HOST_POLICY if settings.standalone else None
