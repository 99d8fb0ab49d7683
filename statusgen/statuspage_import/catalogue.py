"""components.yml after an import: the export's groups and components added to what is there.

An existing file is edited with the round-trip writer, so its comments and order stay; a
component or group whose id is already there is left exactly as the user has it.
"""

from __future__ import annotations

from pathlib import Path

from ..authoring.yamlio import CommentedMap, CommentedSeq, dump_yaml, load_yaml_rt
from .convert import Catalogue
from .export import Json
from .render import catalogue_text, yaml_value

HEADER = "Imported from Statuspage. Order here is display order."


def merge_components(path: Path, catalogue: Catalogue) -> str | None:
    """The text components.yml should have, or None when the export has no components."""
    if not catalogue.components and not path.exists():
        return None
    if not path.exists():
        data: dict[str, object] = {}
        if catalogue.groups:
            data["groups"] = list(catalogue.groups)
        data["components"] = list(catalogue.components)
        return catalogue_text(data, HEADER)
    original = path.read_bytes().decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in original else "\n"
    text = original.replace("\r\n", "\n")
    # An existing file with nothing but comments reads as None: start an empty mapping then.
    existing: CommentedMap = load_yaml_rt(text) or CommentedMap()
    changed = _append(existing, "groups", catalogue.groups, before="components")
    changed = _append(existing, "components", catalogue.components) or changed
    return dump_yaml(existing, like=text).replace("\n", newline) if changed else original


def _append(data: CommentedMap, key: str, items: tuple[Json, ...], before: str | None = None) -> bool:
    """Add the items whose id is new (ids of groups and components share one namespace)."""
    taken = {entry.get("id") for name in ("groups", "components") for entry in (data.get(name) or ()) if isinstance(entry, dict)}
    new = [item for item in items if item["id"] not in taken]
    if not new:
        return False
    if not isinstance(data.get(key), list):
        keys = list(data.keys())
        position = keys.index(before) if before in keys else len(keys)
        data.insert(position, key, CommentedSeq())
    for item in new:
        data[key].append(yaml_value(item))
    return True
