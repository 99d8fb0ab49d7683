"""maintenance.ics: every maintenance window as an iCalendar event, fit to subscribe to.

Calendar applications poll a subscribed URL and match events by UID, so each window keeps
one UID for life and carries a SEQUENCE that grows with its updates; DTSTAMP comes from
the record, never the clock, so an unchanged record gives unchanged bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .. import urls
from ..cache.outputs import made_once
from ..models import Maintenance, MaintenanceStatus, MaintenanceUpdate
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from ..wording import label

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//statusgen//maintenance calendar//EN"


def render_calendar(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """maintenance.ics with one VEVENT per maintenance window (cancelled ones marked so)."""
    cancelled = tuple(window.id for window in records.maintenance
                      if state.maintenance_status.get(window.id) is MaintenanceStatus.CANCELLED)
    names = {component.id: component.name for component in records.components.components}
    inputs = CalendarInputs(records.maintenance, cancelled, names, settings.site_name,
                            urlsplit(settings.site_url).hostname or "statusgen.invalid", settings.base_url)
    return [OutputFile(urls.CALENDAR, made_once(settings, "maintenance.ics", calendar_bytes, inputs))]


@dataclass(frozen=True)
class CalendarInputs:
    """All the calendar shows: it is kept by these (cache/outputs.py)."""

    windows: tuple[Maintenance, ...]
    cancelled: tuple[str, ...]
    names: dict[str, str]
    site_name: str
    host: str
    base_url: str


def calendar_bytes(inputs: CalendarInputs) -> bytes:
    """The calendar of these windows (see render_calendar)."""
    # Imported here: a build whose calendar did not change keeps the file (cache/outputs.py)
    # and never needs icalendar: 36 ms of a warm build's start.
    from icalendar import Calendar, Event, vText

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Typed as text explicitly: icalendar leaves X- properties unescaped, and a newline in
    # the site's name would otherwise break the file.
    calendar.add("x-wr-calname", vText(f"{inputs.site_name}: maintenance"))
    calendar.add("x-wr-caldesc", vText(f"Scheduled maintenance of {inputs.site_name}"))
    calendar.add("x-wr-timezone", "UTC")
    for window in inputs.windows:
        event = Event()
        _describe_event(event, window, window.id in inputs.cancelled, inputs)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _describe_event(event: Event, window: Maintenance, cancelled: bool, inputs: CalendarInputs) -> None:
    updates = list(window.updates)
    stamp = max([window.announced_at, *(update.at for update in updates)])
    event.add("uid", f"{window.id}@{inputs.host}")
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", len(updates) + (1 if cancelled else 0))
    event.add("dtstart", window.scheduled_start)
    event.add("dtend", window.scheduled_end)
    event.add("summary", f"Maintenance: {window.title}")
    event.add("description", _description(window, updates, inputs.names))
    event.add("url", urls.absolute(inputs.base_url, urls.maintenance(window.id)))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Maintenance of a service is no appointment of the subscriber's: never mark them busy.
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["Maintenance"])


def _description(window: Maintenance, updates: list[MaintenanceUpdate], names: dict[str, str]) -> str:
    """Plain text: calendars show DESCRIPTION as text, so the Markdown source is kept as is."""
    parts = [window.body.strip()] if window.body.strip() else []
    affected = ", ".join(names.get(key, key) for key in window.components)
    if affected:
        parts.append(f"Components: {affected}")
    if updates:
        latest = updates[-1]
        parts.append(f"{label(latest.status)} ({latest.at:%Y-%m-%d %H:%M} UTC): "
                     f"{latest.body.strip()}")
    return "\n\n".join(parts)
