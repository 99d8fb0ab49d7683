"""The public records in one language: each text from its translation, or the default
language's text marked with that language (WCAG 3.1.2: "Language of Parts").

The public view (`state.public`) stays language-neutral: `translated_state` makes, per
language, a copy of it whose titles, bodies and names are in that language. A text without a
translation is a `Fallback`: the same words, carrying the default language's tag, which the
templates' `text` and `md` filters put on the element (`<span lang="en">`). Translations are
looked up by the public records' ids and times, so a translation of anything not yet public
is never reached.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from .languages import Language
from .models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from .models.translations import (
    AnnouncementText,
    ComponentCatalogueText,
    IncidentText,
    MaintenanceText,
    PlanCatalogueText,
    PostmortemText,
    Translation,
)
from .moments import rfc3339
from .records import Records
from .state import SiteState

T = TypeVar("T")
R = TypeVar("R", Incident, Maintenance)


class Fallback(str):
    """A record's text shown in a page of another language, for want of a translation."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Fallback:
        made = super().__new__(cls, text)
        made.lang = lang
        return made

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        # Pages rendered by forked workers come back pickled, a page's title among them.
        return str(self), self.lang


_made: tuple[weakref.ref[SiteState], dict[tuple[str, str], SiteState]] | None = None
"""The translated copies of the last state asked for, by (language, default language): the
pages and the feeds of a build both need them, and they are made once. Held by a weak
reference, so they go when the build's state goes."""


_made_from: dict[int, tuple[Any, tuple[Any, Any, str]]] = {}
"""id(a translated copy of a record) -> (the copy, (the record, its translation's text or None,
the fallback language's tag)), for the copies of the states in _made: a copy is a function of
these three (and of the code), so the build cache can name it by them (cache/pages.py) rather
than by every field of it."""


def made_from(record: Any) -> tuple[Any, Any, str] | None:
    """(the record, the text, the fallback tag) a translated copy was made from, if it is one."""
    found = _made_from.get(id(record))
    return found[1] if found is not None and found[0] is record else None


def translated_state(state: SiteState, language: Language, default: Language) -> SiteState:
    """`state` whose records (the public view and the lists derived from it) are in `language`."""
    if language.code == default.code:
        return state
    global _made
    if _made is None or _made[0]() is not state:
        _made = (weakref.ref(state), {})
        _made_from.clear()
        _untranslated.clear()
    key = (language.code, default.code)
    if key not in _made[1]:
        _made[1][key] = _translate_state(state, language, default)
    return _made[1][key]


def _translate_state(state: SiteState, language: Language, default: Language) -> SiteState:
    public = translated_records(state.public, state.public.translations.get(language.code, Translation()), default.tag)
    incidents = {incident.id: incident for incident in public.incidents}
    windows = {window.id: window for window in public.maintenance}
    postmortems = {postmortem.id: postmortem for postmortem in public.postmortems}
    return replace(
        state,
        public=public,
        open_incidents=tuple(incidents[incident.id] for incident in state.open_incidents),
        active_maintenance=tuple(windows[window.id] for window in state.active_maintenance),
        upcoming_maintenance=tuple(windows[window.id] for window in state.upcoming_maintenance),
        postmortem_for={key: postmortems[value.id] for key, value in state.postmortem_for.items()},
        incidents_by_component={key: tuple(incidents[incident.id] for incident in listed)
                                for key, listed in state.incidents_by_component.items()},
    )


def translated_records(records: Records, translation: Translation, fallback: str) -> Records:
    """Every record of `records` with its text from `translation`, else marked `fallback`."""
    texts = translation.records
    return replace(
        records,
        components=_components(records.components, translation.components, fallback),
        plans=_plans(records.plans, translation.plans, fallback) if records.plans else None,
        incidents=_copies(_incident, records.incidents, "incidents", texts, fallback),
        maintenance=_copies(_maintenance, records.maintenance, "maintenance", texts, fallback),
        postmortems=_copies(_postmortem, records.postmortems, "postmortems", texts, fallback),
        announcements=_copies(_announcement, records.announcements, "announcements", texts, fallback),
    )


_untranslated: dict[tuple[int, str], tuple[Any, Any]] = {}
"""(id(a record), the fallback tag) -> (the record, its copy without a translation), for the
states in _made: a record no language translates has the same copy in each of them (every
text marked with the default language), made once however many languages the site has."""


def _copies(translate: Callable[[T, Any, str], T], records: tuple[T, ...], folder: str, texts: Mapping[tuple[str, str], Any],
            fallback: str) -> tuple[T, ...]:
    """translate(record, its text, fallback) for each record, each copy noted in _made_from."""
    copies = []
    for record in records:
        text = texts.get((folder, record.id))  # type: ignore[attr-defined]
        known = _untranslated.get((id(record), fallback)) if text is None else None
        if known is not None and known[0] is record:
            copies.append(known[1])
            continue
        copy = translate(record, text, fallback)
        _made_from[id(copy)] = (copy, (record, text, fallback))
        if text is None:
            _untranslated[(id(record), fallback)] = (record, copy)
        copies.append(copy)
    return tuple(copies)


def _pick(original: str, translated: str | None, fallback: str) -> str:
    if translated is not None and translated.strip():
        return translated
    return Fallback(original, fallback) if original.strip() else original


def _optional(original: str | None, translated: str | None, fallback: str) -> str | None:
    return None if original is None else _pick(original, translated, fallback)


def _by_position(originals: Iterable[str], translated: Iterable[str], fallback: str) -> tuple[str, ...]:
    given = list(translated)
    return tuple(_pick(text, given[index] if index < len(given) else None, fallback)
                 for index, text in enumerate(originals))


def _updates(updates: tuple[T, ...], translated: Mapping[str, str], fallback: str) -> tuple[T, ...]:
    # Most records have no translation: their updates' times are not written out to look for one.
    return tuple(update.model_copy(update={"body": _pick(update.body, translated.get(rfc3339(update.at)) if translated else None,  # type: ignore[attr-defined]
                                                         fallback)})
                 for update in updates)


def _incident(incident: Incident, text: Any, fallback: str) -> Incident:
    return _with_updates(incident, text if isinstance(text, IncidentText) else IncidentText(), fallback)


def _maintenance(window: Maintenance, text: Any, fallback: str) -> Maintenance:
    return _with_updates(window, text if isinstance(text, MaintenanceText) else MaintenanceText(), fallback)


def _with_updates(record: R, found: IncidentText | MaintenanceText, fallback: str) -> R:
    """An incident or a window with its title, body and updates' bodies translated."""
    bodies = {rfc3339(update.at): update.body for update in found.updates}
    return record.model_copy(update={"title": _pick(record.title, found.title, fallback),
                                     "body": _pick(record.body, found.body, fallback),
                                     "updates": _updates(record.updates, bodies, fallback)})


def _postmortem(postmortem: Postmortem, text: Any, fallback: str) -> Postmortem:
    found: PostmortemText = text if isinstance(text, PostmortemText) else PostmortemText()
    events = {rfc3339(entry.at): entry.event for entry in found.timeline}
    titles = [item.title for item in found.action_items]
    changes: dict[str, Any] = {
        name: _optional(getattr(postmortem, name), getattr(found, name), fallback)
        for name in ("title", "summary", "impact", "trigger", "root_cause", "detection", "resolution", "body")
    }
    changes["timeline"] = tuple(entry.model_copy(update={"event": _pick(entry.event, events.get(rfc3339(entry.at)), fallback)})
                                for entry in postmortem.timeline)
    changes["action_items"] = tuple(
        item.model_copy(update={"title": _pick(item.title, titles[index] if index < len(titles) else None, fallback)})
        for index, item in enumerate(postmortem.action_items))
    if postmortem.lessons is not None:
        lessons = found.lessons
        changes["lessons"] = postmortem.lessons.model_copy(update={
            name: _by_position(getattr(postmortem.lessons, name), getattr(lessons, name) if lessons else (), fallback)
            for name in ("went_well", "went_wrong", "got_lucky")})
    return postmortem.model_copy(update=changes)


def _announcement(announcement: Announcement, text: Any, fallback: str) -> Announcement:
    found: AnnouncementText = text if isinstance(text, AnnouncementText) else AnnouncementText()
    changes: dict[str, Any] = {"title": _pick(announcement.title, found.title, fallback),
                               "body": _pick(announcement.body, found.body, fallback)}
    if announcement.retention is not None:
        subject = found.retention.subject if found.retention else None
        changes["retention"] = announcement.retention.model_copy(
            update={"subject": _pick(announcement.retention.subject, subject, fallback)})
    return announcement.model_copy(update=changes)


def _components(catalogue: ComponentCatalogue, text: ComponentCatalogueText | None, fallback: str) -> ComponentCatalogue:
    found = text or ComponentCatalogueText()
    groups = {group.id: group for group in found.groups}
    components = {component.id: component for component in found.components}

    def named(item: Any, names: Mapping[str, Any]) -> Any:
        given = names.get(item.id)
        return item.model_copy(update={"name": _pick(item.name, given.name if given else None, fallback),
                                       "description": _optional(item.description, given.description if given else None,
                                                                fallback)})

    return catalogue.model_copy(update={"groups": tuple(named(group, groups) for group in catalogue.groups),
                                        "components": tuple(named(item, components) for item in catalogue.components)})


def _plans(catalogue: PlanCatalogue, text: PlanCatalogueText | None, fallback: str) -> PlanCatalogue:
    given = {plan.id: plan for plan in (text or PlanCatalogueText()).plans}
    plans = []
    for plan in catalogue.plans:
        found = given.get(plan.id)
        plans.append(plan.model_copy(update={
            "name": _pick(plan.name, found.name if found else None, fallback),
            "description": _optional(plan.description, found.description if found else None, fallback),
            "features": _by_position(plan.features, (found.features or ()) if found else (), fallback),
        }))
    return catalogue.model_copy(update={"plans": tuple(plans)})


def missing_translations(records: Records, languages: tuple[str, ...]) -> dict[str, list[str]]:
    """Language -> "folder/id" of every record (and catalogue) without a translation into it;
    the default language is the records' own. For `statusgen validate`'s notice."""
    kinds = (("incidents", records.incidents), ("maintenance", records.maintenance),
             ("postmortems", records.postmortems), ("announcements", records.announcements))
    missing: dict[str, list[str]] = {}
    for code in languages[1:]:
        translation = records.translations.get(code, Translation())
        found = [f"{folder}/{record.id}" for folder, listed in kinds for record in listed
                 if (folder, record.id) not in translation.records]
        if translation.components is None:
            found.append("components")
        if records.plans is not None and translation.plans is None:
            found.append("plans")
        if found:
            missing[code] = found
    return missing
