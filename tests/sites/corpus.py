"""A small site of records for the machine-readable outputs (API, feeds, calendar, badges).

It has a group and an ungrouped component, a resolved incident with per-update component
changes, an open incident whose updates carry hostile HTML, maintenance before, during and
after its window and a cancelled one, a post-mortem and an announcement. Front matter is
kept as dicts so the schema tests can validate the very same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from statusgen.derive import derive_state
from statusgen.models import Announcement, ComponentCatalogue, Incident, Maintenance, Postmortem
from statusgen.outputs import OutputFile
from statusgen.records import Records
from statusgen.settings import Settings
from statusgen.state import SiteState

from .records import RecordT, catalogue, plans, record, records

NOW = datetime(2024, 6, 10, 12, 0, tzinfo=timezone.utc)
BASE_URL = "https://status.example.org/"

COMPONENTS: dict[str, Any] = {
    "groups": [{"id": "registry", "name": "Registry & CDN"}],
    "components": [
        {"id": "pulls", "name": "Image pulls", "group": "registry", "since": "2020-01-01"},
        {"id": "pushes", "name": "Image pushes", "group": "registry", "description": "Uploads"},
        {"id": "web", "name": "Website <main>"},
    ],
}
PLANS: dict[str, Any] = {
    "currency": "USD",
    "plans": [{"id": "free", "name": "Free", "price": 0, "period": "month"},
              {"id": "team", "name": "Team", "price": 7, "period": "month", "per": "user"}],
}
HOSTILE = 'Still <script>alert("x")</script> looking. <a href="#" onclick="steal()">details</a>'

INCIDENTS: dict[str, dict[str, Any]] = {
    "2024-05-01-pulls-failing": {
        "title": "Pulls failing outside one region",
        "impact": "major",
        "components": {"pulls": "partial_outage"},
        "started": "2024-05-01T19:00:00Z",
        "resolved": "2024-05-02T06:30:00+02:00",
        "updates": [
            {"at": "2024-05-02T01:45:00Z", "status": "investigating", "body": "Looking into **failed** pulls."},
            {"at": "2024-05-02T02:50:00Z", "status": "identified", "body": "Found it.",
             "components": {"pulls": "major_outage"}},
            {"at": "2024-05-02T04:00:00Z", "status": "monitoring", "body": "Fixed; watching.",
             "components": {"pulls": "degraded_performance"}},
            {"at": "2024-05-02T04:30:00Z", "status": "resolved", "body": "All good."},
        ],
    },
    "2024-06-10-web-slow": {
        "title": "Website slow",
        "impact": "minor",
        "components": ["web"],
        "started": "2024-06-10T09:00:00Z",
        "updates": [
            {"at": "2024-06-10T09:10:00Z", "status": "investigating", "body": "Pages load slowly."},
            {"at": "2024-06-10T10:00:00Z", "status": "identified", "body": HOSTILE},
        ],
    },
}
MAINTENANCE: dict[str, dict[str, Any]] = {
    "2024-06-01-db": {"title": "Database upgrade", "components": ["pushes"],
                      "scheduled_start": "2024-06-01T02:00:00Z", "scheduled_end": "2024-06-01T04:00:00Z"},
    "2024-06-10-cdn": {"title": "CDN switch", "components": ["pulls", "pushes"],
                       "scheduled_start": "2024-06-10T11:00:00Z", "scheduled_end": "2024-06-10T13:00:00Z",
                       "updates": [{"at": "2024-06-03T08:00:00Z", "status": "scheduled", "body": "Planned."},
                                   {"at": "2024-06-10T11:00:00Z", "status": "in_progress", "body": "Started."}]},
    "2024-06-20-search": {"title": "Search reindex", "components": ["web"],
                          "scheduled_start": "2024-06-20T01:00:00Z", "scheduled_end": "2024-06-20T03:00:00Z"},
    "2024-06-25-cancelled": {"title": "Called-off move", "components": ["web"], "status": "cancelled",
                             "scheduled_start": "2024-06-25T01:00:00Z", "scheduled_end": "2024-06-25T03:00:00Z"},
}
POSTMORTEMS: dict[str, dict[str, Any]] = {
    "pulls-failing": {
        "title": "Post-mortem: pulls failing", "incident": "2024-05-01-pulls-failing", "published": "2024-05-20",
        "authors": ["Jane Doe"], "summary": "A CDN rule dropped traffic.", "impact": "Pulls failed.",
        "root_cause": "An anti-botnet rule.", "third_parties": ["CDN provider"],
        "timeline": [{"at": "2024-05-01T19:00:00Z", "event": "Pulls start failing."}],
        "action_items": [{"title": "Alert on pull errors", "type": "detect", "status": "planned"}],
    },
}
ANNOUNCEMENTS: dict[str, dict[str, Any]] = {
    "2024-05-15-retention": {
        "title": "Inactive images deleted after six months", "kind": "retention", "published": "2024-05-15",
        "effective": "2024-11-01", "plans": ["free"],
        "retention": {"subject": "inactive images", "inactive_after": "P6M", "action": "delete"},
    },
}


def _records_of(kind: type[RecordT], data: dict[str, dict[str, Any]], body: str = "") -> list[RecordT]:
    return [record(kind, key, body or f"About {key}.", **front) for key, front in data.items()]


def corpus_components() -> ComponentCatalogue:
    return catalogue(*COMPONENTS["components"], groups=tuple(COMPONENTS["groups"]))


def corpus_records() -> Records:
    """The corpus as validated records, each tuple in the order the loader gives."""
    return records(
        *_records_of(Incident, INCIDENTS),
        components=corpus_components(),
        plans=plans(*PLANS["plans"], currency=PLANS["currency"]),
        maintenance=_records_of(Maintenance, MAINTENANCE),
        postmortems=_records_of(Postmortem, POSTMORTEMS, "The long story."),
        announcements=_records_of(Announcement, ANNOUNCEMENTS, "Free accounts: *six months*."),
    )


def corpus_settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {"content_dir": Path("content"), "site_name": "Example Status", "site_url": BASE_URL}
    values.update(changes)
    return Settings(**values)


@dataclass(frozen=True)
class Site:
    records: Records
    state: SiteState
    settings: Settings


def corpus_site(now: datetime = NOW, records: Records | None = None, **settings: Any) -> Site:
    """The public records and state as of `now` (from derive_state), and settings."""
    chosen = records if records is not None else corpus_records()
    options = corpus_settings(**settings)
    state = derive_state(chosen, options, now)
    return Site(state.public, state, options)


def by_path(outputs: list[OutputFile]) -> dict[str, bytes]:
    """Output path -> content, refusing two files at one path."""
    found: dict[str, bytes] = {}
    for output in outputs:
        assert output.path not in found, f"two outputs at {output.path}"
        assert not output.path.startswith("/")
        found[output.path] = output.content
    return found


def many_incidents(count: int, updates_each: int = 3) -> Records:
    """A long history on one component, for the caps and the speed."""
    incidents: list[Incident] = []
    for number in range(count):
        # One a day, the last on the day before NOW, so that all are over by then.
        start = (NOW - timedelta(days=count - number)).replace(hour=0)
        updates = [
            {"at": start.replace(hour=1 + step).isoformat(), "status": "investigating", "body": f"Update {step}."}
            for step in range(updates_each - 1)
        ]
        updates.append({"at": start.replace(hour=23).isoformat(), "status": "resolved", "body": "Over."})
        front = {"title": f"Incident {number}", "impact": "minor", "components": ["web"],
                 "started": start.isoformat(), "resolved": start.replace(hour=23).isoformat(), "updates": updates}
        incidents.append(record(Incident, f"incident-{number:05d}", **front))
    return records(*incidents, components=corpus_components())
