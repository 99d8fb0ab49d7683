"""Decide what each channel gets: a pure function of the public records, the state and the
configuration. Sending and the state file are the caller's (run.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..records import Records
from .config import Channel, NotifyConfig
from .due import Message, due_messages
from .state_file import NotifyState


@dataclass(frozen=True)
class Delivery:
    channel: str
    message: Message


@dataclass(frozen=True)
class Plan:
    """What a run does."""

    deliveries: tuple[Delivery, ...]
    """To send, oldest message first (a message for several channels: in their order)."""
    baselines: Mapping[str, tuple[Message, ...]]
    """Channel new to the state -> every message due for it, recorded as sent, none sent."""
    filtered: Mapping[str, tuple[str, ...]]
    """Channel -> keys of due messages its filters leave out, not recorded yet."""


def plan(public: Records, state: NotifyState, config: NotifyConfig, now: datetime,
         only: Sequence[str] = ()) -> Plan:
    """What to send to each channel (all, or those named in `only`) at now.

    A message is for a channel when it is due, matches the channel's filters and the state
    does not hold it for that channel. A channel the state does not know yet gets none: its
    due messages are its baseline, so a first run never floods people with history."""
    due = due_messages(public, config.reminders, now)
    members = _group_members(public)
    channels = [channel for channel in config.channels if not only or channel.id in only]
    deliveries: list[Delivery] = []
    baselines: dict[str, tuple[Message, ...]] = {}
    filtered: dict[str, tuple[str, ...]] = {}
    for channel in channels:
        known = state.channels.get(channel.id)
        wanted = [message for message in due if matches(channel, message, members)]
        left_out = [message.recorded_as for message in due if known is None or not known.knows(message.recorded_as)]
        left_out = sorted(set(left_out) - {message.recorded_as for message in wanted})
        if left_out:
            filtered[channel.id] = tuple(left_out)
        if known is None:
            baselines[channel.id] = tuple(wanted)
            continue
        deliveries += [Delivery(channel.id, message) for message in wanted if not known.knows(message.recorded_as)]
    order = {channel.id: index for index, channel in enumerate(config.channels)}
    deliveries.sort(key=lambda delivery: (delivery.message.at, delivery.message.key, order[delivery.channel]))
    return Plan(tuple(deliveries), baselines, filtered)


def matches(channel: Channel, message: Message, members: Mapping[str, frozenset[str]]) -> bool:
    """Whether a message passes every filter the channel gives.

    `components` concerns incidents, maintenance and post-mortems (their incident's
    components); a group stands for its members. `plans` concerns announcements; one that
    names no plan concerns every customer."""
    if channel.kinds is not None and message.kind not in channel.kinds:
        return False
    if channel.components is not None and message.kind != "announcement":
        wanted = frozenset().union(*(members.get(name, frozenset({name})) for name in channel.components))
        if not message.components & wanted:
            return False
    if channel.plans is not None and message.kind == "announcement" and message.plans:
        if not message.plans & frozenset(channel.plans):
            return False
    return True


def _group_members(public: Records) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for component in public.components.components:
        if component.group is not None:
            found.setdefault(component.group, set()).add(component.id)
    return {group: frozenset(ids) for group, ids in found.items()}
