"""content/postmortems/ID.md: the post-mortem article of one incident."""

from __future__ import annotations

from datetime import date
from enum import Enum

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from .common import MarkdownText, RecordId, StrictModel, Timestamp
from .links import SafeUrl


class ActionType(str, Enum):
    MITIGATE = "mitigate"
    PREVENT = "prevent"
    DETECT = "detect"
    PROCESS = "process"
    OTHER = "other"


class ActionStatus(str, Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class TimelineEntry(StrictModel):
    at: Timestamp
    event: MarkdownText


class ActionItem(StrictModel):
    """Something the team commits to doing so that the incident does not happen again."""

    title: str = Field(min_length=1)
    type: ActionType
    status: ActionStatus
    owner: str | None = None
    link: SafeUrl | None = Field(default=None, description="An http(s) link to the tracker.")


class Lessons(StrictModel):
    """The SRE post-mortem template's three questions."""

    went_well: tuple[MarkdownText, ...] = ()
    went_wrong: tuple[MarkdownText, ...] = ()
    got_lucky: tuple[MarkdownText, ...] = ()


class Postmortem(StrictModel):
    """Front matter of a post-mortem; the Markdown after it is the long-form article (`body`)."""

    title: str = Field(min_length=1)
    incident: RecordId = Field(description="Id of the incident this post-mortem explains.")
    published: date
    authors: tuple[str, ...] = Field(default=(), description="Who wrote it.")
    summary: MarkdownText = Field(description="One paragraph.")
    impact: MarkdownText = Field(description="Who was affected and how much.")
    trigger: MarkdownText | None = None
    root_cause: MarkdownText
    detection: MarkdownText | None = Field(default=None, description="How it was noticed.")
    resolution: MarkdownText | None = None
    third_parties: tuple[str, ...] = Field(default=(), description="Who else was involved.")
    timeline: tuple[TimelineEntry, ...] = Field(default=(), description="UTC, oldest first.")
    action_items: tuple[ActionItem, ...] = ()
    lessons: Lessons | None = None

    id: SkipJsonSchema[str] = Field(default="", exclude=True)
    body: SkipJsonSchema[str] = Field(default="", exclude=True)
