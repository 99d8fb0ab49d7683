"""`serve` sees a saved record at once: the records' folder is watched by inotify where it can be.

MkDocs' preview polls the folders it watches twice a second (watchdog's PollingObserver),
because native watchers miss changes on network mounts, Docker Desktop's shared folders and
WSL's Windows drives (mkdocs/mkdocs#2477). On a long history that polling is the slowest part
of a preview: a saved record waits a quarter of a second on average before it is seen, and
every poll stats each file of the history (11,000 at 10,000 incidents) in the server's own
process, slowing the rebuild it competes with. So on Linux, when the records' folder is on a
local file system, it is watched through inotify instead, which reports a save as it happens
and costs nothing in between (so the server then also waits less for a save's last write:
NATIVE_BUILD_DELAY); anywhere else it stays with MkDocs' polling, as do the other folders
MkDocs watches (templates, mkdocs.yml).

The server's observer, its table of watched paths and its build_delay are MkDocs' own, not its
API: whatever is not as expected leaves the polling as it is.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

LOCAL_FILE_SYSTEMS = frozenset({"ext2", "ext3", "ext4", "xfs", "btrfs", "bcachefs", "f2fs", "jfs", "reiserfs", "zfs",
                                "tmpfs", "ramfs", "overlay"})
"""File systems whose changes the kernel sees, and so reports to inotify, whoever makes them.
Not these: NFS, SMB, 9p (WSL's Windows drives), FUSE (Docker Desktop's shares), VirtualBox's."""
MOUNTS = Path("/proc/self/mounts")
NATIVE_BUILD_DELAY = 0.03
"""Seconds without a change that MkDocs' server waits for before it rebuilds (its own is 0.1,
sized for polling, whose changes come in batches), once inotify reports each change as it
happens: a save's writes come within milliseconds of each other. 70 ms less between saving
a record and seeing it; a change that comes later (a checkout of many files) only starts
one more rebuild."""


def file_system_type(path: Path, mounts: str | None = None) -> str | None:
    """The type of the file system holding `path` (Linux: the mount table), None if unknown."""
    if mounts is None:
        try:
            mounts = MOUNTS.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.realpath(path)
    found: tuple[str, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (found is None or len(point) >= len(found[0])):  # the deepest; of two at one point, the last
            found = (point, fields[2])
    return found[1] if found is not None else None


def _unescape(field: str) -> str:
    # The mount table writes a space, tab, newline and backslash in a path as \040, \011, \012, \134.
    for code, character in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, character)
    return field


def watch_natively(server: Any, folder: Path) -> Any | None:
    """Move `folder` from the preview server's polling to an inotify observer, started here;
    returns that observer (to stop at shutdown), or None where the polling stays."""
    if not sys.platform.startswith("linux") or file_system_type(folder) not in LOCAL_FILE_SYSTEMS:
        return None
    polling = getattr(server, "observer", None)
    watched = getattr(server, "_watched_paths", None)
    path = os.path.abspath(folder)  # as the server keys it
    if polling is None or not isinstance(watched, dict) or watched.get(path, 0) < 1 or polling.is_alive():
        return None
    try:
        native = _changes_observer()
    except (ImportError, OSError):  # no inotify here, or the user's instances are used up
        return None
    count = watched[path]
    for _ in range(count):
        server.unwatch(path)
    server.observer = native  # so that the server's own watch() puts its handler on it
    try:
        server.watch(path)
    except OSError:  # the user's inotify watches are used up: back to polling
        watched.pop(path, None)
        server.observer = polling
        for _ in range(count):
            server.watch(path)
        return None
    finally:
        server.observer = polling
    for _ in range(count - 1):
        server.watch(path)  # only counts: the path is watched already
    native.start()
    if isinstance(getattr(server, "build_delay", None), (int, float)):
        server.build_delay = min(server.build_delay, NATIVE_BUILD_DELAY)
    return native


def _changes_observer() -> Any:
    """An inotify observer that reports changes only. inotify also reports a file opened and
    closed unwritten, which MkDocs' handler would take for a change: the build's own reading
    of the records would then start one rebuild after another."""
    from watchdog import events
    from watchdog.observers.inotify import InotifyObserver

    changes: list[type[events.FileSystemEvent]] = [
        events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent, events.FileMovedEvent,
        events.FileClosedEvent, events.FileAttribEvent,
        events.DirCreatedEvent, events.DirModifiedEvent, events.DirDeletedEvent, events.DirMovedEvent, events.DirAttribEvent,
    ]

    class ChangesObserver(InotifyObserver):
        def schedule(self, event_handler: events.FileSystemEventHandler, path: str | Path, *, recursive: bool = False,
                     event_filter: list[type[events.FileSystemEvent]] | None = None, follow_symlink: bool = False) -> Any:
            return super().schedule(event_handler, path, recursive=recursive, event_filter=event_filter or changes,
                                    follow_symlink=follow_symlink)

    return ChangesObserver()
