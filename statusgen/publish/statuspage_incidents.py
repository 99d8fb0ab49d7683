"""The incident and scheduled-maintenance objects of Statuspage's public API v2, as dicts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .. import urls
from ..models import (
    ComponentStatus,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    MaintenanceStatus,
    MaintenanceUpdate,
)
from ..moments import iso_ms
from ..timeline import ACTIVE_MAINTENANCE
from .statuspage_objects import ApiContext, Json, stable_id

# Statuspage knows no "cancelled" maintenance (a called-off window is deleted there); updates
# of ours that say so are shown as completed, and cancelled windows are left out of the lists.
_MAINTENANCE_STATUS = {
    MaintenanceStatus.SCHEDULED: "scheduled",
    MaintenanceStatus.IN_PROGRESS: "in_progress",
    MaintenanceStatus.VERIFYING: "verifying",
    MaintenanceStatus.COMPLETED: "completed",
    MaintenanceStatus.CANCELLED: "completed",
}


def incident_object(incident: Incident, ctx: ApiContext) -> Json:
    """An incident with its updates (newest first) and the components it affects."""
    updates = list(incident.updates)
    resolved = incident.resolved
    incident_key = stable_id("incident", incident.id)
    status = ctx.state.incident_status.get(incident.id, IncidentStatus.INVESTIGATING).value
    if resolved and incident.id in ctx.state.postmortem_for:
        status = "postmortem"  # what Statuspage calls a resolved incident once its post-mortem is out
    moments = [incident.started, *(update.at for update in updates), *([resolved] if resolved else [])]
    monitoring = next((u.at for u in updates if u.status is IncidentStatus.MONITORING), None)
    named = incident.named_components
    return {
        "id": incident_key,
        "name": incident.title,
        "status": status,
        "created_at": iso_ms(incident.started),
        "updated_at": iso_ms(max(moments)),
        "monitoring_at": iso_ms(monitoring) if monitoring else None,
        "resolved_at": iso_ms(resolved) if resolved else None,
        "started_at": iso_ms(incident.started),
        "impact": incident.impact.value,
        "shortlink": urls.absolute(ctx.base_url, urls.incident(incident.id)),
        "page_id": ctx.page_id,
        "incident_updates": _incident_updates(incident, updates, incident_key, ctx),
        "components": _embedded_components(named, ctx),
    }


def _incident_updates(incident: Incident, updates: list[IncidentUpdate], incident_key: str, ctx: ApiContext) -> list[Json]:
    """Each update with the component changes it made (before -> after), newest first."""
    current = dict(incident.affected)
    result = []
    names = urls.update_names([update.at for update in updates])
    for number, update in enumerate(updates, start=1):
        before = dict(current) if number > 1 else {key: ComponentStatus.OPERATIONAL for key in current}
        current.update(update.components or {})
        if update.status is IncidentStatus.RESOLVED:
            current = {key: ComponentStatus.OPERATIONAL for key in current}
        changed = [
            key for key in current
            if number == 1 or before.get(key) != current[key] or key in (update.components or {})
        ]
        affected = [
            {
                "code": stable_id("component", key),
                "name": ctx.names[key],
                "old_status": before.get(key, ComponentStatus.OPERATIONAL).value,
                "new_status": current[key].value,
            }
            for key in sorted(changed, key=lambda key: ctx.order.get(key, len(ctx.order)))
            if key in ctx.names
        ]
        result.append(_update_object(f"{incident.id}#{names[number - 1]}", incident_key, update.status.value,
                                     update.body, update.at, affected))
    result.reverse()
    return result


def _update_object(key: str, parent: str, status: str, body: str, at: datetime, affected: list[Json]) -> Json:
    return {
        "id": stable_id("update", key),
        "status": status,
        "body": body.strip(),
        "incident_id": parent,
        "created_at": iso_ms(at),
        "updated_at": iso_ms(at),
        "display_at": iso_ms(at),
        "affected_components": affected or None,
        # Nothing is sent to subscribers by a static site; no tweet is posted either.
        "deliver_notifications": False,
        "custom_tweet": None,
        "tweet_id": None,
    }


def _embedded_components(component_ids: Iterable[str], ctx: ApiContext) -> list[Json]:
    known = sorted((key for key in component_ids if key in ctx.components), key=ctx.order.__getitem__)
    return [ctx.components[key] for key in known]


def maintenance_object(window: Maintenance, ctx: ApiContext) -> Json:
    """A scheduled maintenance: an incident with impact "maintenance" and its window."""
    window_key = stable_id("maintenance", window.id)
    state = ctx.state.maintenance_status.get(window.id, MaintenanceStatus.SCHEDULED)
    updates = list(window.updates)
    created = window.announced_at
    changes = [created, *(update.at for update in updates)]
    # The window's start and end change its state once they have passed.
    changes += [moment for moment in (window.scheduled_start, window.scheduled_end) if moment <= ctx.state.now]
    finished = None
    if state is MaintenanceStatus.COMPLETED:
        done = [u.at for u in updates if u.status is MaintenanceStatus.COMPLETED]
        finished = done[-1] if done else window.scheduled_end
    return {
        "id": window_key,
        "name": window.title,
        "status": _MAINTENANCE_STATUS[state],
        "created_at": iso_ms(created),
        "updated_at": iso_ms(max(changes)),
        "monitoring_at": None,
        "resolved_at": iso_ms(finished) if finished else None,
        "impact": "maintenance",
        "shortlink": urls.absolute(ctx.base_url, urls.maintenance(window.id)),
        "started_at": iso_ms(created),
        "page_id": ctx.page_id,
        "incident_updates": _maintenance_updates(window, updates, window_key, created, ctx),
        "components": _embedded_components(window.components, ctx),
        "scheduled_for": iso_ms(window.scheduled_start),
        "scheduled_until": iso_ms(window.scheduled_end),
    }


def _maintenance_updates(
    window: Maintenance, updates: list[MaintenanceUpdate], window_key: str, created: datetime, ctx: ApiContext
) -> list[Json]:
    """The record's description as a first "scheduled" update (where Statuspage keeps a
    maintenance's message), then its updates; newest first."""
    steps = [
        (f"{window.id}#{name}", update.status, update.body, update.at)
        for name, update in zip(urls.update_names([update.at for update in updates]), updates, strict=True)
    ]
    if window.body.strip() or not steps:
        steps.insert(0, (f"{window.id}#description", MaintenanceStatus.SCHEDULED, window.body, created))
    result = []
    under_way = False
    for number, (key, status, body, at) in enumerate(steps):
        now_under_way = status in ACTIVE_MAINTENANCE
        affected = []
        if number == 0 or now_under_way != under_way:
            old, new = (ComponentStatus.UNDER_MAINTENANCE if flag else ComponentStatus.OPERATIONAL
                        for flag in (under_way, now_under_way))
            affected = [
                {"code": stable_id("component", component_id), "name": ctx.names[component_id],
                 "old_status": old.value, "new_status": new.value}
                for component_id in window.components if component_id in ctx.names
            ]
        under_way = now_under_way
        result.append(_update_object("maintenance:" + key, window_key, _MAINTENANCE_STATUS[status], body, at, affected))
    result.reverse()
    return result
