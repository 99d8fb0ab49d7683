"""Random incident histories against a brute-force oracle that reads DESIGN.md minute by minute.

The oracle shares no code with statusgen's timeline: for every minute of the window it asks
each incident what it said about the component at that minute and keeps the worst answer.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from statusgen.derive import derive_state
from statusgen.models import ComponentStatus

from sites.records import at, catalogue, incident, records, settings

NOW = at("2021-10-04T18:00:00Z")
WINDOW_OPENS = at("2021-10-02T00:00:00Z")
MINUTE = timedelta(minutes=1)
STATUSES = [status.value for status in ComponentStatus if status is not ComponentStatus.UNDER_MAINTENANCE]


@st.composite
def histories(draw):
    items = []
    for number in range(draw(st.integers(0, 5))):
        start = draw(st.integers(-1500, 4300))  # minutes from the window's opening
        length = draw(st.one_of(st.none(), st.integers(1, 2500)))  # None: still open
        end = None if length is None else start + length
        offsets = sorted(draw(st.lists(st.integers(0, length or 2500), max_size=3)))
        updates = [
            {"at": _iso(start + offset), "status": "identified", "body": "b",
             "components": draw(st.dictionaries(st.sampled_from(["api", "db"]), st.sampled_from(STATUSES), max_size=2))}
            for offset in offsets
            if end is None or start + offset < end
        ]
        components = draw(st.dictionaries(st.sampled_from(["api", "db"]), st.sampled_from(STATUSES), min_size=1))
        items.append(incident(f"i{number}", components=components, started=_iso(start),
                              resolved=None if end is None else _iso(end), updates=updates))
    since = draw(st.sampled_from([None, "2021-10-03", "2021-10-05", "2020-01-01"]))
    return items, since


def _iso(minutes: int) -> str:
    return (WINDOW_OPENS + minutes * MINUTE).isoformat()


def said_at(record, component_id: str, moment: datetime, now: datetime = NOW) -> ComponentStatus:
    """What one incident said about a component at a moment, straight from the record."""
    if moment < record.started or moment >= (record.resolved or now):
        return ComponentStatus.OPERATIONAL
    said = record.affected.get(component_id, ComponentStatus.OPERATIONAL)
    for item in record.updates:
        if item.at <= moment and component_id in (item.components or {}):
            said = item.components[component_id]
    return said


def _oracle_day(items, component_id: str, day: date, since: str | None):
    seconds = {status: 0 for status in ComponentStatus}
    span = 0
    moment = datetime(day.year, day.month, day.day, tzinfo=NOW.tzinfo)
    counts_from = None if since is None else datetime.fromisoformat(since + "T00:00:00+00:00")
    for _ in range(24 * 60):
        if moment < NOW and (counts_from is None or moment >= counts_from):
            span += 60
            worst = max((said_at(item, component_id, moment) for item in items),
                        key=lambda status: status.severity, default=ComponentStatus.OPERATIONAL)
            seconds[worst] += 60
        moment += MINUTE
    return span, seconds


@hypothesis_settings(max_examples=40, deadline=None)
@given(histories())
def test_daily_figures_match_a_minute_by_minute_oracle(history):
    items, since = history
    components = catalogue({"id": "api", **({"since": since} if since else {})}, {"id": "db"})
    state = derive_state(records(*items, components=components), settings(3), NOW)
    total_span = total_major = total_partial = 0
    for day in state.uptime["api"].days:
        span, seconds = _oracle_day(items, "api", day.date, since)
        major, partial = seconds[ComponentStatus.MAJOR_OUTAGE], seconds[ComponentStatus.PARTIAL_OUTAGE]
        assert (day.span_s, day.major_outage_s, day.partial_outage_s, day.degraded_performance_s) == (
            span, major, partial, seconds[ComponentStatus.DEGRADED_PERFORMANCE])
        assert day.uptime == (round((span - (major + 0.3 * partial)) / span * 100, 4) if span else None)
        total_span, total_major, total_partial = total_span + span, total_major + major, total_partial + partial
    expected = round((total_span - (total_major + 0.3 * total_partial)) / total_span * 100, 4) if total_span else None
    assert state.uptime["api"].uptime == expected
