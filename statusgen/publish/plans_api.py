"""api/plans.json: each plan at the price in force, with its announced changes to come.

The same figures as the pricing page, for tools. Money is written as decimal strings with
two places ("7.50"), never as JSON numbers, which readers would take for floats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import urls
from ..models import Plan
from ..outputs import OutputFile
from ..prices import ScheduledPrice
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from .jsonout import dump_json


def render_plans_api(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """api/plans.json in DESIGN.md's shape, plans in display order; nothing without plans.yml."""
    if records.plans is None:
        return []
    document = {
        "currency": records.plans.currency,
        "plans": [_plan(plan, state.upcoming_prices.get(plan.id, ())) for plan in records.plans.plans],
    }
    return [OutputFile(urls.PLANS_API, dump_json(document, indent=2))]


def money_text(amount: Decimal) -> str:
    """7.5 -> '7.50': a decimal string with two places."""
    return f"{amount:.2f}"


def _plan(plan: Plan, upcoming: tuple[ScheduledPrice, ...]) -> dict[str, Any]:
    return {
        "id": plan.id,
        "name": plan.name,
        "price": money_text(plan.price),
        "period": plan.period.value,
        "per": plan.per.value,
        "features": list(plan.features),
        "upcoming": [
            {
                "price": money_text(change.price_to),
                "effective": change.effective.isoformat(),
                "existing_customers": change.existing_customers.value,
                "announcement": change.announcement_id,
            }
            for change in upcoming
        ],
    }
