"""Statuspage's webhook payloads for a message, so receivers written for Statuspage work.

An incident update POSTs `{"meta", "page", "incident"}` with the incident exactly as
api/v2/incidents.json showed it when the update became public (its incident_updates up to
this one), then one `{"meta", "page", "component_update", "component"}` per component
status the update changed. A maintenance window and its updates use the incident shape
(with scheduled_for and scheduled_until), as Statuspage does. Post-mortems and announcements,
which Statuspage lacks, put a `postmortem` or `announcement` object beside meta and page.

The objects come from the API's own code (publish/statuspage_*.py), fed the site as it was
at the message's time: the state is derived again as of that moment, from the records as
loaded, as a build would have.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import settled, urls
from ..derive import derive_state
from ..models import Announcement, Incident, Maintenance, Postmortem
from ..moments import iso_ms, start_of_day
from ..publish.statuspage_incidents import incident_object, maintenance_object
from ..publish.statuspage_objects import ApiContext, build_context, stable_id
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from .due import Message

Json = dict[str, Any]


class PayloadMaker:
    """Builds the payloads of messages for one site; states are derived once per moment."""

    def __init__(self, loaded: Records, settings: Settings, now: datetime) -> None:
        self._loaded = loaded
        self._settings = settings
        self._now = now
        self._states: dict[datetime, tuple[SiteState, ApiContext]] = {}
        settled.keep_facts()  # a state is derived at every moment a message is due

    def payloads(self, message: Message) -> list[Json]:
        """Every JSON document to POST for the message, in order."""
        state, ctx = self._as_of(min(message.at, self._now))
        meta = {"unsubscribe": None, "documentation": None,
                "message_id": message.id(self._settings.base_url), "reminder": message.reminder}
        page = {"id": ctx.page_id, "status_indicator": state.indicator.value, "status_description": state.description}
        record = message.record
        if isinstance(record, Postmortem):
            return [{"meta": meta, "page": page, "postmortem": self._postmortem(record, ctx)}]
        if isinstance(record, Announcement):
            return [{"meta": meta, "page": page, "announcement": self._announcement(record, message, ctx)}]
        incident = self._incident_then(record, message, state, ctx)
        documents = [{"meta": meta, "page": page, "incident": incident}]
        if message.update is not None:
            documents += [{"meta": meta, "page": page, **change} for change in _component_updates(incident, message, ctx)]
        return documents

    def _as_of(self, moment: datetime) -> tuple[SiteState, ApiContext]:
        if moment not in self._states:
            state = derive_state(self._loaded, self._settings, moment)
            self._states[moment] = (state, build_context(state.public, state, self._settings))
        return self._states[moment]

    def _incident_then(self, record: Incident | Maintenance, message: Message, state: SiteState, ctx: ApiContext) -> Json:
        """The incident or window as the API showed it at the message's time, its updates
        ending with the message's own (two updates written at one time: only up to it)."""
        if isinstance(record, Incident):
            then = next(incident for incident in state.public.incidents if incident.id == record.id)
            if message.update is not None:
                then = then.model_copy(update={"updates": then.updates[: message.update]})
            return incident_object(then, ctx)
        window = next(window for window in state.public.maintenance if window.id == record.id)
        if message.update is not None:
            window = window.model_copy(update={"updates": window.updates[: message.update]})
        return maintenance_object(window, ctx)

    def _postmortem(self, postmortem: Postmortem, ctx: ApiContext) -> Json:
        return {
            "id": stable_id("postmortem", postmortem.id),
            "incident_id": stable_id("incident", postmortem.incident),
            "name": postmortem.title,
            "summary": postmortem.summary.strip(),
            "body": postmortem.body.strip(),
            "published_at": iso_ms(start_of_day(postmortem.published)),
            "shortlink": urls.absolute(ctx.base_url, urls.postmortem(postmortem.id)),
            "page_id": ctx.page_id,
        }

    def _announcement(self, announcement: Announcement, message: Message, ctx: ApiContext) -> Json:
        return {
            "id": stable_id("announcement", announcement.id),
            "name": announcement.title,
            "kind": announcement.kind.value,
            "body": announcement.body.strip(),
            "published_at": iso_ms(start_of_day(announcement.published)),
            "effective_at": iso_ms(start_of_day(announcement.effective)) if announcement.effective else None,
            "plans": sorted(message.plans),
            "shortlink": urls.absolute(ctx.base_url, urls.announcement(announcement.id)),
            "page_id": ctx.page_id,
        }


def _component_updates(incident: Json, message: Message, ctx: ApiContext) -> list[Json]:
    """One component_update per component whose status the message's update changed."""
    update = incident["incident_updates"][0]  # newest first: the message's own
    by_code = {component["id"]: component for component in ctx.components.values()}
    changes = []
    for affected in update["affected_components"] or ():
        if affected["old_status"] == affected["new_status"] or affected["code"] not in by_code:
            continue
        component = by_code[affected["code"]]
        changes.append({
            "component_update": {
                "created_at": update["created_at"],
                "new_status": affected["new_status"],
                "old_status": affected["old_status"],
                "id": stable_id("component_update", message.recorded_as, affected["code"]),
                "component_id": affected["code"],
            },
            "component": {
                "created_at": component["created_at"],
                "id": component["id"],
                "name": component["name"],
                "status": component["status"],
            },
        })
    return changes
