"""Status timelines: what each component's status was, from when to when.

Incidents and maintenance windows each contribute raw segments (component, start, end,
status); a sweep over their boundaries (`_sweep`) makes one list of non-overlapping intervals
per component where the worst status wins, so overlapping incidents never count a second twice.
Everything is half-open, [start, end), in whole seconds since the Unix epoch (UTC): the
timelines' resolution, and integers add up and compare several times faster than datetimes
over a history of tens of thousands of records.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from itertools import chain

from . import settled
from .models import ComponentStatus, Incident, IncidentStatus, Maintenance, MaintenanceStatus

BY_SEVERITY = tuple(sorted(ComponentStatus, key=lambda status: status.severity))
"""Each status at the index of its severity: operational first, major outage last."""
ACTIVE_MAINTENANCE = frozenset({MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING})
"""The states of a window under way: its components are under maintenance."""
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)
_SEVERITY = {status: status.severity for status in ComponentStatus}


StatusInterval = tuple[int, int, int]
"""(start, end, severity): during [start, end), in epoch seconds, a component had the status
`BY_SEVERITY[severity]`. Plain tuples of integers: a long history has a hundred thousand of
them, made several times faster than objects, and the garbage collector leaves them alone
(a status object inside would keep each one in its care, and a build's full collections,
which visit the whole heap, twice as frequent)."""
Segment = tuple[str, int, int, ComponentStatus]
"""(component id, start, end, status): one record's claim that a component had `status`
during [start, end) (epoch seconds)."""


def epoch_seconds(moment: datetime) -> int:
    """An aware moment in whole seconds since the epoch, its fraction of a second dropped."""
    return (moment - EPOCH) // SECOND


def incident_segments(incident: Incident, until: int) -> list[Segment]:
    """The segments an incident gives its components, cut off at `until` (usually now, in
    epoch seconds).

    A component takes its status from `started`; an update that names it changes the status
    from that update's `at` on (back to operational included); all end at `resolved`, or at
    `until` while the incident is still open then. Operational segments are left out.
    """
    # Every moment is cut to its whole second first: cutting is monotonic, so comparing the
    # cut moments decides every segment as comparing the exact ones and cutting after would.
    started = epoch_seconds(incident.started)
    stop = until if incident.resolved is None else min(epoch_seconds(incident.resolved), until)
    if stop <= started:
        return []
    current = incident.affected
    since: dict[str, int] | None = None  # made at the first update that names a component: most name none
    segments: list[Segment] = []
    # Updates are in order (rules.py refuses any other). The segments come in no particular
    # order: merging them sorts their boundaries.
    for update in incident.updates:
        if not update.components:
            continue
        at = epoch_seconds(update.at)
        if at >= stop:
            break
        if at < started:
            at = started
        if since is None:
            current, since = dict(current), dict.fromkeys(current, started)
        for component_id, status in update.components.items():
            if component_id in current and _counts(since[component_id], at, current[component_id]):
                segments.append((component_id, since[component_id], at, current[component_id]))
            current[component_id] = status
            since[component_id] = at
    for component_id, status in current.items():
        begin = started if since is None else since[component_id]
        if _counts(begin, stop, status):
            segments.append((component_id, begin, stop, status))
    return segments


def _counts(start: int, end: int, status: ComponentStatus) -> bool:
    """Whether a stretch is a segment: it lasts a second or more and is not operational."""
    return end > start and status is not ComponentStatus.OPERATIONAL


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
    start, stop = epoch_seconds(maintenance.scheduled_start), epoch_seconds(min(end, now))
    if stop > start:
        for component_id in sorted(set(maintenance.components)):
            yield component_id, start, stop, ComponentStatus.UNDER_MAINTENANCE


def _boundaries(start: int, end: int, severity: int) -> tuple[int, int]:
    """A stretch's opening and closing boundary, each one integer: moment * 16 + severity * 2
    + (1 when it opens). Sorting plain integers is several times faster than sorting tuples."""
    return (start << 4) | (severity << 1) | 1, (end << 4) | (severity << 1)


def _sweep(events: list[int]) -> tuple[StatusInterval, ...]:
    """Sorted, non-overlapping intervals, the worst status winning, from the boundaries
    (`_boundaries`) of some stretches, in any order.

    Counts of open segments per severity are kept while walking the boundaries in time
    order, so the cost is O(n log n) in the number of segments, whatever their overlap. The
    order of the boundaries within one moment does not matter: all of them apply at once.
    """
    events.sort()
    return _swept(tuple(events))


@functools.lru_cache(maxsize=64)
def _swept(events: tuple[int, ...]) -> tuple[StatusInterval, ...]:
    # Kept by the sorted boundaries themselves: `serve` rebuilding as of a later now sweeps
    # again only the timelines an open incident or an edit changed (a build sweeps about 20).
    open_counts = [0] * len(BY_SEVERITY)
    worst = 0  # the highest severity with an open segment; 0, operational, when none is open
    intervals: list[StatusInterval] = []
    previous = events[0] >> 4 if events else 0
    for event in events:
        moment = event >> 4
        if moment != previous:
            # [previous, moment) has the worst status open after previous' boundaries.
            if worst:
                if intervals and intervals[-1][2] == worst and intervals[-1][1] == previous:
                    intervals[-1] = (intervals[-1][0], moment, worst)  # one stretch, however many records
                else:
                    intervals.append((previous, moment, worst))
            previous = moment
        severity = (event & 15) >> 1
        if event & 1:
            open_counts[severity] += 1
            if severity > worst:  # a comparison, not max(): a long history has a hundred thousand boundaries
                worst = severity
        else:
            open_counts[severity] -= 1
            while worst and not open_counts[worst]:
                worst -= 1
    return tuple(intervals)


def build_timelines(
    component_ids: Iterable[str],
    incidents: Iterable[Incident],
    maintenance: Iterable[Maintenance],
    now: datetime,
) -> Mapping[str, tuple[StatusInterval, ...]]:
    """Every component id -> its merged status intervals up to now, from incidents and maintenance."""
    events: dict[str, list[int]] = {component_id: [] for component_id in component_ids}
    segments = chain(
        # A settled incident's segments end at its resolution, whatever now is (settled.py).
        (segment for incident in incidents for segment in settled.kept(incident, now, _all_segments)),
        (segment for window in maintenance for segment in maintenance_segments(window, now)),
    )
    for component_id, start, end, status in segments:
        found = events.get(component_id)
        if found is not None:  # ids outside the catalogue are the validator's to report
            found += _boundaries(start, end, _SEVERITY[status])
    return {component_id: _sweep(found) for component_id, found in events.items()}


def _all_segments(incident: Incident, now: datetime) -> tuple[Segment, ...]:
    return tuple(incident_segments(incident, epoch_seconds(now)))


def group_timeline(members: Iterable[tuple[Sequence[StatusInterval], int | None]]) -> tuple[StatusInterval, ...]:
    """The timeline of a group: at each instant, the worst status of its members.

    `members` gives each member's merged intervals and the moment it counts from (its
    `since`, in epoch seconds; None for always); a member's status before it counts is not
    the group's.
    """
    events: list[int] = []
    for intervals, counts_from in members:
        for start, end, severity in intervals:
            if counts_from is None or end > counts_from:
                if counts_from is not None and start < counts_from:
                    start = counts_from
                events += _boundaries(start, end, severity)
    return _sweep(events)
