"""Reading Statuspage exports: the JSON of its public API v2 (summary.json, components.json,
incidents.json, scheduled-maintenances.json and their variants) and of its management API
(bare lists of incidents or components, which also carry `postmortem_body`).

Files are merged by Statuspage id, so the same object met in two files (an unresolved
incident is in summary.json and in incidents.json) is read once: the copy updated last wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Json = dict[str, Any]


class ExportError(Exception):
    """A file is not a Statuspage export this importer can read."""


@dataclass
class Export:
    """Everything read from the files: Statuspage objects by their Statuspage id."""

    page_name: str | None = None
    components: dict[str, Json] = field(default_factory=dict)
    incidents: dict[str, Json] = field(default_factory=dict)
    maintenances: dict[str, Json] = field(default_factory=dict)


def read_export(paths: Iterable[Path]) -> Export:
    """Merge Statuspage JSON files into one Export; raises ExportError for unreadable files."""
    export = Export()
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as error:
            raise ExportError(f"{path}: cannot read the file ({error})") from None
        except json.JSONDecodeError as error:
            raise ExportError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
        if not _add(export, data):
            raise ExportError(f"{path}: not a Statuspage export (expected components, incidents or scheduled_maintenances)")
    return export


def _add(export: Export, data: Any) -> bool:
    """Add one file's objects; False when the file holds none."""
    if isinstance(data, list):
        return _add_list(export, data)
    if not isinstance(data, dict):
        return False
    page = data.get("page")
    if isinstance(page, dict) and page.get("name"):
        export.page_name = export.page_name or str(page["name"])
    found = False
    for key, target in (("components", export.components), ("incidents", export.incidents),
                        ("scheduled_maintenances", export.maintenances)):
        items = data.get(key)
        if isinstance(items, list):
            found = True
            for item in items:
                _keep(target, item)
    if "incident_updates" in data and "id" in data:  # a single incident object
        return _add_list(export, [data])
    return found or isinstance(page, dict)


def _add_list(export: Export, items: list[Any]) -> bool:
    for item in items:
        if not isinstance(item, dict):
            return False
        if "incident_updates" in item:
            _keep(export.maintenances if item.get("scheduled_for") else export.incidents, item)
        elif "status" in item and "name" in item:
            _keep(export.components, item)
        else:
            return False
    return True


def _keep(target: dict[str, Json], item: Any) -> None:
    """Store an object by id; of two copies, the one updated last (then the fuller one)."""
    if not isinstance(item, dict) or not item.get("id"):
        return
    key = str(item["id"])
    old = target.get(key)
    if old is None or _freshness(item) >= _freshness(old):
        target[key] = item


def _freshness(item: Json) -> tuple[str, int]:
    return (str(item.get("updated_at") or ""), len(item.get("incident_updates") or ()))
