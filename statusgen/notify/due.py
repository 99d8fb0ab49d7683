"""What is news at "now": one message per entry of the site's feeds, and the reminders.

A message is an incident update (or an incident without updates, as the feeds have it), a
maintenance window or one of its updates, a post-mortem, an announcement, or a reminder
before a window starts or an announcement takes effect. Its key is the feed entry's id
without the section's base URL (`incidents/x/#update-2`), so that moving the site to another
address does not make history news again; a reminder's key is its record's entry plus
`#reminder-` and the duration (`maintenance/x/#reminder-P1D`).

Everything here reads the public view at now (public_view.as_of), so a message is due
exactly when its entry is public; nothing compares a record's date with now but the
reminders, whose time is their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from .. import urls
from ..models import Announcement, Incident, IncidentStatus, Maintenance, MaintenanceStatus, Postmortem
from ..moments import start_of_day
from ..publish.feed_items import incident_entries, update_entry
from ..records import Records
from .config import Kind, Reminders, reminder_span

Record = Incident | Maintenance | Postmortem | Announcement


@dataclass(frozen=True)
class Message:
    """One piece of news, for every channel whose filters it matches."""

    key: str
    """The feed entry's path and fragment under the section's base URL; what the state keeps."""
    kind: Kind
    at: datetime
    """When it became news (public, or the reminder's time): messages go out oldest first."""
    record: Record
    """The record as public at now."""
    update: int | None = None
    """The number (1-based, oldest first) of the update it carries."""
    reminder: str | None = None
    """The duration before `event`, as configured (P1D), for a reminder."""
    event: datetime | None = None
    """What a reminder reminds of: the window's start, the announcement's effective day."""
    components: frozenset[str] = frozenset()
    """Components the record touches (a post-mortem: its incident's)."""
    plans: frozenset[str] = frozenset()
    """Plans an announcement concerns; none: every customer."""
    stable_key: str | None = None
    """What the state records for an update, when its key names it by number (see `recorded_as`)."""

    @property
    def recorded_as(self) -> str:
        """What the state holds once the message is sent: its key, except for an update,
        which is named by its time rather than its number. An update inserted before others
        (posted late, backdated) renumbers them, and a state holding numbers would take it
        for one already sent and send a renumbered one again."""
        return self.stable_key or self.key

    @property
    def page(self) -> str:
        """The path of the record's page."""
        return self.key.split("#", 1)[0]

    def id(self, base_url: str) -> str:
        """The feed entry's id (an absolute URL), as people and receivers see it."""
        return urls.absolute(base_url, self.key)


def due_messages(public: Records, reminders: Reminders, now: datetime) -> list[Message]:
    """Every message due at now, oldest first (by time, then key: a total order)."""
    found = [
        *_incidents(public.incidents),
        *_maintenance(public.maintenance, reminders.maintenance, now),
        *_postmortems(public),
        *_announcements(public.announcements, reminders.announcement, now),
    ]
    return sorted(found, key=lambda message: (message.at, message.key))


def _incidents(incidents: Sequence[Incident]) -> Iterator[Message]:
    for incident in incidents:
        components = incident.named_components
        stable = _update_keys(urls.incident(incident.id), [update.at for update in incident.updates])
        for path, at, number in incident_entries(incident):
            if number is not None and incident.updates[number - 1].status is IncidentStatus.RESOLVED and incident.resolved:
                at = max(at, incident.resolved)  # a resolving update is public from `resolved`
            yield Message(path, "incident", at, incident, update=number, components=components,
                          stable_key=stable[number - 1] if number is not None else None)


def _maintenance(windows: Sequence[Maintenance], durations: Sequence[str], now: datetime) -> Iterator[Message]:
    for window in windows:
        page = urls.maintenance(window.id)
        components = frozenset(window.components)
        yield Message(page, "maintenance", window.announced_at, window, components=components)
        stable = _update_keys(page, [update.at for update in window.updates])
        for number, update in enumerate(window.updates, start=1):
            yield Message(update_entry(page, number), "maintenance", update.at, window, update=number, components=components,
                          stable_key=stable[number - 1])
        called_off = window.status is MaintenanceStatus.CANCELLED or any(
            update.status is MaintenanceStatus.CANCELLED for update in window.updates)
        if not called_off:
            for duration, at in _reminders_due(durations, window.scheduled_start, window.announced, now):
                yield Message(f"{page}#reminder-{duration}", "maintenance", at, window, reminder=duration,
                              event=window.scheduled_start, components=components)


def _update_keys(page: str, times: Sequence[datetime]) -> list[str]:
    """The state's key of each update of a record: its page and the update's name
    (`incidents/x/#update-at-2021-10-04T18:00:00Z`: urls.update_names), not its number."""
    return [f"{page}#{name}" for name in urls.update_names(times)]


def _postmortems(public: Records) -> Iterator[Message]:
    incidents = {incident.id: incident for incident in public.incidents}
    for postmortem in public.postmortems:
        incident = incidents.get(postmortem.incident)
        components = incident.named_components if incident is not None else frozenset()
        yield Message(urls.postmortem(postmortem.id), "postmortem", start_of_day(postmortem.published), postmortem,
                      components=components)


def _announcements(announcements: Sequence[Announcement], durations: Sequence[str], now: datetime) -> Iterator[Message]:
    for announcement in announcements:
        page = urls.announcement(announcement.id)
        published = start_of_day(announcement.published)
        plans = frozenset(announcement.plans) | {change.plan for change in announcement.pricing or ()}
        yield Message(page, "announcement", published, announcement, plans=plans)
        if announcement.effective is not None:
            effective = start_of_day(announcement.effective)
            for duration, at in _reminders_due(durations, effective, published, now):
                yield Message(f"{page}#reminder-{duration}", "announcement", at, announcement, reminder=duration,
                              event=effective, plans=plans)


def _reminders_due(durations: Sequence[str], event: datetime, made_public: datetime | None,
                   now: datetime) -> Iterator[tuple[str, datetime]]:
    """(duration, time) of the one reminder due at now, if any.

    A reminder is due from its time until the next, shorter one's time (or the event): a run
    that comes late sends the reminder that is still true ("in 1 hour"), not every one that
    was missed. A reminder whose time came before the record was public is never due: the
    record itself, sent then, said as much."""
    times = sorted((event - reminder_span(duration), duration) for duration in set(durations))
    for index, (at, duration) in enumerate(times):
        until = times[index + 1][0] if index + 1 < len(times) else event
        if at <= now < until and (made_public is None or at >= made_public):
            yield duration, at
