"""Derive the site as of "now" from the records: statuses, indicator, maintenance states, uptime.

Everything here is a pure function of (records, settings, now); the clock is never read, and
every collection is ordered by a total key (time, then id), so the same input always gives
the same state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from functools import partial

from . import settled
from .measured import Figures, measure
from .models import ComponentStatus, Impact, Incident, Maintenance, MaintenanceStatus, worst_status
from .parallel import Beside
from .prices import price_schedule, upcoming_prices
from .public_view import as_of
from .records import Records
from .settings import Settings
from .state import Counted, IncidentFigures, Indicator, SiteState
from .timeline import (
    ACTIVE_MAINTENANCE,
    incident_open_at,
    incident_status_at,
    incident_statuses_at,
    maintenance_state,
)
from .uptime import uptime_window
from .wording import INDICATOR_SENTENCES

_LEVELS = (Indicator.NONE, Indicator.MINOR, Indicator.MAJOR, Indicator.CRITICAL)
_IMPACT_LEVEL = {
    Impact.NONE: Indicator.NONE,
    Impact.MINOR: Indicator.MINOR,
    Impact.MAJOR: Indicator.MAJOR,
    Impact.CRITICAL: Indicator.CRITICAL,
}
_STATUS_LEVEL = {
    ComponentStatus.OPERATIONAL: Indicator.NONE,
    ComponentStatus.UNDER_MAINTENANCE: Indicator.NONE,
    ComponentStatus.DEGRADED_PERFORMANCE: Indicator.MINOR,
    ComponentStatus.PARTIAL_OUTAGE: Indicator.MAJOR,
    ComponentStatus.MAJOR_OUTAGE: Indicator.CRITICAL,
}


def derive_state(loaded: Records, settings: Settings, now: datetime) -> SiteState:
    """The public view of the records at `now` (an aware datetime) and every fact derived
    from it; nothing after this stage sees the records as loaded."""
    if now.tzinfo is None:
        # A naive time would silently be read as the machine's local time: a caller's bug.
        raise ValueError("derive_state needs an aware 'now'")
    now = now.astimezone(timezone.utc)
    settled.next_derivation()
    records = as_of(loaded, now)
    component_ids = [component.id for component in records.components.components]
    open_incidents = tuple(
        sorted(
            (incident for incident in records.incidents if incident_open_at(incident, now)),
            key=_by_start,
            reverse=True,
        )
    )
    maintenance_status = {window.id: maintenance_state(window, now) for window in records.maintenance}
    active = _maintenance_in(records.maintenance, maintenance_status, ACTIVE_MAINTENANCE)
    upcoming = _maintenance_in(records.maintenance, maintenance_status, {MaintenanceStatus.SCHEDULED})
    component_status = current_statuses(component_ids, open_incidents, active, now)
    indicator = overall_indicator(component_status.values(), open_incidents, bool(active))
    window = uptime_window(now, settings.uptime_days)
    # The uptime figures are taken when first asked for: they may be being counted on the other core.
    incident_status = {incident.id: incident_status_at(incident, now) for incident in records.incidents}
    figures_of_incidents = {incident.id: settled.kept(incident, now, incident_figures) for incident in records.incidents}
    incidents_by_component = _incidents_by_component(component_ids, records.incidents)
    figures = _figures(loaded, records, window, settings.uptime_months, now)
    return SiteState(
        now=now,
        public=records,
        component_status=component_status,
        group_status=_group_statuses(records, component_status),
        indicator=indicator,
        description=INDICATOR_SENTENCES[indicator],
        incident_status=incident_status,
        incident_figures=figures_of_incidents,
        open_incidents=open_incidents,
        maintenance_status=maintenance_status,
        active_maintenance=active,
        upcoming_maintenance=upcoming,
        window_start=window[0],
        window_end=window[1],
        figures=figures,
        postmortem_for={postmortem.incident: postmortem for postmortem in records.postmortems},
        incidents_by_component=incidents_by_component,
        upcoming_prices=upcoming_prices(price_schedule(records.announcements), now),
    )


_ahead: tuple[tuple[Records, tuple[date, date], int, datetime], Beside[Figures]] | None = None
"""The arguments of the uptime figures being counted ahead (see measuring_ahead), and the
child counting them."""


@contextmanager
def measuring_ahead(loaded: Records, settings: Settings, now: datetime) -> Iterator[None]:
    """Within: the uptime figures that derive_state(loaded, settings, now) counts are counted
    by a forked child on the second core, started here unless one already counts them.

    Every component's timeline is merged from the whole history and tallied by day and month
    (measured.py): a tenth of a warm build of 10,000 incidents. A build has them counted
    while MkDocs reads its configuration and lists its files, which no record decides. Only
    the same records (the same object), settings and now take the child's figures; anything
    else counts its own, as does a short history (parallel.Beside)."""
    global _ahead
    now = now.astimezone(timezone.utc)
    arguments = (uptime_window(now, settings.uptime_days), settings.uptime_months, now)
    if _counted_ahead(loaded, *arguments) is not None:
        yield
        return
    with Beside(partial(_public_figures, loaded, *arguments), meanwhile=len(loaded.incidents)) as child:
        if not child.forked:
            yield
            return
        _ahead = ((loaded, *arguments), child)
        try:
            yield
        finally:
            _ahead = None


def _public_figures(loaded: Records, window: tuple[date, date], calendar_months: int, now: datetime) -> Figures:
    return measure(as_of(loaded, now), window, calendar_months, now)


def _counted_ahead(loaded: Records, window: tuple[date, date], calendar_months: int, now: datetime) -> Beside[Figures] | None:
    """The child counting these figures, if one does."""
    if _ahead is None or _ahead[0][0] is not loaded or _ahead[0][1:] != (window, calendar_months, now):
        return None
    return _ahead[1]


def _figures(loaded: Records, public: Records, window: tuple[date, date], calendar_months: int, now: datetime) -> Counted:
    """measure(public, ...) when first asked for, from the child counting them ahead when one
    counts these (should it be gone by then, they are counted here)."""
    child = _counted_ahead(loaded, window, calendar_months, now)
    if child is None:
        return Counted(partial(measure, public, window, calendar_months, now))
    return Counted(child.result, child.ready)


def current_statuses(
    component_ids: Iterable[str],
    open_incidents: Iterable[Incident],
    active_maintenance: Iterable[Maintenance],
    now: datetime,
) -> dict[str, ComponentStatus]:
    """Every component id -> the worst status that open incidents and active maintenance give
    it at now; operational when nothing does."""
    claims: dict[str, list[ComponentStatus]] = {component_id: [] for component_id in component_ids}
    for incident in open_incidents:
        for component_id, status in incident_statuses_at(incident, now).items():
            claims.get(component_id, []).append(status)
    for window in active_maintenance:
        for component_id in window.components:
            claims.get(component_id, []).append(ComponentStatus.UNDER_MAINTENANCE)
    return {component_id: worst_status(statuses) for component_id, statuses in claims.items()}


def overall_indicator(
    statuses: Iterable[ComponentStatus], open_incidents: Iterable[Incident], maintenance_active: bool
) -> Indicator:
    """The page's indicator, as Statuspage blends it.

    The worst of two levels: each open incident's impact (none, minor, major, critical) and
    each component's current status (degraded performance -> minor, partial outage -> major,
    major outage -> critical). Only when that is none does maintenance show: if any window is
    active or any component is under maintenance, the indicator is maintenance, because a
    problem outranks planned work.
    """
    statuses = list(statuses)
    levels = [_STATUS_LEVEL[status] for status in statuses]
    levels += [_IMPACT_LEVEL[incident.impact] for incident in open_incidents]
    worst = max(levels, key=_LEVELS.index, default=Indicator.NONE)
    if worst is Indicator.NONE and (maintenance_active or ComponentStatus.UNDER_MAINTENANCE in statuses):
        return Indicator.MAINTENANCE
    return worst


def incident_figures(incident: Incident, now: datetime) -> IncidentFigures:
    """Duration (to now while open), time to first update and time to resolve of one incident."""
    end = incident.resolved if incident.resolved is not None else max(now, incident.started)
    first = incident.updates[0].at if incident.updates else None  # in order: rules.py refuses any other
    return IncidentFigures(
        duration=end - incident.started,
        time_to_first_update=None if first is None else first - incident.started,
        time_to_resolve=None if incident.resolved is None else incident.resolved - incident.started,
    )


def _maintenance_in(
    windows: Iterable[Maintenance],
    states: Mapping[str, MaintenanceStatus],
    wanted: Iterable[MaintenanceStatus],
) -> tuple[Maintenance, ...]:
    wanted = frozenset(wanted)
    chosen = [window for window in windows if states[window.id] in wanted]
    return tuple(sorted(chosen, key=lambda window: (window.scheduled_start, window.id)))


def _group_statuses(
    records: Records, component_status: Mapping[str, ComponentStatus]
) -> dict[str, ComponentStatus]:
    members: dict[str, list[ComponentStatus]] = {group.id: [] for group in records.components.groups}
    for component in records.components.components:
        if component.group is not None:
            members.setdefault(component.group, []).append(component_status[component.id])
    return {group_id: worst_status(statuses) for group_id, statuses in members.items()}


def _incidents_by_component(
    component_ids: Iterable[str], incidents: Sequence[Incident]
) -> dict[str, tuple[Incident, ...]]:
    found: dict[str, list[Incident]] = {component_id: [] for component_id in component_ids}
    # Records come sorted by (started, id) (records.py): taken newest first, each component's list is sorted too.
    for incident in reversed(incidents):
        for component_id in incident.named_components:
            found.get(component_id, []).append(incident)
    return {component_id: tuple(items) for component_id, items in found.items()}


def _by_start(incident: Incident) -> tuple[datetime, str]:
    return incident.started, incident.id
