"""Pydantic's validation errors turned into messages a record's author can act on.

Messages are chosen by the error's *type* (missing, extra_forbidden, enum...), never by
rewording pydantic's English, which changes between releases. Unknown keys and values get a
"did you mean" from the names the model accepts at that place.
"""

from __future__ import annotations

import difflib
import types
import typing
from enum import Enum
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to `word`, else ''."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def describe_validation_error(model: type[BaseModel], error: ValidationError) -> list[tuple[tuple[Any, ...], str, bool]]:
    """Each error as (location, message, points_at_key); location as pydantic gives it."""
    described = []
    for item in error.errors(include_url=False):
        loc = _visible_loc(item["loc"])
        message = _message(model, item, loc)
        described.append((loc, message, item["type"] == "extra_forbidden"))
    return described


def _visible_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # Unions and tagged types add steps such as 'dict[str,...]' or 'list[...]' to the
    # location; they name no key of the file, so they are dropped.
    return tuple(part for part in loc if not (isinstance(part, str) and ("[" in part or part.startswith("function-"))))


def _message(model: type[BaseModel], item: dict[str, Any], loc: tuple[Any, ...]) -> str:
    kind = item["type"]
    value = item.get("input")
    context = item.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = loc[-1] if loc else "?"
        return f"unknown field '{name}'{did_you_mean(str(name), _field_names(model, loc[:-1]))}"
    if kind == "enum":
        allowed = [member.strip(" '") for member in str(context.get("expected", "")).replace(" or ", ", ").split(",")]
        return f"{_show(value)} is not one of: {', '.join(allowed)}{did_you_mean(str(value), allowed)}"
    if kind == "timezone_aware":
        return "timestamp has no offset: add one, e.g. 2020-07-05T19:00:00Z (UTC) or +02:00"
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return f"{_show(value)} is not a timestamp: use RFC 3339 with an offset, e.g. 2020-07-05T19:00:00Z"
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"{_show(value)} is not a date: use YYYY-MM-DD, e.g. 2020-08-12"
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(context.get("pattern", "")):
        return f"{_show(value)} is not a valid id: use lower-case letters, digits and hyphens"
    if kind == "string_pattern_mismatch":
        return f"{_show(value)} does not have the expected form ({context.get('pattern')})"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{_show(value)} must be at least {context.get('ge', context.get('gt'))}"
    if kind in ("decimal_parsing", "decimal_type"):
        return f"{_show(value)} is not a number: write a decimal such as 5 or 4.99"
    if kind == "decimal_max_places":
        return f"{_show(value)} has more than {context.get('decimal_places')} decimal places"
    if kind == "value_error":
        return str(context.get("error", item["msg"]))
    if kind in ("string_type", "string_too_short"):
        return "expected some text" if kind == "string_too_short" else f"expected text, got {_kind_of(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of keys to values, got {_kind_of(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {_kind_of(value)}"
    if kind in ("int_type", "int_parsing", "float_type", "float_parsing"):
        return f"expected a number, got {_kind_of(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_kind_of(value)}"
    return str(item["msg"])


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind_of(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "nothing"}
    return names.get(type(value), f"{type(value).__name__} {_show(value)}")


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
    if isinstance(annotation, types.UnionType):
        return None
    return None
