"""The incident lifecycle from the command line: open, post an update, resolve.

Each function reads the site, refuses ids that name nothing, makes the change on the record's
YAML with a round-trip parser (the rest of the file stays byte for byte as it was), checks
the whole site as it would be, and only then writes. Each returns the path it wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TypeVar

from ..messages import did_you_mean
from ..models import ComponentStatus, Impact, Incident, IncidentStatus
from ..records import Records
from .slug import dated_id
from .workspace import AuthoringError, Changes, apply_changes, file_ids, load_current, require_known
from .yamlio import CommentedMap, CommentedSeq, RecordText, dump_yaml, load_yaml_rt, new_record_text, stamp, text

RESOLVED_MESSAGE = "This incident has been resolved."
"""Said when `resolve` is given no message (Statuspage's own default wording)."""

E = TypeVar("E", bound=Enum)


def choose(enum: type[E], value: str | E, what: str) -> E:
    """`value` as a member of `enum`, or an AuthoringError listing the allowed words."""
    if isinstance(value, enum):
        return value
    words = [member.value for member in enum]
    if value not in words:
        raise AuthoringError(f"unknown {what} '{value}'{did_you_mean(str(value), words)}; one of: {', '.join(words)}")
    return enum(value)


def parse_components(records: Records, specs: Sequence[str], default: ComponentStatus | None) -> dict[str, ComponentStatus | None]:
    """`ID` or `ID=STATUS` arguments -> id -> status (None: the caller's default), ids checked."""
    known = [component.id for component in records.components.components]
    parsed: dict[str, ComponentStatus | None] = {}
    for spec in specs:
        component_id, _, status = spec.partition("=")
        component_id = component_id.strip()
        require_known("component", component_id, known)
        parsed[component_id] = choose(ComponentStatus, status.strip(), "component status") if status else default
    return parsed


def open_incident(
    content_dir: Path, title: str, impact: str, components: Sequence[str], at: datetime,
    status: str = "investigating", message: str | None = None,
) -> Path:
    """Write `incidents/<date>-<slug>.md` with its first update; the path written."""
    records = load_current(content_dir)
    grade = choose(Impact, impact, "impact")
    first_status = choose(IncidentStatus, status, "incident status")
    if first_status is IncidentStatus.RESOLVED:
        raise AuthoringError("a new incident cannot start resolved: open it, then run `statusgen resolve`")
    if not components:
        raise AuthoringError("name at least one affected component with --component ID[=STATUS]")
    affected = parse_components(records, components, None)
    mapping = CommentedMap((key, (value or grade.implied_status).value) for key, value in affected.items())
    record_id = dated_id(at.date(), title, {incident.id for incident in records.incidents} | file_ids(content_dir, "incidents"))
    update = CommentedMap([("at", stamp(at)), ("status", first_status.value), ("body", text(message or title))])
    front_matter = {
        "title": text(title), "impact": grade.value, "components": mapping,
        "started": stamp(at), "updates": CommentedSeq([update]),
    }
    changes = Changes()
    changes.put(f"incidents/{record_id}.md", new_record_text(front_matter))
    return apply_changes(content_dir, changes)[0]


def add_update(
    content_dir: Path, incident_id: str, status: str, message: str, components: Sequence[str], at: datetime,
) -> Path:
    """Append an update (and its component changes) to an incident; the path written."""
    records = load_current(content_dir)
    incident = _incident(records, incident_id)
    new_status = choose(IncidentStatus, status, "incident status")
    if incident.resolved is not None and new_status is not IncidentStatus.RESOLVED:
        raise AuthoringError(f"incident '{incident_id}' is resolved; open a new incident for a new problem")
    changed = parse_components(records, components, None)
    missing = [component_id for component_id, value in changed.items() if value is None]
    if missing:
        raise AuthoringError(f"--component {missing[0]}: give the status it has from this update on, e.g. {missing[0]}=operational")
    return _edit(content_dir, records, incident, new_status, message, changed, at)


def resolve_incident(content_dir: Path, incident_id: str, at: datetime, message: str | None = None) -> Path:
    """Close an incident: a last update with status resolved, and its `resolved` time."""
    records = load_current(content_dir)
    incident = _incident(records, incident_id)
    if incident.resolved is not None:
        raise AuthoringError(f"incident '{incident_id}' is already resolved (at {stamp(incident.resolved)})")
    return _edit(content_dir, records, incident, IncidentStatus.RESOLVED, message or RESOLVED_MESSAGE, {}, at)


def _incident(records: Records, incident_id: str) -> Incident:
    require_known("incident", incident_id, [incident.id for incident in records.incidents])
    return next(incident for incident in records.incidents if incident.id == incident_id)


def _edit(
    content_dir: Path, records: Records, incident: Incident, status: IncidentStatus, message: str,
    components: dict[str, ComponentStatus | None], at: datetime,
) -> Path:
    path = Path(records.sources[("incidents", incident.id)])
    original = path.read_bytes().decode("utf-8")  # not read_text: it would turn CRLF into LF
    bom = "\ufeff" if original.startswith("\ufeff") else ""  # kept, like every other byte
    record = RecordText.parse(original[len(bom):])
    data = load_yaml_rt(record.yaml_text)
    update = CommentedMap([("at", stamp(at)), ("status", status.value), ("body", text(message))])
    if components:
        update["components"] = CommentedMap((key, value.value) for key, value in components.items() if value)
    if not isinstance(data.get("updates"), list):
        data["updates"] = CommentedSeq()
    data["updates"].append(update)
    if status is IncidentStatus.RESOLVED and "resolved" not in data:
        keys = list(data.keys())
        position = keys.index("started") + 1 if "started" in keys else len(keys)
        data.insert(position, "resolved", stamp(at))
    changes = Changes()
    changes.put(path.relative_to(content_dir), bom + record.with_yaml(dump_yaml(data, like=record.yaml_text)))
    return apply_changes(content_dir, changes)[0]

