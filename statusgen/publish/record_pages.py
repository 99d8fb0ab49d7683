"""The pages of single records: an incident, a post-mortem, a maintenance window, an
announcement, a component.

Every page but a component's is archived (see page_context): its function is given the
build's SiteLookups and, as arguments, all it shows of the state (an incident's figures, a
window's status), and can read nothing else. The build cache keys the page by those
arguments, so what the function cannot read cannot go stale.
"""

from __future__ import annotations

from .. import urls
from ..languages import N_
from ..models import Announcement, Component, Incident, IncidentStatus, Maintenance, MaintenanceStatus, Postmortem
from ..state import IncidentFigures
from ..wording import describe_duration, label
from .formatting import short_date
from .page_context import Page, SiteLookups, SiteView

COMPONENT_INCIDENTS = 50
"""Most incidents a component's page lists (newest first)."""


def incident_page(site: SiteLookups, incident: Incident, status: IncidentStatus | None,
                  figures: IncidentFigures | None, postmortem: Postmortem | None) -> Page:
    """An incident: its updates (newest first, anchored oldest first), components, figures."""
    affected = [
        (component_id, site.component_name(component_id), component_status)
        for component_id, component_status in incident.affected.items()
    ]
    numbered = list(enumerate(incident.updates, start=1))
    names = ", ".join(name for _, name, _ in affected) or site.tr(N_("no component"))
    day = short_date(incident.started.date(), site.language)
    return Page(
        path=urls.incident(incident.id),
        template="incident.html",
        title=incident.title,
        description=site.tr(N_("Incident of %(date)s affecting %(components)s; resolved."), date=day, components=names)
        if incident.resolved
        else site.tr(N_("Incident of %(date)s affecting %(components)s; ongoing."), date=day, components=names),
        values={
            "incident": incident,
            "status": status,
            "figures": figures,
            "postmortem": postmortem,
            "affected": affected,
            "updates": numbered[::-1],
        },
        archived=True,
    )


def postmortem_page(site: SiteLookups, postmortem: Postmortem, incident: Incident | None) -> Page:
    """A post-mortem article, linked to the incident it explains."""
    return Page(
        path=urls.postmortem(postmortem.id),
        template="postmortem.html",
        title=postmortem.title,
        description=site.tr(N_("Post-mortem published %(date)s: what happened, why, and what changes."),
                            date=short_date(postmortem.published, site.language)),
        values={"postmortem": postmortem, "incident": incident},
        archived=True,
    )


def maintenance_page(site: SiteLookups, maintenance: Maintenance, status: MaintenanceStatus | None) -> Page:
    """A maintenance window: its times, state, components and updates."""
    names = [(component_id, site.component_name(component_id)) for component_id in maintenance.components]
    return Page(
        path=urls.maintenance(maintenance.id),
        template="maintenance.html",
        title=maintenance.title,
        description=site.tr(N_("Maintenance on %(date)s of %(components)s."),
                            date=short_date(maintenance.scheduled_start.date(), site.language),
                            components=", ".join(name for _, name in names) or site.tr(N_("no component"))),
        values={
            "maintenance": maintenance,
            "status": status,
            "components": names,
            "updates": maintenance.updates[::-1],
        },
        archived=True,
    )


def announcement_page(site: SiteLookups, announcement: Announcement) -> Page:
    """A policy, retention or pricing notice with its dates and the plans it concerns."""
    kind = label(announcement.kind, site.language)
    published = short_date(announcement.published, site.language)
    description = (
        site.tr(N_("%(kind)s notice published %(date)s, effective %(effective)s."), kind=kind, date=published,
                effective=short_date(announcement.effective, site.language))
        if announcement.effective
        else site.tr(N_("%(kind)s notice published %(date)s."), kind=kind, date=published)
    )
    return Page(
        path=urls.announcement(announcement.id),
        template="announcement.html",
        title=announcement.title,
        description=description,
        values={
            "announcement": announcement,
            "plan_names": [site.plan_name(plan_id) for plan_id in announcement.plans],
            "inactive_after": describe_duration(announcement.retention.inactive_after, site.language)
            if announcement.retention
            else None,
        },
        archived=True,
    )


def component_page(site: SiteView, component: Component) -> Page:
    """One component: its current status, uptime bars and the incidents that touched it."""
    state = site.state
    # Newest first; a long history would make the page grow without end, so it shows the
    # latest ones and points to the paginated history for the rest.
    incidents = state.incidents_by_component.get(component.id, ())
    return Page(
        path=urls.component(component.id),
        template="component.html",
        title=component.name,
        description=site.tr(N_("Current status, uptime and incident history of %(component)s."), component=component.name),
        values={
            "component": component,
            "status": state.component_status[component.id],
            "uptime": state.uptime.get(component.id),
            "incidents": incidents[:COMPONENT_INCIDENTS],
            "earlier_incidents": max(len(incidents) - COMPONENT_INCIDENTS, 0),
        },
    )
