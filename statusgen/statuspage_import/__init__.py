"""`statusgen import statuspage`: bring a Statuspage history into content/, idempotently.

read the JSON files -> components and groups (merged into components.yml) -> one record per
incident, maintenance window and post-mortem -> check the whole site as it would be -> write
only the files whose text changes. The same export imported twice writes nothing the second
time; a newer export updates the records it already wrote, in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..authoring.workspace import Changes, apply_changes
from .catalogue import merge_components
from .convert import build_catalogue, first_time, incident_record, maintenance_record, postmortem_record, record_ids
from .export import Export, ExportError, read_export
from .render import record_text

__all__ = ["ExportError", "ImportedFile", "import_statuspage", "plan_import", "read_export"]


@dataclass(frozen=True)
class ImportedFile:
    """One file the import produced and what happened to it."""

    path: Path
    action: str
    """created, updated, unchanged or kept (left as it was, with keep_existing)."""


def plan_import(content_dir: Path, export: Export) -> dict[str, str]:
    """Relative path under content/ -> text, for every file the export becomes."""
    catalogue = build_catalogue(export)
    files: dict[str, str] = {}
    components = merge_components(content_dir / "components.yml", catalogue)
    if components is not None:
        files["components.yml"] = components
    incident_ids = record_ids(export.incidents.values(), lambda item: _started(item).date())
    for key, item in sorted(export.incidents.items(), key=lambda pair: incident_ids[pair[0]]):
        front, body = incident_record(item, catalogue)
        files[f"incidents/{incident_ids[key]}.md"] = record_text(front, body)
        postmortem = postmortem_record(item, incident_ids[key], front)
        if postmortem is not None:
            files[f"postmortems/{incident_ids[key]}.md"] = record_text(*postmortem)
    window_ids = record_ids(export.maintenances.values(), lambda item: _scheduled(item).date())
    for key, item in sorted(export.maintenances.items(), key=lambda pair: window_ids[pair[0]]):
        files[f"maintenance/{window_ids[key]}.md"] = record_text(*maintenance_record(item, catalogue))
    return files


def import_statuspage(content_dir: Path, paths: Sequence[Path], keep_existing: bool = False) -> list[ImportedFile]:
    """Import Statuspage JSON files into content_dir; every file it produced, with its action.

    With `keep_existing`, a record already on disk is left as it is even when the export says
    otherwise (its action is "kept"). Raises ExportError for a file it cannot read, and
    ContentError (nothing written) when the result would not validate."""
    files = plan_import(content_dir, read_export(paths))
    changes = Changes()
    report = []
    for relative, text in files.items():
        target = content_dir / relative
        old = target.read_bytes().decode("utf-8-sig") if target.is_file() else None
        if old == text or (keep_existing and old is not None and relative != "components.yml"):
            report.append(ImportedFile(target, "unchanged" if old == text else "kept"))
            continue
        changes.put(relative, text)
        report.append(ImportedFile(target, "created" if old is None else "updated"))
    if changes.files:
        apply_changes(content_dir, changes)
    return report


def _started(item: dict[str, Any]) -> datetime:
    return first_time(item, "started_at", "created_at")


def _scheduled(item: dict[str, Any]) -> datetime:
    return first_time(item, "scheduled_for", "created_at")

