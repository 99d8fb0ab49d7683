"""Validated records in memory, made as the loader makes them.

`record` is the one way a record is made: its front matter validated by the model, then the
file name as id and the Markdown after the front matter as body. The builders per kind fill
in what a test does not care about.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from statusgen.models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from statusgen.records import Records
from statusgen.settings import Settings

DAY = 86400
HOUR = 3600

RecordT = TypeVar("RecordT", Incident, Maintenance, Postmortem, Announcement)


def at(text: str) -> datetime:
    """An aware UTC datetime from an RFC 3339 string (as the models read it)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def record(model: type[RecordT], record_id: str, body: str = "", /, **front_matter: Any) -> RecordT:
    """A record from its front matter, with the id and body the loader would give it.

    The parameters are positional-only: front matter may hold any name (`kind`, `title`...)."""
    return model.model_validate(front_matter).model_copy(update={"id": record_id, "body": body})


def incident(record_id: str, body: str = "", /, **front_matter: Any) -> Incident:
    """An incident; the title defaults to its id, the impact to major, components to {"api": "major_outage"}."""
    defaults: dict[str, Any] = {"title": record_id, "impact": "major", "components": {"api": "major_outage"}}
    return record(Incident, record_id, body, **{**defaults, **front_matter})


def update(when: str | datetime, status: str = "identified", components: dict[str, str] | None = None) -> dict[str, Any]:
    """An incident update as written in front matter."""
    data: dict[str, Any] = {"at": when, "status": status, "body": "text"}
    if components is not None:
        data["components"] = components
    return data


def maintenance(record_id: str, start: str | datetime, end: str | datetime, body: str = "", /,
                **front_matter: Any) -> Maintenance:
    """A maintenance window from start to end, on the `api` component unless told otherwise."""
    defaults: dict[str, Any] = {"title": record_id, "components": ["api"]}
    return record(Maintenance, record_id, body,
                  **{**defaults, "scheduled_start": start, "scheduled_end": end, **front_matter})


def postmortem(record_id: str, incident_id: str, body: str = "", /, **front_matter: Any) -> Postmortem:
    """A post-mortem of one incident; every required field has a short placeholder."""
    defaults: dict[str, Any] = {
        "title": record_id, "published": "2021-01-01", "authors": ["A"], "summary": "s", "impact": "i",
        "root_cause": "r", "third_parties": [], "timeline": [], "action_items": [],
    }
    return record(Postmortem, record_id, body, **{**defaults, "incident": incident_id, **front_matter})


def announcement(record_id: str, body: str = "", /, **front_matter: Any) -> Announcement:
    """An announcement; a policy notice published on 2021-01-01 unless told otherwise."""
    defaults: dict[str, Any] = {"title": record_id, "kind": "policy", "published": "2021-01-01"}
    return record(Announcement, record_id, body, **{**defaults, **front_matter})


def catalogue(*components: dict[str, Any], groups: tuple[dict[str, Any], ...] = ()) -> ComponentCatalogue:
    """A components.yml; each component dict needs at least an id (the name defaults to it)."""
    return ComponentCatalogue.model_validate(
        {
            "groups": list(groups),
            "components": [{"name": component["id"], **component} for component in components],
        }
    )


def plans(*entries: dict[str, Any], currency: str = "USD") -> PlanCatalogue:
    """A plans.yml of the given plans."""
    return PlanCatalogue.model_validate({"currency": currency, "plans": list(entries)})


def records(*incidents: Incident, components: ComponentCatalogue | None = None, plans: PlanCatalogue | None = None,
            maintenance: Iterable[Maintenance] = (), postmortems: Iterable[Postmortem] = (),
            announcements: Iterable[Announcement] = ()) -> Records:
    """Records, each kind sorted as the loader sorts it; the components default to one, `api`."""
    return Records(
        components=components or catalogue({"id": "api"}),
        plans=plans,
        incidents=tuple(sorted(incidents, key=lambda item: (item.started, item.id))),
        maintenance=tuple(sorted(maintenance, key=lambda item: (item.scheduled_start, item.id))),
        postmortems=tuple(sorted(postmortems, key=lambda item: (item.published, item.id))),
        announcements=tuple(sorted(announcements, key=lambda item: (item.published, item.id))),
    )


def settings(uptime_days: int = 90, **changes: Any) -> Settings:
    """Settings of a site whose records are in content/, with a given uptime window."""
    return Settings(content_dir=Path("content"), uptime_days=uptime_days, **changes)
