"""The pages of single records: an incident, a post-mortem, a maintenance window, an
announcement, a component. Each function reads only its record and the build's lookups."""

from __future__ import annotations

from .. import urls
from ..models import Announcement, Component, Incident, Maintenance, Postmortem
from ..wording import describe_duration, label
from .formatting import short_date
from .page_context import Page, SiteView

COMPONENT_INCIDENTS = 50
"""Most incidents a component's page lists (newest first)."""


def incident_page(site: SiteView, incident: Incident) -> Page:
    """An incident: its updates (newest first, anchored oldest first), components, figures."""
    state = site.state
    status = state.incident_status.get(incident.id)
    affected = [
        (component_id, site.component_name(component_id), component_status)
        for component_id, component_status in incident.affected.items()
    ]
    numbered = list(enumerate(incident.updates, start=1))
    names = ", ".join(name for _, name, _ in affected) or "no component"
    return Page(
        path=urls.incident(incident.id),
        template="incident.html",
        title=incident.title,
        description=f"Incident of {short_date(incident.started.date())} affecting {names}"
        f"{'; resolved' if incident.resolved else '; ongoing'}.",
        values={
            "incident": incident,
            "status": status,
            "figures": state.incident_figures.get(incident.id),
            "postmortem": state.postmortem_for.get(incident.id),
            "affected": affected,
            "updates": numbered[::-1],
        },
    )


def postmortem_page(site: SiteView, postmortem: Postmortem) -> Page:
    """A post-mortem article, linked to the incident it explains."""
    return Page(
        path=urls.postmortem(postmortem.id),
        template="postmortem.html",
        title=postmortem.title,
        description=f"Post-mortem published {short_date(postmortem.published)}: what happened, "
        "why, and what changes.",
        values={"postmortem": postmortem, "incident": site.incidents.get(postmortem.incident)},
    )


def maintenance_page(site: SiteView, maintenance: Maintenance) -> Page:
    """A maintenance window: its times, state, components and updates."""
    names = [(component_id, site.component_name(component_id)) for component_id in maintenance.components]
    return Page(
        path=urls.maintenance(maintenance.id),
        template="maintenance.html",
        title=maintenance.title,
        description=f"Maintenance on {short_date(maintenance.scheduled_start.date())} of "
        f"{', '.join(name for _, name in names) or 'no component'}.",
        values={
            "maintenance": maintenance,
            "status": site.state.maintenance_status.get(maintenance.id),
            "components": names,
            "updates": maintenance.updates[::-1],
        },
    )


def announcement_page(site: SiteView, announcement: Announcement) -> Page:
    """A policy, retention or pricing notice with its dates and the plans it concerns."""
    effective = f", effective {short_date(announcement.effective)}" if announcement.effective else ""
    return Page(
        path=urls.announcement(announcement.id),
        template="announcement.html",
        title=announcement.title,
        description=f"{label(announcement.kind)} notice published "
        f"{short_date(announcement.published)}{effective}.",
        values={
            "announcement": announcement,
            "plan_names": [site.plan_name(plan_id) for plan_id in announcement.plans],
            "inactive_after": describe_duration(announcement.retention.inactive_after)
            if announcement.retention
            else None,
        },
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
        description=f"Current status, uptime and incident history of {component.name}.",
        values={
            "component": component,
            "status": state.component_status[component.id],
            "uptime": state.uptime.get(component.id),
            "incidents": incidents[:COMPONENT_INCIDENTS],
            "earlier_incidents": max(len(incidents) - COMPONENT_INCIDENTS, 0),
        },
    )
