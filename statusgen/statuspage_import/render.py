"""Imported records as text, in the same style as the records people write by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..authoring.yamlio import CommentedMap, CommentedSeq, dump_yaml, new_record_text, stamp, text


def yaml_value(value: Any) -> Any:
    """Plain data -> what the round-trip writer writes in house style (timestamps, block text)."""
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return CommentedMap((key, yaml_value(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return CommentedSeq(yaml_value(item) for item in value)
    return value


def record_text(front_matter: dict[str, Any], body: str) -> str:
    """A Markdown record: the front matter, then the body."""
    return new_record_text(yaml_value(front_matter), body)


def catalogue_text(data: dict[str, Any], comment: str | None = None) -> str:
    """A YAML catalogue such as components.yml."""
    mapping = yaml_value(data)
    if comment:
        mapping.yaml_set_start_comment(comment)
    return dump_yaml(mapping)
