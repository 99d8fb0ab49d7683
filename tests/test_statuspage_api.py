"""The api/v2/ files, parsed and compared field by field with Statuspage's public API v2.

The reference shapes below are written from Statuspage's documentation and from payloads that
real Statuspage pages serve (e.g. summary.json of a page with groups and a scheduled
maintenance), not from our output: every documented field must be there with its type, and
nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from statusgen.models import Incident, IncidentUpdate
from statusgen.publish import statuspage_api
from statusgen.publish.statuspage_api import render_statuspage_api
from statusgen.publish.statuspage_incidents import incident_object
from statusgen.publish.statuspage_objects import ApiContext

from sites.corpus import NOW, by_path, corpus_records, corpus_site, many_incidents

Check = Callable[[Any], bool]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$")
STATUSPAGE_ID = re.compile(r"^[a-z0-9]{12}$")


def text(value: Any) -> bool:
    return isinstance(value, str)


def timestamp(value: Any) -> bool:
    return isinstance(value, str) and bool(TIMESTAMP.match(value))


def nullable(check: Check) -> Check:
    return lambda value: value is None or check(value)


def one_of(*choices: str) -> Check:
    return lambda value: value in choices


def integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def boolean(value: Any) -> bool:
    return isinstance(value, bool)


def day(value: Any) -> bool:
    return isinstance(value, str) and bool(re.match(r"^\d{4}-\d\d-\d\d$", value))


def statuspage_id(value: Any) -> bool:
    return isinstance(value, str) and bool(STATUSPAGE_ID.match(value))


COMPONENT_STATUS = one_of("operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance")

PAGE = {"id": statuspage_id, "name": text, "url": text, "time_zone": text, "updated_at": timestamp}
STATUS = {"indicator": one_of("none", "minor", "major", "critical", "maintenance"), "description": text}
COMPONENT = {
    "id": statuspage_id, "name": text, "status": COMPONENT_STATUS, "created_at": timestamp,
    "updated_at": timestamp, "position": integer, "description": nullable(text), "showcase": boolean,
    "start_date": nullable(day), "group_id": nullable(statuspage_id), "page_id": statuspage_id,
    "group": boolean, "only_show_if_degraded": boolean,
}
GROUP = {**COMPONENT, "components": lambda value: isinstance(value, list) and all(map(statuspage_id, value))}
AFFECTED = {"code": statuspage_id, "name": text, "old_status": COMPONENT_STATUS, "new_status": COMPONENT_STATUS}
UPDATE_FIELDS = {
    "id": statuspage_id, "body": text, "incident_id": statuspage_id, "created_at": timestamp,
    "updated_at": timestamp, "display_at": timestamp, "affected_components": "affected",
    "deliver_notifications": boolean, "custom_tweet": nullable(text), "tweet_id": nullable(text),
}
INCIDENT_FIELDS = {
    "id": statuspage_id, "name": text, "created_at": timestamp, "updated_at": timestamp,
    "monitoring_at": nullable(timestamp), "resolved_at": nullable(timestamp), "started_at": timestamp,
    "shortlink": text, "page_id": statuspage_id, "incident_updates": "updates", "components": "components",
}
INCIDENT = {**INCIDENT_FIELDS, "status": one_of("investigating", "identified", "monitoring", "resolved", "postmortem"),
            "impact": one_of("none", "minor", "major", "critical")}
MAINTENANCE_STATUS = one_of("scheduled", "in_progress", "verifying", "completed")
MAINTENANCE = {**INCIDENT_FIELDS, "status": MAINTENANCE_STATUS, "impact": one_of("maintenance", "none", "minor", "major", "critical"),
               "scheduled_for": timestamp, "scheduled_until": timestamp}


def assert_shape(value: dict[str, Any], reference: dict[str, Any], where: str, update_status: Check = None) -> None:
    assert isinstance(value, dict), where
    assert set(value) == set(reference), f"{where}: fields {sorted(set(value) ^ set(reference))}"
    for field, check in reference.items():
        item = value[field]
        if check == "affected":
            assert item is None or (isinstance(item, list) and item), f"{where}.{field}"
            for index, entry in enumerate(item or []):
                assert_shape(entry, AFFECTED, f"{where}.{field}[{index}]")
        elif check == "updates":
            assert isinstance(item, list), f"{where}.{field}"
            statuses = MAINTENANCE_STATUS if "scheduled_for" in reference else INCIDENT["status"]
            for index, entry in enumerate(item):
                assert_shape(entry, {**UPDATE_FIELDS, "status": statuses}, f"{where}.{field}[{index}]")
                assert entry["incident_id"] == value["id"]
        elif check == "components":
            for index, entry in enumerate(item):
                assert_shape(entry, COMPONENT, f"{where}.{field}[{index}]")
        else:
            assert check(item), f"{where}.{field} = {item!r}"


def api(site) -> dict[str, Any]:
    files = by_path(render_statuspage_api(site.records, site.state, site.settings))
    parsed = {}
    for path, content in files.items():
        assert path.startswith("api/v2/") and content.endswith(b"\n")
        parsed[path.removeprefix("api/v2/")] = json.loads(content.decode("utf-8"))
    return parsed


@pytest.fixture(scope="module")
def published() -> dict[str, Any]:
    return api(corpus_site())


def test_every_documented_file_is_published(published):
    assert set(published) == {
        "summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
        "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json",
    }


def test_every_object_has_statuspage_fields_and_types(published):
    for name, document in published.items():
        assert_shape(document["page"], PAGE, f"{name}.page")
        for index, component in enumerate(document.get("components", [])):
            assert_shape(component, GROUP if component["group"] else COMPONENT, f"{name}.components[{index}]")
        for index, incident in enumerate(document.get("incidents", [])):
            assert_shape(incident, INCIDENT, f"{name}.incidents[{index}]")
        for index, window in enumerate(document.get("scheduled_maintenances", [])):
            assert_shape(window, MAINTENANCE, f"{name}.scheduled_maintenances[{index}]")
        if "status" in document:
            assert_shape(document["status"], STATUS, f"{name}.status")
    assert set(published["summary.json"]) == {"page", "components", "incidents", "scheduled_maintenances", "status"}
    assert set(published["status.json"]) == {"page", "status"}


def test_summary_states_the_page_as_of_now(published):
    summary = published["summary.json"]
    assert summary["status"] == {"indicator": "minor", "description": "Minor Service Outage"}
    statuses = {component["name"]: component["status"] for component in summary["components"]}
    assert statuses == {"Registry & CDN": "under_maintenance", "Image pulls": "under_maintenance",
                        "Image pushes": "under_maintenance", "Website <main>": "degraded_performance"}
    assert [incident["name"] for incident in summary["incidents"]] == ["Website slow"]
    assert [(m["name"], m["status"]) for m in summary["scheduled_maintenances"]] == [
        ("CDN switch", "in_progress"), ("Search reindex", "scheduled")]
    assert summary["page"] == published["status.json"]["page"] == published["components.json"]["page"]
    assert summary["page"]["time_zone"] == "Etc/UTC" and summary["page"]["url"] == "https://status.example.org"


def test_maintenance_lists(published):
    def names(name):
        return [(m["name"], m["status"]) for m in published[name]["scheduled_maintenances"]]

    assert names("scheduled-maintenances/upcoming.json") == [("Search reindex", "scheduled")]
    assert names("scheduled-maintenances/active.json") == [("CDN switch", "in_progress")]
    # Newest first; a cancelled window does not exist for Statuspage clients.
    assert names("scheduled-maintenances.json") == [
        ("Search reindex", "scheduled"), ("CDN switch", "in_progress"), ("Database upgrade", "completed")]
    done = published["scheduled-maintenances.json"]["scheduled_maintenances"][2]
    assert done["scheduled_for"] == "2024-06-01T02:00:00.000Z" and done["resolved_at"] == "2024-06-01T04:00:00.000Z"
    active = published["scheduled-maintenances/active.json"]["scheduled_maintenances"][0]
    assert [u["status"] for u in active["incident_updates"]][:2] == ["in_progress", "scheduled"]
    assert {c["name"] for c in active["components"]} == {"Image pulls", "Image pushes"}


def test_incident_updates_newest_first_with_component_changes(published):
    incident = next(i for i in published["incidents.json"]["incidents"] if i["name"].startswith("Pulls"))
    updates = incident["incident_updates"]
    assert [u["status"] for u in updates] == ["resolved", "monitoring", "identified", "investigating"]
    changes = [[(a["name"], a["old_status"], a["new_status"]) for a in u["affected_components"]] for u in updates]
    assert changes == [
        [("Image pulls", "degraded_performance", "operational")],
        [("Image pulls", "major_outage", "degraded_performance")],
        [("Image pulls", "partial_outage", "major_outage")],
        [("Image pulls", "operational", "partial_outage")],
    ]
    assert incident["status"] == "postmortem"  # resolved, and its post-mortem is published
    assert incident["resolved_at"] == "2024-05-02T04:30:00.000Z"  # written as 06:30+02:00
    assert incident["monitoring_at"] == "2024-05-02T04:00:00.000Z"
    assert incident["started_at"] == "2024-05-01T19:00:00.000Z" and incident["impact"] == "major"
    assert updates[-1]["body"] == "Looking into **failed** pulls."  # Statuspage bodies are plain text
    assert incident["shortlink"] == "https://status.example.org/incidents/2024-05-01-pulls-failing/"
    assert [c["name"] for c in incident["components"]] == ["Image pulls"]


def test_groups_list_their_members(published):
    components = published["components.json"]["components"]
    group = next(c for c in components if c["group"])
    members = [c for c in components if c["group_id"] == group["id"]]
    assert group["components"] == [c["id"] for c in members]
    assert [c["position"] for c in members] == [1, 2]
    assert [c["name"] for c in components] == ["Registry & CDN", "Image pulls", "Image pushes", "Website <main>"]
    assert next(c for c in components if c["name"] == "Image pulls")["start_date"] == "2020-01-01"


def all_ids(document: Any) -> set[str]:
    found = set()
    if isinstance(document, dict):
        for key, value in document.items():
            if key in ("id", "incident_id", "page_id", "group_id", "code") and isinstance(value, str):
                found.add(value)
            found |= all_ids(value)
    elif isinstance(document, list):
        for value in document:
            found |= all_ids(value)
    return found


def test_ids_are_stable_across_builds_and_distinct(published):
    later = api(corpus_site(NOW + timedelta(days=30)))
    for name in ("components.json", "incidents.json"):
        key = "components" if name == "components.json" else "incidents"
        assert [o["id"] for o in later[name][key]] == [o["id"] for o in published[name][key]]
    incidents = published["incidents.json"]["incidents"]
    update_ids = [u["id"] for i in incidents for u in i["incident_updates"]]
    assert len(set(update_ids)) == len(update_ids)
    assert all(STATUSPAGE_ID.match(value) for value in all_ids(published["summary.json"]))


def test_an_update_added_late_leaves_the_other_updates_ids_as_they_were(published):
    """An update inserted between two others (written down after the fact) renumbers the later
    ones on the page, never their ids: an update's id is made of its time."""
    loaded = corpus_records()
    pulls = next(incident for incident in loaded.incidents if incident.title.startswith("Pulls"))
    first, second = pulls.updates[0].at, pulls.updates[1].at
    late = IncidentUpdate.model_validate({"at": first + (second - first) / 2, "status": "investigating", "body": "Added late."})
    edited = pulls.model_copy(update={"updates": (pulls.updates[0], late, *pulls.updates[1:])})
    with_late = api(corpus_site(records=replace(loaded, incidents=tuple(
        edited if incident is pulls else incident for incident in loaded.incidents))))

    def ids(document: dict[str, Any]) -> dict[str, str]:
        incident = next(i for i in document["incidents.json"]["incidents"] if i["name"].startswith("Pulls"))
        return {update["created_at"]: update["id"] for update in incident["incident_updates"]}

    before, after = ids(published), ids(with_late)
    assert len(after) == len(before) + 1
    assert {moment: after[moment] for moment in before} == before
    assert len(set(after.values())) == len(after)


def test_same_input_same_bytes_and_page_time_is_not_the_clock():
    site = corpus_site()
    first = by_path(render_statuspage_api(site.records, site.state, site.settings))
    again = corpus_site()
    assert by_path(render_statuspage_api(again.records, again.state, again.settings)) == first
    # Half an hour later nothing was recorded: the page still last changed at 11:00.
    later = api(corpus_site(NOW + timedelta(minutes=30)))
    assert json.loads(first["api/v2/status.json"])["page"]["updated_at"] == "2024-06-10T11:00:00.000Z"
    assert later["status.json"]["page"]["updated_at"] == "2024-06-10T11:00:00.000Z"


def test_incidents_json_lists_the_fifty_most_recent():
    records = many_incidents(60)
    site = corpus_site(now=NOW, records=records)
    incidents = api(site)["incidents.json"]["incidents"]
    assert len(incidents) == 50
    assert incidents[0]["name"] == "Incident 59" and incidents[-1]["name"] == "Incident 10"
    started = [incident["started_at"] for incident in incidents]
    assert started == sorted(started, reverse=True)


def test_an_earlier_now_shows_the_page_as_it_was():
    before = api(corpus_site(NOW.replace(month=5, day=2, hour=3)))
    [incident] = before["incidents/unresolved.json"]["incidents"]
    assert incident["status"] == "identified" and incident["resolved_at"] is None
    assert [u["status"] for u in incident["incident_updates"]] == ["identified", "investigating"]
    # A component in major outage makes the page's indicator critical, as on Statuspage.
    assert before["summary.json"]["status"]["indicator"] == "critical"
    resolved = api(corpus_site(NOW.replace(month=5, day=10)))["incidents.json"]["incidents"]
    assert [i["status"] for i in resolved] == ["resolved"]  # the post-mortem comes out on 20 May
    pulls = next(c for c in before["summary.json"]["components"] if c["name"] == "Image pulls")
    assert pulls["status"] == "major_outage"


def test_a_long_history_builds_only_the_incidents_it_lists(monkeypatch: pytest.MonkeyPatch):
    # incidents.json lists the 50 newest: the other 9,950 are never turned into objects.
    # (How long it takes is measured by benchmarks/stages.py.)
    built: list[str] = []

    def counted(incident: Incident, ctx: ApiContext) -> dict[str, Any]:
        built.append(incident.id)
        return incident_object(incident, ctx)

    monkeypatch.setattr(statuspage_api, "incident_object", counted)
    site = corpus_site(now=NOW, records=many_incidents(10_000))
    files = render_statuspage_api(site.records, site.state, site.settings)
    incidents = json.loads(next(f.content for f in files if f.path == "api/v2/incidents.json"))["incidents"]
    assert len(incidents) == 50 and incidents[0]["name"] == "Incident 9999"
    assert not site.state.open_incidents
    assert sorted(built) == sorted(f"incident-{number:05d}" for number in range(9950, 10_000))


def test_component_dates_come_from_since_and_the_records(published):
    dates = {c["name"]: (c["created_at"], c["updated_at"]) for c in published["components.json"]["components"]}
    assert dates == {
        "Image pulls": ("2020-01-01T00:00:00.000Z", "2024-06-10T11:00:00.000Z"),  # since; the window starts
        "Image pushes": ("2024-06-01T02:00:00.000Z", "2024-06-10T11:00:00.000Z"),  # first record naming it
        "Registry & CDN": ("2020-01-01T00:00:00.000Z", "2024-06-10T11:00:00.000Z"),  # its members'
        "Website <main>": ("2024-06-10T09:00:00.000Z", "2024-06-10T10:00:00.000Z"),  # later windows don't count
    }
