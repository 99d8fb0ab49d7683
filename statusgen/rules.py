"""Rules that span records (DESIGN.md "Cross-record rules"), each violation a clear message.

Models check one record at a time; everything that needs two records, or the order of a
record's parts, lives here so the rules can be read in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .messages import did_you_mean
from .models import Incident, IncidentStatus
from .prices import price_schedule
from .records import Records

COMPONENTS = ("catalogue", "components.yml")
PLANS = ("catalogue", "plans.yml")


@dataclass(frozen=True)
class Violation:
    """A broken rule, at a field of one record: (kind, id) names the file, loc the field."""

    kind: str
    record_id: str
    loc: tuple[Any, ...]
    message: str
    refers_to: tuple[str, str] | None = None
    """For an unknown reference: (what, id) it names, e.g. ("plans", "team"); the loader
    drops it when that record exists but could not be read (its own error says why)."""
    see: tuple[str, str, tuple[Any, ...]] | None = None
    """(kind, id, loc) of the other record a rule compares with; the message then names its
    file and line, so the reader sees both ends of a disagreement."""


def check_rules(records: Records) -> list[Violation]:
    """Every cross-record rule, applied to all records; the violations found."""
    checks = (_catalogue_ids, _incidents, _maintenance, _postmortems, _announcements, _price_chains, _service_levels)
    return [violation for check in checks for violation in check(records)]


_TARGETS = {"component": "components", "group": "groups", "plan": "plans", "incident": "incidents"}


def _unknown(kind: str, record_id: str, loc: tuple[Any, ...], what: str, value: str, known: Iterable[str]) -> Violation:
    known = sorted(known)
    message = f"unknown {what} '{value}'{did_you_mean(value, known)}"
    return Violation(kind, record_id, loc, message, refers_to=(_TARGETS[what], value))


def _duplicates(values: Iterable[str]) -> set[str]:
    return {value for value, count in Counter(values).items() if count > 1}


def _catalogue_ids(records: Records) -> Iterator[Violation]:
    catalogue = records.components
    group_ids = [group.id for group in catalogue.groups]
    component_ids = [component.id for component in catalogue.components]
    repeated = _duplicates(group_ids + component_ids)
    for index, group in enumerate(catalogue.groups):
        if group.id in repeated:
            yield Violation(*COMPONENTS, ("groups", index, "id"), f"duplicate id '{group.id}': groups and components share one set of ids")
    for index, component in enumerate(catalogue.components):
        if component.id in repeated:
            yield Violation(*COMPONENTS, ("components", index, "id"), f"duplicate id '{component.id}'")
        if component.group is not None and component.group not in group_ids:
            yield _unknown(*COMPONENTS, ("components", index, "group"), "group", component.group, group_ids)
    if records.plans is not None:
        plan_ids = [plan.id for plan in records.plans.plans]
        for index, plan_id in enumerate(plan_ids):
            if plan_id in _duplicates(plan_ids):
                yield Violation(*PLANS, ("plans", index, "id"), f"duplicate id '{plan_id}'")


def _incidents(records: Records) -> Iterator[Violation]:
    component_ids = {component.id for component in records.components.components}
    for incident in records.incidents:
        if not _plainly_valid(incident, component_ids):
            yield from _incident_violations(incident, component_ids)


def _plainly_valid(incident: Incident, component_ids: set[str]) -> bool:
    """True when _incident_violations finds nothing, told by the fewest steps: a history's
    incidents are nearly all valid, and each one is checked at every build."""
    started, updates = incident.started, incident.updates
    if not component_ids.issuperset(incident.affected) or (incident.resolved is not None and incident.resolved < started):
        return False
    previous = started
    for update in updates:
        if update.at < previous or (update.components and not component_ids.issuperset(update.components)):
            return False
        previous = update.at
    if updates:
        resolving = updates[-1].status is IncidentStatus.RESOLVED
        if resolving != (incident.resolved is not None):
            return False
    return True


def _incident_violations(incident: Incident, component_ids: set[str]) -> Iterator[Violation]:
    where = ("incidents", incident.id)
    for component_id in incident.affected:
        if component_id not in component_ids:
            yield _unknown(*where, ("components", component_id), "component", component_id, component_ids)
    if incident.resolved is not None and incident.resolved < incident.started:
        yield Violation(*where, ("resolved",), "the incident is resolved before it started")
    previous = incident.started
    for index, update in enumerate(incident.updates):
        if update.at < incident.started:
            yield Violation(*where, ("updates", index, "at"), "this update is dated before the incident started")
        elif update.at < previous:
            yield Violation(*where, ("updates", index, "at"), "updates must be in order, oldest first")
        previous = max(previous, update.at)
        for component_id in update.components or {}:
            if component_id not in component_ids:
                yield _unknown(*where, ("updates", index, "components", component_id), "component", component_id, component_ids)
    last = incident.latest_update
    if incident.resolved is not None and last is not None and last.status is not IncidentStatus.RESOLVED:
        yield Violation(*where, ("updates", len(incident.updates) - 1, "status"), "the incident is resolved, so its last update must have status: resolved")
    if incident.resolved is None and last is not None and last.status is IncidentStatus.RESOLVED:
        yield Violation(*where, ("updates", len(incident.updates) - 1, "status"), "the last update says resolved but the incident has no `resolved` time")


def _maintenance(records: Records) -> Iterator[Violation]:
    component_ids = {component.id for component in records.components.components}
    for window in records.maintenance:
        where = ("maintenance", window.id)
        for index, component_id in enumerate(window.components):
            if component_id not in component_ids:
                yield _unknown(*where, ("components", index), "component", component_id, component_ids)
        if window.scheduled_end <= window.scheduled_start:
            yield Violation(*where, ("scheduled_end",), "the maintenance must end after it starts")
        for index in range(1, len(window.updates)):
            if window.updates[index].at < window.updates[index - 1].at:
                yield Violation(*where, ("updates", index, "at"), "updates must be in order, oldest first")


def _postmortems(records: Records) -> Iterator[Violation]:
    incident_ids = {incident.id for incident in records.incidents}
    explained: dict[str, str] = {}
    for postmortem in records.postmortems:
        where = ("postmortems", postmortem.id)
        if postmortem.incident not in incident_ids:
            yield _unknown(*where, ("incident",), "incident", postmortem.incident, incident_ids)
        elif postmortem.incident in explained:
            yield Violation(*where, ("incident",), f"incident '{postmortem.incident}' already has a post-mortem: {explained[postmortem.incident]}")
        else:
            explained[postmortem.incident] = postmortem.id
        for index in range(1, len(postmortem.timeline)):
            if postmortem.timeline[index].at < postmortem.timeline[index - 1].at:
                yield Violation(*where, ("timeline", index, "at"), "the timeline must be in order, oldest first")


def _announcements(records: Records) -> Iterator[Violation]:
    plan_ids = [plan.id for plan in records.plans.plans] if records.plans is not None else []
    for announcement in records.announcements:
        where = ("announcements", announcement.id)
        if announcement.effective is not None and announcement.effective < announcement.published:
            yield Violation(*where, ("effective",), "the effective date comes before the published date")
        named: list[tuple[tuple[str | int, ...], str]] = [
            (("plans", index), plan_id) for index, plan_id in enumerate(announcement.plans)
        ]
        named += [(("pricing", index, "plan"), change.plan) for index, change in enumerate(announcement.pricing or ())]
        for loc, plan_id in named:
            if records.plans is None:
                yield Violation(*where, loc, f"unknown plan '{plan_id}': there is no plans.yml", refers_to=("plans", plan_id))
            elif plan_id not in plan_ids:
                yield _unknown(*where, loc, "plan", plan_id, plan_ids)


def _price_chains(records: Records) -> Iterator[Violation]:
    """A plan's pricing changes, by effective date, must chain: each `to` is the next one's
    `from`, and the last `to` is the plan's `price` in plans.yml (see prices.py)."""
    if records.plans is None:
        return
    schedule = price_schedule(records.announcements)
    for plan_index, plan in enumerate(records.plans.plans):
        changes = schedule.get(plan.id, ())
        for before, after in pairwise(changes):
            if before.price_to != after.price_from:
                yield Violation(
                    "announcements", after.announcement_id, ("pricing", after.index, "from"),
                    f"plan '{plan.id}' goes from {after.price_from} here, but the change before it "
                    f"(effective {before.effective}) takes it to {before.price_to}",
                    see=("announcements", before.announcement_id, ("pricing", before.index, "to")),
                )
        if changes and changes[-1].price_to != plan.price:
            last = changes[-1]
            yield Violation(
                "announcements", last.announcement_id, ("pricing", last.index, "to"),
                f"plan '{plan.id}' goes to {last.price_to} in its latest price change, but plans.yml "
                f"gives its price as {plan.price}: `price` is the price after every change",
                see=(*PLANS, ("plans", plan_index, "price")),
            )


def _service_levels(records: Records) -> Iterator[Violation]:
    """A plan's SLA names known components, each once; its credits are listed by `below`,
    highest first, each threshold once, at or under the target, and a lower threshold never
    earns a smaller credit (so the table reads one way only)."""
    if records.plans is None:
        return
    component_ids = [component.id for component in records.components.components]
    for plan_index, plan in enumerate(records.plans.plans):
        if plan.sla is None:
            continue
        sla_loc = ("plans", plan_index, "sla")
        seen: set[str] = set()
        for index, component_id in enumerate(plan.sla.components or ()):
            loc = (*sla_loc, "components", index)
            if component_id not in component_ids:
                yield _unknown(*PLANS, loc, "component", component_id, component_ids)
            elif component_id in seen:
                yield Violation(*PLANS, loc, f"component '{component_id}' is listed twice")
            seen.add(component_id)
        target = plan.sla.target
        for index, credit in enumerate(plan.sla.credits):
            loc = (*sla_loc, "credits", index)
            if credit.below > target:
                yield Violation(*PLANS, (*loc, "below"), f"a credit below {credit.below} would be due in months that meet the target of {target}")
            if index == 0:
                continue
            before = plan.sla.credits[index - 1]
            if credit.below == before.below:
                yield Violation(*PLANS, (*loc, "below"), f"two credits below {credit.below}: each threshold once")
            elif credit.below > before.below:
                yield Violation(*PLANS, (*loc, "below"), f"credits are listed by `below`, highest first: {credit.below} comes after {before.below}")
            elif credit.credit < before.credit:
                yield Violation(*PLANS, (*loc, "credit"), f"a lower uptime earns a smaller credit here ({credit.credit}) than below {before.below} ({before.credit})")
