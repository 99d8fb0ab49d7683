"""What "now" no longer changes about an incident, kept from one derivation to the next.

`serve` derives the state again at every save, as of a later now, and `statusgen notify`
derives it at every moment it looks at. An incident resolved at or before now, none of whose
updates is later, is settled: its timeline segments, its figures and the span of its times
are the same at any later now. While its file is unchanged the loader hands out the very same
object (cache/records.py), so these are kept by the incident's identity; an edited incident is
another object and is worked out again. Only what the last two derivations used is kept.

Keeping costs a one-off build about as much as it saves a second derivation, so it is on only
in processes that derive again: `serve` (the plugin turns it on) and `notify`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from .models import Incident

Fact = TypeVar("Fact")

_kept: dict[tuple[Callable[..., Any], int], tuple[Incident, Any]] = {}
"""(the function working it out, id(incident)) -> (the incident, the fact), as this derivation used them; the
incident is held so that its id is never another's while the entry lives."""
_before: dict[tuple[Callable[..., Any], int], tuple[Incident, Any]] = {}
"""The same, as the derivation before used them."""


_keeping = False
"""Whether facts are kept at all (see keep_facts)."""


def keep_facts(keeping: bool = True) -> None:
    """Keep settled incidents' facts from one derivation to the next of this process."""
    global _keeping
    _keeping = keeping


def next_derivation() -> None:
    """A derivation starts: what the one before used stays at hand, anything older goes."""
    global _kept, _before
    _before, _kept = _kept, {}


def is_settled(incident: Incident, now: datetime) -> bool:
    """Resolved at or before now, with no update after it (updates are in order: rules.py)."""
    return incident.resolved is not None and incident.resolved <= now and (not incident.updates or incident.updates[-1].at <= now)


def kept(incident: Incident, now: datetime, work_out: Callable[[Incident, datetime], Fact]) -> Fact:
    """work_out(incident, now), kept by the function and the incident's identity while the
    incident is settled at now, worked out every time otherwise."""
    if not _keeping or not is_settled(incident, now):
        return work_out(incident, now)
    key = (work_out, id(incident))
    # The entry holds the incident, so no other object can have its id while the entry lives.
    found = _kept.get(key) or _before.get(key)
    if found is None:
        found = (incident, work_out(incident, now))
    _kept[key] = found
    return found[1]
