"""Atlassian Statuspage's public API v2, read-only, as static JSON files under api/v2/.

Existing clients (dashboards, chat bots, monitoring exporters) poll these paths on Statuspage
pages; publishing the same files with the same shapes lets them follow a statusgen site
unchanged. Every file is written with `json`, never from a template.
"""

from __future__ import annotations

from typing import Any

from .. import urls
from ..models import MaintenanceStatus
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from .jsonout import dump_json
from .statuspage_incidents import incident_object, maintenance_object
from .statuspage_objects import ApiContext, build_context

RECENT = 50
"""How many incidents and maintenances incidents.json and scheduled-maintenances.json list,
as Statuspage does."""


def render_statuspage_api(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """summary, status, components, incidents (+unresolved) and scheduled-maintenances
    (+upcoming, +active), each as Statuspage serves it."""
    ctx = build_context(records, state, settings)
    unresolved = [incident_object(incident, ctx) for incident in state.open_incidents]
    upcoming = [maintenance_object(window, ctx) for window in state.upcoming_maintenance]
    active = [maintenance_object(window, ctx) for window in state.active_maintenance]
    status = {"indicator": state.indicator.value, "description": state.description}
    components = list(ctx.all_components)
    files: dict[str, dict[str, Any]] = {
        "summary.json": {
            "page": ctx.page,
            "components": components,
            "incidents": unresolved,
            # Statuspage lists the windows under way first, then those to come.
            "scheduled_maintenances": active + upcoming,
            "status": status,
        },
        "status.json": {"page": ctx.page, "status": status},
        "components.json": {"page": ctx.page, "components": components},
        "incidents.json": {"page": ctx.page, "incidents": _recent_incidents(records, ctx)},
        "incidents/unresolved.json": {"page": ctx.page, "incidents": unresolved},
        "scheduled-maintenances.json": {
            "page": ctx.page,
            "scheduled_maintenances": _recent_maintenance(records, ctx),
        },
        "scheduled-maintenances/upcoming.json": {"page": ctx.page, "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active.json": {"page": ctx.page, "scheduled_maintenances": active},
    }
    return [OutputFile(urls.STATUSPAGE_API + name, dump_json(value)) for name, value in files.items()]


def _recent_incidents(records: Records, ctx: ApiContext) -> list[dict[str, Any]]:
    # records.incidents is oldest first by (started, id): the newest are its tail, so a long
    # history costs nothing here.
    return [incident_object(incident, ctx) for incident in records.incidents[: -RECENT - 1 : -1]]


def _recent_maintenance(records: Records, ctx: ApiContext) -> list[dict[str, Any]]:
    chosen = []
    for window in reversed(records.maintenance):
        if ctx.state.maintenance_status.get(window.id) is MaintenanceStatus.CANCELLED:
            continue  # Statuspage has no cancelled state: a called-off window is deleted there
        chosen.append(maintenance_object(window, ctx))
        if len(chosen) == RECENT:
            break
    return chosen
