"""api/uptime.json: per component, the daily uptime figures and the window's figure.

It publishes exactly the numbers the uptime bars show (DESIGN.md "Derived facts"), straight
from the derived state, so the page and the API can never disagree.
"""

from __future__ import annotations

import json
from typing import Any

from .. import urls
from ..moments import rfc3339
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import ComponentUptime, SiteState


def render_uptime_api(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """Write api/uptime.json in DESIGN.md's shape, components in display order."""
    document = {
        "now": rfc3339(state.now),
        "days": (state.window_end - state.window_start).days + 1,
        "start": state.window_start.isoformat(),
        "end": state.window_end.isoformat(),
        "components": [
            _component(component.id, component.name, state.uptime[component.id])
            for component in records.components.components
        ],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return [OutputFile(path=urls.UPTIME_API, content=text.encode("utf-8"))]


def _component(component_id: str, name: str, uptime: ComponentUptime) -> dict[str, Any]:
    return {
        "id": component_id,
        "name": name,
        "uptime": uptime.uptime,
        "days": [
            {
                "date": day.date.isoformat(),
                "uptime": day.uptime,
                "major_outage_s": day.major_outage_s,
                "partial_outage_s": day.partial_outage_s,
                "degraded_performance_s": day.degraded_performance_s,
            }
            for day in uptime.days
        ],
    }
