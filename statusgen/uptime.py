"""Uptime figures from a status timeline: per day, per month, over the window.

The one place where seconds are counted. The rules are DESIGN.md's "Derived facts" and
"Uptime history": UTC calendar days and months; a period's span is the part of it after the
subject (a component or a group) starts to count and before now; uptime = (T - (major + 0.3 x
partial)) / T x 100, with degraded performance and maintenance counting as up. A longer
figure (the window, a month) uses the summed spans and seconds. Timelines are whole seconds
(timeline.py), so a month's seconds are exactly the sum of its days'. Percentages are
rounded to 4 decimals.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .models import ComponentStatus
from .state import CalendarMonth, ComponentUptime, DayUptime, MonthUptime, UptimeHistory
from .timeline import BY_SEVERITY, StatusInterval, epoch_seconds

PARTIAL_OUTAGE_WEIGHT = 0.3
"""Share of a partial outage's time counted as down (Instatus' documented weighting)."""
_MAJOR = ComponentStatus.MAJOR_OUTAGE.severity
_PARTIAL = ComponentStatus.PARTIAL_OUTAGE.severity
_DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE.severity
_MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE.severity
DAY_SECONDS = 86_400
_EPOCH_DAY = date(1970, 1, 1)


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
class Tally:
    """Whole seconds per status within one period."""

    span: int = 0
    major: int = 0
    partial: int = 0
    degraded: int = 0
    maintenance: int = 0

    @classmethod
    def of(cls, span: int, by_severity: Sequence[int]) -> Tally:
        """A period's tally from its seconds per severity (timeline.BY_SEVERITY's order)."""
        return cls(span, by_severity[_MAJOR], by_severity[_PARTIAL], by_severity[_DEGRADED], by_severity[_MAINTENANCE])

    def absorb(self, other: Tally) -> None:
        self.span += other.span
        self.major += other.major
        self.partial += other.partial
        self.degraded += other.degraded
        self.maintenance += other.maintenance

    @property
    def uptime(self) -> float | None:
        return uptime_percent(self.span, self.major, self.partial)


def tally_periods(
    intervals: Sequence[StatusInterval], counts_from: int | None, bounds: Sequence[int], now: datetime
) -> list[Tally]:
    """Seconds per status in each period [bounds[i], bounds[i + 1]), counted from `counts_from`
    (None: always) and before now; bounds and `counts_from` in epoch seconds.

    `intervals` must be sorted and non-overlapping (as `timeline.build_timelines` makes them),
    `bounds` ascending. Periods and intervals are walked together from the first interval that
    ends after the first bound, so the cost is linear in periods plus the intervals they cover.
    """
    until = epoch_seconds(now)
    cursor = bisect_right(intervals, bounds[0], key=_end) if bounds else 0
    count = len(intervals)
    tallies = []
    for opens, closes in zip(bounds, bounds[1:], strict=False):
        start = opens if counts_from is None else max(opens, counts_from)
        end = min(closes, until)
        if end <= start:
            tallies.append(Tally())
            continue
        # Intervals that end before this period can never overlap a later one either.
        while cursor < count and intervals[cursor][1] <= start:
            cursor += 1
        by_severity = [0] * len(BY_SEVERITY)
        index = cursor
        while index < count and intervals[index][0] < end:
            opened, closed, severity = intervals[index]
            overlap = (closed if closed < end else end) - (opened if opened > start else start)
            if overlap > 0:
                by_severity[severity] += overlap
            index += 1
        tallies.append(Tally.of(end - start, by_severity))
    return tallies


def _end(interval: StatusInterval) -> int:
    return interval[1]


def day_start(day: date) -> int:
    """Midnight UTC at the start of a calendar day, in epoch seconds."""
    return (day - _EPOCH_DAY).days * DAY_SECONDS


def day_bounds(first: date, last: date) -> list[int]:
    """Midnight of every day from `first` to `last`, and of the day after: the days' bounds."""
    return list(range(day_start(first), day_start(last) + 2 * DAY_SECONDS, DAY_SECONDS))


def next_month(month: date) -> date:
    """The first day of the month after `month`'s."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s to `last`'s (empty when first is later)."""
    months: list[date] = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def component_uptime(
    component_id: str,
    intervals: Sequence[StatusInterval],
    counts_from: int | None,
    window: tuple[date, date],
    now: datetime,
) -> ComponentUptime:
    """A component's (or group's) daily figures over the window and the window's figure."""
    first_day, last_day = window
    tallies = tally_periods(intervals, counts_from, day_bounds(first_day, last_day), now)
    total = Tally()
    for tally in tallies:
        total.absorb(tally)
    return ComponentUptime(
        component_id=component_id,
        days=tuple(day_figures(first_day + timedelta(days=offset), tally) for offset, tally in enumerate(tallies)),
        uptime=total.uptime,
    )


def uptime_history(
    intervals: Sequence[StatusInterval], counts_from: int | None, first_month: date, now: datetime, calendar_months: int
) -> UptimeHistory:
    """Figures for every month from `first_month` to the month of now, and the days of the
    last `calendar_months` of them."""
    today = now.astimezone(timezone.utc).date()
    months = month_range(first_month, today)
    bounds = [day_start(month) for month in months]
    if months:
        bounds.append(day_start(next_month(months[-1])))
    figures = tuple(
        month_figures(month, tally)
        for month, tally in zip(months, tally_periods(intervals, counts_from, bounds, now), strict=True)
    )
    recent = figures[-calendar_months:] if calendar_months > 0 else ()
    calendar: list[CalendarMonth] = []
    if recent:
        first_day, last_day = recent[0].month, next_month(recent[-1].month) - timedelta(days=1)
        days = [
            day_figures(first_day + timedelta(days=offset), tally)
            for offset, tally in enumerate(tally_periods(intervals, counts_from, day_bounds(first_day, last_day), now))
        ]
        start = 0
        for month in recent:
            length = (next_month(month.month) - month.month).days
            calendar.append(CalendarMonth(month, tuple(days[start : start + length])))
            start += length
    return UptimeHistory(months=figures, calendar=tuple(calendar))


def day_figures(day: date, tally: Tally) -> DayUptime:
    return DayUptime(
        date=day,
        uptime=tally.uptime,
        major_outage_s=tally.major,
        partial_outage_s=tally.partial,
        degraded_performance_s=tally.degraded,
        under_maintenance_s=tally.maintenance,
        span_s=tally.span,
    )


def month_figures(month: date, tally: Tally) -> MonthUptime:
    return MonthUptime(
        month=month,
        uptime=tally.uptime,
        span_s=tally.span,
        major_outage_s=tally.major,
        partial_outage_s=tally.partial,
        degraded_performance_s=tally.degraded,
        under_maintenance_s=tally.maintenance,
    )
