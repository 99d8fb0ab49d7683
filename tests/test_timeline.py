"""Status timelines: worst status wins, updates change statuses, nothing counted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from statusgen.models import ComponentStatus, IncidentStatus, MaintenanceStatus
from statusgen.timeline import (
    BY_SEVERITY,
    EPOCH,
    build_timelines,
    epoch_seconds,
    incident_status_at,
    incident_statuses_at,
    maintenance_state,
)

from sites.records import at, incident, maintenance, update

NOW = at("2021-10-04T18:00:00Z")
OK = ComponentStatus.OPERATIONAL
MAINT = ComponentStatus.UNDER_MAINTENANCE
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
MAJOR = ComponentStatus.MAJOR_OUTAGE


def t(clock: str) -> str:
    """A time on the day of NOW."""
    return f"2021-10-04T{clock}:00Z"


def clock(seconds: int) -> str:
    """The time of day of a timeline's boundary (epoch seconds)."""
    return (EPOCH + timedelta(seconds=seconds)).strftime("%H:%M")


def intervals(component_id: str, incidents=(), windows=()) -> list[tuple[str, str, ComponentStatus]]:
    timelines = build_timelines(["api", "db"], incidents, windows, NOW)
    return [
        (clock(start), clock(end), BY_SEVERITY[severity])
        for start, end, severity in timelines[component_id]
    ]


CASES = {
    "one resolved incident": (
        [incident("a", started=t("10:00"), resolved=t("11:00"))],
        [],
        [("10:00", "11:00", MAJOR)],
    ),
    "overlap: the worse status wins, the rest resumes": (
        [
            incident("a", components={"api": "partial_outage"}, started=t("10:00"), resolved=t("12:00")),
            incident("b", components={"api": "major_outage"}, started=t("11:00"), resolved=t("11:30")),
        ],
        [],
        [("10:00", "11:00", PARTIAL), ("11:00", "11:30", MAJOR), ("11:30", "12:00", PARTIAL)],
    ),
    "overlap of one status is one stretch": (
        [
            incident("a", started=t("10:00"), resolved=t("11:00")),
            incident("b", started=t("10:30"), resolved=t("12:00")),
        ],
        [],
        [("10:00", "12:00", MAJOR)],
    ),
    "touching incidents of one status join": (
        [
            incident("a", started=t("10:00"), resolved=t("11:00")),
            incident("b", started=t("11:00"), resolved=t("12:00")),
        ],
        [],
        [("10:00", "12:00", MAJOR)],
    ),
    "updates change the status, back to operational included": (
        [
            incident(
                "a",
                components={"api": "partial_outage"},
                started=t("10:00"),
                resolved=t("12:00"),
                updates=[
                    update(t("10:30"), components={"api": "major_outage"}),
                    update(t("11:00"), "monitoring", components={"api": "operational"}),
                    update(t("12:00"), "resolved"),
                ],
            )
        ],
        [],
        [("10:00", "10:30", PARTIAL), ("10:30", "11:00", MAJOR)],
    ),
    "an update without components changes nothing": (
        [incident("a", started=t("10:00"), resolved=t("11:00"), updates=[update(t("10:20"))])],
        [],
        [("10:00", "11:00", MAJOR)],
    ),
    "an open incident lasts until now": (
        [incident("a", components={"api": "degraded_performance"}, started=t("17:00"))],
        [],
        [("17:00", "18:00", DEGRADED)],
    ),
    "resolved after now is cut at now": (
        [incident("a", started=t("17:30"), resolved="2021-10-04T19:00:00Z")],
        [],
        [("17:30", "18:00", MAJOR)],
    ),
    "started after now counts nothing": (
        [incident("a", started=t("18:30"))],
        [],
        [],
    ),
    "offsets other than Z are read in UTC": (
        [incident("a", started="2021-10-04T12:00:00+02:00", resolved="2021-10-04T07:30:00-05:00")],
        [],
        [("10:00", "12:30", MAJOR)],
    ),
    "other components are untouched": (
        [incident("a", components={"db": "major_outage"}, started=t("10:00"), resolved=t("11:00"))],
        [],
        [],
    ),
    "maintenance in the past counts as maintenance": (
        [],
        [maintenance("m", t("02:00"), t("04:00"))],
        [("02:00", "04:00", MAINT)],
    ),
    "maintenance in progress lasts until now": (
        [],
        [maintenance("m", t("17:00"), t("20:00"))],
        [("17:00", "18:00", MAINT)],
    ),
    "future maintenance counts nothing": (
        [],
        [maintenance("m", t("19:00"), t("20:00"))],
        [],
    ),
    "cancelled maintenance counts nothing": (
        [],
        [maintenance("m", t("02:00"), t("04:00"), status="cancelled")],
        [],
    ),
    "an incident during maintenance is worse than it": (
        [incident("a", components={"api": "partial_outage"}, started=t("03:00"), resolved=t("05:00"))],
        [maintenance("m", t("02:00"), t("04:00"))],
        [("02:00", "03:00", MAINT), ("03:00", "05:00", PARTIAL)],
    ),
}


@pytest.mark.parametrize("incidents, windows, expected", CASES.values(), ids=CASES.keys())
def test_timeline_of_api(incidents, windows, expected):
    assert intervals("api", incidents, windows) == expected


def test_an_update_can_add_a_component():
    record = incident(
        "a",
        components={"api": "degraded_performance"},
        started=t("10:00"),
        resolved=t("12:00"),
        updates=[update(t("11:00"), components={"db": "major_outage"}), update(t("12:00"), "resolved")],
    )
    assert intervals("api", [record]) == [("10:00", "12:00", DEGRADED)]
    assert intervals("db", [record]) == [("11:00", "12:00", MAJOR)]


def test_an_incident_crossing_midnight_is_one_interval():
    record = incident("a", started="2021-10-02T23:00:00Z", resolved="2021-10-03T01:00:00Z")
    ((start, end, _),) = build_timelines(["api"], [record], [], NOW)["api"]
    assert (start, end) == (epoch_seconds(at("2021-10-02T23:00:00Z")), epoch_seconds(at("2021-10-03T01:00:00Z")))


def test_statuses_at_a_moment_follow_the_updates_posted_by_then():
    record = incident(
        "a",
        components=["api"],
        impact="minor",
        started=t("10:00"),
        updates=[update(t("11:00"), components={"api": "major_outage"})],
    )
    assert incident_statuses_at(record, at(t("09:59"))) == {}
    assert incident_statuses_at(record, at(t("10:30"))) == {"api": DEGRADED}
    assert incident_statuses_at(record, at(t("11:00"))) == {"api": MAJOR}
    resolved = record.model_copy(update={"resolved": at(t("12:00"))})
    assert incident_statuses_at(resolved, at(t("12:00"))) == {}


@pytest.mark.parametrize(
    "updates, resolved, expected",
    [
        ([], None, IncidentStatus.INVESTIGATING),
        ([update(t("10:10"), "identified"), update(t("10:20"), "monitoring")], None, IncidentStatus.MONITORING),
        ([], t("11:00"), IncidentStatus.RESOLVED),
        ([update(t("11:00"), "resolved")], t("11:00"), IncidentStatus.RESOLVED),
        ([update(t("10:10"), "monitoring")], t("11:00"), IncidentStatus.RESOLVED),
        ([update(t("10:10"), "identified"), update(t("19:00"), "monitoring")], None, IncidentStatus.IDENTIFIED),
    ],
)
def test_incident_status_is_the_latest_update(updates, resolved, expected):
    record = incident("a", started=t("10:00"), resolved=resolved, updates=updates)
    assert incident_status_at(record, NOW) is expected


@pytest.mark.parametrize(
    "now, status, expected",
    [
        (t("01:59"), None, MaintenanceStatus.SCHEDULED),
        (t("02:00"), None, MaintenanceStatus.IN_PROGRESS),
        (t("03:59"), None, MaintenanceStatus.IN_PROGRESS),
        (t("04:00"), None, MaintenanceStatus.COMPLETED),
        (t("03:00"), "cancelled", MaintenanceStatus.CANCELLED),
        (t("05:00"), "verifying", MaintenanceStatus.VERIFYING),
        (t("01:00"), "cancelled", MaintenanceStatus.CANCELLED),
    ],
)
def test_maintenance_state_from_its_times_unless_the_record_says(now, status, expected):
    window = maintenance("m", t("02:00"), t("04:00"), **({"status": status} if status else {}))
    assert maintenance_state(window, at(now)) is expected


def test_maintenance_overrunning_its_end_lasts_until_now():
    window = maintenance("m", t("02:00"), t("04:00"), status="in_progress")
    assert intervals("api", windows=[window]) == [("02:00", "18:00", MAINT)]


def test_no_segment_is_lost_or_doubled_with_many_overlaps():
    # Staggered hour-long major outages every 10 minutes from 00:00 to 09:50: one stretch
    # from 00:00 to 10:50, whatever the overlap.
    records = [
        incident(f"i{n}", started=f"2021-10-04T{n // 6:02d}:{n % 6 * 10:02d}:00Z",
                 resolved=f"2021-10-04T{(n + 6) // 6:02d}:{(n + 6) % 6 * 10:02d}:00Z")
        for n in range(60)
    ]
    assert intervals("api", records) == [("00:00", "10:50", MAJOR)]
