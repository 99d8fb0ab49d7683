"""The URL layout of DESIGN.md in one place, and relative links between pages.

Every link in a page is relative to that page, so the site works under any base path and
from any static host. Page paths are directory URLs ("incidents/x/"), files are plain
("feed.xml"); both are relative to the status section's root.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

HOME = ""
INCIDENT_HISTORY = "incidents/"
POSTMORTEMS = "postmortems/"
ANNOUNCEMENTS = "announcements/"
PRICING = "pricing/"
UPTIME = "uptime/"
"""The uptime calendar: the last `uptime_months` months of every component and group."""
SLA = "sla/"
NOT_FOUND = "404.html"
ASSETS = "assets/"
"""Folder of the fingerprinted assets (long-cached: a changed file gets a new name)."""
RSS_FEED = "feed.xml"
ATOM_FEED = "atom.xml"
JSON_FEED = "feed.json"
CALENDAR = "maintenance.ics"
BADGE = "badge.svg"
BADGE_ENDPOINT = "badge.json"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
"""At the site root (not the section's): crawlers read it only there."""
HOST_HEADERS = "_headers"
"""At the site root: the response headers, in the format Netlify and Cloudflare Pages read."""
STATUSPAGE_API = "api/v2/"
"""Folder of Statuspage's API v2 files (summary.json, incidents/unresolved.json...)."""
UPTIME_API = "api/uptime.json"
UPTIME_MONTHLY_API = "api/uptime-monthly.json"
UPTIME_MONTHLY_CSV = "api/uptime-monthly.csv"
SLA_API = "api/sla.json"
METRICS = "metrics"
"""Prometheus' text exposition format, at the section root."""
PLANS_API = "api/plans.json"
SCHEMAS = "schema/"
"""Folder of the records' JSON Schemas (incident.json...)."""

SECTION_PAGES = frozenset({HOME, INCIDENT_HISTORY, POSTMORTEMS, ANNOUNCEMENTS, PRICING, UPTIME, SLA})
"""Pages that may appear in another theme's nav; every per-record page stays out of it."""


@dataclass(frozen=True)
class Feed:
    """A site-wide feed, as pages announce it in their <head> and footer."""

    path: str
    media_type: str
    label: str


FEEDS = (
    Feed(RSS_FEED, "application/rss+xml", "RSS"),
    Feed(ATOM_FEED, "application/atom+xml", "Atom"),
    Feed(JSON_FEED, "application/feed+json", "JSON Feed"),
)


def incident(incident_id: str) -> str:
    return f"incidents/{incident_id}/"


def incident_history_page(number: int) -> str:
    """0 is the history's own URL (its newest incidents); pages numbered from the oldest
    incident on are incidents/page/N/ (N >= 1)."""
    return INCIDENT_HISTORY if number <= 0 else f"incidents/page/{number}/"


def postmortem(postmortem_id: str) -> str:
    return f"postmortems/{postmortem_id}/"


def maintenance(maintenance_id: str) -> str:
    return f"maintenance/{maintenance_id}/"


def announcement(announcement_id: str) -> str:
    return f"announcements/{announcement_id}/"


def component(component_id: str) -> str:
    return f"components/{component_id}/"


def component_feed(component_id: str) -> str:
    return f"components/{component_id}/feed.xml"


def component_badge(component_id: str) -> str:
    return f"components/{component_id}/badge.svg"


def component_badge_endpoint(component_id: str) -> str:
    return f"components/{component_id}/badge.json"


def stylesheet(fingerprint: str) -> str:
    """The stylesheet under a name that changes whenever its content does."""
    return f"{ASSETS}statusgen.{fingerprint}.css"


def uptime_anchor(kind: str, subject_id: str) -> str:
    """Fragment of a component's or group's calendar on the uptime page: "component-api"."""
    return f"{kind}-{subject_id}"


def sla_anchor(plan_id: str) -> str:
    """Fragment of a plan's months on the SLA page."""
    return f"plan-{plan_id}"


def schema(file_name: str) -> str:
    return SCHEMAS + file_name


def update_anchor(number: int) -> str:
    """Fragment of the Nth update (1-based, oldest first) on its incident page."""
    return f"update-{number}"


def update_names(times: Sequence[datetime]) -> list[str]:
    """What names each update of a record (times oldest first) where its number would not do:
    `update-at-2021-10-04T18:00:00Z` (a fraction of a second kept), `-2`, `-3`... for a second
    and third update at one instant. An update added late, between two others, renumbers the
    later ones (their anchors and feed entries are numbered, as the URL layout has them) but
    leaves their names: notify's state and the API's update ids are made of these."""
    names = []
    seen: dict[str, int] = {}
    for at in times:
        name = f"update-at-{at.isoformat().replace('+00:00', 'Z')}"  # times are UTC (models/common.py)
        seen[name] = seen.get(name, 0) + 1
        names.append(name + (f"-{seen[name]}" if seen[name] > 1 else ""))
    return names


SINGLE = (ASSETS, "api/", SCHEMAS, CALENDAR, BADGE, BADGE_ENDPOINT, METRICS, SITEMAP)
"""What is published once, at the section's root, whatever the languages: the stylesheet,
the API, the schemas, the calendar, the badges, the metrics and the sitemap."""


def is_single(path: str) -> bool:
    """True for a path published once for every language (see SINGLE), component badges included."""
    return path.startswith(SINGLE) or (path.startswith("components/") and path.endswith(("/badge.svg", "/badge.json")))


def in_language(prefix: str, path: str) -> str:
    """A path of the section in the language whose pages live under `prefix` ("" or "de/")."""
    return path if not prefix or is_single(path) else prefix + path


def page_file(path: str) -> str:
    """The file that serves a directory URL: "incidents/x/" -> "incidents/x/index.html"."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative(from_path: str, to_path: str) -> str:
    """Link from the page at `from_path` to `to_path`, both relative to the section root.

    relative("incidents/x/", "feed.xml") == "../../feed.xml"; a directory URL keeps its
    trailing slash so that static hosts serve its index.html.
    """
    if from_path.endswith("/"):
        # The common case, tens of thousands of times a build: a link out of the page's own
        # top-level folder is just "../" per level of the page.
        folder = from_path.split("/", 1)[0]
        if not (to_path == folder or to_path.startswith(folder + "/")):
            return "../" * from_path.count("/") + to_path
    return relative_by_paths(from_path, to_path)


def relative_by_paths(from_path: str, to_path: str) -> str:
    """The general computation behind `relative`, without its shortcut."""
    from_dir = from_path if from_path.endswith("/") or from_path == "" else posixpath.dirname(from_path) + "/"
    from_dir = from_dir.rstrip("/")
    target = to_path.rstrip("/")
    link = _relpath(target or ".", from_dir or ".")
    if to_path.endswith("/") or to_path == "":
        link = "./" if link == "." else link + "/"
    return link


def _relpath(target: str, start: str) -> str:
    """posixpath.relpath(target, start) for the section's own paths, by their segments: relpath
    makes both absolute first (two calls for the working folder), which cost a twentieth of
    rendering an archived page. Anything but plain segments goes to relpath itself."""
    target_parts = target.split("/") if target != "." else []
    start_parts = start.split("/") if start != "." else []
    if not _IRREGULAR.isdisjoint(target_parts + start_parts):
        return posixpath.relpath(target, start)
    common = 0
    for mine, theirs in zip(target_parts, start_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + target_parts[common:]) or "."


_IRREGULAR = {"", ".", ".."}
"""Segments posixpath.relpath would normalize (a doubled or trailing slash, `.`, `..`)."""


def absolute(base_url: str, path: str) -> str:
    """Absolute URL of a path of the section, for feeds, the API and the sitemap."""
    return base_url + path
