"""JSON and timestamps as the machine-readable files publish them."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone
from typing import Any


def dump_json(value: Any, indent: int | None = None) -> bytes:
    """Deterministic UTF-8 JSON with a trailing newline: keys sorted; compact unless `indent`."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=separators, indent=indent, allow_nan=False)
    return (text + "\n").encode("utf-8")


def iso_ms(moment: datetime) -> str:
    """UTC with milliseconds and a Z, as Statuspage prints times: 2020-07-06T01:45:00.000Z."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def rfc3339(moment: datetime) -> str:
    """UTC, whole seconds and a Z: 2020-07-06T01:45:00Z (JSON Feed, badges)."""
    return f"{moment.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%S}Z"


def start_of_day(day: date) -> datetime:
    """Midnight UTC of a calendar day: records dated by day (post-mortems, announcements)
    are placed at the day's start wherever a time is needed."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc)
