"""robots.txt at the site root: every page may be crawled, and here is the sitemap.

Only a standalone site writes one: mounted under another site, robots.txt is that site's
(add a `Sitemap:` line for its sitemap there, see the user guide)."""

from __future__ import annotations

from .. import urls
from ..outputs import OutputFile
from ..settings import Settings


def render_robots(settings: Settings) -> list[OutputFile]:
    """robots.txt naming the sitemap by its absolute URL (the format requires one)."""
    if not settings.standalone:
        return []
    text = f"User-agent: *\nDisallow:\n\nSitemap: {urls.absolute(settings.base_url, urls.SITEMAP)}\n"
    return [OutputFile(urls.ROBOTS, text.encode("utf-8"), at_site_root=True)]
