"""Reading one content file: its bytes, its YAML, its model, and where its lines are.

The loader reads records and translations through these, so both report a problem the same
way: `path:line: field: message`, collected rather than raised.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem, field_path
from .messages import describe_validation_error
from .record_layout import MAX_FILE_BYTES
from .yamlsource import RecordYamlError, decode, line_of, load_yaml, split_front_matter, written_at


class SourceFile:
    """Where a record came from, kept to point at lines when a later rule fails.

    A record the build cache already held was not read as text: its YAML is read again from
    the file only if a message needs a line (`SourceFile.unread`)."""

    def __init__(self, path: Path | str, display: str, yaml_text: str, first_line: int) -> None:
        self._path = path
        self._display: str | None = display
        self._front: tuple[str, int] | None = (yaml_text, first_line)

    @classmethod
    def unread(cls, path: Path | str) -> SourceFile:
        """The source of a file whose record came from the cache (its path may be text: a
        Path is made only if a message needs it)."""
        source = cls(path, "", "", 1)
        source._display, source._front = None, None
        return source

    @property
    def path(self) -> Path:
        if not isinstance(self._path, Path):
            self._path = Path(self._path)
        return self._path

    @property
    def path_text(self) -> str:
        """The path as text, without making a Path."""
        return self._path if isinstance(self._path, str) else str(self._path)

    @property
    def display(self) -> str:
        if self._display is None:
            self._display = display_path(self.path)
        return self._display

    @property
    def yaml_text(self) -> str:
        return self._read()[0]

    @property
    def first_line(self) -> int:
        return self._read()[1]

    def _read(self) -> tuple[str, int]:
        if self._front is None:
            try:
                front = split_front_matter(decode(self.path.read_bytes()))
                self._front = (front.yaml_text, front.first_line)
            except (OSError, RecordYamlError):
                self._front = ("", 1)  # changed or gone since it was loaded: the file's first line
        return self._front

    def problem(self, loc: tuple[Any, ...], message: str, key: bool = False) -> Problem:
        line = line_of(self.yaml_text, loc, self.first_line, key=key) if loc else self.first_line
        return Problem(self.display, line, field_path(loc), message)

    def written(self, loc: tuple[Any, ...], key: bool = False) -> str | None:
        """The plain value (or key) at `loc` as the file has it, for messages to quote."""
        return written_at(self.yaml_text, loc, key)


def not_a_file(path: Path, root: Path, what: str) -> str | None:
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


def read_source(path: Path, markdown: bool, problems: list[Problem],
                raw: bytes | None = None) -> tuple[SourceFile, dict[Any, Any], str] | None:
    """Read and parse one file (or `raw`, its bytes as already read): its source, the YAML
    mapping, and the Markdown after the front matter ('' for a catalogue). On failure record
    the problem and return None."""
    display = display_path(path)
    try:
        size = len(raw) if raw is not None else path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RecordYamlError(f"the file is {size:,} bytes; records are limited to {MAX_FILE_BYTES:,}", 0)
        text = decode(raw if raw is not None else path.read_bytes())
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


def validate_model(model: type[BaseModel], data: dict[str, Any], source: SourceFile, problems: list[Problem]) -> Any:
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


def display_path(path: Path) -> str:
    # Paths in messages are as the user would type them: relative to where they ran us.
    text = str(path)
    if not path.is_absolute() and ".." not in path.parts:
        return text  # already relative to the working folder (and relpath is slow)
    folder = os.getcwd()
    if text.startswith(folder + os.sep) and os.sep + ".." + os.sep not in text and not text.endswith(os.sep + ".."):
        return text[len(folder) + 1 :]  # what relpath gives, for a plain path inside the working folder
    relative = os.path.relpath(path, folder)
    return text if relative.startswith("..") else relative
