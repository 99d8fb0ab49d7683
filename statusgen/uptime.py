"""Daily uptime per component over the window, from its merged status timeline.

The rules are DESIGN.md's "Derived facts": UTC calendar days; the window is `days` days
ending with the day that contains now; a day's span is the part of it after the component's
`since` date began and before now; uptime = (T - (major + 0.3 x partial)) / T x 100, with
degraded performance and maintenance counting as up. The window's figure uses the summed
spans and seconds. Percentages are rounded to 4 decimals, seconds to whole numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .models import ComponentStatus
from .moments import start_of_day
from .state import ComponentUptime, DayUptime
from .timeline import StatusInterval

PARTIAL_OUTAGE_WEIGHT = 0.3
"""Share of a partial outage's time counted as down (Instatus' documented weighting)."""


def uptime_window(now: datetime, days: int) -> tuple[date, date]:
    """First and last UTC day of a window of `days` days ending with the day containing now."""
    last = now.astimezone(timezone.utc).date()
    return last - timedelta(days=max(days, 1) - 1), last


def uptime_percent(span_s: float, major_s: float, partial_s: float) -> float | None:
    """The uptime formula, in percent rounded to 4 decimals; None when there is no span."""
    if span_s <= 0:
        return None
    return round((span_s - (major_s + PARTIAL_OUTAGE_WEIGHT * partial_s)) / span_s * 100, 4)


@dataclass
class _Tally:
    """Seconds per status within one span; exact (fractions kept) until published."""

    span: float = 0.0
    major: float = 0.0
    partial: float = 0.0
    degraded: float = 0.0
    maintenance: float = 0.0

    def add(self, status: ComponentStatus, seconds: float) -> None:
        if status is ComponentStatus.MAJOR_OUTAGE:
            self.major += seconds
        elif status is ComponentStatus.PARTIAL_OUTAGE:
            self.partial += seconds
        elif status is ComponentStatus.DEGRADED_PERFORMANCE:
            self.degraded += seconds
        elif status is ComponentStatus.UNDER_MAINTENANCE:
            self.maintenance += seconds

    def absorb(self, other: _Tally) -> None:
        self.span += other.span
        self.major += other.major
        self.partial += other.partial
        self.degraded += other.degraded
        self.maintenance += other.maintenance


def component_uptime(
    component_id: str,
    intervals: Sequence[StatusInterval],
    since: date | None,
    window: tuple[date, date],
    now: datetime,
) -> ComponentUptime:
    """One component's daily figures over the window and the window's figure.

    `intervals` must be sorted and non-overlapping (as `timeline.merge_segments` makes them).
    Days and intervals are walked together, so the cost is linear in days plus intervals.
    """
    first_day, last_day = window
    counts_from = start_of_day(since) if since is not None else None
    days: list[DayUptime] = []
    total = _Tally()
    cursor = 0
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        start = start_of_day(day) if counts_from is None else max(start_of_day(day), counts_from)
        end = min(start_of_day(day + timedelta(days=1)), now)
        tally = _Tally()
        if end > start:
            # Intervals that end before this span can never overlap a later one either.
            while cursor < len(intervals) and intervals[cursor].end <= start:
                cursor += 1
            _tally_span(tally, intervals, cursor, start, end)
            total.absorb(tally)
        days.append(_day_figures(day, tally))
    return ComponentUptime(
        component_id=component_id,
        days=tuple(days),
        uptime=uptime_percent(total.span, total.major, total.partial),
    )


def _tally_span(
    tally: _Tally, intervals: Sequence[StatusInterval], cursor: int, start: datetime, end: datetime
) -> None:
    tally.span = (end - start).total_seconds()
    index = cursor
    while index < len(intervals) and intervals[index].start < end:
        interval = intervals[index]
        overlap = (min(interval.end, end) - max(interval.start, start)).total_seconds()
        if overlap > 0:
            tally.add(interval.status, overlap)
        index += 1


def _day_figures(day: date, tally: _Tally) -> DayUptime:
    return DayUptime(
        date=day,
        uptime=uptime_percent(tally.span, tally.major, tally.partial),
        major_outage_s=round(tally.major),
        partial_outage_s=round(tally.partial),
        degraded_performance_s=round(tally.degraded),
        under_maintenance_s=round(tally.maintenance),
        span_s=round(tally.span),
    )
