"""Problems in the user's content or configuration, reported all at once.

Exceptions are sorted by audience: a `ContentError` is the user's to fix and is printed as a
list of `path:line: field: message` lines with no traceback; anything else is a bug in
statusgen and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, where a reader can find it."""

    path: str
    line: int
    """1-based; 0 when the problem concerns the whole file (printed as line 1)."""
    field: str
    """Dotted path of the field in the record (e.g. `updates.1.status`), or '' for the file."""
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{max(self.line, 1)}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentError(Exception):
    """The records or the configuration are wrong; every problem found is attached."""

    where = "found"
    """Where the problems are, in the closing count: "3 problems found"."""
    outcome = "nothing was built"
    """What the command did not do because of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(set(problems)))
        super().__init__(self.report())

    def report(self) -> str:
        """The problems, one per line, then a count."""
        lines = [str(problem) for problem in self.problems]
        count = len(self.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} {self.where}; {self.outcome}.")
        return "\n".join(lines)


def field_path(loc: Iterable[object]) -> str:
    """('updates', 1, 'status') -> 'updates.1.status'."""
    return ".".join(str(part) for part in loc)
