"""Service levels: each month of a plan's SLA against its target, and the credit due.

DESIGN.md "Uptime history, SLAs, metrics": a month is met when its uptime (the published
figure, rounded to 4 decimals, so that the page's number and the verdict agree) is at least
the target; the credit is the largest one whose `below` exceeds the uptime, 0 when none does;
the month of now is not complete. The uptime is that of the plan's components taken as one
group, from uptime.py like every other figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from .models import Sla
from .state import MonthUptime, PlanSla, SlaMonth

NO_CREDIT = Decimal(0)


def plan_sla(plan_id: str, sla: Sla, components: tuple[str, ...], months: Sequence[MonthUptime], current: date) -> PlanSla:
    """The plan's SLA with a verdict for each month; `current` is the first day of now's month."""
    credits = tuple((credit.below, credit.credit) for credit in sla.credits)
    return PlanSla(
        plan_id=plan_id,
        target=sla.target,
        components=components,
        credits=credits,
        months=tuple(sla_month(month, sla.target, credits, current) for month in months),
    )


def sla_month(figures: MonthUptime, target: Decimal, credits: Sequence[tuple[Decimal, Decimal]], current: date) -> SlaMonth:
    """One month's verdict: met or missed, and the credit due."""
    complete = figures.month != current
    if figures.uptime is None:
        return SlaMonth(figures.month, None, None, NO_CREDIT, complete)
    # repr gives the shortest text of the rounded figure (99.9412), the number the page shows.
    uptime = Decimal(repr(figures.uptime))
    return SlaMonth(figures.month, figures.uptime, uptime >= target, credit_due(uptime, credits), complete)


def credit_due(uptime: Decimal, credits: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The largest credit whose `below` exceeds the uptime; 0 when none does."""
    return max((credit for below, credit in credits if uptime < below), default=NO_CREDIT)
