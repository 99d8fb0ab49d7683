"""What the render stages produce: files to publish, by path under the status section."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputFile:
    """One file of the published site.

    `path` is relative to the status section (the prefix is added when the files are placed),
    posix-style, e.g. "incidents/x/index.html" or "api/v2/summary.json".
    """

    path: str
    content: bytes
    title: str | None = None
    """Set on HTML pages: another MkDocs theme that wraps the page needs its title."""
    in_sitemap: bool = False
    """True for pages a search engine should list."""
    at_site_root: bool = False
    """True for the files a host or crawler reads only at the site's root (robots.txt,
    _headers): `path` is then relative to the site root, the prefix is not added."""
