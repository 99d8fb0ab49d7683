"""content/announcements/ID.md: policy, retention and pricing notices."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from .common import PlainDecimal, RecordId, StrictModel


class AnnouncementKind(str, Enum):
    RETENTION = "retention"
    PRICING = "pricing"
    POLICY = "policy"
    DEPRECATION = "deprecation"
    NOTICE = "notice"


DURATION_RE = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$"
)


def _check_duration(value: str) -> str:
    if not DURATION_RE.match(value):
        raise ValueError("expected an ISO 8601 duration in years, months, weeks or days, e.g. P6M")
    return value


IsoDuration = Annotated[str, AfterValidator(_check_duration)]


class RetentionAction(str, Enum):
    DELETE = "delete"
    ARCHIVE = "archive"
    RESTRICT = "restrict"


class RetentionRule(StrictModel):
    """What is removed, after how long, for the plans the announcement names."""

    subject: str = Field(min_length=1, description="What the rule applies to, e.g. inactive images.")
    inactive_after: IsoDuration = Field(description="ISO 8601 duration, e.g. P6M.")
    action: RetentionAction


class ExistingCustomers(str, Enum):
    NEXT_RENEWAL = "next_renewal"
    IMMEDIATELY = "immediately"
    GRANDFATHERED = "grandfathered"


class PriceChange(StrictModel):
    """One plan's price before and after."""

    plan: RecordId
    from_: PlainDecimal = Field(alias="from", ge=0, max_digits=12, decimal_places=2)
    to: PlainDecimal = Field(ge=0, max_digits=12, decimal_places=2)
    existing_customers: ExistingCustomers


class Announcement(StrictModel):
    """Front matter of an announcement; the Markdown after it is the body."""

    title: str = Field(min_length=1)
    kind: AnnouncementKind
    published: date
    effective: date | None = Field(default=None, description="Must not precede `published`.")
    plans: tuple[RecordId, ...] = Field(default=(), description="Ids of the plans it concerns.")
    retention: RetentionRule | None = Field(default=None, description="Only with kind: retention.")
    pricing: tuple[PriceChange, ...] | None = Field(default=None, description="Only with kind: pricing.")

    id: SkipJsonSchema[str] = Field(default="", exclude=True)
    body: SkipJsonSchema[str] = Field(default="", exclude=True)

    @model_validator(mode="after")
    def _blocks_match_kind(self) -> Announcement:
        if self.retention is not None and self.kind is not AnnouncementKind.RETENTION:
            raise ValueError("a `retention` block goes only with kind: retention")
        if self.pricing is not None and self.kind is not AnnouncementKind.PRICING:
            raise ValueError("a `pricing` block goes only with kind: pricing")
        if self.kind is AnnouncementKind.RETENTION and self.retention is None:
            raise ValueError("kind: retention needs a `retention` block")
        if self.kind is AnnouncementKind.PRICING and not self.pricing:
            raise ValueError("kind: pricing needs a `pricing` list")
        return self
