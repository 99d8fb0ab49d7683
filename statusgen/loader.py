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
from .parallel import map_in_order
from .records import Records
from .rules import Violation, check_rules
from .slugs import slugify
from .yamlsource import MAX_FILE_BYTES, RecordYamlError, decode, line_of, load_yaml, split_front_matter, written_at

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
MAX_ID_LENGTH = 100
"""As RecordId allows: a longer file name could never be referred to."""


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

    def written(self, loc: tuple[Any, ...], key: bool = False) -> str | None:
        """The plain value (or key) at `loc` as the file has it, for messages to quote."""
        return written_at(self.yaml_text, loc, key)


_RECORD_LIKE = (".md", ".markdown", ".mdown", ".mkd", ".txt", ".yml", ".yaml", ".json")
"""Suffixes of files that look like records: anything else in a record folder (an image for
a post-mortem, say) is left alone, but these must be .md or they would be silently skipped."""


def record_files(content_dir: Path, problems: list[Problem] | None = None) -> list[tuple[str, Path]]:
    """(folder, path) of every Markdown record under content_dir, in a stable order.

    Anything that looks like a record but cannot be read as one (a folder named x.md, a
    broken link, x.MD, x.yml) is reported in `problems` rather than silently skipped."""
    problems = [] if problems is None else problems
    root = content_dir.resolve()
    found = []
    for folder in RECORD_FOLDERS:
        directory = content_dir / folder
        problem = _not_a_folder(directory, root)
        if problem is not None:
            problems.append(Problem(_display(directory), 0, "", problem))
            continue
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            relative = path.relative_to(directory)
            if any(part.startswith(".") for part in relative.parts) or path.name.endswith("~"):
                continue  # editors' and version control's own files
            problem = _not_a_record(folder, path, root)
            if problem is not None:
                problems.append(Problem(_display(path), 0, "", problem))
            elif path.suffix == ".md":
                found.append((folder, path))
    return sorted(found)


def _not_a_folder(directory: Path, root: Path) -> str | None:
    """Why a record folder cannot be read: a file in its place, a link out of content/."""
    if not directory.exists() and not directory.is_symlink():
        return None
    if directory.is_symlink():
        problem = _not_a_file(directory, root, "")
        if problem is not None and not problem.startswith("this is a folder"):
            return problem
    if not directory.is_dir():
        return f"{directory.name} must be a folder of .md records, not a file"
    return None


def _not_a_record(folder: str, path: Path, root: Path) -> str | None:
    """Why a path that looks like a record cannot be read as one; None if it can (or is no record)."""
    if path.is_symlink() and path.is_dir():
        return "this link to a folder is not followed: put the records in the folder itself"
    if path.is_dir():
        return "this is a folder: a record is a Markdown file" if path.suffix.lower() in _RECORD_LIKE else None
    if path.suffix.lower() not in _RECORD_LIKE:
        return None
    if path.suffix != ".md":
        return f"records in {folder}/ are Markdown files ending in .md (lower case)"
    return _not_a_file(path, root, "a record is a Markdown file")


def _not_a_file(path: Path, root: Path, what: str) -> str | None:
    """Why `path` cannot be read as a record file: a folder, a device, a link to elsewhere.

    `root` is the content folder, resolved; only links are resolved (it costs syscalls)."""
    if path.is_symlink():
        if not path.exists():
            return "this link points to a file that does not exist"
        try:
            path.resolve().relative_to(root)
        except ValueError:
            # A link in a pull request could name a secret on the build machine, and error
            # messages quote values: nothing outside the content folder is read.
            return "this link points outside the content folder: records must be files in it"
    if path.is_dir():
        return f"this is a folder: {what}"
    if not path.is_file():
        return f"this is not a regular file: {what}"
    return None


def is_record_path(content_dir: Path, path: Path) -> bool:
    """True for files that are records (read as data, never published as pages)."""
    try:
        relative = path.resolve().relative_to(content_dir.resolve())
    except ValueError:
        return False
    return relative.parts[0] in RECORD_FOLDERS or (len(relative.parts) == 1 and relative.name in CATALOGUES)


def load_records(content_dir: Path) -> Records:
    """Every record of the site, validated; raises ContentError listing every problem."""
    if not content_dir.is_dir():
        raise ContentError([Problem(_display(content_dir), 0, "", "the content folder does not exist "
                                                                  "(set `content_dir` under the statusgen plugin in mkdocs.yml)")])
    problems: list[Problem] = []
    sources: dict[tuple[str, str], SourceFile] = {}
    broken: set[tuple[str, str]] = set()
    catalogues = {name: _load_catalogue(content_dir, name, sources, broken, problems) for name in CATALOGUES}
    loaded: dict[str, list[Any]] = {folder: [] for folder in RECORD_FOLDERS}
    files = record_files(content_dir, problems)
    for (folder, path), parsed in zip(files, map_in_order(_parse_record, files), strict=True):
        record = _load_record(folder, path, sources, problems, parsed)
        if record is not None:
            loaded[folder].append(record)
        else:
            broken.update({(folder, path.stem), (folder, _slug(path.stem))})
    components = catalogues["components.yml"]
    if components is None:
        raise ContentError(problems)
    records = Records(
        components=components,
        plans=catalogues["plans.yml"],
        incidents=tuple(sorted(loaded["incidents"], key=lambda r: (r.started, r.id))),
        maintenance=tuple(sorted(loaded["maintenance"], key=lambda r: (r.scheduled_start, r.id))),
        postmortems=tuple(sorted(loaded["postmortems"], key=lambda r: (r.published, r.id))),
        announcements=tuple(sorted(loaded["announcements"], key=lambda r: (r.published, r.id))),
        sources={key: source.path for key, source in sources.items()},
    )
    for violation in check_rules(records):
        # An unknown reference to a record that exists but is itself broken only echoes
        # that record's own error; it would send the reader to the wrong file.
        target = violation.refers_to
        if target is None or (target not in broken and (target[0], "*") not in broken):
            problems.append(_locate(violation, sources))
    if problems:
        raise ContentError(problems)
    return records


def _load_catalogue(content_dir: Path, name: str, sources: dict[tuple[str, str], SourceFile],
                    broken: set[tuple[str, str]], problems: list[Problem]) -> Any:
    """One catalogue (components.yml, plans.yml) validated, or None with its problems noted."""
    path = content_dir / name
    what = name.split(".")[0]
    if not path.exists() and not path.is_symlink():
        other = path.with_suffix(".yaml")
        if other.exists():
            problems.append(Problem(_display(other), 0, "", f"rename this file to {name}"))
            broken.add((what, "*"))
        elif name == "components.yml":
            problems.append(Problem(_display(path), 0, "", "file not found: every site lists its components here"))
        return None
    catalogue = None
    problem = _not_a_file(path, content_dir.resolve(), f"{name} must be a YAML file")
    if problem is not None:
        problems.append(Problem(_display(path), 0, "", problem))
    else:
        read = _read(path, markdown=False, problems=problems)
        if read is not None:
            source, data, _ = read
            sources[("catalogue", name)] = source
            catalogue = _validate(CATALOGUES[name], data, source, problems)
    if catalogue is None:
        broken.add((what, "*"))
    return catalogue


def _load_record(folder: str, path: Path, sources: dict[tuple[str, str], SourceFile], problems: list[Problem],
                 parsed: tuple[SourceFile | None, Any, list[Problem]]) -> Any:
    display = _display(path)  # record_files yields only .md files
    record_id = path.stem
    if not ID_RE.fullmatch(record_id) or len(record_id) > MAX_ID_LENGTH:
        slug = _slug(record_id)
        hint = f" (rename it to {slug}.md?)" if slug else ""
        problems.append(Problem(display, 0, "", f"file name {record_id!r} is not a valid id: use lower-case letters, "
                                                f"digits and hyphens, at most {MAX_ID_LENGTH}{hint}"))
        return None
    if (folder, record_id) in sources:
        other = sources[(folder, record_id)].display
        problems.append(Problem(display, 0, "", f"duplicate id {record_id!r}: {other} has the same file name"))
        return None
    source, record, found = parsed
    problems.extend(found)
    if source is not None:
        sources[(folder, record_id)] = source
    return record


def _parse_record(job: tuple[str, Path]) -> tuple[SourceFile | None, Any, list[Problem]]:
    """Read and validate one record file on its own (no other record is needed), so that
    files can be parsed on every core; the checks across files stay in _load_record."""
    folder, path = job
    problems: list[Problem] = []
    read = _read(path, markdown=True, problems=problems)
    if read is None:
        return None, None, problems
    source, data, body = read
    reserved = [key for key in _RESERVED_KEYS if key in data]
    for key in reserved:
        problems.append(source.problem((key,), f"'{key}' cannot be set: a record's {key} is its {'file name' if key == 'id' else 'Markdown after the front matter'}", key=True))
    if reserved:
        return source, None, problems
    record = _validate(RECORD_FOLDERS[folder], data, source, problems)
    return source, record.model_copy(update={"id": path.stem, "body": body}) if record is not None else None, problems


def _slug(name: str) -> str:
    """The valid id closest to a file name ('API Errors' -> 'api-errors'), or ''."""
    return slugify(name, MAX_ID_LENGTH)


def _read(path: Path, markdown: bool, problems: list[Problem]) -> tuple[SourceFile, dict[Any, Any], str] | None:
    """Read and parse one file: its source, the YAML mapping, and the Markdown after the front
    matter ('' for a catalogue). On failure record the problem and return None."""
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
            yaml_text, first_line, body = text, 1, ""
        data = load_yaml(yaml_text, first_line)
    except RecordYamlError as error:
        problems.append(Problem(display, error.line, "", error.message))
        return None
    except OSError as error:
        problems.append(Problem(display, 0, "", f"cannot read the file: {error.strerror or error}"))
        return None
    if data is None:
        data = {}  # empty front matter: the model then names every required field
    if not isinstance(data, dict):
        what = "front matter" if markdown else "file"
        got = "a list" if isinstance(data, list) else "a single value"
        problems.append(Problem(display, first_line, "", f"the {what} must be a mapping of keys to values, not {got}"))
        return None
    return SourceFile(path, display, yaml_text, first_line), data, body


def _validate(model: type[BaseModel], data: dict[str, Any], source: SourceFile, problems: list[Problem]) -> Any:
    non_text_keys = [key for key in data if not isinstance(key, str)]
    for key in non_text_keys:
        written = source.written((key,), key=True) or str(key)
        problems.append(source.problem((written,), f"a key must be text, not {written}: put it in quotes", key=True))
    if non_text_keys:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for loc, message, at_key in describe_validation_error(model, error, source.written):
            problems.append(source.problem(loc, message, key=at_key))
        return None


def _locate(violation: Violation, sources: dict[tuple[str, str], SourceFile]) -> Problem:
    source = sources[(violation.kind, violation.record_id)]
    message = violation.message
    if violation.see is not None:
        kind, record_id, loc = violation.see
        other = sources[(kind, record_id)].problem(loc, "")
        message += f" ({other.path}:{other.line})"
    return source.problem(violation.loc, message)


def _display(path: Path) -> str:
    # Paths in messages are as the user would type them: relative to where they ran us.
    text = str(path)
    if not path.is_absolute() and ".." not in path.parts:
        return text  # already relative to the working folder (and relpath is slow)
    relative = os.path.relpath(path, Path.cwd())
    return text if relative.startswith("..") else relative
