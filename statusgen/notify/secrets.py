"""`${VAR}` in a channel's settings, read from the environment when sending, never shown.

Values are filled in at the edge, just before sending, from an environment given as a
mapping; every variable missing is reported before anything is sent. The values read are
kept in a `Redactor`, which blanks them out of any line statusgen prints (a receiver's error
message may quote the URL it was called with).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NOT_SECRET = frozenset({"id", "type", "kinds", "components", "plans"})


def has_variables(text: str) -> bool:
    return bool(_VARIABLE.search(text))


@dataclass
class Redactor:
    """The values read from the environment, to be blanked out of output."""

    secrets: set[str] = field(default_factory=set)

    def __call__(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def missing_variables(model: BaseModel, environ: Mapping[str, str]) -> list[tuple[tuple[str | int, ...], str]]:
    """(field location, variable name) of every variable the channel uses that is not set."""
    return [(loc, name) for loc, text in _texts(model) for name in _VARIABLE.findall(text) if name not in environ]


def expand(model: BaseModel, environ: Mapping[str, str], redactor: Redactor) -> Any:
    """A copy of the channel with every ${VAR} filled in (the caller checked none is missing)."""

    def fill(match: re.Match[str]) -> str:
        value = environ[match.group(1)]
        if value:
            redactor.secrets.add(value)
        return value

    changes: dict[str, Any] = {}
    for name, value in model:
        if name in _NOT_SECRET:
            continue
        if isinstance(value, str):
            changes[name] = _VARIABLE.sub(fill, value)
        elif isinstance(value, list):
            changes[name] = [_VARIABLE.sub(fill, item) if isinstance(item, str) else item for item in value]
        elif isinstance(value, dict):
            changes[name] = {key: _VARIABLE.sub(fill, item) for key, item in value.items()}
        elif isinstance(value, BaseModel):
            changes[name] = expand(value, environ, redactor)
    return model.model_copy(update=changes)


def _texts(model: BaseModel) -> list[tuple[tuple[str | int, ...], str]]:
    """(location as written in the file, text) of every text a channel's variables may be in."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for name, value in model:
        if name in _NOT_SECRET:
            continue
        info = type(model).model_fields[name]
        key = info.alias or name
        if isinstance(value, str):
            found.append(((key,), value))
        elif isinstance(value, list):
            found += [((key, index), item) for index, item in enumerate(value) if isinstance(item, str)]
        elif isinstance(value, dict):
            found += [((key, item_key), item) for item_key, item in value.items() if isinstance(item, str)]
        elif isinstance(value, BaseModel):
            found += [((key, *loc), text) for loc, text in _texts(value)]
    return found
