"""Comparing a built site with its golden copy, file by file and both ways."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

MAX_DIFF_LINES = 80


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def compare_trees(actual: Path, expected: Path, update: bool) -> list[str]:
    """Differences between two folders as readable messages; with update, copy actual over expected."""
    if update:
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(actual, expected)
        return []
    if not expected.is_dir():
        return [f"no golden copy at {expected}: run `make golden` and review it"]
    actual_files, expected_files = files_under(actual), files_under(expected)
    problems = [f"missing from the build: {name}" for name in sorted(expected_files - actual_files)]
    problems += [f"not in the golden copy: {name}" for name in sorted(actual_files - expected_files)]
    for name in sorted(actual_files & expected_files):
        old, new = (expected / name).read_bytes(), (actual / name).read_bytes()
        if old != new:
            problems.append(_diff(name, old, new))
    return problems


def _diff(name: str, old: bytes, new: bytes) -> str:
    try:
        old_lines, new_lines = old.decode().splitlines(), new.decode().splitlines()
    except UnicodeDecodeError:
        return f"{name}: binary content differs"
    diff = list(difflib.unified_diff(old_lines, new_lines, f"expected/{name}", f"built/{name}", lineterm=""))
    shown = diff[:MAX_DIFF_LINES] + ([f"... {len(diff) - MAX_DIFF_LINES} more lines"] if len(diff) > MAX_DIFF_LINES else [])
    return "\n".join(shown)
