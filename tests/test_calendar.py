"""maintenance.ics, parsed with icalendar as a subscribing calendar would."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from statusgen.publish.calendar import render_calendar

from sites.corpus import BASE_URL, MAINTENANCE, NOW, by_path, corpus_site


def ics(now: datetime = NOW) -> bytes:
    site = corpus_site(now)
    return by_path(render_calendar(site.records, site.state, site.settings))["maintenance.ics"]


@pytest.fixture(scope="module")
def events() -> dict[str, object]:
    calendar = Calendar.from_ical(ics())
    assert str(calendar["VERSION"]) == "2.0"
    assert "statusgen" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Example Status: maintenance"
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_every_window_is_an_event_with_a_stable_uid(events):
    assert set(events) == {f"{key}@status.example.org" for key in MAINTENANCE}


def test_times_are_the_windows_in_utc(events):
    for key, front in MAINTENANCE.items():
        event = events[f"{key}@status.example.org"]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == datetime.fromisoformat(front["scheduled_start"])
        assert end == datetime.fromisoformat(front["scheduled_end"])
        assert start.utcoffset() == timedelta(0)
        assert str(event["URL"]) == BASE_URL + f"maintenance/{key}/"
        assert str(event["SUMMARY"]) == f"Maintenance: {front['title']}"


def test_cancelled_windows_are_marked_so(events):
    statuses = {uid.split("@")[0]: str(event["STATUS"]) for uid, event in events.items()}
    assert statuses == {"2024-06-01-db": "CONFIRMED", "2024-06-10-cdn": "CONFIRMED",
                        "2024-06-20-search": "CONFIRMED", "2024-06-25-cancelled": "CANCELLED"}


def test_dtstamp_comes_from_the_records_not_the_clock(events):
    cdn = events["2024-06-10-cdn@status.example.org"]
    assert cdn.decoded("DTSTAMP") == datetime(2024, 6, 10, 11, 0, tzinfo=timezone.utc)  # its latest update
    assert int(cdn["SEQUENCE"]) == 2
    assert "Started." in str(cdn["DESCRIPTION"]) and "Image pulls, Image pushes" in str(cdn["DESCRIPTION"])
    db = events["2024-06-01-db@status.example.org"]
    assert db.decoded("DTSTAMP") == datetime(2024, 6, 1, 2, 0, tzinfo=timezone.utc)  # no update: its start
    assert ics() == ics()
    assert ics(NOW + timedelta(hours=1)) == ics(NOW + timedelta(minutes=5))


def test_lines_are_folded_and_end_with_crlf():
    raw = ics()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75 and b"\n" not in line
