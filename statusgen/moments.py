"""Times as the whole build writes and compares them: UTC, midnight of a day, RFC 3339.

Records dated by day (post-mortems, announcements, effective dates) become a moment at the
day's first second in UTC wherever a time is needed; every published timestamp is UTC with
a Z. Both rules live here once, so a page, a feed and the API can never disagree.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone


def start_of_day(day: date) -> datetime:
    """Midnight UTC at the start of a calendar day."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def rfc3339(moment: datetime) -> str:
    """UTC, whole seconds and a Z: 2020-07-06T01:45:00Z."""
    return f"{moment.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%S}Z"


def iso_ms(moment: datetime) -> str:
    """UTC with milliseconds and a Z, as Statuspage prints times: 2020-07-06T01:45:00.000Z."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"
