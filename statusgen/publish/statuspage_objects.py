"""The page and component objects of Statuspage's public API v2, and the context they share.

Field names, types and nesting follow what Statuspage itself serves, so that clients written
for it read ours unchanged. Statuspage ids are 12 lower-case letters and digits; ours are
derived from the record ids by a hash, so they stay the same from one build to the next.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import ComponentStatus, Incident
from ..moments import iso_ms, start_of_day
from ..records import Records
from ..settings import Settings
from ..state import SiteState

Json = dict[str, Any]


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
        return str(self.page["id"])


def build_context(records: Records, state: SiteState, settings: Settings) -> ApiContext:
    """Compute the page and component objects once for all the files of a build."""
    changes = _change_times(state)
    page_id = stable_id("page", settings.site_url)
    updated = changes.get("", (state.now, state.now))[1]
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


Span = tuple[datetime, datetime]


def _change_times(state: SiteState) -> dict[str, Span]:
    """Component id (or "" for the page) -> (first, latest) time of the public records up to
    now (the catalogue's components only)."""
    records, now = state.public, state.now
    spans: dict[str, Span] = {}

    def note(keys: Iterable[str], span: Span | None) -> None:
        if span is not None:
            first, last = span
            for key in (*keys, ""):
                known = spans.get(key, span)
                spans[key] = (min(known[0], first), max(known[1], last))

    # In the public view nothing is dated after now, and the rules put an incident's
    # resolution and updates after its start and its updates in order: its span is from
    # `started` to the later of `resolved` and its last update. Each component's incidents are
    # listed newest first (derive.py): the first of its span is its oldest incident's start.
    latest = {id(incident): _latest(incident) for incident in records.incidents}
    for component_id, listed in state.incidents_by_component.items():
        if listed:
            spans[component_id] = (listed[-1].started, max(latest[id(incident)] for incident in listed))
    if records.incidents:
        spans[""] = (records.incidents[0].started, max(latest.values()))
    for window in records.maintenance:
        note(window.components, _span([window.announced_at, window.scheduled_start, window.scheduled_end, *(u.at for u in window.updates)], now))
    published = [record.published for record in records.postmortems]
    published += [record.published for record in records.announcements]
    for day in published:
        note((), _span([start_of_day(day)], now))
    return spans


def _latest(incident: Incident) -> datetime:
    """An incident's latest time: its resolution's or its last update's, else its start."""
    last_update = incident.updates[-1].at if incident.updates else incident.started
    return last_update if incident.resolved is None or last_update > incident.resolved else incident.resolved


def _span(moments: Iterable[datetime | None], now: datetime) -> Span | None:
    """(first, latest) of the moments up to now; None when there is none."""
    past = [moment for moment in moments if moment is not None and moment <= now]
    return (min(past), max(past)) if past else None


def _component_objects(
    records: Records, state: SiteState, page_id: str, changes: Mapping[str, Span]
) -> tuple[list[Json], dict[str, Json]]:
    """Groups and components in display order: a group comes where its first member does."""
    catalogue = records.components
    dates = _component_dates(records, changes, state.now)
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


def _component_dates(records: Records, changes: Mapping[str, Span], now: datetime) -> dict[str, Span]:
    # Records say nothing of when a component was created: its `since` date stands in for
    # it, else the first record that names it, else the page's first record. It last
    # changed with the latest record about it.
    page = changes.get("", (now, now))
    dates = {}
    for component in records.components.components:
        first, last = changes.get(component.id, (page[0], page[0]))
        created = start_of_day(component.since) if component.since else first
        dates[component.id] = (created, max(created, last))
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
