"""The statusgen block of mkdocs.yml read as YAML 1.2, as the records are.

MkDocs reads mkdocs.yml with PyYAML, YAML 1.1, before any plugin sees it: `prefix: on`
would arrive as True and `uptime_days: 030` as 24. So the plugin's options are read again
from the file's text, and each plain value written there is given its YAML 1.2 meaning
(yaml12.py) in place of the one MkDocs made of the same text. Values MkDocs did not take
from a plain scalar of the file (`!ENV`, a mapping) stay as MkDocs read them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.base import ValidationError

from .yamlsource import plain_value

_MAX_INHERIT = 10
"""Most `INHERIT` steps followed (MkDocs itself would loop forever on a cycle)."""

Errors = list[tuple[str, Exception]]
Warnings = list[tuple[str, str]]


@dataclass(frozen=True)
class Written:
    """One option as the file has it."""

    text: str
    place: str
    """`mkdocs.yml:13`: the file, as the user would type it, and the line."""


def load_as_yaml12(load: Callable[[dict[str, Any], str | None], tuple[Errors, Warnings]],
                   options: dict[str, Any], config_file_path: str | None) -> tuple[Errors, Warnings]:
    """Validate the plugin's options with `load` (MkDocs' own), after reading every plain value
    the file has for them as YAML 1.2; an error names the line and quotes the value."""
    written = _written_options(Path(config_file_path)) if config_file_path else {}
    errors, warnings = load(options_as_yaml12(options, written), config_file_path)
    return [(name, _located(error, written.get(name))) for name, error in errors], warnings


def options_as_yaml12(options: dict[str, Any], written: dict[str, Written]) -> dict[str, Any]:
    """`options` as MkDocs read them, with every plain value of the file read as YAML 1.2."""
    result = dict(options)
    for name, value in written.items():
        if name not in result:
            continue
        as_yaml11 = _yaml11_value(value.text)
        if type(result[name]) is type(as_yaml11) and result[name] == as_yaml11:
            try:
                result[name] = _plain_python(plain_value(value.text))
            except yaml.YAMLError:
                pass  # a number YAML cannot construct: MkDocs' own check reports the option
    return result


def _located(error: Exception, written: Written | None) -> Exception:
    if written is None:
        return error
    meaning = _kind_of(plain_value_or_text(written.text))
    return ValidationError(f"{error} ({written.place} has {written.text!r}, which YAML 1.2 reads as {meaning})")


def plain_value_or_text(text: str) -> Any:
    try:
        return plain_value(text)
    except yaml.YAMLError:
        return text


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, (Decimal, float)):
        return "a number with a point"
    if isinstance(value, date):
        return "a date"
    return "nothing" if value is None else "text"


def _written_options(path: Path) -> dict[str, Written]:
    """Option name -> how each plain scalar under `plugins: - statusgen:` is written in the file."""
    block, found_in = statusgen_block(path, lambda text: yaml.compose(text, Loader=yaml.SafeLoader))
    display = display_path(found_in)
    return {name: Written(text, f"{display}:{line}") for name, (text, line) in _plain_scalars(block).items()}


def statusgen_block(path: Path, compose: Callable[[str], yaml.Node | None]) -> tuple[yaml.Node | None, Path]:
    """The options node of `statusgen` under `plugins:` in mkdocs.yml, composed by `compose`,
    and the file it is in: mkdocs.yml, or the file it inherits from when it has no `plugins`
    of its own (MkDocs replaces the whole list, it does not merge it). None when there is none."""
    for _ in range(_MAX_INHERIT):
        try:
            root = compose(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return None, path  # MkDocs has read it already: whatever is wrong, it has said so
        plugins = _value_of(root, "plugins")
        if plugins is not None:
            return _statusgen_block(plugins), path
        inherit = _value_of(root, "INHERIT")
        if not isinstance(inherit, yaml.ScalarNode):
            return None, path
        path = path.parent / inherit.value
    return None, path


def display_path(path: Path) -> str:
    """A file as the user would type it: relative to the working folder when inside it."""
    relative = os.path.relpath(path.resolve(), Path.cwd())
    return str(path) if relative.startswith("..") else relative


def _statusgen_block(plugins: yaml.Node) -> yaml.Node | None:
    """The options node of statusgen in a `plugins:` list or mapping."""
    if isinstance(plugins, yaml.MappingNode):
        return _value_of(plugins, "statusgen")
    if isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            block = _value_of(item, "statusgen")
            if block is not None:
                return block
    return None


def _value_of(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key), None)


def _plain_scalars(block: yaml.Node | None) -> dict[str, tuple[str, int]]:
    """Option name -> (text, line), for the options written as plain scalars without a tag."""
    if not isinstance(block, yaml.MappingNode):
        return {}
    # A tag written in the file (`!ENV`, `!!str 030`) gives a tag other than the one the
    # text resolves to by itself: such values are MkDocs' to read.
    return {
        name.value: (value.value, value.start_mark.line + 1)
        for name, value in block.value
        if isinstance(name, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)
        and value.style is None and value.tag == _yaml11_tag(value.value)
    }


def _yaml11_tag(text: str) -> str:
    return yaml.SafeLoader("").resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call,no-any-return]


def _yaml11_value(text: str) -> Any:
    """What PyYAML's safe loader, as MkDocs uses it, makes of a plain scalar."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(yaml.ScalarNode(_yaml11_tag(text), text))
    except (yaml.YAMLError, ValueError):
        return None
    finally:
        loader.dispose()


def _plain_python(value: Any) -> Any:
    """Plain int and float, as MkDocs' option types expect, not the loader's own kinds."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (Decimal, float)):
        return float(value)
    return value
