"""content/incidents/ID.md: an incident, its updates and the components it affected."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from .common import ComponentStatus, Impact, MarkdownText, RecordId, StrictModel, Timestamp


class IncidentStatus(str, Enum):
    """Where an incident stands, as said by its updates."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class IncidentUpdate(StrictModel):
    """One message posted during an incident."""

    at: Timestamp
    status: IncidentStatus
    body: MarkdownText = Field(description="Markdown text of the update.")
    components: dict[RecordId, ComponentStatus] | None = Field(
        default=None,
        description="Component statuses from this update on (id -> status).",
    )


class Incident(StrictModel):
    """Front matter of an incident record; the Markdown after it is the summary (`body`)."""

    title: str = Field(min_length=1)
    impact: Impact
    # Written as a mapping or as a list; always a mapping once loaded (see the validator).
    components: dict[RecordId, ComponentStatus] | list[RecordId] = Field(
        description="Affected components: id -> status while the incident is open, or a list of "
        "ids that take the status the impact implies (minor: degraded_performance, "
        "major: partial_outage, critical: major_outage)."
    )
    started: Timestamp
    resolved: Timestamp | None = Field(default=None, description="Absent while the incident is open.")
    updates: tuple[IncidentUpdate, ...] = Field(default=(), description="Oldest first.")

    id: SkipJsonSchema[str] = Field(default="", exclude=True)  # the file name, set by the loader
    body: SkipJsonSchema[str] = Field(default="", exclude=True)  # the Markdown after the front matter

    @field_validator("components", mode="after")
    @classmethod
    def _list_takes_implied_status(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, list):
            impact = info.data.get("impact")
            status = impact.implied_status if isinstance(impact, Impact) else ComponentStatus.OPERATIONAL
            return {component_id: status for component_id in value}
        return value

    @property
    def affected(self) -> dict[str, ComponentStatus]:
        """Component id -> status while open (the list form already expanded)."""
        assert isinstance(self.components, dict)
        return self.components

    @property
    def named_components(self) -> frozenset[str]:
        """Every component the incident or any of its updates names."""
        return frozenset(self.affected).union(*(update.components for update in self.updates if update.components))

    @property
    def latest_update(self) -> IncidentUpdate | None:
        return self.updates[-1] if self.updates else None
