"""JSON as the machine-readable files publish it: deterministic bytes."""

from __future__ import annotations

import json
from typing import Any


def dump_json(value: Any, indent: int | None = None) -> bytes:
    """Deterministic UTF-8 JSON with a trailing newline: keys sorted; compact unless `indent`."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=separators, indent=indent, allow_nan=False)
    return (text + "\n").encode("utf-8")
