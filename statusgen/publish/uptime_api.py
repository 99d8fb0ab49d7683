"""The uptime figures for tools: api/uptime.json, api/uptime-monthly.json and .csv.

They publish exactly the numbers the uptime bars and the uptime calendar show (DESIGN.md
"Derived facts" and "Uptime history"), straight from the derived state, so a page and the
API can never disagree. api/uptime.json lists groups beside components (a key the contract
does not name, added compatibly), in the components' shape.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from .. import urls
from ..moments import rfc3339
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import ComponentUptime, MonthUptime, SiteState, UptimeHistory

CSV_HEADER = ("kind", "id", "month", "uptime", "span_s", "major_outage_s", "partial_outage_s", "degraded_performance_s")


def render_uptime_api(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """api/uptime.json, api/uptime-monthly.json and api/uptime-monthly.csv, in display order."""
    components = [(component.id, component.name) for component in records.components.components]
    groups = [(group.id, group.name) for group in records.components.groups if group.id in state.group_uptime]
    window = {
        "now": rfc3339(state.now),
        "days": (state.window_end - state.window_start).days + 1,
        "start": state.window_start.isoformat(),
        "end": state.window_end.isoformat(),
        "components": [_window(key, name, state.uptime[key]) for key, name in components],
        "groups": [_window(key, name, state.group_uptime[key]) for key, name in groups],
    }
    monthly = {
        "now": rfc3339(state.now),
        "components": [_history(key, name, state.component_history[key]) for key, name in components],
        "groups": [_history(key, name, state.group_history[key]) for key, name in groups],
    }
    rows = [
        *_csv_rows("component", state.component_history, [key for key, _ in components]),
        *_csv_rows("group", state.group_history, [key for key, _ in groups]),
    ]
    return [
        OutputFile(path=urls.UPTIME_API, content=_json(window)),
        OutputFile(path=urls.UPTIME_MONTHLY_API, content=_json(monthly)),
        OutputFile(path=urls.UPTIME_MONTHLY_CSV, content=_csv(rows)),
    ]


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def _window(key: str, name: str, uptime: ComponentUptime) -> dict[str, Any]:
    return {
        "id": key,
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


def _history(key: str, name: str, history: UptimeHistory) -> dict[str, Any]:
    return {"id": key, "name": name, "months": [_month(month) for month in history.months]}


def _month(month: MonthUptime) -> dict[str, Any]:
    return {
        "month": f"{month.month:%Y-%m}",
        "uptime": month.uptime,
        "span_s": month.span_s,
        "major_outage_s": month.major_outage_s,
        "partial_outage_s": month.partial_outage_s,
        "degraded_performance_s": month.degraded_performance_s,
    }


def _csv_rows(kind: str, histories: Mapping[str, UptimeHistory], keys: list[str]) -> Iterator[tuple[str, ...]]:
    for key in keys:
        for month in histories[key].months:
            figures = _month(month)
            # The same numbers as the JSON, as JSON writes them; a month without a span is empty.
            uptime = "" if month.uptime is None else json.dumps(month.uptime)
            yield (kind, key, figures["month"], uptime, *(str(figures[name]) for name in CSV_HEADER[4:]))


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # RFC 4180: CRLF line ends, quotes only where a value needs them
    writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
