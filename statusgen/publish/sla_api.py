"""api/sla.json: each plan's SLA, month by month, as the SLA page shows it.

DESIGN.md's shape: {"now", "plans": [{"id", "target", "components", "months": [{"month",
"uptime", "met", "credit", "complete"}]}]}. Percentages are JSON numbers (a whole number
without a point), the uptime the figure of api/uptime-monthly.json.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import urls
from ..moments import rfc3339
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import PlanSla, SiteState
from .jsonout import dump_json


def render_sla_api(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """api/sla.json, plans in plans.yml's order; nothing when no plan has an SLA."""
    if not state.sla:
        return []
    document = {"now": rfc3339(state.now), "plans": [_plan(sla) for sla in state.sla.values()]}
    return [OutputFile(urls.SLA_API, dump_json(document, indent=2))]


def percent_number(value: Decimal) -> int | float:
    """A percentage from plans.yml as a JSON number: 10 -> 10, 99.9 -> 99.9."""
    return int(value) if value == value.to_integral_value() else float(value)


def _plan(sla: PlanSla) -> dict[str, Any]:
    return {
        "id": sla.plan_id,
        "target": percent_number(sla.target),
        "components": list(sla.components),
        "months": [
            {
                "month": f"{month.month:%Y-%m}",
                "uptime": month.uptime,
                "met": month.met,
                "credit": percent_number(month.credit),
                "complete": month.complete,
            }
            for month in sla.months
        ],
    }
