"""What the uptime history publishes for tools, read back as its readers read it: the monthly
JSON and CSV (with `csv`), api/sla.json, and the metrics file with prometheus_client's parser,
compared with api/v2/summary.json and api/uptime.json of the same build."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from statusgen.loader import load_records
from statusgen.pipeline import build_outputs
from statusgen.settings import Settings

from conftest import EXAMPLE_NOW, REPO
from sites.records import at, catalogue, incident, records, settings, update

ACTIVE = {"in_progress", "verifying"}
MONTH_KEYS = ["month", "uptime", "span_s", "major_outage_s", "partial_outage_s", "degraded_performance_s"]


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    """The example site's machine-readable files, built as of EXAMPLE_NOW."""
    settings = Settings(content_dir=REPO / "content", site_name="Docker Hub Status", site_url="https://status.example.com/")
    now = datetime.fromisoformat(EXAMPLE_NOW.replace("Z", "+00:00"))
    return {output.path: output.content for output in build_outputs(load_records(settings.content_dir), settings, now)}


def read_json(site: dict[str, bytes], path: str) -> dict:
    return json.loads(site[path])


def test_monthly_json_has_the_contract_shape_and_every_month(site: dict[str, bytes]) -> None:
    monthly = read_json(site, "api/uptime-monthly.json")
    assert list(monthly) == ["now", "components", "groups"] and monthly["now"] == EXAMPLE_NOW
    assert [item["id"] for item in monthly["components"]] == [
        "registry-us-east-1", "registry-cdn", "hub-web", "auth", "search-api", "automated-builds"]
    assert [item["id"] for item in monthly["groups"]] == ["hub", "website"]
    for item in monthly["components"] + monthly["groups"]:
        assert list(item) == ["id", "name", "months"]
        months = [month["month"] for month in item["months"]]
        assert months[-1] == "2021-10"  # the month of now
        assert all(list(month) == MONTH_KEYS for month in item["months"])
        # Contiguous: each month follows the one before.
        for before, after in zip(months, months[1:], strict=False):
            year, number = map(int, before.split("-"))
            assert after == f"{year + number // 12:04d}-{number % 12 + 1:02d}"
    by_id = {item["id"]: item["months"] for item in monthly["components"]}
    assert by_id["registry-cdn"][0]["month"] == "2014-06"  # since 2014-06-09
    assert by_id["registry-cdn"][0]["span_s"] == 22 * 86400
    assert by_id["search-api"][0]["month"] == "2021-08"  # since 2021-08-16
    # No since: from the month of the earliest incident or maintenance window of the site.
    loaded = load_records(REPO / "content")
    earliest = min([loaded.incidents[0].started, loaded.maintenance[0].scheduled_start])
    assert by_id["auth"][0]["month"] == f"{earliest:%Y-%m}"
    july = next(month for month in by_id["registry-cdn"] if month["month"] == "2020-07")
    assert july["major_outage_s"] + july["partial_outage_s"] > 0 and july["uptime"] < 100
    groups = {item["id"]: item["months"] for item in monthly["groups"]}
    assert groups["hub"][0]["month"] == "2014-06"


def test_the_csv_reads_back_as_the_json(site: dict[str, bytes]) -> None:
    text = site["api/uptime-monthly.csv"].decode("utf-8")
    assert text.startswith("kind,id,month,uptime,span_s,major_outage_s,partial_outage_s,degraded_performance_s\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    monthly = read_json(site, "api/uptime-monthly.json")
    expected = [
        {"kind": kind, "id": item["id"], **month}
        for kind, key in (("component", "components"), ("group", "groups"))
        for item in monthly[key]
        for month in item["months"]
    ]
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected, strict=True):
        assert (row["kind"], row["id"], row["month"]) == (want["kind"], want["id"], want["month"])
        assert (float(row["uptime"]) if row["uptime"] else None) == want["uptime"]
        for key in MONTH_KEYS[2:]:
            assert int(row[key]) == want[key]


def test_uptime_json_lists_groups_as_the_bars_show_them(site: dict[str, bytes]) -> None:
    window = read_json(site, "api/uptime.json")
    assert list(window) == ["now", "days", "start", "end", "components", "groups"]
    groups = {item["id"]: item for item in window["groups"]}
    assert set(groups) == {"hub", "website"}
    for group in groups.values():
        assert list(group) == ["id", "name", "uptime", "days"] and len(group["days"]) == window["days"]
    components = {item["id"]: item for item in window["components"]}
    # The worst member's downtime bounds the group's: no member is down when its group is up.
    for index, day in enumerate(groups["hub"]["days"]):
        for member in ("registry-us-east-1", "registry-cdn"):
            member_day = components[member]["days"][index]
            assert day["major_outage_s"] >= member_day["major_outage_s"]


def test_sla_json_has_the_contract_shape(site: dict[str, bytes]) -> None:
    document = read_json(site, "api/sla.json")
    assert sorted(document) == ["now", "plans"] and document["now"] == EXAMPLE_NOW
    plans = {plan["id"]: plan for plan in document["plans"]}
    assert list(plans) == ["pro", "team"]
    team = plans["team"]
    assert sorted(team) == ["components", "id", "months", "target"] and team["target"] == 99.9
    assert team["components"] == ["registry-us-east-1", "registry-cdn", "auth", "hub-web"]
    assert all(sorted(month) == ["complete", "credit", "met", "month", "uptime"] for month in team["months"])
    assert [month["month"] for month in team["months"] if not month["complete"]] == ["2021-10"]
    july = next(month for month in team["months"] if month["month"] == "2020-07")
    assert july["met"] is False and july["credit"] == 25  # 99.2473: below 99.5, not below 99.0
    # The SLA's uptime is the figure of its components taken as one group.
    hub = {month["month"]: month["uptime"] for month in
           {item["id"]: item for item in read_json(site, "api/uptime-monthly.json")["groups"]}["hub"]["months"]}
    assert {month["month"]: month["uptime"] for month in plans["pro"]["months"]} == hub


def metrics(site: dict[str, bytes]) -> dict:
    return {family.name: family for family in text_string_to_metric_families(site["metrics"].decode("utf-8"))}


def test_metrics_have_exactly_the_contract_families(site: dict[str, bytes]) -> None:
    families = metrics(site)
    assert list(families) == [
        "statusgen_component_status", "statusgen_status_indicator", "statusgen_component_uptime_ratio",
        "statusgen_incidents_open", "statusgen_maintenance_active", "statusgen_generated_timestamp_seconds"]
    text = site["metrics"].decode("utf-8")
    for name, family in families.items():
        assert family.type == "gauge" and family.documentation
        assert f"# HELP {name} " in text and f"# TYPE {name} gauge\n" in text
    labels = {name: {frozenset(sample.labels) for sample in family.samples} for name, family in families.items()}
    assert labels == {
        "statusgen_component_status": {frozenset({"component", "status"})},
        "statusgen_status_indicator": {frozenset({"indicator"})},
        "statusgen_component_uptime_ratio": {frozenset({"component"})},
        "statusgen_incidents_open": {frozenset({"impact"})},
        "statusgen_maintenance_active": {frozenset()},
        "statusgen_generated_timestamp_seconds": {frozenset()},
    }


def test_metrics_say_what_summary_and_uptime_json_say(site: dict[str, bytes]) -> None:
    families = metrics(site)
    summary = read_json(site, "api/v2/summary.json")
    window = read_json(site, "api/uptime.json")
    statuses = {(s.labels["component"], s.labels["status"]): s.value for s in families["statusgen_component_status"].samples}
    ids = {component["id"] for component in window["components"]}
    names = {component["name"]: component["id"] for component in window["components"]}
    listed = [component for component in summary["components"] if not component["group"]]
    assert len(listed) == len(ids)
    for component in listed:
        component_id = names[component["name"]]
        ones = [status for (key, status), value in statuses.items() if key == component_id and value == 1]
        assert ones == [component["status"]]
        assert sum(1 for key, _ in statuses if key == component_id) == 5
    indicator = {s.labels["indicator"]: s.value for s in families["statusgen_status_indicator"].samples}
    assert [key for key, value in indicator.items() if value == 1] == [summary["status"]["indicator"]]
    assert set(indicator) == {"none", "minor", "major", "critical", "maintenance"}
    ratios = {s.labels["component"]: s.value for s in families["statusgen_component_uptime_ratio"].samples}
    assert set(ratios) == {item["id"] for item in window["components"]}
    for item in window["components"]:
        assert Decimal(repr(ratios[item["id"]])) * 100 == Decimal(repr(item["uptime"]))
    impacts = {s.labels["impact"]: s.value for s in families["statusgen_incidents_open"].samples}
    assert impacts == {impact: sum(1 for incident in summary["incidents"] if incident["impact"] == impact)
                       for impact in ("none", "minor", "major", "critical")}
    assert sum(impacts.values()) == len(summary["incidents"]) > 0
    (active,) = families["statusgen_maintenance_active"].samples
    assert active.value == sum(1 for window in summary["scheduled_maintenances"] if window["status"] in ACTIVE)
    (generated,) = families["statusgen_generated_timestamp_seconds"].samples
    assert generated.value == datetime.fromisoformat(EXAMPLE_NOW.replace("Z", "+00:00")).timestamp()


def test_metrics_follow_an_outage_and_leave_out_a_component_without_a_figure(tmp_path: Path) -> None:
    now = at("2021-10-04T18:00:00Z")
    components = catalogue({"id": "api"}, {"id": "new", "since": "2021-10-05"})
    open_one = incident("down", impact="critical", components={"api": "major_outage"}, started="2021-10-04T12:00:00Z",
                        updates=[update("2021-10-04T12:05:00Z", "investigating")])
    built = {o.path: o.content for o in build_outputs(records(open_one, components=components), settings(1), now)}
    families = metrics(built)
    statuses = {(s.labels["component"], s.labels["status"]): s.value for s in families["statusgen_component_status"].samples}
    assert statuses[("api", "major_outage")] == 1 and statuses[("new", "operational")] == 1
    indicator = {s.labels["indicator"]: s.value for s in families["statusgen_status_indicator"].samples}
    assert indicator["critical"] == 1 and sum(indicator.values()) == 1
    ratios = {s.labels["component"]: s.value for s in families["statusgen_component_uptime_ratio"].samples}
    assert ratios == {"api": 0.666667}  # 6 of 18 hours down; `new` counts only from tomorrow
    assert {s.labels["impact"]: s.value for s in families["statusgen_incidents_open"].samples}["critical"] == 1
    monthly = json.loads(built["api/uptime-monthly.json"])
    new = next(item for item in monthly["components"] if item["id"] == "new")
    assert new["months"] == [{"month": "2021-10", "uptime": None, "span_s": 0, "major_outage_s": 0,
                              "partial_outage_s": 0, "degraded_performance_s": 0}]
    assert "component,new,2021-10,,0,0,0,0\r\n" in built["api/uptime-monthly.csv"].decode("utf-8")
    assert built["metrics"] == build_outputs_again(components, open_one, now)
    assert datetime.fromtimestamp(families["statusgen_generated_timestamp_seconds"].samples[0].value, timezone.utc) == now


def build_outputs_again(components, open_one, now) -> bytes:
    outputs = build_outputs(records(open_one, components=components), settings(1), now)
    return next(output.content for output in outputs if output.path == "metrics")
