"""Publishing a build atomically: build beside site/, then swap the two folders in one step.

A failed or killed build must leave the previous site/ exactly as it was. The new site is
built in a sibling folder; on Linux renameat2(RENAME_EXCHANGE) swaps it with site/ in one
system call, elsewhere two renames leave a window of microseconds. Leftovers of a killed
build are named `.statusgen-*` and cleared by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_PREFIX = ".statusgen-"


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = int(renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE))
    return result == 0


def clear_leftovers(site_dir: Path) -> None:
    """Remove folders that a killed build left beside site_dir (their owner is gone)."""
    parent = site_dir.resolve().parent
    if not parent.is_dir():
        return
    for leftover in sorted(parent.glob(f"{_PREFIX}{site_dir.name}-*")):
        pid = leftover.name.rsplit("-", 2)[-2] if leftover.name.count("-") >= 3 else ""
        if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
            continue  # another build is running right now
        if leftover.name.endswith("-old") and not site_dir.exists():
            os.rename(leftover, site_dir)  # killed between the two renames of `publish`: restore
            continue
        remove_path(leftover)


def remove_path(path: Path) -> None:
    """Delete a folder, or a file or link (what site/ was may be swapped into it)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def staged_site(site_dir: Path) -> Iterator[Path]:
    """A fresh folder to build into; on normal exit it replaces site_dir, on error it goes away."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(site_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{site_dir.name}-{os.getpid()}-", dir=site_dir.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, site_dir)


def publish(staging: Path, site_dir: Path) -> None:
    """Put `staging` in site_dir's place and delete what was there."""
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a published site is world-readable
    if site_dir.exists() and _exchange(staging, site_dir):
        remove_path(staging)  # after the exchange, staging holds the old site
        return
    if site_dir.exists():
        old = site_dir.parent / f"{_PREFIX}{site_dir.name}-{os.getpid()}-old"
        os.rename(site_dir, old)
        os.rename(staging, site_dir)
        remove_path(old)
    else:
        os.rename(staging, site_dir)
