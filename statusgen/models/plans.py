"""content/plans.yml: the pricing tiers that announcements and the pricing page refer to."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from .common import PlainDecimal, RecordId, StrictModel


class Period(str, Enum):
    MONTH = "month"
    YEAR = "year"


class PricedPer(str, Enum):
    ACCOUNT = "account"
    USER = "user"


class Credit(StrictModel):
    """A service credit: this share of the month's fee when the month's uptime is below `below`."""

    below: PlainDecimal = Field(gt=0, le=100, description="Monthly uptime, in percent, under which this credit is due.")
    credit: PlainDecimal = Field(ge=0, le=100, description="Percent of the month's fee, 0 to 100.")


class Sla(StrictModel):
    """The monthly uptime a plan promises, on which components, and the credits when it is missed."""

    target: PlainDecimal = Field(gt=0, le=100, description="Monthly uptime promised, in percent; met when the month's uptime is at least this.")
    components: tuple[RecordId, ...] | None = Field(
        default=None, min_length=1,
        description="Components measured, as one group (worst status at each instant); default: every component.",
    )
    credits: tuple[Credit, ...] = Field(
        default=(), description="By `below`, highest first; the credit due is that of the lowest `below` the uptime is under."
    )


class Plan(StrictModel):
    """One pricing tier."""

    id: RecordId
    name: str = Field(min_length=1)
    price: PlainDecimal = Field(
        ge=0, max_digits=12, decimal_places=2,
        description="Price per period after every announced change; pricing announcements give "
        "the earlier prices and the day each change takes effect.",
    )
    period: Period
    per: PricedPer = Field(default=PricedPer.ACCOUNT, description="account (default) or user.")
    description: str | None = None
    features: tuple[str, ...] = ()
    sla: Sla | None = Field(default=None, description="The plan's service level agreement, if it has one.")


class PlanCatalogue(StrictModel):
    """The whole of plans.yml."""

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD.")
    plans: tuple[Plan, ...] = Field(description="In display order.")
