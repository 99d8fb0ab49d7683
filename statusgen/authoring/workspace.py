"""Validate before writing: changes are tried on a shadow copy of content/ first.

The shadow holds hard links to the real files (copies where links are not possible) plus
the new or changed files; `load_records` reads it exactly as a build would, so a change that would
break the build is refused before anything real is touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError, Problem
from ..loader import load_records
from ..messages import did_you_mean
from ..records import Records


class AuthoringError(Exception):
    """A command cannot do what was asked (unknown id, file exists...); the user's to fix."""


@dataclass
class Changes:
    """Files to write under content/, by path relative to it, as text."""

    files: dict[Path, str] = field(default_factory=dict)

    def put(self, relative: str | Path, content: str) -> None:
        """Write `content` to `relative` (under content/) when the changes are applied."""
        self.files[Path(relative)] = content


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    relative = os.path.relpath(path, Path.cwd())
    return str(path) if relative.startswith("..") else relative


def load_current(content_dir: Path) -> Records:
    """The site's records as they are; refuses to edit a site that does not validate."""
    if not (content_dir / "components.yml").is_file():
        raise AuthoringError(f"{display_path(content_dir)}: no components.yml here; is this the site's content folder? (see -f)")
    return load_records(content_dir)


def require_known(what: str, value: str, known: Iterable[str]) -> None:
    """Refuse an id that names nothing, suggesting the closest one that does."""
    known = list(known)
    if value not in known:
        listed = f"; known: {', '.join(sorted(known))}" if 0 < len(known) <= 12 else ""
        raise AuthoringError(f"unknown {what} '{value}'{did_you_mean(value, known)}{listed}")


def check_changes(content_dir: Path, changes: Changes) -> Records:
    """The records as they would be after `changes`; raises ContentError if they break a rule."""
    with tempfile.TemporaryDirectory(prefix="statusgen-check-") as temp:
        shadow = Path(temp) / "content"
        _mirror(content_dir, shadow)
        for relative, content in changes.files.items():
            target = shadow / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.exists():
                target.unlink()
            target.write_text(content, encoding="utf-8", newline="")
        try:
            return load_records(shadow)
        except ContentError as error:
            raise _relocated(error, shadow, content_dir) from None


def apply_changes(content_dir: Path, changes: Changes) -> list[Path]:
    """Check the changes, then write each file atomically; the paths written, in order."""
    check_changes(content_dir, changes)
    written = []
    for relative, content in sorted(changes.files.items()):
        target = content_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.statusgen-tmp")
        temporary.write_text(content, encoding="utf-8", newline="")
        os.replace(temporary, target)
        written.append(target)
    return written


def _mirror(source: Path, target: Path) -> None:
    # Hard links where the file system allows them (cheap, and never written through: a
    # changed file is unlinked first), copies elsewhere. Not symbolic links: the loader
    # refuses links that point outside the content folder.
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    if not source.is_dir():
        target.mkdir(parents=True)
        return
    shutil.copytree(source, target, copy_function=link, ignore=shutil.ignore_patterns(".*"))


def _relocated(error: ContentError, shadow: Path, content_dir: Path) -> ContentError:
    """The same problems, naming the real files instead of the shadow's."""
    forms = {display_path(shadow): display_path(content_dir), str(shadow): display_path(content_dir)}
    problems = []
    for problem in error.problems:
        path = problem.path
        for old, new in forms.items():
            if path.startswith(old):
                path = new + path[len(old):]
                break
        problems.append(Problem(path, problem.line, problem.field, problem.message))
    return _ContentErrorNothingWritten(problems)


class _ContentErrorNothingWritten(ContentError):
    """A ContentError raised by a command: its last line says nothing was written."""

    def report(self) -> str:
        """The problems, one per line, then a count."""
        lines = [str(problem) for problem in self.problems]
        count = len(self.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


def file_ids(content_dir: Path, folder: str) -> set[str]:
    """Names of the files already in a folder, valid or not, so a new file never replaces one."""
    directory = content_dir / folder
    return {path.stem for path in directory.iterdir()} if directory.is_dir() else set()
