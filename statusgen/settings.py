"""The one settings object the core receives, made from the `statusgen` block of mkdocs.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Everything the core needs to know about a site, beyond its records and "now"."""

    content_dir: Path
    """Folder holding components.yml, plans.yml and the record folders."""
    site_name: str = "Status"
    """Shown in every page's header and title, and as the feeds' title."""
    site_url: str = "http://localhost/"
    """Absolute URL of the site's root, ending in '/'; feeds and the API need absolute links."""
    prefix: str = ""
    """Path under the site root where the status section is mounted, '' or ending in '/'."""
    uptime_days: int = 90
    """Length of the uptime window, in UTC calendar days ending with today."""
    uptime_months: int = 12
    """Calendar months on the uptime page, ending with the month of now."""
    feed_items: int = 50
    """Most entries in each feed (newest first)."""
    history_page_size: int = 25
    """Incidents per page of the incident history."""
    recent_announcements: int = 5
    """Announcements listed on the front page."""
    standalone: bool = True
    """True: pages are complete HTML in statusgen's own theme. False: pages are fragments that
    another MkDocs theme wraps in its chrome (the status section mounted in a docs site)."""
    template_dirs: tuple[Path, ...] = field(default_factory=tuple)
    """User template folders, searched before the packaged templates."""
    languages: tuple[str, ...] = ("en",)
    """Babel locale identifiers of the site's languages: the first is published at the root,
    each other under its own folder ("de/"). Validated by the plugin (languages.py)."""
    cache_dir: Path | None = None
    """The build cache's folder (statusgen/cache/); None builds without one."""
    published_site: Path | None = None
    """The folder `statusgen build` swaps the new site into (its site/): a page unchanged since
    the last build is linked from there rather than written (cache/published.py). None for
    MkDocs' own commands, which empty the site folder before they build."""
    live_reload: bool = False
    """True under `statusgen serve` / `mkdocs serve`: the pages' Content-Security-Policy lets
    the preview's reload script run. Never set for a build that is published."""

    @property
    def published_section(self) -> Path | None:
        """Where the last build published the status section's pages (published_site under
        the prefix); None when no page is linked from it: MkDocs' own commands, and pages
        under another theme, which MkDocs writes (it wraps them)."""
        return self.published_site / self.prefix if self.published_site is not None and self.standalone else None

    @property
    def base_url(self) -> str:
        """Absolute URL of the status section (site_url plus prefix)."""
        return self.site_url + self.prefix
