"""Daily uptime and the window's figure, against hand arithmetic of DESIGN.md's formula."""

from __future__ import annotations

from datetime import date

import pytest

from statusgen.derive import derive_state
from statusgen.uptime import uptime_percent, uptime_window

from sites.records import DAY, HOUR, at, catalogue, incident, maintenance, records, settings

NOW = at("2021-10-04T18:00:00Z")
TODAY = 18 * HOUR  # the span of the day containing now
SPANS = (DAY, DAY, TODAY)  # a three-day window: 2021-10-02, -03, -04


def pct(span: float, major: float = 0, partial: float = 0) -> float:
    """The expected figure, written out: (T - (major + 0.3 x partial)) / T x 100."""
    return round((span - (major + 0.3 * partial)) / span * 100, 4)


def uptime_of(*items, since=None, windows=()):
    components = catalogue({"id": "api", **({"since": since} if since else {})}, {"id": "db"})
    state = derive_state(records(*items, components=components, maintenance=windows), settings(3), NOW)
    return state.uptime["api"]


# Each case: records, then per day (major_s, partial_s, degraded_s) of the window's three days.
CASES = {
    "nothing happened": ([], [(0, 0, 0), (0, 0, 0), (0, 0, 0)]),
    "an hour of major and half an hour of partial outage": (
        [
            incident("a", started="2021-10-03T10:00:00Z", resolved="2021-10-03T11:00:00Z"),
            incident("b", components={"api": "partial_outage"},
                     started="2021-10-03T12:00:00Z", resolved="2021-10-03T12:30:00Z"),
        ],
        [(0, 0, 0), (HOUR, HOUR / 2, 0), (0, 0, 0)],
    ),
    "overlap: major over partial, no second twice": (
        [
            incident("a", components={"api": "partial_outage"},
                     started="2021-10-03T10:00:00Z", resolved="2021-10-03T12:00:00Z"),
            incident("b", started="2021-10-03T11:00:00Z", resolved="2021-10-03T11:30:00Z"),
        ],
        [(0, 0, 0), (HOUR / 2, 2 * HOUR - HOUR / 2, 0), (0, 0, 0)],
    ),
    "crossing midnight splits between the days": (
        [incident("a", started="2021-10-02T23:00:00Z", resolved="2021-10-03T01:00:00Z")],
        [(HOUR, 0, 0), (HOUR, 0, 0), (0, 0, 0)],
    ),
    "offsets other than Z": (
        # 2021-10-02T23:00Z to 2021-10-03T01:30Z
        [incident("a", started="2021-10-03T01:00:00+02:00", resolved="2021-10-03T00:30:00-01:00")],
        [(HOUR, 0, 0), (HOUR + HOUR / 2, 0, 0), (0, 0, 0)],
    ),
    "only the part inside the window counts": (
        [incident("a", started="2021-09-30T12:00:00Z", resolved="2021-10-02T06:00:00Z")],
        [(6 * HOUR, 0, 0), (0, 0, 0), (0, 0, 0)],
    ),
    "an incident open at now counts until now": (
        [incident("a", started="2021-10-04T17:00:00Z")],
        [(0, 0, 0), (0, 0, 0), (HOUR, 0, 0)],
    ),
    "an incident resolved after now counts until now": (
        [incident("a", started="2021-10-04T17:30:00Z", resolved="2021-10-04T20:00:00Z")],
        [(0, 0, 0), (0, 0, 0), (HOUR / 2, 0, 0)],
    ),
    "an incident opened after now counts nothing": (
        [incident("a", started="2021-10-04T19:00:00Z")],
        [(0, 0, 0), (0, 0, 0), (0, 0, 0)],
    ),
    "updates: degraded, then major, then back to operational": (
        [
            incident(
                "a", components={"api": "degraded_performance"},
                started="2021-10-04T08:00:00Z", resolved="2021-10-04T12:00:00Z",
                updates=[
                    {"at": "2021-10-04T09:00:00Z", "status": "identified", "body": "b",
                     "components": {"api": "major_outage"}},
                    {"at": "2021-10-04T09:15:00Z", "status": "monitoring", "body": "b",
                     "components": {"api": "operational"}},
                    {"at": "2021-10-04T12:00:00Z", "status": "resolved", "body": "b"},
                ],
            )
        ],
        [(0, 0, 0), (0, 0, 0), (15 * 60, 0, HOUR)],
    ),
    "another component's incident": (
        [incident("a", components={"db": "major_outage"},
                  started="2021-10-03T10:00:00Z", resolved="2021-10-03T11:00:00Z")],
        [(0, 0, 0), (0, 0, 0), (0, 0, 0)],
    ),
}


@pytest.mark.parametrize("items, expected", CASES.values(), ids=CASES.keys())
def test_daily_and_window_figures(items, expected):
    figures = uptime_of(*items)
    assert [day.date for day in figures.days] == [date(2021, 10, 2), date(2021, 10, 3), date(2021, 10, 4)]
    for day, span, (major, partial, degraded) in zip(figures.days, SPANS, expected, strict=True):
        assert (day.major_outage_s, day.partial_outage_s, day.degraded_performance_s) == (major, partial, degraded)
        assert day.span_s == span
        assert day.uptime == pct(span, major, partial)
    majors = sum(major for major, _, _ in expected)
    partials = sum(partial for _, partial, _ in expected)
    assert figures.uptime == pct(sum(SPANS), majors, partials)


def test_degraded_and_maintenance_count_as_up():
    degraded = incident("a", components={"api": "degraded_performance"},
                        started="2021-10-03T01:00:00Z", resolved="2021-10-03T03:00:00Z")
    window = maintenance("m", "2021-10-03T05:00:00Z", "2021-10-03T06:00:00Z")
    cancelled = maintenance("c", "2021-10-03T07:00:00Z", "2021-10-03T08:00:00Z", status="cancelled")
    day = uptime_of(degraded, windows=[window, cancelled]).days[1]
    assert (day.uptime, day.degraded_performance_s, day.under_maintenance_s) == (100.0, 2 * HOUR, HOUR)


def test_since_drops_the_days_before_it():
    figures = uptime_of(incident("a", started="2021-10-02T10:00:00Z", resolved="2021-10-03T02:00:00Z"),
                        since="2021-10-03")
    first, second, third = figures.days
    assert (first.uptime, first.span_s, first.major_outage_s) == (None, 0, 0)
    assert second.uptime == pct(DAY, 2 * HOUR)
    assert figures.uptime == pct(DAY + TODAY, 2 * HOUR)


def test_since_after_now_gives_no_figure_at_all():
    figures = uptime_of(since="2021-10-05")
    assert [day.uptime for day in figures.days] == [None, None, None]
    assert figures.uptime is None


def test_percentages_are_rounded_to_four_decimals():
    figures = uptime_of(incident("a", started="2021-10-02T10:00:00Z", resolved="2021-10-02T10:00:07Z"))
    assert figures.days[0].uptime == 99.9919  # (86400 - 7) / 86400 * 100 = 99.99189...
    assert figures.days[0].uptime == round((DAY - 7) / DAY * 100, 4)


def test_a_window_of_ninety_days_ends_with_the_day_containing_now():
    assert uptime_window(NOW, 90) == (date(2021, 7, 7), date(2021, 10, 4))
    # 01:00 at +02:00 is still the previous day in UTC.
    assert uptime_window(at("2021-10-05T01:00:00+02:00"), 1) == (date(2021, 10, 4), date(2021, 10, 4))


def test_no_span_no_figure():
    assert uptime_percent(0, 0, 0) is None
    assert uptime_percent(DAY, DAY, 0) == 0.0
