"""What every page's template receives: the build's shared lookups and the page's own values.

The lookups (component names, plans, groups in display order, incidents by id) are computed
once per build in `build_site_view`, so a page costs only its own content: with ten thousand
incidents, no page scans the records again.

Two kinds of page. A live page (the front page, a component, uptime, pricing...) sees the
whole `SiteView`, "now" and the derived state among it, and is rendered every build. An
archived page (an incident, a window, a post-mortem, a notice, a page of the history) sees
only `SiteLookups`, which hold nothing that changes with the clock, and its own values: it is
a function of what it is given, so the build cache may keep it (statusgen/cache/pages.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .. import urls
from ..headers import site_page_policy
from ..languages import N_, Language
from ..markup import MarkdownRenderer
from ..models import Component, ComponentStatus, Group, Incident, Plan
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from ..wording import ENGLISH
from .formatting import ARCHIVED_FAVICON, INDICATOR_STATUS, favicon_uri
from .stylesheet import Stylesheet


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, with which template, and its own values."""

    path: str
    """Directory URL relative to the section root ("incidents/x/"), or a file name ("404.html")."""
    template: str
    title: str
    """The page's own title (the site name is added in <title>)."""
    description: str
    """One sentence for <meta name="description"> and OpenGraph."""
    values: Mapping[str, Any] = field(default_factory=dict)
    in_sitemap: bool = True
    absolute_links: bool = False
    """True for a page served at any depth (404), whose relative links would break."""
    archived: bool = False
    """True for a page made only from its values and the build's SiteLookups (no "now", no
    state): it shows no live status, and the build cache keeps it between builds."""


@dataclass(frozen=True)
class ArchivedPage:
    """An archived page before it is made: `make(lookups, *arguments)` gives its Page. The
    build cache keys it by `make` and `arguments` (with the lookups), and skips making it
    when it holds the HTML; `make` is a module-level function and may read nothing else."""

    path: str
    """Where the page goes, as Page.path."""
    make: Callable[..., Page]
    arguments: tuple[Any, ...]


@dataclass(frozen=True)
class ComponentSection:
    """Components shown under one heading: a group, or none for ungrouped components."""

    group: Group | None
    components: tuple[Component, ...]


@dataclass(frozen=True)
class SiteLookups:
    """What every page of one build shares that does not change with the clock: the records'
    catalogues, the navigation, the assets, the language. Archived pages see only this."""

    settings: Settings
    markdown: MarkdownRenderer
    components: Mapping[str, Component]
    sections: tuple[ComponentSection, ...]
    plans: Mapping[str, Plan]
    currency: str
    favicon: str
    """The tab icon: on live pages the current status; on archived pages a neutral one."""
    nav: tuple[tuple[str, str], ...]
    """(label, path) of the header's links, in order."""
    stylesheet: str
    """Path of the fingerprinted stylesheet in the section."""
    content_security_policy: str | None
    """The pages' policy for their <meta http-equiv>; None under another theme (its pages)."""
    language: Language
    """The language of these pages; its prefix is where they are published in the section."""
    languages: tuple[Language, ...]
    """Every language of the site, the first at the root: each page links its versions."""

    def tr(self, message: str, **values: object) -> str:
        """A message (marked with N_ where it is written) in the pages' language, with values."""
        text = self.language.gettext(message)
        return text % values if values else text

    def component_name(self, component_id: str) -> str:
        """The display name of a component id (validation guarantees it exists)."""
        component = self.components.get(component_id)
        return component.name if component else component_id

    def plan_name(self, plan_id: str) -> str:
        """The display name of a plan id."""
        plan = self.plans.get(plan_id)
        return plan.name if plan else plan_id


@dataclass(frozen=True)
class SiteView(SiteLookups):
    """The lookups and the build's state as of now: what live pages see."""

    state: SiteState
    records: Records
    incidents: Mapping[str, Incident]
    indicator_status: ComponentStatus
    lookups: SiteLookups
    """The same lookups without the state, for archived pages."""


def build_site_view(records: Records, state: SiteState, settings: Settings, stylesheet: Stylesheet,
                    language: Language = ENGLISH, languages: tuple[Language, ...] = ()) -> SiteView:
    """Compute once, for one language, the lookups that pages would otherwise each rebuild;
    `languages` are all the site's (just `language` when not given)."""
    nav = [(N_("Status"), urls.HOME), (N_("History"), urls.INCIDENT_HISTORY), (N_("Uptime"), urls.UPTIME)]
    if records.postmortems:
        nav.append((N_("Post-mortems"), urls.POSTMORTEMS))
    if records.announcements:
        nav.append((N_("Announcements"), urls.ANNOUNCEMENTS))
    if records.plans is not None:
        nav.append((N_("Pricing"), urls.PRICING))
    nav = [(language.gettext(label), path) for label, path in nav]
    lookups = SiteLookups(
        settings=settings,
        markdown=MarkdownRenderer(),
        components={component.id: component for component in records.components.components},
        sections=component_sections(records),
        plans={plan.id: plan for plan in records.plans.plans} if records.plans else {},
        currency=records.plans.currency if records.plans else "USD",
        favicon=ARCHIVED_FAVICON,
        nav=tuple(nav),
        stylesheet=stylesheet.path,
        content_security_policy=site_page_policy(settings, (stylesheet.inline_source,)),
        language=language,
        languages=languages or (language,),
    )
    shared = {field.name: getattr(lookups, field.name) for field in fields(SiteLookups)}
    return SiteView(
        **{**shared, "favicon": favicon_uri(state.indicator)},
        state=state,
        records=records,
        incidents={incident.id: incident for incident in records.incidents},
        indicator_status=INDICATOR_STATUS[state.indicator],
        lookups=lookups,
    )


def component_sections(records: Records) -> tuple[ComponentSection, ...]:
    """Components under their groups, in the order components.yml lists them; a group appears
    where its first component does, and ungrouped components together where the first is."""
    groups = {group.id: group for group in records.components.groups}
    members: dict[str | None, list[Component]] = {}
    for component in records.components.components:
        members.setdefault(component.group, []).append(component)
    return tuple(
        ComponentSection(group=groups.get(group_id) if group_id else None, components=tuple(listed))
        for group_id, listed in members.items()
    )


def page_context(site: SiteView, page: Page) -> dict[str, Any]:
    """The variables a page template sees: the shared view, the page, and its own values.
    An archived page sees the lookups only: no `state`, so nothing that changes with "now"."""
    settings = site.settings
    live: dict[str, Any] = {} if page.archived else {
        "state": site.state,
        "incident_figures": site.state.incident_figures,
        "postmortem_for": site.state.postmortem_for,
    }
    return {
        "site": site.lookups if page.archived else site,
        **live,
        "live": not page.archived,
        "settings": settings,
        "markdown": site.markdown,
        "page": page,
        "layout": "base.html" if settings.standalone else "fragment.html",
        "page_url": urls.absolute(settings.base_url, site.language.prefix + page.path),
        "versions": versions(site, page),
        **page.values,
    }


def versions(site: SiteView, page: Page) -> list[tuple[Language, str, str]]:
    """Every language's version of a page: (language, absolute URL, link from this page).
    None for the 404 page: it is published once, in the default language, for every path."""
    if page.path == urls.NOT_FOUND:
        return []
    here = site.language.prefix + page.path
    found = []
    for language in site.languages:
        there = language.prefix + page.path
        link = urls.absolute(site.settings.base_url, there) if page.absolute_links else urls.relative_by_paths(here, there)
        found.append((language, urls.absolute(site.settings.base_url, there), link))
    return found
