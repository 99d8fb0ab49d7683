"""Discover and load every record of a site, collecting every problem before giving up.

discover -> read -> parse YAML -> validate the model -> cross-record rules. A broken file
never stops the others from being read: the user gets the whole list at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ContentError, Problem, field_path
from .messages import describe_validation_error
from .models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from .models.common import ID_RE
from .records import Records
from .rules import Violation, check_rules
from .yamlsource import MAX_FILE_BYTES, RecordYamlError, decode, line_of, load_yaml, split_front_matter

RECORD_FOLDERS: dict[str, type[BaseModel]] = {
    "incidents": Incident,
    "maintenance": Maintenance,
    "postmortems": Postmortem,
    "announcements": Announcement,
}
"""Folder of content/ -> the model of the Markdown records in it."""
CATALOGUES: dict[str, type[BaseModel]] = {"components.yml": ComponentCatalogue, "plans.yml": PlanCatalogue}
"""YAML files of content/ -> their model."""
_RESERVED_KEYS = ("id", "body")


@dataclass(frozen=True)
class SourceFile:
    """Where a record came from, kept to point at lines when a later rule fails."""

    path: Path
    display: str
    yaml_text: str
    first_line: int

    def problem(self, loc: tuple[Any, ...], message: str, key: bool = False) -> Problem:
        line = line_of(self.yaml_text, loc, self.first_line, key=key) if loc else self.first_line
        return Problem(self.display, line, field_path(loc), message)


def record_files(content_dir: Path) -> list[tuple[str, Path]]:
    """(folder, path) of every Markdown record under content_dir, in a stable order."""
    found = []
    for folder in RECORD_FOLDERS:
        directory = content_dir / folder
        if directory.is_dir():
            found.extend((folder, path) for path in directory.rglob("*") if path.suffix in (".md", ".yml", ".yaml", ".markdown") and path.is_file())
    return sorted(found)


def is_record_path(content_dir: Path, path: Path) -> bool:
    """True for files that are records (read as data, never published as pages)."""
    try:
        relative = path.resolve().relative_to(content_dir.resolve())
    except ValueError:
        return False
    return relative.parts[0] in RECORD_FOLDERS or (len(relative.parts) == 1 and relative.name in CATALOGUES)


def load_records(content_dir: Path) -> Records:
    """Every record of the site, validated; raises ContentError listing every problem."""
    problems: list[Problem] = []
    sources: dict[tuple[str, str], SourceFile] = {}
    catalogues: dict[str, Any] = {}
    for name, model in CATALOGUES.items():
        path = content_dir / name
        if not path.exists():
            if name == "components.yml":
                problems.append(Problem(_display(path), 0, "", "file not found: every site lists its components here"))
            continue
        source, data = _read(path, markdown=False, problems=problems)
        if source is not None:
            catalogues[name] = _validate(model, data, source, problems)
            sources[("catalogue", name)] = source
    loaded: dict[str, list[Any]] = {folder: [] for folder in RECORD_FOLDERS}
    for folder, path in record_files(content_dir):
        record = _load_record(folder, path, sources, problems)
        if record is not None:
            loaded[folder].append(record)
    components = catalogues.get("components.yml")
    if components is None:
        raise ContentError(problems)
    records = Records(
        components=components,
        plans=catalogues.get("plans.yml"),
        incidents=tuple(sorted(loaded["incidents"], key=lambda r: (r.started, r.id))),
        maintenance=tuple(sorted(loaded["maintenance"], key=lambda r: (r.scheduled_start, r.id))),
        postmortems=tuple(sorted(loaded["postmortems"], key=lambda r: (r.published, r.id))),
        announcements=tuple(sorted(loaded["announcements"], key=lambda r: (r.published, r.id))),
        sources={key: source.path for key, source in sources.items()},
    )
    problems.extend(_locate(violation, sources) for violation in check_rules(records))
    if problems:
        raise ContentError(problems)
    return records


def _load_record(folder: str, path: Path, sources: dict[tuple[str, str], SourceFile], problems: list[Problem]) -> Any:
    display = _display(path)
    if path.suffix != ".md":
        problems.append(Problem(display, 0, "", f"records in {folder}/ are Markdown files ending in .md"))
        return None
    record_id = path.stem
    if not ID_RE.match(record_id):
        problems.append(Problem(display, 0, "", f"file name {record_id!r} is not a valid id: use lower-case letters, digits and hyphens"))
        return None
    if (folder, record_id) in sources:
        other = sources[(folder, record_id)].display
        problems.append(Problem(display, 0, "", f"duplicate id {record_id!r}: {other} has the same file name"))
        return None
    source, data = _read(path, markdown=True, problems=problems)
    if source is None:
        return None
    sources[(folder, record_id)] = source
    body = data.pop("\0body")
    reserved = [key for key in _RESERVED_KEYS if key in data]
    for key in reserved:
        problems.append(source.problem((key,), f"'{key}' cannot be set: a record's {key} is its {'file name' if key == 'id' else 'Markdown after the front matter'}", key=True))
    if reserved:
        return None
    record = _validate(RECORD_FOLDERS[folder], data, source, problems)
    return record.model_copy(update={"id": record_id, "body": body}) if record is not None else None


def _read(path: Path, markdown: bool, problems: list[Problem]) -> tuple[SourceFile | None, Any]:
    """Read and parse one file; on failure record the problem and return (None, None)."""
    display = _display(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RecordYamlError(f"the file is {size:,} bytes; records are limited to {MAX_FILE_BYTES:,}", 0)
        text = decode(path.read_bytes())
        if markdown:
            front = split_front_matter(text)
            yaml_text, first_line, body = front.yaml_text, front.first_line, front.body
        else:
            yaml_text, first_line, body = text, 1, None
        data = load_yaml(yaml_text, first_line)
    except RecordYamlError as error:
        problems.append(Problem(display, error.line, "", error.message))
        return None, None
    except OSError as error:
        problems.append(Problem(display, 0, "", f"cannot read the file: {error.strerror}"))
        return None, None
    if data is None and not markdown:
        data = {}
    if not isinstance(data, dict):
        what = "front matter" if markdown else "file"
        problems.append(Problem(display, first_line, "", f"the {what} must be a mapping of keys to values"))
        return None, None
    if markdown:
        data["\0body"] = body
    return SourceFile(path, display, yaml_text, first_line), data


def _validate(model: type[BaseModel], data: dict[str, Any], source: SourceFile, problems: list[Problem]) -> Any:
    non_text_keys = [key for key in data if not isinstance(key, str)]
    if non_text_keys:
        problems.append(source.problem((), f"keys must be text; {non_text_keys[0]!r} is not"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for loc, message, at_key in describe_validation_error(model, error):
            problems.append(source.problem(loc, message, key=at_key))
        return None


def _locate(violation: Violation, sources: dict[tuple[str, str], SourceFile]) -> Problem:
    source = sources[(violation.kind, violation.record_id)]
    return source.problem(violation.loc, violation.message)


def _display(path: Path) -> str:
    # Paths in messages are as the user would type them: relative to where they ran us.
    relative = os.path.relpath(path, Path.cwd())
    return str(path) if relative.startswith("..") else relative
