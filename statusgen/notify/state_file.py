"""What notify has done, per channel: the only file it writes.

Per channel, the keys of the messages it has sent (or recorded as sent on its first run) and
of those its filters left out (so that widening a filter later does not send history). The
file is JSON with sorted lists, so a state committed to git diffs line by line, and it is
replaced atomically (a temporary file, fsync, rename, fsync of the folder): killed at any
moment, it holds either the old state or the new one. A file that is not a state file is an
error, never read as an empty state, which would send nothing but forget what was sent.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

FORMAT = "statusgen-notify-state"
VERSION = 2
"""2 names an update by its time (`incidents/x/#update-at-2021-10-04T18:00:00Z`), 1 named it by
its number (`#update-2`); a state of version 1 is read, and renamed once by the run (run.py)."""
_READ_VERSIONS = (1, 2)


class StateFileError(Exception):
    """The state file cannot be read as one."""


@dataclass(frozen=True)
class ChannelState:
    sent: frozenset[str] = frozenset()
    filtered: frozenset[str] = frozenset()

    def knows(self, key: str) -> bool:
        return key in self.sent or key in self.filtered


@dataclass(frozen=True)
class NotifyState:
    """Channel id -> what it has had; a channel missing here is new (its first run records a baseline)."""

    channels: Mapping[str, ChannelState] = field(default_factory=dict)
    numbered_updates: bool = False
    """Read from a state of version 1, whose keys name updates by number."""

    def recorded(self, channel: str, sent: Iterable[str] = (), filtered: Iterable[str] = ()) -> NotifyState:
        """This state with more keys recorded for `channel` (which becomes known if new)."""
        known = self.channels.get(channel, ChannelState())
        updated = replace(known, sent=known.sent | frozenset(sent), filtered=known.filtered | frozenset(filtered))
        return replace(self, channels={**self.channels, channel: updated})

    def renamed(self, names: Mapping[str, str]) -> NotifyState:
        """This state with each key found in `names` replaced by its new name, as of this version."""
        def rename(keys: frozenset[str]) -> frozenset[str]:
            return frozenset(names.get(key, key) for key in keys)
        return NotifyState({channel_id: ChannelState(rename(entry.sent), rename(entry.filtered))
                            for channel_id, entry in self.channels.items()})


def read_state(path: Path) -> NotifyState:
    """The state at `path`; an empty one when the file does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return NotifyState()
    except OSError as error:
        raise StateFileError(f"{path}: cannot be read: {error.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StateFileError(f"{path}: is not a notify state file (not JSON: {error}); {_ADVICE}") from None
    return NotifyState(_channels(data, path), numbered_updates=data.get("version") == 1)


_ADVICE = ("restore it from where it was kept, or delete it: notify then starts over, recording what is "
           "due now as sent without sending it")


def _channels(data: Any, path: Path) -> dict[str, ChannelState]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateFileError(f"{path}: is not a notify state file (no \"format\": \"{FORMAT}\"); {_ADVICE}")
    if data.get("version") not in _READ_VERSIONS:
        raise StateFileError(f"{path}: is a notify state of version {data.get('version')!r}, this statusgen reads "
                             + " and ".join(map(str, _READ_VERSIONS)))
    channels = data.get("channels")
    if not isinstance(channels, dict):
        raise StateFileError(f"{path}: \"channels\" is not a mapping; {_ADVICE}")
    result = {}
    for channel_id, entry in channels.items():
        lists = [entry.get(name, []) if isinstance(entry, dict) else None for name in ("sent", "filtered")]
        if not all(isinstance(keys, list) and all(isinstance(key, str) for key in keys) for keys in lists):
            raise StateFileError(f"{path}: channel {channel_id!r} is not a mapping of key lists; {_ADVICE}")
        result[channel_id] = ChannelState(frozenset(lists[0] or ()), frozenset(lists[1] or ()))
    return result


def state_bytes(state: NotifyState) -> bytes:
    """The file's content: stable, sorted, one key per line."""
    channels = {
        channel_id: {"sent": sorted(entry.sent), "filtered": sorted(entry.filtered)}
        for channel_id, entry in sorted(state.channels.items())
    }
    document = {"format": FORMAT, "version": VERSION, "channels": channels}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_state(path: Path, state: NotifyState) -> None:
    """Replace the file at `path` with `state`, atomically and durably."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(state_bytes(state))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)
