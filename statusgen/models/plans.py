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


class PlanCatalogue(StrictModel):
    """The whole of plans.yml."""

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD.")
    plans: tuple[Plan, ...] = Field(description="In display order.")
