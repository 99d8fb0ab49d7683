"""The validated records of one site, as the later stages receive them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .models import (
    Announcement,
    ComponentCatalogue,
    Incident,
    Maintenance,
    PlanCatalogue,
    Postmortem,
)
from .models.translations import Translation


@dataclass(frozen=True)
class Records:
    """Every record of a site. Each tuple is sorted by a total key (time, then id) so that
    everything built from it is in a reproducible order."""

    components: ComponentCatalogue
    plans: PlanCatalogue | None = None
    incidents: tuple[Incident, ...] = ()
    """By (started, id), oldest first."""
    maintenance: tuple[Maintenance, ...] = ()
    """By (scheduled_start, id)."""
    postmortems: tuple[Postmortem, ...] = ()
    """By (published, id)."""
    announcements: tuple[Announcement, ...] = ()
    """By (published, id)."""
    sources: dict[tuple[str, str], str] = field(default_factory=dict, compare=False)
    """(kind, id) -> the file it came from (its path as text), for messages and 'edit this' links."""
    translations: Mapping[str, Translation] = field(default_factory=dict)
    """Language -> the text of the records translated into it (the sibling ID.LANG.md files)."""
