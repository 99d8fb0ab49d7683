"""The second layer of the build cache: archived pages kept as the bytes they rendered to.

An archived page (page_context.ArchivedPage) is made by a function from the build's
SiteLookups and its arguments only, and rendered without "now" or the state. So its HTML is a
function of: the code (the store's subfolder), the templates (the user's template folders
too), the lookups of its language, that language's translations, the function and its
arguments. The key is a hash of all of these; the same key means the same bytes, with or
without the cache.

The arguments are turned into plain data for hashing by `Plain`: a record as loaded by where
it was parsed from (its folder, its file's digest and its name), any other model by its class
and every field (those its JSON leaves out, like a record's id and body, too), an enum or a
marked string (a translation's fallback) by its class as well. A value of any other kind than
plain data makes the page uncacheable rather than risk two pages sharing a key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import os
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_type_hints

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, from_json, to_json

from ..outputs import OutputFile
from ..publish.page_context import ArchivedPage, SiteLookups
from ..records import Records
from ..translations import made_from
from .page_lists import FOLDER, KEPT_USES, USES, entry_name, listed_keys, take_strays
from .published import LinkedPage
from .records import record_origins
from .settled_records import SettledIncident
from .store import CacheStore

_memory: dict[str, OutputFile] = {}
"""key -> the page of the last build of this process (`serve` rebuilding on every save)."""
_described: dict[int, tuple[BaseModel, str]] = {}
"""id(model) -> (model, its description), from the last build of this process: the records of
files that did not change are the same objects (cache/records.py), described once."""
_keys: dict[tuple[bytes, str, str], tuple[Any, str]] = {}
"""(scope, path, maker) -> (arguments, key) from the last build of this process: a page whose
arguments are the same objects (records), or equal values (figures), has the same key."""
_kept_entries: dict[str, set[str]] = {}
"""store folder -> the page entries the last build of this process kept there (finish_pages)."""


class PageCache:
    """The archived pages of one language of one build."""

    def __init__(self, store: CacheStore, scope: bytes) -> None:
        self._store = store
        self.scope = scope
        # A record straight from the loader is named by its origin (its file's digest), with no
        # need to write it out; the others (translated, as of now) as the last build described them.
        self.plain = Plain({**_described, **record_origins()})
        self.used: set[str] = set()
        self.keys: dict[tuple[bytes, str, str], tuple[Any, str]] = {}
        """(scope, path, maker) -> (arguments, key) of this build's pages, for the next build (_keys)."""
        self._none_stored = not _memory and not os.path.isdir(store.folder / FOLDER)
        """A store holding no page yet (a first build of this code): 11,600 lookups would each
        have failed to open a file (60 ms of a first build, before its pages are rendered)."""

    def key(self, page: ArchivedPage) -> str | None:
        """The page's key, or None when its arguments are not plain data (then it is rendered)."""
        maker = f"{page.make.__module__}.{page.make.__qualname__}"
        known = _keys.get((self.scope, page.path, maker))
        if known is not None and _same(known[0], page.arguments):
            self.keys[(self.scope, page.path, maker)] = known
            return known[1]
        try:
            described = to_json([page.path, maker, self.plain(page.arguments)])
        except (PydanticSerializationError, TypeError, ValueError):
            return None
        key = hashlib.blake2b(self.scope + described, digest_size=20).hexdigest()
        self.keys[(self.scope, page.path, maker)] = (page.arguments, key)
        return key

    def lookup(self, key: str) -> OutputFile | None:
        """The page stored under `key`, or None."""
        self.used.add(key)
        found = _memory.get(key)
        if found is None and not self._none_stored:
            entry = self._store.read(entry_name(key))
            found = _output(entry) if entry is not None else None
        return found

    def keep(self, key: str, output: OutputFile) -> None:
        """Store a page rendered in this build (called in the worker that rendered it)."""
        self._store.write(entry_name(key), to_json([output.path, output.title, output.in_sitemap]) + b"\n" + output.content)


def _output(entry: bytes) -> OutputFile | None:
    """An entry read back: a line of what else its OutputFile holds, then the HTML."""
    head, _, html = entry.partition(b"\n")
    try:
        path, title, in_sitemap = from_json(head)
    except ValueError:
        return None
    if not isinstance(path, str) or not isinstance(title, (str, type(None))) or not isinstance(in_sitemap, bool):
        return None
    return OutputFile(path=path, content=html, title=title, in_sitemap=in_sitemap)


def finish_pages(store: CacheStore, caches: list[PageCache], pages: dict[str, OutputFile]) -> None:
    """After a build: keep its archived pages in memory for the next build of this process,
    and remove from the store the pages that none of the last few kinds of build used."""
    global _memory, _described, _keys
    used = set().union(*(cache.used for cache in caches)) if caches else set()
    # A page linked from the site the last build published (cache/published.py) is no bytes
    # to keep: its file goes with that site.
    _memory = {key: page for key, page in pages.items() if key in used and not isinstance(page, LinkedPage)}
    _described = {key: value for cache in caches for key, value in cache.plain.models.items()}
    _keys = {key: value for cache in caches for key, value in cache.keys.items()}
    kind = hashlib.blake2b(b"".join(sorted(cache.scope for cache in caches)), digest_size=10).hexdigest()
    uses = f"{USES}/{kind}"
    used_last = listed_keys(store.read(uses))
    store.write(uses, "\n".join(sorted(used)).encode())
    recent = store.keep_newest(USES, KEPT_USES)
    kept = used.union(*(listed_keys(store.read(name)) for name in recent if name != uses))
    entries = {entry_name(key) for key in kept}
    before = _kept_entries.get(str(store.folder))
    strays = take_strays(store.folder)
    if before is not None:
        # Since the last build of this process (`serve`'s last rebuild) the folder holds no more
        # than it kept then and the pages rendered now, which are used and so kept: no need to
        # list 11,000 entries to find the few that went out of use. (Another process's entries
        # are left to the next listing.)
        store.remove(before - entries)
    elif strays is not None:
        # The folder held what the lists named when a child listed it ahead (files_seen.py),
        # the strays, and what this build wrote since, which it used: what goes out of use is
        # what this kind of build used last time, or no list named, and nothing uses now.
        store.remove(({entry_name(key) for key in used_last} | strays) - entries)
    else:
        store.prune(FOLDER, entries)  # lists the folder: also what a killed build left half-written
    _kept_entries[str(store.folder)] = entries


def page_scope(lookups: SiteLookups, records: Records, code_digest: str) -> bytes:
    """What every archived page of one language shares: the code, the templates, the lookups
    and the language's translations of the catalogues (a name's text and whether it fell back).
    A record's own translation reaches a page only in the translated copy of the record among
    the page's arguments, which Plain names by its record and its text: a translation edited
    changes the pages that show that record, not every page of the language."""
    digest = hashlib.blake2b(code_digest.encode(), digest_size=20)
    for folder in lookups.settings.template_dirs:
        digest.update(b"\0templates\0" + folder_digest(folder))
    shared = {field.name: getattr(lookups, field.name) for field in dataclasses.fields(lookups) if field.name != "markdown"}
    # Where the site is published changes no page: `build --site-dir` elsewhere shares the pages.
    shared["settings"] = dataclasses.replace(lookups.settings, published_site=None)
    digest.update(to_json(plain(shared)))
    translation = records.translations.get(lookups.language.code)
    digest.update(to_json(plain((translation.components, translation.plans) if translation is not None else None)))
    return digest.digest()


def folder_digest(folder: Path) -> bytes:
    """A hash of every file's name and bytes under a template folder."""
    digest = hashlib.blake2b(digest_size=20)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


class Plain:
    """Turns values into data JSON can hold, keeping what tells values apart: the class of a
    model, enum or marked string, and every field of a model or dataclass. A model is written
    by pydantic (in Rust: most of a page's values are records) and stands as the hash of its
    JSON and of the fields its JSON leaves out (a record's id and body); each model is done
    once, however many pages show it (an incident on its page, in the history, on components)."""

    def __init__(self, known: dict[int, tuple[BaseModel, str]] | None = None) -> None:
        self._known = known or {}
        self.models: dict[int, tuple[BaseModel, str]] = {}
        """The models described, by id (each kept, so that its id stays its own)."""

    def __call__(self, value: Any) -> Any:
        # What to do with a value depends on its class alone: chosen once per class (a page's
        # key describes about ten values, and a build has tens of thousands of pages).
        kind = type(value)
        describe = _DESCRIBE.get(kind)
        if describe is None:
            describe = _DESCRIBE[kind] = _describer(kind)
        return describe(self, value)

    def _model(self, model: BaseModel) -> str:
        known = self.models.get(id(model)) or self._known.get(id(model))
        if known is not None and known[0] is model:
            self.models[id(model)] = known
            return known[1]
        kind = type(model)
        made = made_from(model)
        if made is not None:
            # A translated copy, by what it was made from: its record (by origin, most often) and
            # the translation's text. Writing out every field of 10,000 copies per language took a
            # three-language rebuild a second.
            record, text, fallback = made
            parts = ("translated", kind.__qualname__, fallback, self(record), self(text))
            digest = hashlib.blake2b(to_json(parts), digest_size=16)
        else:
            digest = hashlib.blake2b(kind.__qualname__.encode() + b"\0" + to_json(model), digest_size=16)
            for name in _left_out(kind):
                digest.update(b"\0" + to_json(self(getattr(model, name))))
        described = digest.hexdigest()
        self.models[id(model)] = (model, described)
        return described


def _as_it_is(plain: Plain, value: Any) -> Any:
    return value  # str, numbers, None; dates, times, durations, decimals, paths: to_json writes them; anything else it refuses


def _items(plain: Plain, value: Any) -> Any:
    return [plain(item) for item in value]


def _pairs(plain: Plain, value: Any) -> Any:
    return [[plain(key), plain(item)] for key, item in value.items()]


def _enum(plain: Plain, value: Any) -> Any:
    return [type(value).__qualname__, value.value]


def _marked_string(plain: Plain, value: Any) -> Any:
    return [type(value).__qualname__, str(value), plain(getattr(value, "__dict__", {}))]


def _sequence_of_a_class(plain: Plain, value: Any) -> Any:
    return [type(value).__qualname__, [plain(item) for item in value]]


def _figures(plain: Plain, value: Any) -> Any:
    return [type(value).__qualname__, value]  # to_json writes every field of it as it is


def _dataclass(plain: Plain, value: Any) -> Any:
    return [type(value).__qualname__, {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}]


def _describer(kind: type) -> Callable[[Plain, Any], Any]:
    """How Plain describes a value of this class (in the order the checks must be made: an
    enum of strings is an enum, a dataclass class itself is no dataclass instance)."""
    if kind in (str, int, bool, float, type(None)):
        return _as_it_is
    if issubclass(kind, BaseModel) or kind is SettledIncident:
        return Plain._model
    if kind is list or kind is tuple:
        return _items
    if issubclass(kind, dict):
        return _pairs
    if issubclass(kind, Enum):
        return _enum
    if issubclass(kind, str):
        return _marked_string
    if issubclass(kind, (list, tuple)):
        return _sequence_of_a_class
    if dataclasses.is_dataclass(kind) and not issubclass(kind, type):
        return _figures if _only_figures(kind) else _dataclass
    return _as_it_is


_DESCRIBE: dict[type, Callable[[Plain, Any], Any]] = {}
"""Class -> how Plain describes its values (_describer)."""


def _same(before: Any, now: Any) -> bool:
    """True if `now` describes as `before` did (see Plain): the same models (a model is never
    changed in place), equal values of the same class otherwise, in containers of one shape."""
    if before is now:
        return True
    kind = type(now)
    if type(before) is not kind or isinstance(now, BaseModel):
        return False
    if kind is tuple or kind is list:
        if len(before) != len(now):
            return False
        # Most often every item is the very object it was (`serve`: the same records and
        # settled figures): told in one pass in C before any item is compared in Python.
        return all(map(operator.is_, before, now)) or all(_same(old, new) for old, new in zip(before, now, strict=True))
    if kind is dict:
        # In order: Plain describes a dict as its pairs in order, and a page may list them so.
        return list(before) == list(now) and all(_same(before[key], now[key]) for key in now)
    if dataclasses.is_dataclass(now):
        if _only_figures(kind):
            return bool(before == now)
        return all(_same(getattr(before, field.name), getattr(now, field.name)) for field in dataclasses.fields(now))
    if isinstance(now, (str, int, float, Enum, date, timedelta, Decimal)):
        return bool(before == now) and getattr(before, "__dict__", None) == getattr(now, "__dict__", None)
    return False


def plain(value: Any) -> Any:
    """`value` as data JSON can hold (see Plain), for a hash."""
    return Plain()(value)


_FIGURES = frozenset({int, float, bool, Decimal, date, datetime, timedelta, type(None)})


_ONLY_FIGURES: dict[type, bool] = {}


def _only_figures(kind: type) -> bool:
    """True for a dataclass whose fields can hold only numbers, moments and durations (an
    incident's figures): nothing in it needs telling apart beyond what its JSON says."""
    if kind not in _ONLY_FIGURES:
        hints = get_type_hints(kind)
        _ONLY_FIGURES[kind] = all(set(get_args(hints[field.name]) or (hints[field.name],)) <= _FIGURES
                                  for field in dataclasses.fields(kind))
    return _ONLY_FIGURES[kind]


_LEFT_OUT: dict[type[BaseModel], tuple[str, ...]] = {}


def _left_out(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model its JSON leaves out; none may be a model whose JSON leaves some
    out in turn (to_json would drop them unseen), which `_check_nested` makes sure of."""
    if model not in _LEFT_OUT:
        _check_nested(model, set())
        _LEFT_OUT[model] = tuple(name for name, field in model.model_fields.items() if field.exclude)
    return _LEFT_OUT[model]


def _check_nested(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    for field in model.model_fields.values():
        for nested in _models_in(field.annotation):
            if nested not in seen:
                seen.add(nested)
                if any(inner.exclude for inner in nested.model_fields.values()):
                    raise TypeError(f"{model.__qualname__} holds {nested.__qualname__}, whose JSON leaves fields out")
                _check_nested(nested, seen)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in get_args(annotation) for model in _models_in(argument)]
