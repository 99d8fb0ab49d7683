"""Small builders of validated records for the derivation tests (timeline, uptime, derive)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from statusgen.models import ComponentCatalogue, Incident, Maintenance, Postmortem
from statusgen.records import Records
from statusgen.settings import Settings

DAY = 86400
HOUR = 3600


def at(text: str) -> datetime:
    """An aware UTC datetime from an RFC 3339 string (as the models read it)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def incident(record_id: str, **fields: Any) -> Incident:
    """A validated incident; `components` defaults to {"api": "major_outage"}, impact to major."""
    data: dict[str, Any] = {"title": record_id, "impact": "major", "components": {"api": "major_outage"}}
    data.update(fields)
    return Incident.model_validate(data).model_copy(update={"id": record_id})


def update(when: str, status: str = "identified", components: dict[str, str] | None = None) -> dict[str, Any]:
    """An incident update as written in front matter."""
    data: dict[str, Any] = {"at": when, "status": status, "body": "text"}
    if components is not None:
        data["components"] = components
    return data


def maintenance(record_id: str, start: str, end: str, **fields: Any) -> Maintenance:
    """A validated maintenance window on the `api` component unless told otherwise."""
    data: dict[str, Any] = {
        "title": record_id, "components": ["api"], "scheduled_start": start, "scheduled_end": end,
    }
    data.update(fields)
    return Maintenance.model_validate(data).model_copy(update={"id": record_id})


def postmortem(record_id: str, incident_id: str) -> Postmortem:
    """A minimal validated post-mortem of one incident."""
    data = {
        "title": record_id, "incident": incident_id, "published": "2021-01-01", "authors": ["A"],
        "summary": "s", "impact": "i", "root_cause": "r", "third_parties": [], "timeline": [],
        "action_items": [],
    }
    return Postmortem.model_validate(data).model_copy(update={"id": record_id})


def catalogue(*components: dict[str, Any], groups: tuple[dict[str, Any], ...] = ()) -> ComponentCatalogue:
    """A components.yml; each component dict needs at least an id (the name defaults to it)."""
    return ComponentCatalogue.model_validate(
        {
            "groups": list(groups),
            "components": [{"name": component["id"], **component} for component in components],
        }
    )


def records(*incidents: Incident, components: ComponentCatalogue | None = None, **kinds: Any) -> Records:
    """Records sorted as the loader sorts them."""
    return Records(
        components=components or catalogue({"id": "api"}),
        incidents=tuple(sorted(incidents, key=lambda item: (item.started, item.id))),
        maintenance=tuple(sorted(kinds.get("maintenance", ()), key=lambda m: (m.scheduled_start, m.id))),
        postmortems=tuple(kinds.get("postmortems", ())),
    )


def settings(uptime_days: int = 90) -> Settings:
    """Settings with a given window length."""
    return Settings(content_dir=Path("content"), uptime_days=uptime_days)
