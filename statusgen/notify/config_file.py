"""Read and check the `notify:` block of mkdocs.yml, every problem at once, at its line.

MkDocs reads mkdocs.yml as YAML 1.1 and keeps no line numbers, so the block is read again
from the file, as YAML 1.2 like the records (mkdocs_options.statusgen_block), and validated
here: the models of config.py, then what they cannot know alone (unique channel ids,
components and plans that exist, URLs and addresses that can be used).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import apprise
import yaml
from pydantic import ValidationError

from ..errors import ContentError, Problem, field_path
from ..messages import describe_validation_error, did_you_mean
from ..mkdocs_options import display_path, statusgen_block
from ..records import Records
from ..yamlsource import compose, node_value, nodes_towards
from .config import CHANNEL_TYPES, AppriseChannel, Channel, ChannelOutline, EmailChannel, NotifyConfig, NotifyOutline
from .secrets import has_variables

ROOT = "notify"


class NotifyConfigError(ContentError):
    """The notify block is wrong: every problem, nothing sent (exit 2)."""

    where = "in notify's configuration"
    outcome = "nothing was sent"


class _Block:
    """The notify node of mkdocs.yml, to point at the line of any field in it."""

    def __init__(self, node: yaml.Node, display: str) -> None:
        self.node = node
        self.display = display

    def problem(self, loc: tuple[Any, ...], message: str, key: bool = False) -> Problem:
        found = self._path(loc, key)
        return Problem(self.display, found[-1].start_mark.line + 1, field_path((ROOT, *loc)), message)

    def place(self, loc: tuple[Any, ...]) -> str:
        return f"{self.display}:{self._path(loc, False)[-1].start_mark.line + 1}"

    def written(self, loc: tuple[Any, ...], key: bool) -> str | None:
        found = self._path(loc, key)
        node = found[-1]
        if len(found) == len(loc) + 1 and isinstance(node, yaml.ScalarNode) and not node.style:
            return str(node.value)
        return None

    def _path(self, loc: tuple[Any, ...], key: bool) -> list[yaml.Node]:
        return nodes_towards(self.node, loc, key)


def read_notify_config(config_file: Path, records: Records) -> NotifyConfig | None:
    """The notify block of `config_file` checked against the site's records; None when the
    site configures none. Raises NotifyConfigError with every problem."""
    node, found_in = statusgen_block(config_file, compose)
    notify = _value_of(node, ROOT)
    if notify is None:
        return None
    block = _Block(notify, display_path(found_in))
    try:
        value = node_value(notify)
    except yaml.YAMLError as error:
        raise NotifyConfigError([block.problem((), f"cannot be read: {error}")]) from None
    problems: list[Problem] = []
    outline = _validate(NotifyOutline, value, (), block, problems)
    raw_channels = value.get("channels") if isinstance(value, dict) else None
    # A mistake in the outline (a reminder, say) does not hide the channels' own problems.
    channels = [(index, _channel(raw, index, block, problems)) for index, raw in enumerate(raw_channels or [])
                if isinstance(raw, dict)] if isinstance(raw_channels, list) else []
    checked = [(index, channel) for index, channel in channels if channel is not None]
    problems += _duplicate_ids(raw_channels if isinstance(raw_channels, list) else [], block)
    problems += _cross_check(checked, records, block)
    if problems or outline is None:
        raise NotifyConfigError(problems)
    places = {field_path(loc): block.place(loc) for loc in _string_fields(value)}
    return NotifyConfig(state=outline.state, reminders=outline.reminders,
                        channels=tuple(channel for _, channel in checked), places=places)


def _value_of(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key), None)


def _validate(model: type[Any], value: Any, at: tuple[Any, ...], block: _Block, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        def written(loc: tuple[Any, ...], key: bool) -> str | None:
            return block.written(at + loc, key)

        for loc, message, at_key in describe_validation_error(model, error, written):
            problems.append(block.problem(at + loc, message, key=at_key))
        return None


def _channel(raw: dict[str, object], index: int, block: _Block, problems: list[Problem]) -> Channel | None:
    at = ("channels", index)
    outline = _validate(ChannelOutline, raw, at, block, problems)
    if outline is None:
        return None
    model = CHANNEL_TYPES.get(outline.type)
    if model is None:
        hint = did_you_mean(outline.type, CHANNEL_TYPES)
        problems.append(block.problem((*at, "type"), f"{outline.type!r} is not one of: {', '.join(CHANNEL_TYPES)}{hint}"))
        return None
    channel: Channel | None = _validate(model, raw, at, block, problems)
    return channel


def _duplicate_ids(raw_channels: list[Any], block: _Block) -> list[Problem]:
    seen: set[object] = set()
    problems = []
    for index, raw in enumerate(raw_channels):
        channel_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(channel_id, str) and channel_id in seen:
            problems.append(block.problem(("channels", index, "id"), f"{channel_id!r} names two channels: each needs its own id"))
        seen.add(channel_id)
    return problems


def _cross_check(channels: list[tuple[int, Channel]], records: Records, block: _Block) -> list[Problem]:
    """What the models cannot check alone: unique ids, names that exist, usable addresses."""
    problems = []
    components = [component.id for component in records.components.components]
    components += [group.id for group in records.components.groups]
    plans = [plan.id for plan in records.plans.plans] if records.plans else []
    for index, channel in channels:
        at = ("channels", index)
        for name, known, what in (("components", components, "component or group in components.yml"),
                                  ("plans", plans, "plan in plans.yml")):
            for position, wanted in enumerate(getattr(channel, name) or ()):
                if wanted not in known:
                    message = f"{wanted!r} is not a {what}{did_you_mean(wanted, known)}"
                    problems.append(block.problem((*at, name, position), message))
        problems += [block.problem((*at, *loc), message) for loc, message in channel_problems(channel)]
    return problems


def channel_problems(channel: Channel, filled_in: bool = False) -> list[tuple[tuple[str | int, ...], str]]:
    """(field, message) for each value a channel cannot be used with. Values holding a
    ${VARIABLE} are checked once it is filled in, when sending (`filled_in`: the messages
    then never quote the value, which holds a secret)."""

    def shown(value: str) -> str:
        return "the value, its variables filled in," if filled_in else repr(value)

    def unchecked(value: str) -> bool:
        return not filled_in and has_variables(value)

    problems: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(channel, AppriseChannel):
        if not unchecked(channel.url) and not apprise.Apprise().add(channel.url):
            problems.append((("url",), f"{shown(channel.url)} is not a URL Apprise can send to (e.g. slack://..., json://host/path)"))
    elif isinstance(channel, EmailChannel):
        if not unchecked(channel.sender) and "@" not in parseaddr(channel.sender)[1]:
            problems.append((("from",), f"{shown(channel.sender)} is not an email address"))
        for index, address in enumerate(channel.to):
            if not unchecked(address) and not all("@" in found for _, found in getaddresses([address])):
                problems.append((("to", index), f"{shown(address)} is not an email address"))
        if channel.unsubscribe is not None and not unchecked(channel.unsubscribe):
            if urlsplit(channel.unsubscribe).scheme not in ("https", "http", "mailto"):
                problems.append((("unsubscribe",), f"{shown(channel.unsubscribe)} is not an https: or mailto: URL"))
    elif not unchecked(channel.url):
        parts = urlsplit(channel.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append((("url",), f"{shown(channel.url)} is not an http(s) URL"))
    return problems


def _string_fields(value: Any, at: tuple[Any, ...] = ()) -> Iterable[tuple[Any, ...]]:
    """The location of every text value in the block."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _string_fields(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _string_fields(item, (*at, index))
    elif isinstance(value, str):
        yield at
