"""Translation files (incidents/ID.de.md, components.de.yml...): the text of a record in
another language, and nothing else.

Each model lists only the fields a reader reads as words. Any other key (an impact, a time,
a status) is an unknown field, so a translation can never change what the original says
happened. Updates and timeline events are matched to the original's by `at`, components,
groups and plans by `id`, list items (features, lessons, action items) by position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from .common import MarkdownText, RecordId, StrictModel, Timestamp


class TextModel(StrictModel):
    """A part of a translation file. Built on first use: most sites have no translations, and
    building these validators at import took every build 17 ms."""

    model_config = ConfigDict(defer_build=True)


class UpdateText(TextModel):
    """An update's body in the translation's language; `at` names the original's update."""

    at: Timestamp
    body: MarkdownText


class IncidentText(TextModel):
    """incidents/ID.LANG.md: the title, the updates' bodies and (after the front matter) the summary."""

    title: str | None = Field(default=None, min_length=1)
    updates: tuple[UpdateText, ...] = ()
    body: SkipJsonSchema[str] = Field(default="", exclude=True)


class MaintenanceText(TextModel):
    """maintenance/ID.LANG.md: the title, the updates' bodies and the body."""

    title: str | None = Field(default=None, min_length=1)
    updates: tuple[UpdateText, ...] = ()
    body: SkipJsonSchema[str] = Field(default="", exclude=True)


class RetentionText(TextModel):
    subject: str = Field(min_length=1, description="What the rule applies to.")


class AnnouncementText(TextModel):
    """announcements/ID.LANG.md: the title, the retention rule's subject and the body."""

    title: str | None = Field(default=None, min_length=1)
    retention: RetentionText | None = None
    body: SkipJsonSchema[str] = Field(default="", exclude=True)


class TimelineText(TextModel):
    at: Timestamp
    event: MarkdownText


class ActionItemText(TextModel):
    title: str = Field(min_length=1)


class LessonsText(TextModel):
    """The lessons, item for item in the original's order."""

    went_well: tuple[MarkdownText, ...] = ()
    went_wrong: tuple[MarkdownText, ...] = ()
    got_lucky: tuple[MarkdownText, ...] = ()


class PostmortemText(TextModel):
    """postmortems/ID.LANG.md: every text field of the post-mortem and the article."""

    title: str | None = Field(default=None, min_length=1)
    summary: MarkdownText | None = None
    impact: MarkdownText | None = None
    trigger: MarkdownText | None = None
    root_cause: MarkdownText | None = None
    detection: MarkdownText | None = None
    resolution: MarkdownText | None = None
    timeline: tuple[TimelineText, ...] = ()
    action_items: tuple[ActionItemText, ...] = Field(default=(), description="In the original's order.")
    lessons: LessonsText | None = None
    body: SkipJsonSchema[str] = Field(default="", exclude=True)


class NamedText(TextModel):
    """A component's or a group's name and description; `id` names the original."""

    id: RecordId
    name: str | None = Field(default=None, min_length=1)
    description: str | None = None


class ComponentCatalogueText(TextModel):
    """components.LANG.yml."""

    groups: tuple[NamedText, ...] = ()
    components: tuple[NamedText, ...] = ()


class PlanText(TextModel):
    id: RecordId
    name: str | None = Field(default=None, min_length=1)
    description: str | None = None
    features: tuple[str, ...] | None = Field(default=None, description="As many as the original, in its order.")


class PlanCatalogueText(TextModel):
    """plans.LANG.yml."""

    plans: tuple[PlanText, ...] = ()


RecordText = IncidentText | MaintenanceText | PostmortemText | AnnouncementText


@dataclass(frozen=True)
class Translation:
    """Every translation file of one language, validated against the records they translate."""

    records: Mapping[tuple[str, str], RecordText] = field(default_factory=dict)
    """(folder, id) -> the record's text: ("incidents", "api-errors") -> IncidentText."""
    components: ComponentCatalogueText | None = None
    plans: PlanCatalogueText | None = None
