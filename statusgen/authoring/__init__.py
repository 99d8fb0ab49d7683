"""Writing records: the library behind `statusgen init`, `new`, `update` and `resolve`.

It imports no Click: the CLI parses options and prints; everything else is here, so the same
functions serve scripts and tests.
"""

from __future__ import annotations

from .incidents import add_update, open_incident, resolve_incident
from .records import new_announcement, new_maintenance, new_postmortem
from .scaffold import init_site
from .slug import dated_id, slugify
from .workspace import AuthoringError, Changes, apply_changes, check_changes

__all__ = [
    "AuthoringError", "Changes", "add_update", "apply_changes", "check_changes", "dated_id",
    "init_site", "new_announcement", "new_maintenance", "new_postmortem", "open_incident",
    "resolve_incident", "slugify",
]
