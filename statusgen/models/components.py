"""content/components.yml: the things whose status the page reports, and their groups."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .common import RecordId, StrictModel


class Group(StrictModel):
    """A heading under which several components are shown; its status is their worst."""

    id: RecordId
    name: str = Field(min_length=1, description="Shown as the group's heading.")
    description: str | None = Field(default=None, description="One sentence shown under the name.")


class Component(StrictModel):
    """One thing whose status is reported: a service, a region, an API."""

    id: RecordId
    name: str = Field(min_length=1, description="Shown on the page and in the API.")
    group: RecordId | None = Field(default=None, description="Id of the group it belongs to.")
    description: str | None = Field(default=None, description="One sentence shown with the name.")
    since: date | None = Field(
        default=None, description="Uptime counts from this date (UTC), not before."
    )


class ComponentCatalogue(StrictModel):
    """The whole of components.yml. The order of `components` is the display order."""

    groups: tuple[Group, ...] = Field(default=(), description="Optional groups of components.")
    components: tuple[Component, ...] = Field(description="Every component, in display order.")
