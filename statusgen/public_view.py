"""The records as the public knew them at "now": the one view every output is built from.

DESIGN.md, "The site as of now": an incident is public from `started`, each update from its
`at`, the resolution from `resolved`; a maintenance window from `announced` (always, without
one), its updates from their `at`; a post-mortem or an announcement from 00:00 UTC of its
`published` day; a plan costs the price in force. `as_of` returns a `Records` in which
nothing dated after now exists, so the publishers never compare a date with now themselves,
and adding records, updates or resolutions dated after now cannot change a byte of the site.
"""

from __future__ import annotations

from datetime import datetime

from .models import Incident, IncidentStatus, Maintenance, PlanCatalogue
from .moments import start_of_day
from .prices import price_in_force, price_schedule
from .records import Records


def as_of(records: Records, now: datetime) -> Records:
    """The public part of `records` at `now` (aware), in the same order."""
    incidents = tuple(_incident_as_of(incident, now) for incident in records.incidents if incident.started <= now)
    public_incidents = {incident.id for incident in incidents}
    return Records(
        components=records.components,
        plans=_plans_as_of(records, now),
        incidents=incidents,
        maintenance=tuple(
            _maintenance_as_of(window, now)
            for window in records.maintenance
            if window.announced is None or window.announced <= now
        ),
        # A post-mortem of an incident that is not public yet would link to nothing.
        postmortems=tuple(
            postmortem
            for postmortem in records.postmortems
            if start_of_day(postmortem.published) <= now and postmortem.incident in public_incidents
        ),
        announcements=tuple(
            announcement for announcement in records.announcements if start_of_day(announcement.published) <= now
        ),
        sources=records.sources,
        # Translations are text only: looked up by the ids and times of the public records,
        # a translation of what is not public yet is never reached.
        translations=records.translations,
    )


def _incident_as_of(incident: Incident, now: datetime) -> Incident:
    resolved = incident.resolved is not None and incident.resolved <= now
    if (resolved or incident.resolved is None) and (not incident.updates or incident.updates[-1].at <= now):
        return incident  # the common case in a long history: all of it is in the past
    updates = [update for update in incident.updates if update.at <= now]
    if not resolved:
        # Until `resolved` the incident is open: a resolving update written ahead says nothing yet.
        while updates and updates[-1].status is IncidentStatus.RESOLVED:
            updates.pop()
    return incident.model_copy(update={"updates": tuple(updates), "resolved": incident.resolved if resolved else None})


def _maintenance_as_of(window: Maintenance, now: datetime) -> Maintenance:
    if all(update.at <= now for update in window.updates[-1:]):
        return window
    return window.model_copy(update={"updates": tuple(update for update in window.updates if update.at <= now)})


def _plans_as_of(records: Records, now: datetime) -> PlanCatalogue | None:
    """Each plan at the price in force; its later prices show only through announcements
    already published (the derived state lists them)."""
    if records.plans is None:
        return None
    # Every pricing change counts here, published or not: a price change not yet announced
    # has not happened yet either, so the price in force is its `from`.
    schedule = price_schedule(records.announcements)
    plans = tuple(
        plan.model_copy(update={"price": price_in_force(plan.price, schedule.get(plan.id, ()), now)})
        for plan in records.plans.plans
    )
    return records.plans.model_copy(update={"plans": plans})
