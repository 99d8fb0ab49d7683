"""Status timelines: what each component's status was, from when to when.

Incidents and maintenance windows each contribute raw segments (component, start, end,
status); `merge_segments` sweeps them into one list of non-overlapping intervals per
component where the worst status wins, so overlapping incidents never count a second twice.
Everything is half-open, [start, end), and in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from .models import ComponentStatus, Incident, IncidentStatus, Maintenance, MaintenanceStatus

_BY_SEVERITY = sorted(ComponentStatus, key=lambda status: status.severity)
ACTIVE_MAINTENANCE = frozenset({MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING})
"""The states of a window under way: its components are under maintenance."""


@dataclass(frozen=True, order=True)
class StatusInterval:
    """A stretch of time, [start, end), during which a component had one status."""

    start: datetime
    end: datetime
    status: ComponentStatus


@dataclass(frozen=True)
class Segment:
    """One record's claim about one component: it had `status` during [start, end)."""

    component_id: str
    start: datetime
    end: datetime
    status: ComponentStatus


def incident_segments(incident: Incident, until: datetime) -> Iterator[Segment]:
    """Yield the segments an incident gives its components, cut off at `until` (usually now).

    A component takes its status from `started`; an update that names it changes the status
    from that update's `at` on (back to operational included); all end at `resolved`, or at
    `until` while the incident is still open then. Operational segments are not yielded.
    """
    stop = until if incident.resolved is None else min(incident.resolved, until)
    if stop <= incident.started:
        return
    current = dict(incident.affected)
    since = {component_id: incident.started for component_id in current}
    # Updates are validated to be in order; a stable sort keeps that order for equal times.
    for update in sorted(incident.updates, key=lambda update: update.at):
        if update.at >= stop:
            break
        at = max(update.at, incident.started)
        for component_id, status in sorted((update.components or {}).items()):
            if component_id in current:
                yield from _segment(component_id, since[component_id], at, current[component_id])
            current[component_id] = status
            since[component_id] = at
    for component_id in sorted(current):
        yield from _segment(component_id, since[component_id], stop, current[component_id])


def _segment(component_id: str, start: datetime, end: datetime, status: ComponentStatus) -> Iterator[Segment]:
    start, end = whole_second(start), whole_second(end)
    if end > start and status is not ComponentStatus.OPERATIONAL:
        yield Segment(component_id, start, end, status)


def whole_second(moment: datetime) -> datetime:
    """The moment without its fraction of a second: the timelines' resolution."""
    return moment.replace(microsecond=0) if moment.microsecond else moment


def incident_statuses_at(incident: Incident, moment: datetime) -> dict[str, ComponentStatus]:
    """The statuses an incident gives its components at `moment` (empty when it is not open then)."""
    if moment < incident.started or (incident.resolved is not None and incident.resolved <= moment):
        return {}
    current = dict(incident.affected)
    for update in sorted(incident.updates, key=lambda update: update.at):
        if update.at > moment:
            break
        current.update(update.components or {})
    return current


def incident_open_at(incident: Incident, moment: datetime) -> bool:
    """True when the incident has started and is not yet resolved at `moment`."""
    return incident.started <= moment and (incident.resolved is None or moment < incident.resolved)


def incident_status_at(incident: Incident, moment: datetime) -> IncidentStatus:
    """Resolved once resolved; before that, the status of the latest update posted by
    `moment`, or investigating when there is none yet."""
    if incident.resolved is not None and incident.resolved <= moment:
        return IncidentStatus.RESOLVED
    posted = [update for update in incident.updates if update.at <= moment]
    return posted[-1].status if posted else IncidentStatus.INVESTIGATING


def maintenance_state(maintenance: Maintenance, now: datetime) -> MaintenanceStatus:
    """A window's state at now: the record's own status when it sets one, else from its times
    (scheduled before the start, in progress until the end, completed after)."""
    if maintenance.status is not None:
        return maintenance.status
    if now < maintenance.scheduled_start:
        return MaintenanceStatus.SCHEDULED
    if now < maintenance.scheduled_end:
        return MaintenanceStatus.IN_PROGRESS
    return MaintenanceStatus.COMPLETED


def maintenance_segments(maintenance: Maintenance, now: datetime) -> Iterator[Segment]:
    """Yield the under_maintenance segments a window gives its components, up to now.

    Cancelled windows and windows that have not started give none. A window the record says
    is still active after its scheduled end (an overrun) lasts until now.
    """
    state = maintenance_state(maintenance, now)
    if state in (MaintenanceStatus.CANCELLED, MaintenanceStatus.SCHEDULED):
        return
    end = max(maintenance.scheduled_end, now) if state in ACTIVE_MAINTENANCE else maintenance.scheduled_end
    end = min(end, now)
    for component_id in sorted(set(maintenance.components)):
        yield from _segment(component_id, maintenance.scheduled_start, end, ComponentStatus.UNDER_MAINTENANCE)


def merge_segments(segments: Iterable[Segment]) -> tuple[StatusInterval, ...]:
    """Sweep one component's segments into sorted, non-overlapping intervals, worst status winning.

    Counts of open segments per severity are kept while walking the boundaries in time
    order, so the cost is O(n log n) in the number of segments, whatever their overlap.
    """
    events = sorted(
        event
        for segment in segments
        for event in ((segment.start, segment.status.severity, 1), (segment.end, segment.status.severity, -1))
    )
    open_counts = [0] * len(_BY_SEVERITY)
    intervals: list[StatusInterval] = []
    previous: datetime | None = None
    for moment, group in groupby(events, key=lambda event: event[0]):
        if previous is not None:
            _append(intervals, previous, moment, _worst_open(open_counts))
        for _, severity, delta in group:
            open_counts[severity] += delta
        previous = moment
    return tuple(intervals)


def _worst_open(open_counts: list[int]) -> ComponentStatus:
    for severity in range(len(open_counts) - 1, -1, -1):
        if open_counts[severity] > 0:
            return _BY_SEVERITY[severity]
    return ComponentStatus.OPERATIONAL


def _append(intervals: list[StatusInterval], start: datetime, end: datetime, status: ComponentStatus) -> None:
    if status is ComponentStatus.OPERATIONAL:
        return
    last = intervals[-1] if intervals else None
    if last is not None and last.status is status and last.end == start:
        intervals[-1] = StatusInterval(last.start, end, status)  # one stretch, however many records
    else:
        intervals.append(StatusInterval(start, end, status))


def build_timelines(
    component_ids: Iterable[str],
    incidents: Iterable[Incident],
    maintenance: Iterable[Maintenance],
    now: datetime,
) -> Mapping[str, tuple[StatusInterval, ...]]:
    """Every component id -> its merged status intervals up to now, from incidents and maintenance."""
    by_component: dict[str, list[Segment]] = {component_id: [] for component_id in component_ids}
    # Ids outside the catalogue are the validator's to report; here they are simply dropped.
    for incident in incidents:
        for segment in incident_segments(incident, now):
            by_component.get(segment.component_id, []).append(segment)
    for window in maintenance:
        for segment in maintenance_segments(window, now):
            by_component.get(segment.component_id, []).append(segment)
    return {component_id: merge_segments(segments) for component_id, segments in by_component.items()}


def group_timeline(members: Iterable[tuple[Sequence[StatusInterval], datetime | None]]) -> tuple[StatusInterval, ...]:
    """The timeline of a group: at each instant, the worst status of its members.

    `members` gives each member's merged intervals and the moment it counts from (its
    `since`, None for always); a member's status before it counts is not the group's.
    """
    segments = [
        Segment("", max(interval.start, counts_from) if counts_from else interval.start, interval.end, interval.status)
        for intervals, counts_from in members
        for interval in intervals
        if counts_from is None or interval.end > counts_from
    ]
    return merge_segments(segments)
