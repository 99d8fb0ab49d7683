"""Statuspage objects -> statusgen records (front matter and body), with stable ids.

Ids are derived from what the export says (names and dates), never from the order of the
files or the time of the import, so importing the same export twice gives the same files.
Where two objects would get one id, each gets its Statuspage id appended.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from markdownify import markdownify

from ..authoring.slug import dated_id, slugify, unique_id
from ..models import ComponentStatus, Impact, worst_status
from .export import Export, ExportError, Json

RESOLVED_MESSAGE = "This incident has been resolved."
_INCIDENT_STATUS = {"investigating": "investigating", "identified": "identified", "monitoring": "monitoring",
                    "resolved": "resolved", "postmortem": "resolved", "completed": "resolved"}
_MAINTENANCE_STATUS = {"scheduled": "scheduled", "in_progress": "in_progress", "verifying": "verifying",
                       "completed": "completed", "cancelled": "cancelled", "resolved": "completed"}
_COMPONENT_STATUS = {status.value for status in ComponentStatus}


@dataclass(frozen=True)
class Catalogue:
    """The components and groups of the export, with our ids, in display order."""

    groups: tuple[Json, ...]
    """Each {'id', 'name', 'description'?}."""
    components: tuple[Json, ...]
    """Each {'id', 'name', 'group'?, 'description'?, 'since'?}."""
    ids: dict[str, str]
    """Statuspage id of a component -> our id."""


def parse_time(value: Any) -> datetime | None:
    """A Statuspage timestamp -> aware UTC datetime to the second (None if absent)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{value!r} is not a timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    # Whole seconds: flooring keeps the order of events and reads well in the records.
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def first_time(item: Json, *keys: str) -> datetime:
    """The first of `keys` that holds a time; an ExportError naming the object if none does."""
    for key in keys:
        moment = parse_time(item.get(key))
        if moment is not None:
            return moment
    raise ExportError(f"{item.get('name') or item.get('id')!r} has none of {', '.join(keys)}")


def to_markdown(body: Any) -> str:
    """An update's body as Markdown: HTML converted, plain text kept as written."""
    text = str(body or "").replace("\r\n", "\n").strip()
    if re.search(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>", text):
        text = markdownify(text, heading_style="ATX", bullets="-").strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text


def build_catalogue(export: Export) -> Catalogue:
    """Groups and components from the export (and from incidents, for components since deleted)."""
    items = _all_components(export)
    order = {key: index for index, key in enumerate(items)}
    # Components known only from old incidents (deleted since) have no position: they go last.
    by_position = sorted(items.values(), key=lambda item: (_position(item), order[item["id"]]))
    groups = [item for item in by_position if item.get("group") is True]
    members = [item for item in by_position if item.get("group") is not True]
    taken: set[str] = set()
    group_ids = {group["id"]: _claim(slugify(group.get("name") or "") or "group", taken) for group in groups}
    ids = _component_ids(members, group_ids, taken)
    listed: list[Json] = []
    for top in [item for item in by_position if item.get("group_id") not in group_ids]:
        if top.get("group") is True:
            listed.extend(item for item in members if item.get("group_id") == top["id"])
        else:
            listed.append(top)
    return Catalogue(
        groups=tuple(_without_none({"id": group_ids[g["id"]], "name": g.get("name") or group_ids[g["id"]], "description": g.get("description") or None}) for g in groups),
        components=tuple(_component(item, ids, group_ids) for item in listed),
        ids=ids,
    )


def _all_components(export: Export) -> dict[str, Json]:
    """Statuspage id -> component object, including those only incidents still mention."""
    items = dict(export.components)
    for record in (*export.incidents.values(), *export.maintenances.values()):
        for component in record.get("components") or ():
            if isinstance(component, dict) and component.get("id") and component["id"] not in items:
                items[component["id"]] = component
        for update in record.get("incident_updates") or ():
            for affected in update.get("affected_components") or ():
                code = affected.get("code")
                if code and code not in items:
                    items[code] = {"id": code, "name": affected.get("name") or code}
    return items


def _component_ids(members: list[Json], group_ids: dict[str, str], taken: set[str]) -> dict[str, str]:
    """Our id for each component: its name, prefixed with its group's when two share a name."""
    names: dict[str, list[Json]] = defaultdict(list)
    for item in members:
        names[slugify(item.get("name") or "") or "component"].append(item)
    ids: dict[str, str] = {}
    for item in members:
        base = slugify(item.get("name") or "") or "component"
        if len(names[base]) > 1 and item.get("group_id") in group_ids:
            base = f"{group_ids[item['group_id']]}-{base}"
        ids[item["id"]] = _claim(base, taken)
    return ids


def _component(item: Json, ids: dict[str, str], group_ids: dict[str, str]) -> Json:
    since = item.get("start_date")
    return _without_none({
        "id": ids[item["id"]],
        "name": item.get("name") or ids[item["id"]],
        "group": group_ids.get(item.get("group_id") or ""),
        "description": item.get("description") or None,
        "since": date.fromisoformat(since) if since else None,
    })


def record_ids(objects: Iterable[Json], day_of: Callable[[Json], date]) -> dict[str, str]:
    """Statuspage id -> `<date>-<slug>`; objects that would share one id get their Statuspage id appended."""
    bases: dict[str, list[Json]] = defaultdict(list)
    for item in objects:
        bases[dated_id(day_of(item), item.get("name") or "")].append(item)
    ids = {}
    for base, items in bases.items():
        for item in items:
            ids[item["id"]] = base if len(items) == 1 else f"{base}-{_safe(item['id'])}"
    return ids


def incident_record(item: Json, catalogue: Catalogue) -> tuple[dict[str, Any], str]:
    """(front matter, body) of the incident record for a Statuspage incident."""
    impact = item.get("impact") if item.get("impact") in {i.value for i in Impact} else "none"
    updates = _updates(item, catalogue, _INCIDENT_STATUS, "investigating")
    started = min([first_time(item, "started_at", "created_at")] + [u["at"] for u in updates])
    resolved = None
    if item.get("status") in ("resolved", "postmortem") or (updates and updates[-1]["status"] == "resolved"):
        resolved = max([parse_time(item.get("resolved_at")) or started] + [u["at"] for u in updates])
        if not updates or updates[-1]["status"] != "resolved":
            updates.append({"at": resolved, "status": "resolved", "body": RESOLVED_MESSAGE})
    front = {"title": item.get("name") or "Untitled incident", "impact": impact,
             "components": _incident_components(item, updates, catalogue, Impact(impact)), "started": started}
    if resolved is not None:
        front["resolved"] = resolved
    front["updates"] = updates
    return front, ""


def maintenance_record(item: Json, catalogue: Catalogue) -> tuple[dict[str, Any], str]:
    """(front matter, body) of the maintenance record for a scheduled maintenance."""
    updates = _updates(item, catalogue, _MAINTENANCE_STATUS, "scheduled")
    for update in updates:
        update.pop("components", None)
    start = first_time(item, "scheduled_for", "created_at")
    end = parse_time(item.get("scheduled_until")) or start
    if end <= start:
        end = start + timedelta(minutes=1)  # Statuspage allows a window with no length; we do not
    components = [catalogue.ids[c["id"]] for c in item.get("components") or () if isinstance(c, dict) and c.get("id") in catalogue.ids]
    front = {"title": item.get("name") or "Maintenance", "components": list(dict.fromkeys(components)),
             "scheduled_start": start, "scheduled_end": end, "updates": updates}
    return front, ""


def postmortem_record(item: Json, incident_id: str, incident_front: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """(front matter, body) of a post-mortem from an incident's `postmortem_body`, or None."""
    body = to_markdown(item.get("postmortem_body"))
    if not body:
        return None
    published = parse_time(item.get("postmortem_published_at")) or parse_time(item.get("postmortem_body_last_updated_at"))
    day = (published or incident_front.get("resolved") or incident_front["started"]).date()
    paragraphs = [part for part in re.split(r"\n\s*\n", body) if part.strip() and not part.lstrip().startswith("#")]
    summary = " ".join((paragraphs[0] if paragraphs else body).split())
    front = {"title": f"Post-mortem: {incident_front['title']}", "incident": incident_id, "published": day,
             "summary": summary, "impact": "Described in the post-mortem below.",
             "root_cause": "Described in the post-mortem below."}
    return front, body


def _updates(item: Json, catalogue: Catalogue, statuses: dict[str, str], default: str) -> list[dict[str, Any]]:
    raw = [(first_time(u, "display_at", "created_at"), -index, u) for index, u in enumerate(item.get("incident_updates") or ()) if isinstance(u, dict)]
    updates = []
    # Statuspage lists updates newest first; sort oldest first, keeping the list's order on ties.
    for at, _, update in sorted(raw, key=lambda triple: triple[:2]):
        entry: dict[str, Any] = {"at": at,
                                 "status": statuses.get(str(update.get("status")), default),
                                 "body": to_markdown(update.get("body"))}
        changes = {catalogue.ids[a["code"]]: a["new_status"] for a in update.get("affected_components") or ()
                   if a.get("code") in catalogue.ids and a.get("new_status") in _COMPONENT_STATUS}
        if changes:
            entry["components"] = changes
        updates.append(entry)
    return updates


def _incident_components(item: Json, updates: list[dict[str, Any]], catalogue: Catalogue, impact: Impact) -> dict[str, str]:
    seen: dict[str, list[ComponentStatus]] = {}
    for update in updates:
        for component_id, status in (update.get("components") or {}).items():
            seen.setdefault(component_id, []).append(ComponentStatus(status))
    for component in item.get("components") or ():
        if isinstance(component, dict) and component.get("id") in catalogue.ids:
            seen.setdefault(catalogue.ids[component["id"]], [])
    return {key: (worst_status(values) if values else impact.implied_status).value for key, values in seen.items()}


def _position(item: Json) -> int:
    position = item.get("position")
    return position if isinstance(position, int) else 1_000_000


def _claim(base: str, taken: set[str]) -> str:
    chosen = unique_id(base, taken)
    taken.add(chosen)
    return chosen


def _safe(statuspage_id: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(statuspage_id).lower()) or "x"


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
