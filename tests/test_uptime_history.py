"""Monthly, group and SLA figures (DESIGN.md "Uptime history, SLAs, metrics") against an
independent oracle, and the calendar months of boundary cases written out by hand.

The oracle shares no code with statusgen: it walks the history in steps of a quarter of an
hour (every time of these histories falls on one), asks each incident what it said about each
component at that step, and keeps the worst answer among the components that count then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from statusgen.derive import derive_state
from statusgen.models import ComponentStatus

from sites.records import DAY, HOUR, at, catalogue, incident, plans, records, settings, update
from test_uptime_oracle import said_at

STEP = timedelta(minutes=15)
START = at("2023-12-01T00:00:00Z")  # a 31-day month, then January, a leap February, March
STATUSES = [status.value for status in ComponentStatus if status is not ComponentStatus.UNDER_MAINTENANCE]
COMPONENTS = ("api", "db", "web")
GROUP = ("api", "db")


def _at(steps: int) -> datetime:
    return START + steps * STEP


@st.composite
def histories(draw):
    now = _at(draw(st.integers(60 * 96, 100 * 96)))  # 30 Jan to 10 Mar 2024
    items = []
    for number in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, (now - START) // STEP - 1))
        length = draw(st.one_of(st.none(), st.integers(1, 8 * 96)))  # None: still open at now
        end = None if length is None else start + length
        offsets = sorted(draw(st.lists(st.integers(0, length or 8 * 96), max_size=3)))
        updates = [
            update(_at(start + offset).isoformat(), components=draw(st.dictionaries(st.sampled_from(COMPONENTS), st.sampled_from(STATUSES), max_size=2)))
            for offset in offsets
            if end is None or start + offset < end
        ]
        if end is not None:
            updates.append(update(_at(end).isoformat(), "resolved"))
        components = draw(st.dictionaries(st.sampled_from(COMPONENTS), st.sampled_from(STATUSES), min_size=1))
        items.append(incident(f"i{number}", components=components, started=_at(start).isoformat(),
                              resolved=None if end is None else _at(end).isoformat(), updates=updates))
    since = {
        "api": draw(st.sampled_from([None, "2023-12-01", "2024-01-15", "2024-02-29", "2024-04-01"])),
        "db": draw(st.sampled_from([None, "2024-01-31", "2023-11-20"])),
        "web": draw(st.sampled_from([None, "2024-02-01"])),
    }
    return now, items, since


def _since(day: str | None) -> datetime | None:
    return None if day is None else at(day + "T00:00:00Z")


def _first_month(members, since, items, now) -> date:
    """A component's first month: its since's, else the earliest incident's (else now's);
    a group's: its members' earliest."""
    firsts = []
    for member in members:
        if since[member] is not None:
            firsts.append(date.fromisoformat(since[member]).replace(day=1))
        else:
            firsts.append(min([item.started for item in items] + [now]).date().replace(day=1))
    return min(firsts)


def _oracle_months(members, since, items, now):
    """[(first day of month, span, major, partial, degraded)] from the first month to now's."""
    first = _first_month(members, since, items, now)
    months = {}
    month = first
    while month <= now.date():
        months[month] = [0, 0, 0, 0]
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    moment = datetime(first.year, first.month, 1, tzinfo=now.tzinfo)
    while moment < now:
        counting = [member for member in members if _since(since[member]) is None or moment >= _since(since[member])]
        if counting:
            worst = max((said_at(item, member, moment, now) for item in items for member in counting),
                        key=lambda status: status.severity, default=ComponentStatus.OPERATIONAL)
            tally = months[moment.date().replace(day=1)]
            tally[0] += 900
            for index, status in enumerate((ComponentStatus.MAJOR_OUTAGE, ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.DEGRADED_PERFORMANCE), 1):
                tally[index] += 900 if worst is status else 0
        moment += STEP
    return [(month, *tally) for month, tally in months.items()]


def _expected_uptime(span, major, partial):
    return round((span - (major + 0.3 * partial)) / span * 100, 4) if span else None


def _state(now, items, since):
    components = catalogue(
        *({"id": key, **({"group": "core"} if key in GROUP else {}), **({"since": since[key]} if since[key] else {})} for key in COMPONENTS),
        groups=({"id": "core", "name": "Core"},),
    )
    sla = {"target": 99.5, "components": list(GROUP), "credits": [{"below": 99.5, "credit": 10}, {"below": 95, "credit": 30}]}
    catalogue_of_plans = plans({"id": "pro", "name": "Pro", "price": 5, "period": "month", "sla": sla})
    return derive_state(records(*items, components=components, plans=catalogue_of_plans), settings(30, uptime_months=2), now)


@hypothesis_settings(max_examples=30, deadline=None)
@given(histories())
def test_monthly_group_and_sla_figures_match_the_oracle(history):
    now, items, since = history
    state = _state(now, items, since)
    for key, history_of, members in (("api", state.component_history, ("api",)), ("web", state.component_history, ("web",)),
                                     ("core", state.group_history, GROUP)):
        expected = _oracle_months(members, since, items, now)
        got = [(m.month, m.span_s, m.major_outage_s, m.partial_outage_s, m.degraded_performance_s) for m in history_of[key].months]
        assert got == expected, key
        assert [m.uptime for m in history_of[key].months] == [_expected_uptime(*row[1:4]) for row in expected], key

    # The SLA measures its components as one group: the group's months, judged against the target.
    months = state.sla["pro"].months
    assert [(m.month, m.uptime) for m in months] == [(m.month, m.uptime) for m in state.group_history["core"].months]
    for month in months:
        assert month.complete is (month.month != now.date().replace(day=1))
        if month.uptime is None:
            assert month.met is None and month.credit == 0
        else:
            assert month.met is (month.uptime >= 99.5)
            assert month.credit == (30 if month.uptime < 95 else 10 if month.uptime < 99.5 else 0)


@hypothesis_settings(max_examples=15, deadline=None)
@given(histories())
def test_calendar_days_add_up_to_their_month_and_match_the_window(history):
    now, items, since = history
    state = _state(now, items, since)
    window_days = {day.date: day for day in state.uptime["api"].days}
    group_days = {day.date: day for day in state.group_uptime["core"].days}
    for history_of, key, window in ((state.component_history, "api", window_days), (state.group_history, "core", group_days)):
        months = history_of[key].months
        assert [entry.figures for entry in history_of[key].calendar] == list(months[-2:])
        for entry in history_of[key].calendar:
            days = entry.days
            assert days[0].date == entry.figures.month and (days[-1].date + timedelta(days=1)).day == 1
            for field in ("span_s", "major_outage_s", "partial_outage_s", "degraded_performance_s", "under_maintenance_s"):
                assert sum(getattr(day, field) for day in days) == getattr(entry.figures, field)
            for day in days:
                if day.date in window:
                    assert day == window[day.date]


# Boundary cases, written out by hand.

def _months(since=None, items=(), now="2024-03-10T12:00:00Z", key="api"):
    components = catalogue({"id": "api", "group": "core", **({"since": since} if since else {})}, {"id": "db", "group": "core"},
                           groups=({"id": "core", "name": "Core"},))
    state = derive_state(records(*items, components=components), settings(30), at(now))
    history = state.group_history[key] if key == "core" else state.component_history[key]
    return {f"{m.month:%Y-%m}": (m.span_s, m.major_outage_s, m.partial_outage_s) for m in history.months}


def test_a_month_that_starts_before_since_counts_from_since():
    months = _months(since="2024-01-15")
    assert list(months) == ["2024-01", "2024-02", "2024-03"]
    assert months["2024-01"] == (17 * DAY, 0, 0)  # 15 to 31 January


def test_the_month_of_now_is_cut_at_now():
    assert _months(since="2024-03-01")["2024-03"] == (9 * DAY + 12 * HOUR, 0, 0)


def test_leap_february_and_31_day_months():
    months = _months(since="2023-12-01")
    assert months["2023-12"][0] == 31 * DAY and months["2024-01"][0] == 31 * DAY and months["2024-02"][0] == 29 * DAY
    assert _months(since="2023-02-01", now="2023-03-01T00:00:00Z")["2023-02"][0] == 28 * DAY
    # Now at the first second of a month: that month is listed, with no span yet.
    assert _months(since="2023-02-01", now="2023-03-01T00:00:00Z")["2023-03"] == (0, 0, 0)


def test_overlapping_incidents_across_a_month_boundary_split_without_counting_twice():
    items = [
        incident("partial", components={"api": "partial_outage"}, started="2024-01-31T22:00:00Z", resolved="2024-02-01T02:00:00Z",
                 updates=[update("2024-02-01T02:00:00Z", "resolved")]),
        incident("major", started="2024-01-31T23:00:00Z", resolved="2024-02-01T01:00:00Z",
                 updates=[update("2024-02-01T01:00:00Z", "resolved")]),
    ]
    months = _months(since="2024-01-01", items=items)
    assert months["2024-01"] == (31 * DAY, HOUR, HOUR)
    assert months["2024-02"] == (29 * DAY, HOUR, HOUR)


def test_without_since_the_history_starts_with_the_earliest_record():
    items = [incident("old", components={"db": "major_outage"}, started="2023-11-05T10:00:00Z", resolved="2023-11-05T11:00:00Z",
                      updates=[update("2023-11-05T11:00:00Z", "resolved")])]
    months = _months(items=items)
    assert list(months)[0] == "2023-11" and months["2023-11"] == (30 * DAY, 0, 0)  # api was not affected


def test_a_group_is_its_worst_member_counted_from_each_members_since():
    items = [
        # Before api's since: not the group's either, db being operational then.
        incident("early", started="2024-01-10T00:00:00Z", resolved="2024-01-10T01:00:00Z",
                 updates=[update("2024-01-10T01:00:00Z", "resolved")]),
        # db partial while api major: the group is in major outage, once.
        incident("both", components={"api": "major_outage", "db": "partial_outage"}, started="2024-02-10T00:00:00Z",
                 resolved="2024-02-10T02:00:00Z", updates=[update("2024-02-10T02:00:00Z", "resolved")]),
        incident("db", components={"db": "partial_outage"}, started="2024-02-10T01:00:00Z", resolved="2024-02-10T03:00:00Z",
                 updates=[update("2024-02-10T03:00:00Z", "resolved")]),
    ]
    months = _months(since="2024-01-15", items=items, key="core")
    assert list(months)[0] == "2024-01"  # db has no since: the month of the earliest incident
    assert months["2024-01"] == (31 * DAY, 0, 0)
    assert months["2024-02"] == (29 * DAY, 2 * HOUR, HOUR)


def test_fractions_of_a_second_are_dropped_at_every_boundary():
    items = [incident("blip", started="2024-03-01T10:00:00.700Z", resolved="2024-03-01T10:00:02.300Z",
                      updates=[update("2024-03-01T10:00:02.300Z", "resolved")])]
    assert _months(since="2024-03-01", items=items)["2024-03"][1] == 2  # [10:00:00, 10:00:02)


def test_sla_credit_is_the_largest_whose_threshold_exceeds_the_uptime():
    from statusgen.sla import credit_due

    credits = [(Decimal("99.9"), Decimal(10)), (Decimal("99"), Decimal(25)), (Decimal("95"), Decimal(50))]
    assert [credit_due(Decimal(value), credits) for value in ("100", "99.9", "99.89", "99", "98.9999", "10")] == [0, 0, 10, 10, 25, 50]


@hypothesis_settings(max_examples=30, deadline=None)
@given(histories())
def test_a_group_named_whole_stands_in_for_its_members(history):
    # A plan's SLA over a group and more merges the group's timeline with the rest; it must
    # measure exactly what merging every member's timeline does.
    from statusgen.measured import as_group, as_one, measured_components

    now, items, since = history
    state = _state(now, items, since)
    components = measured_components(state.public, now)
    members = {"core": list(GROUP)}
    groups = {"core": as_group(components[key] for key in GROUP)}
    for named in (COMPONENTS, GROUP, ("web", *GROUP), ("db", "web")):
        assert as_one(named, components, groups, members) == as_group(components[key] for key in named), named
