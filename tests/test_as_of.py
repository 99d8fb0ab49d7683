"""The site as of now (DESIGN.md "The site as of now", issue 11): one public view of the
records, and every output built from it.

The property at the heart of it: adding records, updates and resolutions dated after "now"
changes no byte of the site; built later, they appear.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen.errors import ContentError
from statusgen.loader import load_records
from statusgen.models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from statusgen.pipeline import build_outputs
from statusgen.public_view import as_of
from statusgen.records import Records
from statusgen.rules import check_rules
from statusgen.settings import Settings

from sites import records as build
from sites.files import ANNOUNCEMENT, PLANS, write_site

PLN = "content/plans.yml"
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
COMPONENTS = ("api", "web", "db")
SETTINGS = Settings(content_dir=Path("content"), site_name="Example", site_url="https://status.example.com/",
                    uptime_days=30, feed_items=50, history_page_size=5)
"""feed_items: more entries than sites_and_futures makes at most (43), so that every entry of
a site is in its feeds (with 20, the oldest updates of a long site were rightly left out,
and the check that each appears once public failed on them)."""


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def model(record_type: Any, record_id: str, **data: Any) -> Any:
    return build.record(record_type, record_id, f"Body of {record_id}.", **data)


def catalogue() -> ComponentCatalogue:
    return build.catalogue(
        *({"id": key, "name": key.upper(), "group": "core" if key != "db" else None} for key in COMPONENTS),
        groups=({"id": "core", "name": "Core"},),
    )


def plans(team_price: Decimal) -> PlanCatalogue:
    return build.plans(
        {"id": "free", "name": "Free", "price": 0, "period": "month"},
        {"id": "team", "name": "Team", "price": team_price, "period": "month", "per": "user",
         "sla": {"target": 99.9, "components": ["api", "web"], "credits": [{"below": 99.9, "credit": 10}]}},
        currency="EUR",
    )


def sorted_records(incidents, maintenance, postmortems, announcements, team_price) -> Records:
    return build.records(*incidents, components=catalogue(), plans=plans(team_price), maintenance=maintenance,
                         postmortems=postmortems, announcements=announcements)


def incident_data(draw: st.DrawFn, started: datetime, updates: int, resolved: bool) -> dict[str, Any]:
    """An incident's fields: `updates` updates an hour or more apart, the last resolving it."""
    affected = draw(st.lists(st.sampled_from(COMPONENTS), min_size=1, max_size=3, unique=True))
    moments, moment = [], started
    for _ in range(updates):
        moment += timedelta(minutes=draw(st.integers(0, 90)))
        moments.append(moment)
    statuses = ["investigating", "identified", "monitoring"]
    written = [
        {"at": stamp(moment), "status": statuses[min(index, 2)], "body": f"Update {index}.",
         **({"components": {draw(st.sampled_from(affected)): draw(st.sampled_from(["degraded_performance", "major_outage"]))}}
            if draw(st.booleans()) else {})}
        for index, moment in enumerate(moments)
    ]
    data: dict[str, Any] = {"title": "Errors", "impact": draw(st.sampled_from(["minor", "major", "critical"])),
                            "components": {key: "partial_outage" for key in affected}, "started": stamp(started),
                            "updates": written}
    if resolved:
        end = (moments[-1] if moments else started) + timedelta(minutes=30)
        written.append({"at": stamp(end), "status": "resolved", "body": "Fixed."})
        data["resolved"] = stamp(end)
    return data


@st.composite
def sites_and_futures(draw: st.DrawFn) -> tuple[Records, Records, datetime, datetime]:
    """(a valid site, the same site with records dated after now added, now, a moment after all)."""
    now = START + timedelta(days=draw(st.integers(20, 40)), minutes=draw(st.integers(0, 1439)))
    incidents, future_incidents = [], []
    for index in range(draw(st.integers(0, 5))):
        started = now - timedelta(days=draw(st.integers(0, 15)), hours=draw(st.integers(1, 20)))
        data = incident_data(draw, started, draw(st.integers(0, 3)), resolved=False)
        moments = [datetime.fromisoformat(update["at"].replace("Z", "+00:00")) for update in data["updates"]]
        past = [update for update, moment in zip(data["updates"], moments, strict=True) if moment <= now]
        incidents.append(model(Incident, f"i{index}", **{**data, "updates": past}))
        # The same incident, with the updates written ahead and perhaps its resolution.
        ahead = {**data, "updates": past + [update for update, moment in zip(data["updates"], moments, strict=True) if moment > now]}
        if draw(st.booleans()):
            last = max([now, *moments]) + timedelta(minutes=draw(st.integers(1, 600)))
            ahead["updates"] = ahead["updates"] + [{"at": stamp(last), "status": "resolved", "body": "Done."}]
            ahead["resolved"] = stamp(last)
        future_incidents.append(model(Incident, f"i{index}", **ahead))
    closed = draw(st.integers(0, 3))
    for index in range(closed):
        started = now - timedelta(days=draw(st.integers(2, 25)))
        done = model(Incident, f"c{index}", **incident_data(draw, started, draw(st.integers(0, 2)), resolved=True))
        incidents.append(done)
        future_incidents.append(done)
    for index in range(draw(st.integers(0, 2))):  # incidents that start after now
        started = now + timedelta(minutes=draw(st.integers(1, 3000)))
        future_incidents.append(model(Incident, f"f{index}", **incident_data(draw, started, draw(st.integers(0, 2)), draw(st.booleans()))))

    window = {"title": "Upgrade", "components": ["db"], "scheduled_start": stamp(now + timedelta(days=3)),
              "scheduled_end": stamp(now + timedelta(days=3, hours=2))}
    maintenance = [model(Maintenance, "m-known", **window)]
    future_maintenance = maintenance + [
        model(Maintenance, "m-later", **window, announced=stamp(now + timedelta(hours=draw(st.integers(1, 48))))),
        # Announced after now, though it started before: backfilled, still not public at now.
        model(Maintenance, "m-backfilled", **{**window, "scheduled_start": stamp(now - timedelta(hours=1)),
                                               "scheduled_end": stamp(now + timedelta(hours=1))},
              announced=stamp(now + timedelta(minutes=5))),
    ]

    postmortems, future_postmortems = [], []
    explained = [incident for incident in incidents if incident.id.startswith("c")]
    for incident in explained[:1]:
        postmortems.append(postmortem_of(incident.id, now.date()))
    for incident in explained[1:2]:
        future_postmortems.append(postmortem_of(incident.id, now.date() + timedelta(days=draw(st.integers(1, 30)))))

    price = Decimal(draw(st.integers(5, 9)))
    announcements = [model(Announcement, "a-terms", title="Terms", kind="policy", published=str(now.date() - timedelta(days=3)))]
    raised = price + Decimal(draw(st.integers(1, 4)))
    published = now.date() + timedelta(days=draw(st.integers(1, 10)))
    future_announcements = announcements + [
        model(Announcement, "a-price", title="Team price", kind="pricing", published=str(published),
              effective=str(published + timedelta(days=30)), plans=["team"],
              pricing=[{"plan": "team", "from": price, "to": raised, "existing_customers": "next_renewal"}]),
        model(Announcement, "a-notice", title="Later notice", kind="notice", published=str(published)),
    ]
    site = sorted_records(incidents, maintenance, postmortems, announcements, price)
    # plans.yml already says the price after the change: it was edited with the announcement.
    extended = sorted_records(future_incidents, future_maintenance, postmortems + future_postmortems,
                              future_announcements, raised)
    later = now + timedelta(days=60)
    return site, extended, now, later


def postmortem_of(incident_id: str, published: date) -> Postmortem:
    return model(Postmortem, f"pm-{incident_id}", title=f"Post-mortem of {incident_id}", incident=incident_id,
                 published=str(published), authors=["Ops"], summary="What happened.", impact="Some.",
                 root_cause="A bug.", third_parties=[], timeline=[], action_items=[])


def files(records: Records, now: datetime) -> dict[str, bytes]:
    return {output.path: output.content for output in build_outputs(records, SETTINGS, now)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sites_and_futures())
def test_what_is_dated_after_now_changes_no_byte_and_appears_later(case: tuple[Records, Records, datetime, datetime]) -> None:
    site, extended, now, later = case
    assert check_rules(site) == [] and check_rules(extended) == []  # both are valid sites
    built = files(site, now)
    assert {"uptime/index.html", "sla/index.html", "api/uptime-monthly.json", "api/uptime-monthly.csv", "api/sla.json",
            "metrics"} <= set(built)  # the uptime history is among the files compared
    assert files(extended, now) == built

    built_later = files(extended, later)
    for incident in extended.incidents:
        assert f"incidents/{incident.id}/index.html" in built_later
    for postmortem in extended.postmortems:
        assert f"postmortems/{postmortem.id}/index.html" in built_later
    for window in extended.maintenance:
        assert f"maintenance/{window.id}/index.html" in built_later
    for announcement in extended.announcements:
        assert f"announcements/{announcement.id}/index.html" in built_later
    entries = {entry.id for entry in feedparser.parse(built_later["atom.xml"]).entries}
    for incident in extended.incidents[-3:]:
        page = f"https://status.example.com/incidents/{incident.id}/"
        assert {f"{page}#update-{n}" for n in range(1, len(incident.updates) + 1)} <= entries or not incident.updates
    plans = json.loads(built_later["api/plans.json"])
    team = next(plan for plan in plans["plans"] if plan["id"] == "team")
    assert Decimal(team["price"]) == extended.plans.plans[1].price and team["upcoming"] == []


NOW = datetime(2021, 10, 4, 18, 0, tzinfo=timezone.utc)


def open_incident(**changes: Any) -> Incident:
    data = {"title": "Pulls failing", "impact": "major", "components": ["api"], "started": "2021-10-04T12:00:00Z",
            "updates": [{"at": "2021-10-04T12:10:00Z", "status": "investigating", "body": "Looking."},
                        {"at": "2021-10-04T21:40:00Z", "status": "resolved", "body": "Fixed, written ahead."}],
            "resolved": "2021-10-04T21:40:00Z"}
    return model(Incident, "pulls", **{**data, **changes})


def test_an_update_and_resolution_written_ahead_wait_for_their_time() -> None:
    view = as_of(sorted_records([open_incident()], [], [], [], Decimal(5)), NOW)
    (incident,) = view.incidents
    assert incident.resolved is None
    assert [update.status.value for update in incident.updates] == ["investigating"]
    assert as_of(sorted_records([open_incident()], [], [], [], Decimal(5)), NOW + timedelta(hours=4)).incidents[0].resolved is not None


def test_a_resolution_in_force_keeps_an_update_written_after_it_hidden() -> None:
    incident = open_incident(resolved="2021-10-04T17:00:00Z", updates=[
        {"at": "2021-10-04T12:10:00Z", "status": "investigating", "body": "Looking."},
        {"at": "2021-10-04T19:00:00Z", "status": "resolved", "body": "Written late."},
    ])
    (seen,) = as_of(sorted_records([incident], [], [], [], Decimal(5)), NOW).incidents
    assert seen.resolved is not None and len(seen.updates) == 1


def test_each_record_kind_is_public_from_its_own_date() -> None:
    records = sorted_records(
        [open_incident(), model(Incident, "later", title="Later", impact="minor", components=["api"], started="2021-10-04T18:00:01Z")],
        [model(Maintenance, "m", title="M", components=["api"], scheduled_start="2021-10-10T00:00:00Z",
               scheduled_end="2021-10-10T01:00:00Z", announced="2021-10-04T18:00:00Z"),
         model(Maintenance, "n", title="N", components=["api"], scheduled_start="2021-10-10T00:00:00Z",
               scheduled_end="2021-10-10T01:00:00Z", announced="2021-10-04T18:00:01Z")],
        [postmortem_of("pulls", date(2021, 10, 5))],
        [model(Announcement, "today", title="T", kind="notice", published="2021-10-04"),
         model(Announcement, "tomorrow", title="T", kind="notice", published="2021-10-05")],
        Decimal(5),
    )
    view = as_of(records, NOW)
    assert [incident.id for incident in view.incidents] == ["pulls"]  # `started` at now is public, a second later is not
    assert [window.id for window in view.maintenance] == ["m"]
    assert view.postmortems == ()  # published tomorrow (00:00 UTC)
    assert [announcement.id for announcement in view.announcements] == ["today"]
    assert [postmortem.id for postmortem in as_of(records, datetime(2021, 10, 5, tzinfo=timezone.utc)).postmortems] == ["pm-pulls"]


def test_the_price_in_force_is_the_from_of_the_first_change_not_yet_in_effect() -> None:
    def change(record_id: str, published: str, effective: str, old: int, new: int) -> Announcement:
        return model(Announcement, record_id, title=record_id, kind="pricing", published=published, effective=effective,
                     pricing=[{"plan": "team", "from": old, "to": new, "existing_customers": "grandfathered"}])

    announcements = [change("first", "2021-09-01", "2021-10-01", 5, 7), change("second", "2021-09-20", "2021-11-01", 7, 9),
                     change("third", "2021-12-01", "2022-01-01", 9, 12)]
    records = sorted_records([], [], [], announcements, Decimal(12))
    assert check_rules(records) == []
    prices = {moment: as_of(records, datetime.fromisoformat(moment)).plans.plans[1].price
              for moment in ("2021-09-30T23:59:59+00:00", "2021-10-01T00:00:00+00:00", "2021-11-15T00:00:00+00:00",
                             "2022-01-01T00:00:00+00:00")}
    assert list(prices.values()) == [5, 7, 9, 12]
    # What the public sees of the changes to come: only those already announced.
    state_files = files(records, NOW)
    team = json.loads(state_files["api/plans.json"])["plans"][1]
    assert team["price"] == "7.00"
    assert team["upcoming"] == [{"price": "9.00", "effective": "2021-11-01", "existing_customers": "grandfathered",
                                 "announcement": "second"}]
    assert b"12" not in state_files["pricing/index.html"].split(b"<tbody>")[1].split(b"</tbody>")[0]


def test_a_broken_price_chain_names_both_files(tmp_path: Path) -> None:
    content = write_site(tmp_path, {PLN: PLANS.replace("price: 9", "price: 8")})
    try:
        load_records(content)
    except ContentError as error:
        (problem,) = error.problems
    else:
        raise AssertionError("a price chain that does not reach plans.yml's price must fail")
    assert problem.path == str(content / "announcements" / "team-price.md")
    assert problem.field == "pricing.0.to"
    assert "goes to 9" in problem.message and "price as 8" in problem.message
    assert problem.message.endswith(f"({content / 'plans.yml'}:9)")  # the team plan's price


def test_two_changes_that_do_not_meet_are_reported_at_the_later_one(tmp_path: Path) -> None:
    later = (ANNOUNCEMENT.replace("published: 2021-09-20", "published: 2021-12-01")
             .replace("effective: 2021-11-01", "effective: 2022-01-01").replace("from: 7", "from: 10").replace("to: 9", "to: 12"))
    content = write_site(tmp_path, {"content/announcements/2021-12-01-again.md": later,
                                    PLN: PLANS.replace("price: 9", "price: 12")})
    try:
        load_records(content)
    except ContentError as error:
        messages = [str(problem) for problem in error.problems]
    else:
        raise AssertionError("changes 7 -> 9 then 10 -> 12 do not chain")
    assert len(messages) == 1
    assert "2021-12-01-again.md:" in messages[0] and "pricing.0.from" in messages[0]
    assert "takes it to 9" in messages[0] and "team-price.md:" in messages[0]


def test_a_resolving_update_dated_before_the_resolution_says_nothing_until_then() -> None:
    incident = open_incident(updates=[
        {"at": "2021-10-04T12:10:00Z", "status": "investigating", "body": "Looking."},
        {"at": "2021-10-04T17:30:00Z", "status": "resolved", "body": "Fixed at 21:40."},
    ])
    (seen,) = as_of(sorted_records([incident], [], [], [], Decimal(5)), NOW).incidents
    assert seen.resolved is None and [update.status.value for update in seen.updates] == ["investigating"]


def test_every_output_of_a_build_tells_one_story_as_of_now(tmp_path: Path) -> None:
    """The issue's report: an open incident whose resolution is already written (dated after
    now) must be open on the front page, its own page, the API, the feeds and the badge."""
    from click.testing import CliRunner

    from statusgen.cli import main

    write_site(tmp_path)  # its incident runs 10:00 to 12:00 on 2021-10-01; its post-mortem is out on 10-05
    (tmp_path / "mkdocs.yml").write_text("site_name: One story\nsite_url: https://status.example.com/\n"
                                         "docs_dir: content\ntheme:\n  name: statusgen\nplugins:\n  - statusgen\n")
    result = CliRunner().invoke(main, ["build", "-q", "-f", str(tmp_path / "mkdocs.yml"), "--now", "2021-10-01T11:00:00Z"])
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    summary = json.loads((site / "api/v2/summary.json").read_text())
    assert [incident["name"] for incident in summary["incidents"]] == ["API errors"]
    assert summary["incidents"][0]["status"] == "investigating" and summary["incidents"][0]["resolved_at"] is None
    assert summary["status"]["indicator"] == "major"
    assert json.loads((site / "badge.json").read_text())["message"] == summary["status"]["description"]
    page = (site / "incidents/api-errors/index.html").read_text()
    assert "Fixed." not in page and "postmortems/" not in page
    assert "<div><dt>Resolved</dt><dd>Not yet</dd></div>" in page
    assert "API errors" in (site / "index.html").read_text().split("</header>")[1]
    entries = feedparser.parse((site / "atom.xml").read_bytes()).entries
    assert [entry.id for entry in entries if "/incidents/" in entry.id] == [
        "https://status.example.com/incidents/api-errors/#update-1"]
    assert not (site / "postmortems/api-errors-postmortem").exists() and not list((site / "postmortems").glob("*/"))
