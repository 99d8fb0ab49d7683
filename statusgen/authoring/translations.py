"""`statusgen new translation ID --lang de`: a translation file holding the texts to translate.

The file is the original's text fields, in the original's words, shaped as a translation
(models/translations.py): the translator replaces each text and deletes what they leave to
the default language. Like every authoring command, it is validated before it is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..loader import RECORD_FOLDERS
from ..messages import did_you_mean
from ..models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from ..records import Records
from .workspace import AuthoringError, Changes, apply_changes, load_current, require_known
from .yamlio import dump_yaml, new_record_text, stamp, text

TRANSLATE_NOTE = "Translate every text; delete what stays in the default language (it is shown marked as such)."
CATALOGUES = ("components", "plans")


def new_translation(content_dir: Path, languages: tuple[str, ...], record_id: str, lang: str) -> Path:
    """Write `FOLDER/ID.LANG.md` (or `components.LANG.yml`, `plans.LANG.yml`) with the texts of
    the record `record_id` (any kind, or a catalogue's name) in the default language."""
    if lang not in languages[1:]:
        if lang == languages[0]:
            raise AuthoringError(f"'{lang}' is the site's default language: the records themselves are in it")
        others = ", ".join(languages[1:]) or "none yet"
        raise AuthoringError(f"'{lang}' is not one of the site's other languages ({others})"
                             f"{did_you_mean(lang, languages[1:])}: add it to `languages` in mkdocs.yml")
    records = load_current(content_dir)
    if record_id in CATALOGUES:
        relative, content = _catalogue(records, record_id, lang)
    else:
        found = {record.id: (folder, record) for folder in RECORD_FOLDERS for record in _records(records, folder)}
        require_known("record", record_id, list(found) + list(CATALOGUES))
        folder, record = found[record_id]
        front_matter, body = _texts(record)
        relative, content = f"{folder}/{record_id}.{lang}.md", new_record_text(front_matter, body, comment=TRANSLATE_NOTE)
    if (content_dir / relative).exists():
        raise AuthoringError(f"{relative} exists already: edit it")
    changes = Changes()
    changes.put(relative, content)
    return apply_changes(content_dir, changes)[0]


def _records(records: Records, folder: str) -> tuple[Any, ...]:
    found: tuple[Any, ...] = getattr(records, folder)
    return found


def _texts(record: Any) -> tuple[dict[str, Any], str]:
    """The front matter and body of a record's translation, in the original's words."""
    front: dict[str, Any] = {"title": text(record.title)}
    if isinstance(record, (Incident, Maintenance)) and record.updates:
        front["updates"] = CommentedSeq(CommentedMap([("at", stamp(update.at)), ("body", text(update.body))])
                                        for update in record.updates)
    if isinstance(record, Postmortem):
        for name in ("summary", "impact", "trigger", "root_cause", "detection", "resolution"):
            if getattr(record, name) is not None:
                front[name] = text(getattr(record, name))
        if record.timeline:
            front["timeline"] = CommentedSeq(CommentedMap([("at", stamp(entry.at)), ("event", text(entry.event))])
                                             for entry in record.timeline)
        if record.action_items:
            front["action_items"] = CommentedSeq(CommentedMap([("title", text(item.title))]) for item in record.action_items)
        if record.lessons is not None:
            front["lessons"] = CommentedMap([(name, CommentedSeq(text(item) for item in getattr(record.lessons, name)))
                                             for name in ("went_well", "went_wrong", "got_lucky")
                                             if getattr(record.lessons, name)])
    if isinstance(record, Announcement) and record.retention is not None:
        front["retention"] = CommentedMap([("subject", text(record.retention.subject))])
    return front, record.body


def _catalogue(records: Records, name: str, lang: str) -> tuple[str, str]:
    if name == "plans":
        if records.plans is None:
            raise AuthoringError("the site has no plans.yml to translate")
        data = {"plans": CommentedSeq(_plan(plan) for plan in _plans(records.plans))}
    else:
        catalogue: ComponentCatalogue = records.components
        data = {}
        if catalogue.groups:
            data["groups"] = CommentedSeq(_named(group) for group in catalogue.groups)
        data["components"] = CommentedSeq(_named(component) for component in catalogue.components)
    return f"{name}.{lang}.yml", f"# {TRANSLATE_NOTE}\n" + dump_yaml(CommentedMap(data))


def _plans(catalogue: PlanCatalogue) -> tuple[Any, ...]:
    return catalogue.plans


def _named(item: Any) -> CommentedMap:
    found = CommentedMap([("id", item.id), ("name", text(item.name))])
    if item.description is not None:
        found["description"] = text(item.description)
    return found


def _plan(plan: Any) -> CommentedMap:
    found = _named(plan)
    if plan.features:
        found["features"] = CommentedSeq(text(feature) for feature in plan.features)
    return found
