"""The words of a message: subject, plain text (Markdown) and HTML, from templates.

The templates are `notify/subject.txt`, `notify/message.txt` and `notify/email.html` among
the packaged templates; a site overrides any of them as it overrides a page template, with a
file of the same path in its theme's custom_dir. Text templates are not escaped; the HTML one
is, and record Markdown reaches it only through the one sanitizing renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import jinja2
from markupsafe import Markup

from .. import urls, wording
from ..markup import MarkdownRenderer
from ..models import (
    ComponentStatus,
    Incident,
    IncidentStatus,
    Maintenance,
    MaintenanceStatus,
    Postmortem,
)
from ..records import Records
from ..settings import Settings
from ..templating import templates_dir
from ..timeline import maintenance_state
from .config import reminder_span
from .due import Message


@dataclass(frozen=True)
class Texts:
    subject: str
    """One line."""
    text: str
    """Plain text that is also Markdown (chat services and the email's text part)."""
    html: str
    """A complete HTML document for email: inline styles, no scripts, no remote images."""


class TextMaker:
    """Renders the texts of messages for one site."""

    def __init__(self, settings: Settings, public: Records, now: datetime) -> None:
        self._settings = settings
        self._now = now
        self._names = {component.id: component.name for component in public.components.components}
        self._plan_names = {plan.id: plan.name for plan in public.plans.plans} if public.plans else {}
        self._incidents = {incident.id: incident for incident in public.incidents}
        self._renderer = MarkdownRenderer()
        self._environment = _environment(settings, self._renderer)

    def texts(self, message: Message, unsubscribe: str | None = None) -> Texts:
        """The message's subject, text and HTML (`unsubscribe`: a link for the footer)."""
        context = {"message": self.context(message), "site": self._site(), "unsubscribe": unsubscribe}
        subject = " ".join(self._environment.get_template("notify/subject.txt").render(context).split())
        context["subject"] = subject
        return Texts(
            subject=subject,
            text=self._environment.get_template("notify/message.txt").render(context).strip() + "\n",
            html=self._environment.get_template("notify/email.html").render(context),
        )

    def _site(self) -> dict[str, str]:
        return {"name": self._settings.site_name, "url": self._settings.base_url}

    def context(self, message: Message) -> dict[str, Any]:
        """What the templates see of a message."""
        record = message.record
        base = self._settings.base_url
        anchor = message.update is not None and message.kind == "incident"
        values: dict[str, Any] = {
            "kind": message.kind,
            "key": message.key,
            "id": message.id(base),
            "url": urls.absolute(base, message.key if anchor else message.page),
            "title": record.title,
            "at": message.at,
            "reminder": wording.describe_span(reminder_span(message.reminder)) if message.reminder else None,
            "event": message.event,
            "status": None,
            "state": None,
            "body": record.body,
            "components": [],
        }
        if isinstance(record, Incident):
            values.update(self._incident(record, message.update))
        elif isinstance(record, Maintenance):
            values.update(self._maintenance(record, message))
        elif isinstance(record, Postmortem):
            values.update(summary=record.summary, incident=self._incidents[record.incident].title
                          if record.incident in self._incidents else None)
        else:
            values.update(kind_label=wording.label(record.kind), effective=record.effective,
                          plans=[self._plan_names.get(plan, plan) for plan in sorted(message.plans)])
        return values

    def _incident(self, incident: Incident, number: int | None) -> dict[str, Any]:
        updates = incident.updates[:number] if number is not None else ()
        statuses = dict(incident.affected)
        for update in updates:
            statuses.update(update.components or {})
        status = updates[-1].status if updates else IncidentStatus.INVESTIGATING
        if status is IncidentStatus.RESOLVED:
            statuses = {key: ComponentStatus.OPERATIONAL for key in statuses}
        return {
            "status": wording.label(status),
            "state": status.value,
            "body": updates[-1].body if updates else incident.body,
            "impact": incident.impact.value,
            "components": self._components(statuses),
        }

    def _maintenance(self, window: Maintenance, message: Message) -> dict[str, Any]:
        if message.update is not None:
            update = window.updates[message.update - 1]
            status, body = update.status, update.body
        else:
            status = window.status or MaintenanceStatus.SCHEDULED
            if message.reminder is not None:
                status = maintenance_state(window, self._now)
            body = window.body
        under = {key: ComponentStatus.UNDER_MAINTENANCE for key in window.components}
        return {
            "status": wording.label(status),
            "state": status.value,
            "body": body,
            "start": window.scheduled_start,
            "end": window.scheduled_end,
            "components": self._components(under),
        }

    def _components(self, statuses: dict[str, ComponentStatus]) -> list[dict[str, str]]:
        order = list(self._names)
        known = sorted((key for key in statuses if key in self._names), key=order.index)
        return [{"name": self._names[key], "status": wording.label(statuses[key])} for key in known]


def _environment(settings: Settings, renderer: MarkdownRenderer) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(folder)) for folder in settings.template_dirs]
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(utc=_utc, day=_day, md=lambda text: Markup(renderer.render(text)))
    return environment


def _utc(moment: datetime) -> str:
    """'2021-10-04 18:00 UTC': times in messages are UTC and say so."""
    return f"{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


def _day(moment: Any) -> str:
    return f"{moment:%Y-%m-%d}"
