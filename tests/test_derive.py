"""The derived state: current statuses, indicator, maintenance lists, figures, api/uptime.json."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from statusgen.derive import derive_state
from statusgen.models import ComponentStatus, IncidentStatus, MaintenanceStatus
from statusgen.publish.uptime_api import render_uptime_api
from statusgen.state import Indicator

from sites.records import DAY, HOUR, at, catalogue, incident, maintenance, postmortem, records, settings, update

NOW = at("2021-10-04T18:00:00Z")
COMPONENTS = catalogue(
    {"id": "api", "group": "core"},
    {"id": "db", "group": "core"},
    {"id": "web"},
    groups=({"id": "core", "name": "Core"}, {"id": "empty", "name": "Empty"}),
)


def state_of(*items, windows=(), now=NOW, **kinds):
    return derive_state(records(*items, components=COMPONENTS, maintenance=windows, **kinds), settings(3), now)


def open_incident(record_id="o", impact="major", components=None, started="2021-10-04T17:00:00Z"):
    return incident(record_id, impact=impact, components=components or {"api": "partial_outage"}, started=started)


def test_nothing_wrong_is_all_operational():
    state = state_of()
    assert dict(state.component_status) == {"api": ComponentStatus.OPERATIONAL, "db": ComponentStatus.OPERATIONAL,
                                            "web": ComponentStatus.OPERATIONAL}
    assert (state.indicator, state.description) == (Indicator.NONE, "All Systems Operational")


def test_current_status_is_the_worst_of_open_incidents_and_active_maintenance():
    state = state_of(
        open_incident("a", components={"api": "degraded_performance", "db": "degraded_performance"}),
        open_incident("b", components={"api": "major_outage"}),
        incident("old", components={"web": "major_outage"}, started="2021-10-04T10:00:00Z",
                 resolved="2021-10-04T11:00:00Z"),
        windows=[maintenance("m", "2021-10-04T17:00:00Z", "2021-10-04T19:00:00Z", components=["db", "web"])],
    )
    assert dict(state.component_status) == {"api": ComponentStatus.MAJOR_OUTAGE,
                                            "db": ComponentStatus.DEGRADED_PERFORMANCE,
                                            "web": ComponentStatus.UNDER_MAINTENANCE}
    assert dict(state.group_status) == {"core": ComponentStatus.MAJOR_OUTAGE, "empty": ComponentStatus.OPERATIONAL}
    assert [item.id for item in state.open_incidents] == ["b", "a"]  # same start: newest first by id


def test_updates_posted_by_now_set_the_current_status():
    record = incident("a", components={"api": "major_outage"}, started="2021-10-04T10:00:00Z",
                      updates=[update("2021-10-04T12:00:00Z", "monitoring", {"api": "operational"})])
    assert state_of(record).component_status["api"] is ComponentStatus.OPERATIONAL
    assert state_of(record, now=at("2021-10-04T11:00:00Z")).component_status["api"] is ComponentStatus.MAJOR_OUTAGE


INDICATOR_CASES = {
    "minor incident": ([open_incident(impact="minor", components={"api": "degraded_performance"})], [],
                       Indicator.MINOR, "Minor Service Outage"),
    "partial outage": ([open_incident(impact="minor")], [], Indicator.MAJOR, "Partial System Outage"),
    "status outranks a milder impact": ([open_incident(impact="none", components={"api": "major_outage"})], [],
                                        Indicator.CRITICAL, "Major Service Outage"),
    "impact outranks a milder status": ([open_incident(impact="critical", components={"api": "degraded_performance"})],
                                        [], Indicator.CRITICAL, "Major Service Outage"),
    "impact without a status": ([open_incident(impact="major", components={"api": "operational"})], [],
                                Indicator.MAJOR, "Partial System Outage"),
    "active maintenance": ([], [maintenance("m", "2021-10-04T17:00:00Z", "2021-10-04T19:00:00Z")],
                           Indicator.MAINTENANCE, "Service Under Maintenance"),
    "verifying maintenance": ([], [maintenance("m", "2021-10-04T01:00:00Z", "2021-10-04T02:00:00Z", status="verifying")],
                              Indicator.MAINTENANCE, "Service Under Maintenance"),
    "a problem outranks maintenance": (
        [open_incident(impact="minor", components={"db": "degraded_performance"})],
        [maintenance("m", "2021-10-04T17:00:00Z", "2021-10-04T19:00:00Z")], Indicator.MINOR, "Minor Service Outage"),
    "future maintenance": ([], [maintenance("m", "2021-10-04T19:00:00Z", "2021-10-04T20:00:00Z")],
                           Indicator.NONE, "All Systems Operational"),
    "cancelled maintenance in its window": (
        [], [maintenance("m", "2021-10-04T17:00:00Z", "2021-10-04T19:00:00Z", status="cancelled")],
        Indicator.NONE, "All Systems Operational"),
    "completed maintenance": ([], [maintenance("m", "2021-10-04T01:00:00Z", "2021-10-04T02:00:00Z")],
                              Indicator.NONE, "All Systems Operational"),
    "resolved incident": ([incident("a", started="2021-10-04T01:00:00Z", resolved="2021-10-04T02:00:00Z")], [],
                          Indicator.NONE, "All Systems Operational"),
}


@pytest.mark.parametrize("items, windows, indicator, description", INDICATOR_CASES.values(), ids=INDICATOR_CASES.keys())
def test_indicator_and_description(items, windows, indicator, description):
    state = state_of(*items, windows=windows)
    assert (state.indicator, state.description) == (indicator, description)


def test_maintenance_lists_and_states():
    windows = [
        maintenance("done", "2021-10-04T01:00:00Z", "2021-10-04T02:00:00Z"),
        maintenance("now-b", "2021-10-04T17:00:00Z", "2021-10-04T19:00:00Z"),
        maintenance("now-a", "2021-10-04T17:00:00Z", "2021-10-04T19:00:00Z"),
        maintenance("later", "2021-10-05T01:00:00Z", "2021-10-05T02:00:00Z"),
        maintenance("soon", "2021-10-04T20:00:00Z", "2021-10-04T21:00:00Z"),
        maintenance("off", "2021-10-04T20:00:00Z", "2021-10-04T21:00:00Z", status="cancelled"),
    ]
    state = state_of(windows=windows)
    assert dict(state.maintenance_status) == {
        "done": MaintenanceStatus.COMPLETED, "now-a": MaintenanceStatus.IN_PROGRESS,
        "now-b": MaintenanceStatus.IN_PROGRESS, "off": MaintenanceStatus.CANCELLED,
        "soon": MaintenanceStatus.SCHEDULED, "later": MaintenanceStatus.SCHEDULED,
    }
    assert [window.id for window in state.active_maintenance] == ["now-a", "now-b"]
    assert [window.id for window in state.upcoming_maintenance] == ["soon", "later"]


def test_incident_status_figures_postmortems_and_history_per_component():
    quiet = incident("quiet", started="2021-10-04T10:00:00Z")
    closed = incident("closed", components={"db": "major_outage"}, started="2021-10-03T10:00:00Z",
                      resolved="2021-10-03T12:30:00Z",
                      updates=[update("2021-10-03T10:20:00Z", "identified", {"api": "degraded_performance"}),
                               update("2021-10-03T12:30:00Z", "resolved")])
    state = state_of(quiet, closed, postmortems=[postmortem("pm", "closed")])
    assert dict(state.incident_status) == {"quiet": IncidentStatus.INVESTIGATING, "closed": IncidentStatus.RESOLVED}
    assert state.incident_figures["quiet"].duration == timedelta(hours=8)  # 10:00 to now, 18:00
    assert state.incident_figures["quiet"].time_to_first_update is None
    assert state.incident_figures["quiet"].time_to_resolve is None
    assert state.incident_figures["closed"].duration == timedelta(hours=2, minutes=30)
    assert state.incident_figures["closed"].time_to_first_update == timedelta(minutes=20)
    assert state.incident_figures["closed"].time_to_resolve == timedelta(hours=2, minutes=30)
    assert state.postmortem_for["closed"].id == "pm" and "quiet" not in state.postmortem_for
    assert {key: [item.id for item in value] for key, value in state.incidents_by_component.items()} == {
        "api": ["quiet", "closed"], "db": ["closed"], "web": []}


def test_now_with_an_offset_is_read_in_utc():
    state = state_of(now=at("2021-10-05T01:00:00+02:00"))
    assert state.now == at("2021-10-04T23:00:00Z") and state.now.utcoffset() == timedelta(0)
    assert state.window_end.isoformat() == "2021-10-04"


def test_uptime_api_publishes_the_state_in_design_shape():
    closed = incident("a", components={"api": "partial_outage"}, started="2021-10-03T10:00:00Z",
                      resolved="2021-10-03T11:00:00Z")
    given = records(closed, components=COMPONENTS)
    state = derive_state(given, settings(3), NOW)
    output, *history = render_uptime_api(given, state, settings(3))
    assert [item.path for item in history] == ["api/uptime-monthly.json", "api/uptime-monthly.csv"]
    assert output.path == "api/uptime.json" and output.content.endswith(b"}\n")
    document = json.loads(output.content)
    assert list(document) == ["now", "days", "start", "end", "components", "groups"]
    assert (document["now"], document["days"], document["start"], document["end"]) == (
        "2021-10-04T18:00:00Z", 3, "2021-10-02", "2021-10-04")
    assert [component["id"] for component in document["components"]] == ["api", "db", "web"]
    api = document["components"][0]
    assert list(api) == ["id", "name", "uptime", "days"]
    assert api["uptime"] == round((2 * DAY + 18 * HOUR - 0.3 * HOUR) / (2 * DAY + 18 * HOUR) * 100, 4)
    assert api["days"][1] == {"date": "2021-10-03", "uptime": round((DAY - 0.3 * HOUR) / DAY * 100, 4),
                              "major_outage_s": 0, "partial_outage_s": HOUR, "degraded_performance_s": 0}
    for component in document["components"]:
        figures = state.uptime[component["id"]]
        assert component["uptime"] == figures.uptime
        assert [day["uptime"] for day in component["days"]] == [day.uptime for day in figures.days]
    assert render_uptime_api(given, derive_state(given, settings(3), NOW), settings(3)) == [output, *history]


def test_ten_thousand_incidents_add_up_and_are_reproducible():
    # How long this takes is measured by benchmarks/stages.py, not asserted here.
    start = at("2018-01-01T00:00:00Z")
    many = [
        incident(f"i{n:05d}", components={"api": "major_outage", "db": "partial_outage"},
                 started=start + timedelta(hours=3 * n), resolved=start + timedelta(hours=3 * n + 1))
        for n in range(10_000)
    ]
    given = records(*many, components=COMPONENTS)
    now = start + timedelta(hours=3 * 10_000)
    state = derive_state(given, settings(90), now)
    # One hour of outage in every three: 8 hours a day, for every day of the window.
    assert {day.major_outage_s for day in state.uptime["api"].days[:-1]} == {8 * HOUR}
    assert state.uptime["db"].days[0].uptime == round((DAY - 0.3 * 8 * HOUR) / DAY * 100, 4)
    assert derive_state(given, settings(90), now) == state


def test_facts_of_settled_incidents_kept_between_derivations_are_those_worked_out_afresh(monkeypatch: pytest.MonkeyPatch):
    # `serve` and `notify` derive the state again from the very same record objects at a later
    # (or, for notify, any) now; settled.py keeps what now no longer changes of a settled
    # incident. Every derivation below must equal one with nothing kept, the Statuspage API's
    # spans included, while incidents open, update, resolve and settle across the moments.
    from statusgen import settled
    from statusgen.publish.statuspage_objects import _change_times

    monkeypatch.setattr(settled, "_keeping", True)  # as `serve` and `notify` do
    loaded = records(
        incident("a", started="2021-10-01T10:00:00Z", components={"api": "major_outage"},
                 updates=[update("2021-10-01T11:00:00Z", "identified", {"api": "partial_outage", "db": "degraded_performance"}),
                          update("2021-10-01T13:00:00Z", "resolved", {"api": "operational"})],
                 resolved="2021-10-01T13:00:00Z"),
        incident("b", started="2021-10-02T10:00:00Z", components={"db": "major_outage"},
                 updates=[update("2021-10-02T12:00:00Z", "resolved")], resolved="2021-10-02T11:30:00Z"),
        incident("c", started="2021-10-03T09:00:00Z", components={"web": "partial_outage"}),
        components=COMPONENTS)
    moments = ["2021-10-01T09:00:00Z", "2021-10-01T12:00:00Z", "2021-10-01T13:00:00Z", "2021-10-02T11:45:00Z",
               "2021-10-02T12:00:00Z", "2021-10-04T18:00:00Z", "2021-10-05T00:00:00Z", "2021-10-01T12:30:00Z",
               "2021-10-06T00:00:00Z"]
    last = None
    for moment in map(at, moments):
        state = derive_state(loaded, settings(3), moment)  # with what the derivation before kept
        spans = _change_times(state)
        if last is not None and min(moment, last.now) >= at("2021-10-01T13:00:00Z"):
            assert state.incident_figures["a"] is last.incident_figures["a"], "a settled incident's figures are kept"
        settled.next_derivation()
        settled.next_derivation()
        afresh = derive_state(loaded, settings(3), moment)
        assert state == afresh and spans == _change_times(afresh)
        if "c" in state.incident_figures:
            assert state.incident_figures["c"] is not afresh.incident_figures["c"], "an open incident's are not"
        last = afresh


def test_facts_are_kept_only_by_processes_that_derive_again(monkeypatch: pytest.MonkeyPatch):
    from statusgen import settled
    from statusgen.plugin import StatusgenPlugin

    monkeypatch.setattr(settled, "_keeping", False)
    for command, keeping in (("serve", True), ("build", False), ("gh-deploy", False)):
        StatusgenPlugin().on_startup(command=command, dirty=False)
        assert settled._keeping is keeping, command


# The uptime figures are taken when first asked for (state.Counted): a build counts them on
# the other core and looks up its archived pages meanwhile (publish/pages.py).

def test_counted_figures_are_worked_out_once_compare_by_value_and_pickle_as_values() -> None:
    import pickle

    from statusgen.state import Counted

    calls: list[int] = []
    counted = Counted(lambda: calls.append(1) or "figures")  # type: ignore[arg-type, return-value]
    assert counted.ready() and calls == []
    assert counted.get() == counted.get() == "figures" and calls == [1]
    assert counted == Counted(lambda: "figures") and counted != Counted(lambda: "other")  # type: ignore[arg-type, return-value]
    assert pickle.loads(pickle.dumps(counted)).get() == "figures"
    waiting = Counted(lambda: "figures", lambda: False)  # type: ignore[arg-type, return-value]
    assert not waiting.ready() and waiting.get() == "figures" and waiting.ready()


@pytest.mark.parametrize("plans", ["as written", "no SLA", "no plans"])
def test_whether_there_is_an_sla_is_told_without_counting(plans: str) -> None:
    from statusgen.loader import load_records
    from statusgen.measured import measure, measures_sla
    from statusgen.uptime import uptime_window

    from conftest import EXAMPLE_NOW, REPO

    loaded = load_records(REPO / "content")
    if plans == "no SLA" and loaded.plans is not None:
        loaded = replace(loaded, plans=loaded.plans.model_copy(update={"plans": tuple(
            plan.model_copy(update={"sla": None}) for plan in loaded.plans.plans)}))
    elif plans == "no plans":
        loaded = replace(loaded, plans=None)
    now = datetime.fromisoformat(EXAMPLE_NOW.replace("Z", "+00:00"))
    figures = measure(loaded, uptime_window(now, 90), 12, now)
    assert measures_sla(loaded) == bool(figures.sla)
    assert measures_sla(loaded) == (plans == "as written")


@st.composite
def histories_and_moments(draw):
    """Valid incidents (updates in order, none before the start; a resolution after the start,
    possibly before the last update) on any of the catalogue's components, and a moment to
    look from that may fall before, within or after any of them."""
    items = []
    for number in range(draw(st.integers(0, 8))):
        start = at("2021-10-01T00:00:00Z") + timedelta(hours=1) * draw(st.integers(0, 96))
        offsets = sorted(draw(st.lists(st.integers(0, 48), max_size=3)))
        resolution = draw(st.none() | st.integers(0, 48))
        named = draw(st.lists(st.sampled_from(("api", "db", "web")), min_size=1, max_size=2, unique=True))
        updates = [update(start + timedelta(hours=1) * hours, "identified",
                          {draw(st.sampled_from(("api", "db", "web"))): "partial_outage"} if draw(st.booleans()) else None)
                   for hours in offsets]
        if resolution is not None and (offsets or draw(st.booleans())):
            # The resolving update: before, at or after the resolution, never before the updates.
            updates.append(update(start + timedelta(hours=1) * draw(st.integers(max(offsets, default=0), 50)), "resolved"))
        front = {"components": dict.fromkeys(named, "major_outage"), "started": start, "updates": updates}
        if resolution is not None:
            front["resolved"] = start + timedelta(hours=1) * resolution
        items.append(incident(f"i{number}", **front))
    return items, at("2021-10-01T00:00:00Z") + timedelta(hours=1) * draw(st.integers(-2, 160))


@hypothesis_settings(max_examples=80, deadline=None)
@given(histories_and_moments())
def test_the_statuspage_apis_component_dates_are_the_first_and_latest_public_times_of_their_records(history):
    # The span of each component's records (and the page's: all records) up to now, by its
    # plain definition: every time a public record holds, its components those it names.
    from statusgen.publish.statuspage_objects import _change_times

    items, moment = history
    state = derive_state(records(*items, components=COMPONENTS), settings(3), moment)
    times: dict[str, list[datetime]] = {}
    for each in state.public.incidents:
        moments = [each.started, *([each.resolved] if each.resolved else []), *(u.at for u in each.updates)]
        for key in (*each.named_components, ""):
            times.setdefault(key, []).extend(moments)
    expected = {key: (min(found), max(found)) for key, found in times.items()}
    assert _change_times(state) == expected
