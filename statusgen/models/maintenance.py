"""content/maintenance/ID.md: a scheduled maintenance window."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from .common import MarkdownText, RecordId, StrictModel, Timestamp


class MaintenanceStatus(str, Enum):
    """A window's state; derived from its times unless the record says otherwise."""

    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class MaintenanceUpdate(StrictModel):
    """One message posted about a maintenance window."""

    at: Timestamp
    status: MaintenanceStatus
    body: MarkdownText = Field(description="Markdown text of the update.")


class Maintenance(StrictModel):
    """Front matter of a maintenance record; the Markdown after it is the body."""

    title: str = Field(min_length=1)
    components: tuple[RecordId, ...] = Field(description="Ids of the components under maintenance.")
    scheduled_start: Timestamp
    scheduled_end: Timestamp
    announced: Timestamp | None = Field(
        default=None,
        description="When the window becomes public (RFC 3339); absent: public from the start. "
        "Before it, no page, feed entry, calendar event or API object mentions the window.",
    )
    status: MaintenanceStatus | None = Field(
        default=None,
        description="Set only to override the state derived from the times (e.g. cancelled).",
    )
    updates: tuple[MaintenanceUpdate, ...] = Field(default=(), description="Oldest first.")

    id: SkipJsonSchema[str] = Field(default="", exclude=True)
    body: SkipJsonSchema[str] = Field(default="", exclude=True)

    @property
    def announced_at(self) -> datetime:
        """When the window was made known: `announced`, else its first update or its start,
        whichever comes first. Feeds, the calendar and the API date the window by it."""
        if self.announced is not None:
            return self.announced
        return min([self.scheduled_start, *(update.at for update in self.updates)])
