"""Plan prices over time: plans.yml holds the price after every announced change, and the
pricing announcements say what each plan cost before and from when.

A plan's changes, ordered by the day they take effect, form a chain: each `to` is the next
one's `from`, the last `to` is the plan's `price` (rules.py reports a broken link). The price
in force at a moment is then the `from` of the first change not yet in effect, else `price`.
A change takes effect at 00:00 UTC of its `effective` day (its `published` day without one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .models import Announcement, ExistingCustomers
from .moments import start_of_day


@dataclass(frozen=True)
class ScheduledPrice:
    """One announced change of one plan's price."""

    plan_id: str
    price_from: Decimal
    price_to: Decimal
    effective: date
    existing_customers: ExistingCustomers
    announcement_id: str
    index: int
    """Position of the change in the announcement's `pricing` list (for messages)."""

    def in_effect_at(self, moment: datetime) -> bool:
        return start_of_day(self.effective) <= moment


def price_schedule(announcements: Iterable[Announcement]) -> dict[str, tuple[ScheduledPrice, ...]]:
    """Plan id -> its price changes, oldest effective date first (then announcement id)."""
    found: dict[str, list[ScheduledPrice]] = {}
    for announcement in announcements:
        effective = announcement.effective or announcement.published
        for index, change in enumerate(announcement.pricing or ()):
            found.setdefault(change.plan, []).append(ScheduledPrice(
                plan_id=change.plan, price_from=change.from_, price_to=change.to, effective=effective,
                existing_customers=change.existing_customers, announcement_id=announcement.id, index=index,
            ))
    return {
        plan_id: tuple(sorted(changes, key=lambda change: (change.effective, change.announcement_id, change.index)))
        for plan_id, changes in found.items()
    }


def price_in_force(final_price: Decimal, changes: Sequence[ScheduledPrice], moment: datetime) -> Decimal:
    """What the plan costs at `moment`: the `from` of its first change not yet in effect."""
    pending = next((change for change in changes if not change.in_effect_at(moment)), None)
    return final_price if pending is None else pending.price_from


def upcoming_prices(
    schedule: Mapping[str, Sequence[ScheduledPrice]], moment: datetime
) -> dict[str, tuple[ScheduledPrice, ...]]:
    """Plan id -> the changes not yet in effect at `moment`, soonest first."""
    return {
        plan_id: tuple(change for change in changes if not change.in_effect_at(moment))
        for plan_id, changes in schedule.items()
    }
