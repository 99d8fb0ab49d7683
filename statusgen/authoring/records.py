"""Scaffolds of the other records: maintenance windows, post-mortems and announcements.

Like the incident commands, each checks the ids it is given, checks the site as it would be
with the new file, and only then writes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from ..models import AnnouncementKind, Incident
from ..wording import label
from .incidents import choose
from .slug import dated_id, unique_id
from .workspace import AuthoringError, Changes, apply_changes, file_ids, load_current, require_known
from .yamlio import CommentedMap, CommentedSeq, new_record_text, stamp, text

DRAFT_NOTE = "Draft written by statusgen: replace every placeholder before you publish it."
"""The comment at the top of scaffolds that hold placeholder text."""


def new_maintenance(
    content_dir: Path, title: str, start: datetime, end: datetime, components: Sequence[str], message: str | None = None,
    announced: datetime | None = None,
) -> Path:
    """Write `maintenance/<start date>-<slug>.md`; the path written. With `announced`, the
    window stays off the site until then."""
    records = load_current(content_dir)
    if not components:
        raise AuthoringError("name at least one component under maintenance with --component ID")
    known = [component.id for component in records.components.components]
    for component_id in components:
        require_known("component", component_id, known)
    taken = {window.id for window in records.maintenance} | file_ids(content_dir, "maintenance")
    record_id = dated_id(start.date(), title, taken)
    front_matter = {
        "title": text(title),
        "components": CommentedSeq(dict.fromkeys(components)),
        "scheduled_start": stamp(start),
        "scheduled_end": stamp(end),
    }
    if announced is not None:
        front_matter["announced"] = stamp(announced)
    return _write(content_dir, f"maintenance/{record_id}.md", new_record_text(front_matter, message or ""))


def new_postmortem(content_dir: Path, incident_id: str, today: date, authors: Sequence[str] = ()) -> Path:
    """Write a post-mortem draft for an incident, its timeline taken from the incident's updates."""
    records = load_current(content_dir)
    require_known("incident", incident_id, [incident.id for incident in records.incidents])
    incident = next(incident for incident in records.incidents if incident.id == incident_id)
    for postmortem in records.postmortems:
        if postmortem.incident == incident_id:
            raise AuthoringError(f"incident '{incident_id}' already has a post-mortem: postmortems/{postmortem.id}.md")
    record_id = unique_id(incident_id, {postmortem.id for postmortem in records.postmortems} | file_ids(content_dir, "postmortems"))
    front_matter = {
        "title": text(f"Post-mortem: {incident.title}"),
        "incident": incident_id,
        "published": max(today, incident.started.date()),
        "authors": CommentedSeq(text(author) for author in authors),
        "summary": "What happened, in one paragraph.",
        "impact": "Who was affected, how, and for how long.",
        "root_cause": "Why it happened.",
        "timeline": _timeline(incident),
        "action_items": CommentedSeq(),
    }
    return _write(content_dir, f"postmortems/{record_id}.md", new_record_text(front_matter, "", comment=DRAFT_NOTE))


def new_announcement(
    content_dir: Path, title: str, kind: str, published: date, effective: date | None = None,
    plans: Sequence[str] = (), body: str | None = None,
) -> Path:
    """Write `announcements/<published>-<slug>.md`; retention and pricing notices get a block to fill in."""
    records = load_current(content_dir)
    chosen = choose(AnnouncementKind, kind, "announcement kind")
    known_plans = {plan.id: plan for plan in records.plans.plans} if records.plans else {}
    for plan_id in plans:
        require_known("plan", plan_id, known_plans)
    front_matter: dict[str, object] = {"title": text(title), "kind": chosen.value, "published": published}
    if effective is not None:
        front_matter["effective"] = effective
    if plans:
        front_matter["plans"] = CommentedSeq(dict.fromkeys(plans))
    comment = None
    if chosen is AnnouncementKind.RETENTION:
        front_matter["retention"] = CommentedMap([("subject", "inactive items"), ("inactive_after", "P6M"), ("action", "delete")])
        comment = DRAFT_NOTE
    if chosen is AnnouncementKind.PRICING:
        if not plans:
            raise AuthoringError("a pricing announcement names the plans whose price changes: add --plan ID")
        front_matter["pricing"] = CommentedSeq(
            CommentedMap([("plan", plan_id), ("from", known_plans[plan_id].price), ("to", known_plans[plan_id].price), ("existing_customers", "next_renewal")])
            for plan_id in dict.fromkeys(plans)
        )
        comment = DRAFT_NOTE
    taken = {announcement.id for announcement in records.announcements} | file_ids(content_dir, "announcements")
    record_id = dated_id(published, title, taken)
    return _write(content_dir, f"announcements/{record_id}.md", new_record_text(front_matter, body or "", comment=comment))


def _timeline(incident: Incident) -> CommentedSeq:
    entries = CommentedSeq()
    if not incident.updates or incident.updates[0].at > incident.started:
        entries.append(CommentedMap([("at", stamp(incident.started)), ("event", "The incident starts.")]))
    for update in incident.updates:
        first_paragraph = re.split(r"\n\s*\n", update.body.strip(), maxsplit=1)[0]
        event = f"{label(update.status)}: {' '.join(first_paragraph.split())}"
        entries.append(CommentedMap([("at", stamp(update.at)), ("event", text(event))]))
    return entries


def _write(content_dir: Path, relative: str, content: str) -> Path:
    changes = Changes()
    changes.put(relative, content)
    return apply_changes(content_dir, changes)[0]

