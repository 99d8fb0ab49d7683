"""The objects of Statuspage's public API v2 (page, component, incident, maintenance) as dicts.

Field names, types and nesting follow what Statuspage itself serves, so that clients written
for it read ours unchanged. Statuspage ids are 12 lower-case letters and digits; ours are
derived from the record ids by a hash, so they stay the same from one build to the next.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

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
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from .jsonout import iso_ms, start_of_day

Json = dict[str, Any]

# Statuspage knows no "cancelled" maintenance (a called-off window is deleted there); updates
# of ours that say so are shown as completed, and cancelled windows are left out of the lists.
_MAINTENANCE_STATUS = {
    MaintenanceStatus.SCHEDULED: "scheduled",
    MaintenanceStatus.IN_PROGRESS: "in_progress",
    MaintenanceStatus.VERIFYING: "verifying",
    MaintenanceStatus.COMPLETED: "completed",
    MaintenanceStatus.CANCELLED: "completed",
}
_UNDER_WAY = frozenset({MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING})


def stable_id(*parts: str) -> str:
    """A Statuspage-like id (12 lower-case base32 characters) that depends only on `parts`."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:12]


@dataclass(frozen=True)
class ApiContext:
    """What every object of one build shares: the page, its components and "now"."""

    page: Json
    components: Mapping[str, Json]
    """Component id -> its Statuspage object, in display order (groups excluded)."""
    all_components: tuple[Json, ...]
    """Groups and components in display order, as components.json lists them."""
    names: Mapping[str, str]
    order: Mapping[str, int]
    state: SiteState
    base_url: str

    @property
    def page_id(self) -> str:
        return self.page["id"]


def build_context(records: Records, state: SiteState, settings: Settings) -> ApiContext:
    """Compute the page and component objects once for all the files of a build."""
    changes = _change_times(records, state.now)
    page_id = stable_id("page", settings.site_url)
    updated = max(changes.values(), default=state.now)
    page = {
        "id": page_id,
        "name": settings.site_name,
        "url": settings.base_url.rstrip("/"),
        "time_zone": "Etc/UTC",
        "updated_at": iso_ms(updated),
    }
    listed, by_id = _component_objects(records, state, page_id, changes)
    catalogue = records.components.components
    return ApiContext(
        page=page,
        components=by_id,
        all_components=tuple(listed),
        names={component.id: component.name for component in catalogue},
        order={component.id: index for index, component in enumerate(catalogue)},
        state=state,
        base_url=settings.base_url,
    )


def _change_times(records: Records, now: datetime) -> dict[str, datetime]:
    """Component id (or "" for the page) -> the latest record change up to now; one pass."""
    latest: dict[str, datetime] = {}

    def note(keys: Iterable[str], moments: Iterable[datetime | None]) -> None:
        past = [moment for moment in moments if moment is not None and moment <= now]
        if past:
            newest = max(past)
            for key in (*keys, ""):
                if key not in latest or latest[key] < newest:
                    latest[key] = newest

    for incident in records.incidents:
        named = set(incident.affected).union(*(update.components or {} for update in incident.updates))
        note(named, [incident.started, incident.resolved, *(update.at for update in incident.updates)])
    for window in records.maintenance:
        note(window.components, [window.scheduled_start, window.scheduled_end, *(u.at for u in window.updates)])
    for dated in (*records.postmortems, *records.announcements):
        note((), [start_of_day(dated.published)])
    return latest


def _component_objects(
    records: Records, state: SiteState, page_id: str, changes: Mapping[str, datetime]
) -> tuple[list[Json], dict[str, Json]]:
    """Groups and components in display order: a group comes where its first member does."""
    catalogue = records.components
    dates = _component_dates(records, changes, changes.get("", state.now))
    members: dict[str, list[str]] = {}
    for component in catalogue.components:
        if component.group is not None:
            members.setdefault(component.group, []).append(component.id)
    groups = {group.id: group for group in catalogue.groups}
    listed: list[Json] = []
    by_id: dict[str, Json] = {}
    positions: dict[str | None, int] = {None: 0}
    for component in catalogue.components:
        group_id = component.group
        if group_id is not None and group_id not in positions:
            positions[None] += 1
            positions[group_id] = 0
            group = groups.get(group_id)
            listed.append({
                **_common(stable_id("group", group_id), group.name if group else group_id,
                          state.group_status.get(group_id, ComponentStatus.OPERATIONAL),
                          min(dates[key][0] for key in members[group_id]),
                          max(dates[key][1] for key in members[group_id]),
                          positions[None], group.description if group else None, page_id),
                "showcase": False,
                "group": True,
                "components": [stable_id("component", member) for member in members[group_id]],
            })
        positions[group_id] += 1
        value = {
            **_common(stable_id("component", component.id), component.name,
                      state.component_status[component.id], *dates[component.id],
                      positions[group_id], component.description, page_id),
            "start_date": component.since.isoformat() if component.since else None,
            "group_id": stable_id("group", group_id) if group_id else None,
        }
        listed.append(value)
        by_id[component.id] = value
    return listed, by_id


def _component_dates(
    records: Records, changes: Mapping[str, datetime], fallback: datetime
) -> dict[str, tuple[datetime, datetime]]:
    # Records say nothing of when a component was created: its `since` date stands in for
    # it, else the first record that names it. It last changed with the latest record about it.
    dates = {}
    for component in records.components.components:
        created = start_of_day(component.since) if component.since else changes.get(component.id, fallback)
        dates[component.id] = (created, max(created, changes.get(component.id, created)))
    return dates


def _common(key: str, name: str, status: ComponentStatus, created: datetime, updated: datetime,
            position: int, description: str | None, page_id: str) -> Json:
    return {
        "id": key,
        "name": name,
        "status": status.value,
        "created_at": iso_ms(created),
        "updated_at": iso_ms(updated),
        "position": position,
        "description": description,
        "showcase": True,  # Statuspage's "show uptime": every component here has its bars
        "start_date": None,
        "group_id": None,
        "page_id": page_id,
        "group": False,
        "only_show_if_degraded": False,
    }


def incident_object(incident: Incident, ctx: ApiContext) -> Json:
    """An incident with its updates (newest first) and the components it affects."""
    # As of now: a build with an earlier --now shows the page as it was then.
    now = ctx.state.now
    updates = [update for update in incident.updates if update.at <= now]
    resolved = incident.resolved if incident.resolved is not None and incident.resolved <= now else None
    incident_key = stable_id("incident", incident.id)
    status = ctx.state.incident_status.get(incident.id, IncidentStatus.INVESTIGATING)
    moments = [incident.started, *(update.at for update in updates), *([resolved] if resolved else [])]
    monitoring = next((u.at for u in updates if u.status is IncidentStatus.MONITORING), None)
    named = set(incident.affected).union(*(update.components or {} for update in incident.updates))
    return {
        "id": incident_key,
        "name": incident.title,
        "status": status.value,
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
        result.append(_update_object(f"{incident.id}#update-{number}", incident_key, update.status.value,
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
    now = ctx.state.now
    state = ctx.state.maintenance_status.get(window.id, MaintenanceStatus.SCHEDULED)
    updates = [update for update in window.updates if update.at <= now]
    created = min([window.scheduled_start, *(update.at for update in window.updates)])
    changes = [created, *(update.at for update in updates)]
    changes += [moment for moment in (window.scheduled_start, window.scheduled_end) if moment <= now]
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
        (f"{window.id}#update-{number}", update.status, update.body, update.at)
        for number, update in enumerate(updates, start=1)
    ]
    if window.body.strip() or not steps:
        steps.insert(0, (f"{window.id}#description", MaintenanceStatus.SCHEDULED, window.body, created))
    result = []
    under_way = False
    for number, (key, status, body, at) in enumerate(steps):
        now_under_way = status in _UNDER_WAY
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
