"""The site of the page tests: every page kind, and record text that tries to inject script.
Built from validated records, derived by the real `derive_state`, rendered by `render_pages`."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from statusgen.derive import derive_state
from statusgen.models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from statusgen.outputs import OutputFile
from statusgen.publish.pages import render_pages
from statusgen.records import Records
from statusgen.settings import Settings

from . import records as build

NOW = datetime(2021, 10, 4, 18, 0, tzinfo=timezone.utc)
HOSTILE_TITLE = 'Pulls failing <script>alert("title")</script>'
HOSTILE_BODY = (
    "Investigating. <script>alert('body')</script>\n\n"
    '<img src="x" onerror="alert(1)"> [click](javascript:alert(2)) <b onclick="x()">bold</b>'
)


def components() -> ComponentCatalogue:
    return build.catalogue(
        {"id": "registry-us", "name": "Registry (us-east-1)", "group": "hub", "since": "2021-09-20"},
        {"id": "registry-cdn", "name": "Registry <CDN>", "group": "hub", "description": "Pulls through the `CDN`"},
        {"id": "builds", "name": "Automated builds"},
        groups=({"id": "hub", "name": "Registry"},),
    )


def plans() -> PlanCatalogue:
    return build.plans(
        {"id": "free", "name": "Free", "price": 0, "period": "month"},
        {"id": "pro", "name": "Pro", "price": 5, "period": "month", "features": ["Unlimited retention"]},
        {"id": "team", "name": "Team", "price": 9, "period": "month", "per": "user"},
    )


def incidents() -> list[Incident]:
    resolved = build.incident(
        "2021-09-30-cdn", "A **summary** of what happened.",
        title="CDN drops pulls", impact="major", components={"registry-cdn": "partial_outage"},
        started="2021-09-30T19:00:00Z", resolved="2021-10-01T06:30:00Z",
        updates=[
            {"at": "2021-10-01T01:45:00Z", "status": "investigating", "body": "Looking.",
             "components": {"registry-cdn": "major_outage"}},
            {"at": "2021-10-01T05:40:00Z", "status": "identified", "body": "Found it."},
            {"at": "2021-10-01T06:30:00Z", "status": "resolved", "body": "Fixed.",
             "components": {"registry-cdn": "operational"}},
        ],
    )
    hostile = build.incident(
        "2021-10-04-hostile", HOSTILE_BODY,
        title=HOSTILE_TITLE, impact="minor", components=["builds"], started="2021-10-04T15:00:00Z",
        updates=[{"at": "2021-10-04T15:30:00Z", "status": "identified", "body": HOSTILE_BODY}],
    )
    old = [
        build.incident(f"2021-0{month}-old", title=f"Old incident {month}", impact="none",
                       components=["registry-us"], started=f"2021-0{month}-10T10:00:00Z",
                       resolved=f"2021-0{month}-10T11:00:00Z",
                       updates=[{"at": f"2021-0{month}-10T11:00:00Z", "status": "resolved", "body": "Done."}])
        for month in (5, 6, 7)
    ]
    return [*old, resolved, hostile]


def postmortem() -> Postmortem:
    return build.postmortem(
        "cdn-postmortem", "2021-09-30-cdn", "## The long story\n\nIt was the CDN. <script>x()</script>",
        title="Post-mortem: CDN drops pulls", published="2021-10-02",
        authors=["Jane Doe"], summary="Pulls failed.", impact="Many users.", trigger="A rule.",
        root_cause="An anti-botnet rule.", detection="A partner told us.", resolution="Rule off.",
        third_parties=["CDN provider", "Cloud provider"],
        timeline=[{"at": "2021-09-30T19:00:00Z", "event": "Pulls *start* failing."}],
        action_items=[{"title": "Alert on per-OS errors", "type": "detect", "status": "planned",
                       "owner": "registry team", "link": "https://tracker.example/1"}],
        lessons={"went_well": ["Partners helped."], "went_wrong": ["Slow detection."], "got_lucky": []},
    )


def maintenance() -> list[Maintenance]:
    return [
        build.maintenance("db-upgrade", "2021-10-04T17:00:00Z", "2021-10-04T19:00:00Z", "Upgrading the database.",
                          title="Database upgrade", components=["registry-us"]),
        build.maintenance("workers", "2021-10-12T02:00:00Z", "2021-10-12T04:00:00Z",
                          title="Build workers", components=["builds"]),
    ]


def announcements() -> list[Announcement]:
    return [
        build.announcement("retention", "Free accounts lose inactive images.",
                           title="Inactive images deleted", kind="retention", published="2021-08-13",
                           effective="2021-11-01", plans=["free"],
                           retention={"subject": "inactive images", "inactive_after": "P6M", "action": "delete"}),
        build.announcement("team-price", title="Team price change", kind="pricing",
                           published="2021-09-20", effective="2021-11-01",
                           pricing=[{"plan": "team", "from": 7, "to": 9, "existing_customers": "next_renewal"}]),
        build.announcement("terms", title="New terms", kind="policy", published="2021-09-25"),
    ]


def site_records(with_plans: bool = True, extra: list[Incident] | None = None) -> Records:
    """The records of the test site, sorted as the loader sorts them."""
    return build.records(
        *incidents(), *(extra or []),
        components=components(),
        plans=plans() if with_plans else None,
        maintenance=maintenance(),
        postmortems=(postmortem(),),
        announcements=announcements(),
    )


def site_settings(**changes: Any) -> Settings:
    base = Settings(content_dir=Path("content"), site_name="Hub <Status>",
                    site_url="https://status.example.com/", prefix="status/", uptime_days=30)
    return dataclasses.replace(base, **changes)


def render(records: Records | None = None, **changes: Any) -> dict[str, OutputFile]:
    """Render the pages of the test site; path -> file."""
    records = records or site_records()
    settings = site_settings(**changes)
    state = derive_state(records, settings, NOW)
    return {output.path: output for output in render_pages(state.public, state, settings)}
