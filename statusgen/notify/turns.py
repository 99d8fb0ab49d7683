"""Runs of notify on one state file take turns.

Two runs at once (a cron job overlapping a manual run, two CI jobs on one runner) would read
the same state, both send what it lacks, and the last to write would forget what the other
recorded: every message twice, and a state that no longer says so. A run holds an exclusive
lock from reading the state to its last write; another waits for it, then reads the state
the first left, and sends only what is still due.

The lock is flock(2) on the state file's folder: it takes no file of its own (the state may
sit in a repository, where a lock file would be one more thing to ignore), and the kernel
drops it when the holder exits, however it exits, so a killed run never leaves it behind.
Where there is no flock (Windows), runs are not kept apart: the CI workflows `statusgen init`
writes keep their runs apart with a concurrency group anyway.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .state_file import StateFileError


@contextmanager
def one_run_at_a_time(state_path: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Within: no other run of notify on `state_path`'s folder (made if missing) is within.
    `waiting` is called once if another run holds it, before this one waits for it."""
    if sys.platform == "win32":  # no flock
        yield
        return
    import fcntl

    try:
        state_path.parent.mkdir(parents=True, exist_ok=True)  # `state: notify/state.json` on a first run
        folder = os.open(state_path.parent, os.O_RDONLY)
    except OSError as error:
        raise StateFileError(f"{state_path}: its folder cannot be made or opened: {error.strerror}") from None
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # releases the lock
