"""Read and check the translation files of a site against the records they translate.

A translation is a sibling of its record with the language before the extension
(incidents/api-errors.de.md, components.de.yml). It holds only text (models/translations.py),
and everything it names must exist in the original: an update's `at`, a component's id, the
record itself. Every problem is reported at its line, with the original's choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .cache.records import RecordCache
from .errors import Problem
from .languages import language_problems
from .messages import did_you_mean
from .models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from .models.translations import (
    AnnouncementText,
    ComponentCatalogueText,
    IncidentText,
    MaintenanceText,
    PlanCatalogueText,
    PostmortemText,
    RecordText,
    Translation,
)
from .moments import rfc3339
from .record_layout import CATALOGUE_TEXT_NAMES
from .source_files import SourceFile, display_path, read_source, validate_model

TEXT_MODELS: dict[str, type[BaseModel]] = {
    "incidents": IncidentText,
    "maintenance": MaintenanceText,
    "postmortems": PostmortemText,
    "announcements": AnnouncementText,
}
"""Folder of content/ -> the model of its translation files."""
CATALOGUE_TEXT_MODELS: dict[str, type[BaseModel]] = dict(zip(CATALOGUE_TEXT_NAMES, (ComponentCatalogueText, PlanCatalogueText),
                                                             strict=True))
_ORIGINAL_MODELS: dict[str, type[BaseModel]] = {
    "incidents": Incident, "maintenance": Maintenance, "postmortems": Postmortem, "announcements": Announcement,
    "components": ComponentCatalogue, "plans": PlanCatalogue,
}

_TRANSLATION_STEM = re.compile(r"^(?P<id>[^.]+)\.(?P<lang>[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})*)$")
"""`api-errors.de`, `api-errors.pt_BR`: a record's id, then a language identifier."""


def translation_name(path: Path) -> tuple[str, str] | None:
    """(id or catalogue name, language) when the file name is that of a translation."""
    return translation_of_stem(path.stem)


def translation_of_stem(stem: str) -> tuple[str, str] | None:
    """translation_name for a file name without its suffix (a long history's listing is names)."""
    match = _TRANSLATION_STEM.fullmatch(stem)
    return (match["id"], match["lang"]) if match else None


def load_translations(record_paths: Iterable[tuple[str, Path]], catalogue_paths: Iterable[Path],
                      originals: Mapping[tuple[str, str], Any], languages: tuple[str, ...] | None,
                      broken: set[tuple[str, str]], problems: list[Problem],
                      cache: RecordCache | None = None) -> dict[str, Translation]:
    """Every translation, by language; problems noted. `originals` maps (folder, id) to the
    loaded record and ("catalogue", "components") to a catalogue; `languages` are the site's
    (None: any language Babel knows); a translation of a `broken` record is not checked again.
    With a `cache`, a record's translation whose bytes were read before is not parsed again."""
    texts: dict[str, dict[tuple[str, str], Any]] = {}
    jobs = [(folder, path) for folder, path in record_paths] + [("catalogue", path) for path in catalogue_paths]
    for folder, path in jobs:
        named = translation_name(path)
        assert named is not None  # discovery only hands over translation names
        record_id, lang = named
        display = display_path(path)
        problem = _language_problem(lang, languages, path)
        if problem is not None:
            problems.append(Problem(display, 0, "", problem))
            continue
        if (folder, record_id) in broken or (record_id, "*") in broken:
            continue  # its original's own errors are reported; checking against it would echo them
        original = originals.get((folder, record_id))
        if original is None:
            known = sorted(key for kind, key in originals if kind == folder)
            hint = did_you_mean(record_id, known)
            problems.append(Problem(display, 0, "", f"there is no {_what(folder)} {record_id!r} to translate{hint}"))
            continue
        model = CATALOGUE_TEXT_MODELS[record_id] if folder == "catalogue" else TEXT_MODELS[folder]
        original_model = _ORIGINAL_MODELS[record_id if folder == "catalogue" else folder]
        if folder == "catalogue" or cache is None:
            text = _read_text(path, model, original_model, folder != "catalogue", problems)
        else:
            text = _cached_text(path, folder, model, original_model, problems, cache)
        if text is None:
            continue
        source, translated = text
        found = _mismatches(translated, original)
        problems.extend(source.problem(loc, message, key=at_key) for loc, message, at_key in found)
        if not found:
            texts.setdefault(lang, {})[(folder, record_id)] = translated
    return {lang: _translation(found) for lang, found in sorted(texts.items())}


def _translation(found: dict[tuple[str, str], Any]) -> Translation:
    records: dict[tuple[str, str], RecordText] = {key: text for key, text in found.items() if key[0] != "catalogue"}
    return Translation(records=records, components=found.get(("catalogue", "components")),
                       plans=found.get(("catalogue", "plans")))


def _what(folder: str) -> str:
    return {"incidents": "incident", "maintenance": "maintenance window", "postmortems": "post-mortem",
            "announcements": "announcement", "catalogue": "catalogue"}[folder]


def _language_problem(lang: str, languages: tuple[str, ...] | None, path: Path) -> str | None:
    if languages is None:
        found = language_problems([lang])
        return f"{found[0]}: a translation's file name ends in .LANG{path.suffix}" if found else None
    if lang == languages[0]:
        return (f"{lang!r} is the site's default language: its text is the original's "
                f"({path.name.replace('.' + lang, '')}), not a translation")
    if lang not in languages:
        return (f"{lang!r} is not one of the site's languages ({', '.join(languages)}){did_you_mean(lang, languages)}: "
                f"add it to `languages` in mkdocs.yml or rename the file")
    return None


def _cached_text(path: Path, folder: str, model: type[BaseModel], original: type[BaseModel],
                 problems: list[Problem], cache: RecordCache) -> tuple[SourceFile, Any] | None:
    """_read_text for a record's translation, from the build cache when its bytes were read
    before (a site in three languages has thousands): a text depends on its bytes alone. Its
    checks against the original are made at every build, as they depend on the original too."""
    kind = f"{folder}.text"
    found, read = cache.find(kind, str(path), "", model)
    if found is not None:
        return SourceFile.unread(path), found  # its YAML is read again only if a message needs a line
    if read is None:
        return _read_text(path, model, original, True, problems)  # read_source says which file and why
    data, digest = read
    before = len(problems)
    text = _read_text(path, model, original, True, problems, data)
    if text is not None and len(problems) == before:
        cache.remember(kind, digest, text[1])
    return text


def _read_text(path: Path, model: type[BaseModel], original: type[BaseModel], markdown: bool,
               problems: list[Problem], raw: bytes | None = None) -> tuple[SourceFile, Any] | None:
    read = read_source(path, markdown=markdown, problems=problems, raw=raw)
    if read is None:
        return None
    source, data, body = read
    # A key of the original that is not text (impact, started, price) says what happened, in
    # every language: a translation that set it would contradict the original.
    text_keys = ", ".join(name for name in model.model_fields if name != "body")
    for key in [key for key in data if key not in model.model_fields and key in original.model_fields]:
        problems.append(source.problem((key,), f"'{key}' is not text and cannot be translated: a translation holds "
                                               f"only {text_keys}" + (" and the body" if markdown else ""), key=True))
        del data[key]
    if "body" in data:
        problems.append(source.problem(("body",), "'body' cannot be set: the text after the front matter is the body",
                                       key=True))
        return None
    translated = validate_model(model, data, source, problems)
    if translated is None:
        return None
    return source, translated.model_copy(update={"body": body}) if markdown else translated


Found = list[tuple[tuple[Any, ...], str, bool]]


def _mismatches(text: Any, original: Any) -> Found:
    """What the translation names that the original lacks: (loc, message, at a key)."""
    found: Found = []
    if isinstance(text, (IncidentText, MaintenanceText)):
        found += _unknown_moments(text.updates, original.updates, "updates", "update")
    elif isinstance(text, PostmortemText):
        found += _unknown_moments(text.timeline, original.timeline, "timeline", "timeline event")
        found += _too_many(text.action_items, original.action_items, ("action_items",), "action items")
        for name in ("went_well", "went_wrong", "got_lucky"):
            lessons = getattr(original.lessons, name) if original.lessons else ()
            found += _too_many(getattr(text.lessons, name) if text.lessons else (), lessons, ("lessons", name), "lessons")
        found += _absent_text(text, original, ("trigger", "detection", "resolution"))
    elif isinstance(text, AnnouncementText) and text.retention is not None and original.retention is None:
        found.append((("retention",), "the original has no retention rule to translate", True))
    elif isinstance(text, ComponentCatalogueText):
        assert isinstance(original, ComponentCatalogue)
        found += _unknown_ids(text.groups, original.groups, "groups", "group")
        found += _unknown_ids(text.components, original.components, "components", "component")
    elif isinstance(text, PlanCatalogueText):
        assert isinstance(original, PlanCatalogue)
        found += _unknown_ids(text.plans, original.plans, "plans", "plan")
        plans = {plan.id: plan for plan in original.plans}
        for index, plan in enumerate(text.plans):
            if plan.features is not None and plan.id in plans and len(plan.features) != len(plans[plan.id].features):
                found.append((("plans", index, "features"), f"the original lists {len(plans[plan.id].features)} "
                               f"features: translate each of them, in its order", True))
    return found


def _unknown_moments(texts: Iterable[Any], originals: Iterable[Any], field: str, what: str) -> Found:
    moments = [rfc3339(item.at) for item in originals]
    found: Found = []
    seen: set[str] = set()
    for index, item in enumerate(texts):
        at = rfc3339(item.at)
        if at in seen:
            found.append(((field, index, "at"), f"the {what} at {at} is translated twice", False))
        elif at not in moments:
            choices = f" (its {what}s are at: {', '.join(moments)})" if moments else f" (it has no {what}s)"
            found.append(((field, index, "at"), f"the original has no {what} at {at}{choices}", False))
        seen.add(at)
    return found


def _unknown_ids(texts: Iterable[Any], originals: Iterable[Any], field: str, what: str) -> Found:
    ids = [item.id for item in originals]
    found: Found = []
    seen: set[str] = set()
    for index, item in enumerate(texts):
        if item.id in seen:
            found.append(((field, index, "id"), f"the {what} {item.id!r} is translated twice", False))
        elif item.id not in ids:
            found.append(((field, index, "id"), f"the original has no {what} {item.id!r}{did_you_mean(item.id, ids)}",
                          False))
        seen.add(item.id)
    return found


def _too_many(texts: tuple[Any, ...], originals: tuple[Any, ...], loc: tuple[Any, ...], what: str) -> Found:
    if len(texts) <= len(originals):
        return []
    return [((*loc, len(originals)), f"the original lists {len(originals)}: translate its {what} in their order, "
                                      f"no more", False)]


def _absent_text(text: Any, original: Any, names: Iterable[str]) -> Found:
    return [((name,), f"the original has no {name} to translate", True)
            for name in names if getattr(text, name) is not None and getattr(original, name) is None]
