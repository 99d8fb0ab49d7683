"""What is measured, from when: components, groups and each plan's SLA components.

DESIGN.md "Uptime history, SLAs, metrics". A component counts from 00:00 UTC of its `since`,
else always; its history starts with the month of `since`, else with the month of the
site's earliest incident or maintenance window (the month of now when there is none, and
never later than it). A group, and a plan's SLA components taken as one, is measured like a
component on the worst of its members' statuses at each instant; each member counts from
its own `since`, so the group counts from its earliest member's (always, when one member
has none), and its history starts with its members' earliest first month.

Every timeline is built once, from every public incident and maintenance window, and every
figure (window, days, months, calendar, SLA) is counted from it by uptime.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from .models import Plan
from .records import Records
from .sla import plan_sla
from .state import ComponentUptime, PlanSla, UptimeHistory
from .timeline import StatusInterval, build_timelines, group_timeline
from .uptime import component_uptime, day_start, uptime_history


@dataclass(frozen=True)
class Measured:
    """A component or a group as the figures see it."""

    intervals: tuple[StatusInterval, ...]
    counts_from: int | None
    """When its time starts to count, in epoch seconds; None: always."""
    first_month: date
    """The first day of the first month of its history."""


@dataclass(frozen=True)
class Figures:
    """Every uptime figure of the site as of now."""

    uptime: Mapping[str, ComponentUptime]
    group_uptime: Mapping[str, ComponentUptime]
    component_history: Mapping[str, UptimeHistory]
    group_history: Mapping[str, UptimeHistory]
    sla: Mapping[str, PlanSla]


def measure(records: Records, window: tuple[date, date], calendar_months: int, now: datetime) -> Figures:
    """The figures of every component, group with members, and plan with an SLA."""
    catalogue = records.components
    components = measured_components(records, now)
    members: dict[str, list[str]] = {}
    for component in catalogue.components:
        if component.group is not None:
            members.setdefault(component.group, []).append(component.id)
    groups = {group.id: as_group(components[component_id] for component_id in members[group.id])
              for group in catalogue.groups if group.id in members}
    today = now.astimezone(timezone.utc).date()
    sla: dict[str, PlanSla] = {}
    for plan in records.plans.plans if records.plans is not None else ():
        named = _sla_components(plan, records)
        if plan.sla is not None and named:
            measured = as_one(named, components, groups, members)
            history = uptime_history(measured.intervals, measured.counts_from, measured.first_month, now, 0)
            sla[plan.id] = plan_sla(plan.id, plan.sla, tuple(named), history.months, today.replace(day=1))

    def window_of(subjects: Mapping[str, Measured]) -> dict[str, ComponentUptime]:
        return {key: component_uptime(key, item.intervals, item.counts_from, window, now) for key, item in subjects.items()}

    def history_of(subjects: Mapping[str, Measured]) -> dict[str, UptimeHistory]:
        return {key: uptime_history(item.intervals, item.counts_from, item.first_month, now, calendar_months)
                for key, item in subjects.items()}

    return Figures(
        uptime=window_of(components),
        group_uptime=window_of(groups),
        component_history=history_of(components),
        group_history=history_of(groups),
        sla=sla,
    )


def measures_sla(records: Records) -> bool:
    """Whether the figures have an SLA (a plan with one, and components it covers), told
    without counting them."""
    return any(plan.sla is not None and _sla_components(plan, records) for plan in (records.plans.plans if records.plans else ()))


def _sla_components(plan: Plan, records: Records) -> tuple[str, ...]:
    """The components a plan's SLA covers: those it names, else every component."""
    if plan.sla is None:
        return ()
    return tuple(plan.sla.components or (component.id for component in records.components.components))


def measured_components(records: Records, now: datetime) -> dict[str, Measured]:
    """Every component's timeline, the moment it counts from and its first month."""
    components = records.components.components
    # Records that start after now add nothing to a timeline; open incidents run until now.
    incidents = [incident for incident in records.incidents if incident.started < now]
    maintenance = [window for window in records.maintenance if window.scheduled_start < now]
    timelines = build_timelines((component.id for component in components), incidents, maintenance, now)
    earliest = _earliest_month(records, now)
    return {
        component.id: Measured(
            intervals=timelines[component.id],
            counts_from=day_start(component.since) if component.since is not None else None,
            first_month=component.since.replace(day=1) if component.since is not None else earliest,
        )
        for component in components
    }


def as_group(members: Iterable[Measured]) -> Measured:
    """Members measured as one: worst status at each instant, from the earliest member's start."""
    listed: Sequence[Measured] = list(members)
    starts = [member.counts_from for member in listed]
    return Measured(
        intervals=group_timeline((member.intervals, member.counts_from) for member in listed),
        counts_from=None if None in starts else min(start for start in starts if start is not None),
        first_month=min(member.first_month for member in listed),
    )


def as_one(named: Iterable[str], components: Mapping[str, Measured], groups: Mapping[str, Measured],
           members: Mapping[str, Sequence[str]]) -> Measured:
    """The named components measured as one, like `as_group` measures them.

    A group whose members are all named stands in for them: its timeline already is their
    worst status at each instant, each counted from its own start, so the figures are the
    same for a fraction of the work (a plan's SLA over every component merges a few group
    timelines, not every component's)."""
    rest = set(named)
    whole = []
    for group_id, member_ids in members.items():
        if group_id in groups and rest.issuperset(member_ids):
            whole.append(groups[group_id])
            rest.difference_update(member_ids)
    if len(whole) == 1 and not rest:
        return whole[0]
    return as_group([*whole, *(components[component_id] for component_id in sorted(rest))])


def _earliest_month(records: Records, now: datetime) -> date:
    """The month of the site's earliest incident or maintenance window, at the latest now's."""
    moments = [incident.started for incident in records.incidents[:1]]
    moments += [window.scheduled_start for window in records.maintenance[:1]]
    return min([*moments, now.astimezone(timezone.utc)]).date().replace(day=1)
