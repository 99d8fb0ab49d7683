"""Pydantic's validation errors turned into messages a record's author can act on.

Messages are chosen by the error's *type* (missing, extra_forbidden, enum...), never by
rewording pydantic's English, which changes between releases. Unknown keys and values get a
"did you mean" from the names the model accepts at that place. Values are quoted as the
file has them (`0x10`, `TRUE`), not as YAML converted them (16, True).
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from .yaml12 import as_written

WrittenText = Callable[[tuple[Any, ...], bool], "str | None"]
"""The plain value (or, when the flag is true, the key) at a location as its file has it,
None when unknown: see yamlsource.written_at."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to `word`, else ''."""
    choices = list(choices)
    matches = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if not matches and len(str(word)) >= 4:
        # A word cut short ('major' for 'major_outage', 'maintenance' for 'under_maintenance').
        matches = [choice for choice in choices if str(word).lower() in choice.lower()]
    return f" (did you mean '{matches[0]}'?)" if len(matches) == 1 else ""


def describe_validation_error(model: type[BaseModel], error: ValidationError,
                              written: WrittenText | None = None) -> list[tuple[tuple[Any, ...], str, bool]]:
    """Each error as (location, message, points_at_key); location as pydantic gives it.

    `written` gives the text of a value as the file has it, for the message to quote."""
    items = _prune_union_branches(error.errors(include_url=False))
    described = []
    for item in items:
        loc = _visible_loc(item["loc"])
        if item["type"] == "invalid_key":
            # pydantic names a key that is not text by its repr ("datetime.date(2021, 10, 1)"):
            # name it as the file has it, and point at it.
            key = item["input"]
            text = (written(loc[:-1] + (key,), True) if written is not None else None) or str(key)
            described.append((loc[:-1] + (text,), f"a key must be text, not {text}: put it in quotes", True))
            continue
        converted = item.get("input") is None or isinstance(item.get("input"), (bool, int, float, Decimal, date))
        message = _message(model, item, loc, written(loc, False) if written is not None and converted else None)
        described.append((loc, message, item["type"] == "extra_forbidden"))
    return _merge_misspelt_keys(described)


_SHAPES = {
    "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
    "list_type": "a list", "tuple_type": "a list", "string_type": "text",
}


def _prune_union_branches(items: list[Any]) -> list[Any]:
    # A field such as `components` (a mapping or a list) is a union: pydantic reports every
    # branch that failed. A branch the input does not even have the shape of is noise when
    # another branch got further; when none did, one "expected X or Y" says it all.
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for item in items:
        branch = next((i for i, part in enumerate(item["loc"]) if isinstance(part, str) and "[" in part), None)
        if branch is not None:
            groups.setdefault(tuple(item["loc"][:branch]), []).append(item)
    kept = []
    for item in items:
        key = next((k for k, members in groups.items() if any(m is item for m in members)), None)
        if key is None:
            kept.append(item)
            continue
        members = groups[key]
        shape_only = [m for m in members if len(m["loc"]) == len(key) + 1 and m["type"] in _SHAPES]
        if len(shape_only) < len(members):
            if not any(m is item for m in shape_only):
                kept.append(item)
        elif item is members[0]:
            expected = list(dict.fromkeys(_SHAPES[m["type"]] for m in members))
            kept.append({"type": "union_shape", "loc": key, "input": item["input"], "ctx": {"expected": expected}, "msg": ""})
    return kept


def _merge_misspelt_keys(described: list[tuple[tuple[Any, ...], str, bool]]) -> list[tuple[tuple[Any, ...], str, bool]]:
    # `stauts:` for `status:` gives two errors, an unknown key and a missing one; the first,
    # with its did-you-mean, says everything.
    suggested = set()
    for loc, message, at_key in described:
        if at_key and "(did you mean '" in message:
            suggested.add(loc[:-1] + (message.split("(did you mean '")[1].split("'")[0],))
    return [entry for entry in described if not (entry[0] in suggested and entry[1] == _MISSING)]


def _visible_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # Unions and tagged types add steps such as 'dict[str,...]' or 'list[...]' to the
    # location; they name no key of the file, so they are dropped.
    return tuple(part for part in loc if not (isinstance(part, str) and ("[" in part or part.startswith("function-"))))


_MISSING = "required field is missing"
_PATTERNS = {
    "^[A-Z]{3}$": "an ISO 4217 currency code such as USD or EUR",
}


def _message(model: type[BaseModel], item: dict[str, Any], loc: tuple[Any, ...], written: str | None) -> str:
    kind = item["type"]
    value = item.get("input")
    context = item.get("ctx") or {}
    shown = _show(value, written)
    if kind == "missing":
        return _MISSING
    if kind == "union_shape":
        return f"expected {' or '.join(context['expected'])}, got {_kind_of(value, shown)}"
    if kind == "extra_forbidden":
        name = loc[-1] if loc else "?"
        names = _field_names(model, loc[:-1])
        hint = did_you_mean(str(name), names) or (f" (expected one of: {', '.join(names)})" if names else "")
        return f"unknown field '{name}'{hint}"
    if kind == "enum":
        allowed = [member.strip(" '") for member in str(context.get("expected", "")).replace(" or ", ", ").split(",")]
        return f"{shown} is not one of: {', '.join(allowed)}{did_you_mean(str(value), allowed)}"
    if kind == "timezone_aware" and isinstance(value, date) and not isinstance(value, datetime):
        return f"{shown} is a date without a time: write a timestamp, e.g. {value}T00:00:00Z"
    if kind == "timezone_aware":
        return "timestamp has no offset: add one, e.g. 2020-07-05T19:00:00Z (UTC) or +02:00"
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return f"{shown} is not a timestamp: use RFC 3339 with an offset, e.g. 2020-07-05T19:00:00Z"
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"{shown} is not a date: use YYYY-MM-DD, e.g. 2020-08-12"
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(context.get("pattern", "")):
        return f"{shown} is not a valid id: use lower-case letters, digits and hyphens"
    if kind == "string_pattern_mismatch" and context.get("pattern") in _PATTERNS:
        return f"{shown} is not {_PATTERNS[context['pattern']]}"
    if kind == "greater_than_equal":
        return f"{shown} must be at least {context.get('ge')}"
    if kind == "greater_than":
        return f"{shown} must be more than {context.get('gt')}"
    if kind == "less_than_equal":
        return f"{shown} must be at most {context.get('le')}"
    if kind in ("decimal_parsing", "decimal_type"):
        return f"{shown} is not a number: write a decimal such as 5 or 4.99"
    if kind == "decimal_max_places":
        return f"{shown} has more than {context.get('decimal_places')} decimal places"
    if kind == "value_error":
        return str(context.get("error", item["msg"]))
    if kind == "finite_number":
        return f"{shown} is not a finite number"
    if kind == "string_too_short":
        return "expected some text"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_kind_of(value, shown)}"
    if kind == "too_short":
        return f"expected at least {context.get('min_length', 1)} entr{'y' if context.get('min_length', 1) == 1 else 'ies'}"
    if kind == "less_than_equal":
        return f"{shown} must be at most {context.get('le')}"
    if kind == "string_type":
        return f"expected text, got {_kind_of(value, shown)}{_quote_hint(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of keys to values, got {_kind_of(value, shown)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {_kind_of(value, shown)}"
    return str(item["msg"])


def _show(value: Any, written: str | None = None) -> str:
    if written:
        text = written
    elif value is None:
        text = "nothing"  # `price:` or `price: ~`
    elif isinstance(value, (date, datetime)):
        text = value.isoformat()
    else:
        text = repr(value) if isinstance(value, str) else as_written(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind_of(value: Any, shown: str) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}
    if isinstance(value, bool):
        return f"the true/false value {shown}"
    if isinstance(value, (int, float, Decimal)):
        return f"the number {shown}"
    if isinstance(value, (date, datetime)):
        return f"the date {shown}"
    return names.get(type(value), f"{type(value).__name__} {shown}")


def _quote_hint(value: Any) -> str:
    # Plain values that YAML reads as something other than text: `true`, `404`, `2021-10-01`.
    if isinstance(value, (bool, int, float, Decimal, date)):
        return " (put it in quotes to make it text)"
    return ""


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys accepted at `loc` inside `model` (aliases as written in files)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        inner = _model_in(current)
        if inner is None or part not in _keys(inner):
            return []
        current = _keys(inner)[part]
    inner = _model_in(current)
    return list(_keys(inner)) if inner is not None else []


def _keys(model: type[BaseModel]) -> dict[str, Any]:
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items() if not info.exclude}


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as `tuple[X, ...] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return None
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None
