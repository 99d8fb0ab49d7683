"""Publishing a build atomically: build beside site/, then swap the two folders in one step.

A failed or killed build must leave the previous site/ exactly as it was. The new site is
built in a sibling folder; on Linux renameat2(RENAME_EXCHANGE) swaps it with site/ in one
system call, elsewhere two renames leave a window of microseconds. Leftovers of a killed
build are named `.statusgen-*` and cleared by the next build.

The site a build replaces is not deleted then: it stays beside the new one as
`.statusgen-site-retired` until the next build, which deletes it in a background process
while it works (`release_retired_site`). Deleting 11,600 pages is a quarter of a second of
the kernel's time, a sixth of a rebuild; the next build has a core to spare for it. It may
not start before that build has checked the pages it links from the last site: their
change time, which tells an untouched file (cache/published.py), moves as their old links
go. A build whose child checks and links those pages ahead takes it instead, between the
two (`take_retired_site`): the pages it shares with the last site are the ones to link, so
its section becomes the folder they are linked into, and only what it holds besides goes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_PREFIX = ".statusgen-"
_RETIRED = "retired"


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
    prefix = f"{_PREFIX}{site_dir.name}-"
    for leftover in sorted(parent.glob(f"{prefix}*")):
        rest = leftover.name[len(prefix):]
        if rest == _RETIRED or (rest.endswith(f"-{_RETIRED}") and not rest[:-len(_RETIRED) - 1].isdigit()):
            continue  # a retired site, this one's or a sibling's named like it: its own next build deletes it
        if str(leftover) in _in_use:
            continue  # this build's own (folder_beside)
        pid = leftover.name.rsplit("-", 2)[-2] if leftover.name.count("-") >= 3 else ""
        if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
            continue  # another build is running right now
        if leftover.name.endswith("-old") and not site_dir.exists():
            os.rename(leftover, site_dir)  # killed between the two renames of `publish`: restore
            continue
        remove_path(leftover)


_in_use: set[str] = set()
"""Folders beside the site that this process is using (folder_beside)."""


@contextmanager
def folder_beside(site_dir: Path) -> Iterator[Path]:
    """Within: a fresh folder beside site_dir, on its file system, for this process's use
    (pages linked ahead of a build: cache/published.py); removed on leaving. It is named as
    the build's staging folder is, so that the next build clears it if this one is killed."""
    site_dir = site_dir.resolve()
    folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{site_dir.name}-{os.getpid()}-", dir=site_dir.parent))
    _in_use.add(str(folder))
    try:
        yield folder
    finally:
        _in_use.discard(str(folder))
        shutil.rmtree(folder, ignore_errors=True)


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


def retired_path(site_dir: Path) -> Path:
    """Where the site a build replaced waits for the next build to delete it."""
    return site_dir.parent / f"{_PREFIX}{site_dir.name}-{_RETIRED}"


class _Removal:
    """A folder deleted by `rm -rf` beside the build, or by the build itself if need be."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Begin deleting in another process, where there is `rm` (else `finish` deletes)."""
        rm = shutil.which("rm")
        if self._process is None and rm is not None and self.folder.exists():
            try:
                self._process = subprocess.Popen([rm, "-rf", "--", str(self.folder)], stdin=subprocess.DEVNULL,
                                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except OSError:
                pass  # no process to spare: `finish` deletes it

    def finish(self) -> None:
        """Wait for the deletion, or delete now; the folder is gone after this."""
        if self._process is not None:
            self._process.wait()
        remove_path(self.folder)  # what `rm` could not delete, or all of it where it did not run

    def give_back(self, retired: Path) -> None:
        """A failed build: leave the folder for the next build if deleting has not begun (the
        deletion would move the change times of the site that stays, and so unlink it all
        from the next build), else finish."""
        if self._process is None:
            try:
                os.rename(self.folder, retired)
                return
            except OSError:
                pass
        self.finish()


_retired: list[_Removal] = []
"""The site before the last one, claimed by the build under way (staged_site)."""


_left_to_child: set[str] = set()
"""Sites whose retired site a child working ahead of the build takes (left_to_child)."""


@contextmanager
def left_to_child(site_dir: Path) -> Iterator[None]:
    """Within: staged_site leaves the retired site of `site_dir` alone, for the child this
    process forked to take with `take_retired_site` once it has checked the last site's pages."""
    key = str(site_dir.resolve())
    _left_to_child.add(key)
    try:
        yield
    finally:
        _left_to_child.discard(key)


def take_retired_site(site_dir: Path, section: Path, into: Path) -> bool:
    """Claim the site before the last for this process, and make its `section` (a path in it)
    the folder `into` (an empty one, which it replaces), the rest of it deleted; False when
    there is none to take (a first build, or another build took it). The child working ahead
    of a build does so between its check of the last site's pages and their links
    (cache/published.py: check_and_link), claiming it as staged_site would."""
    removal = _claim_retired(site_dir.resolve())
    if removal is None:
        return False
    try:
        os.rename(removal.folder / section, into)
        taken = True
    except OSError:
        taken = False
    removal.start()  # what is left of it: the rest of the site, or all of it if not taken
    removal.finish()
    return taken


def release_retired_site() -> None:
    """The build no longer needs the last site's files unchanged: start deleting the one
    before it (a build calls this once it has checked the pages it may link)."""
    for removal in _retired:
        removal.start()


def _claim_retired(site_dir: Path) -> _Removal | None:
    """Take the retired site for this build to delete: renamed to a name of this process's,
    so that a build running at once leaves it alone and the next one clears it should this
    one be killed."""
    claimed = site_dir.parent / f"{_PREFIX}{site_dir.name}-{os.getpid()}-{_RETIRED}"
    try:
        os.rename(retired_path(site_dir), claimed)
    except OSError:
        return None  # none (the first build, or another build took it)
    return _Removal(claimed)


@contextmanager
def staged_site(site_dir: Path) -> Iterator[Path]:
    """A fresh folder to build into; on normal exit it replaces site_dir, on error it goes away.
    The site before the last is deleted meanwhile: from when the build releases it
    (release_retired_site), else at the end."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(site_dir)
    removal = None if str(site_dir) in _left_to_child else _claim_retired(site_dir)
    if removal is not None:
        _retired.append(removal)
    staging = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{site_dir.name}-{os.getpid()}-", dir=site_dir.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if removal is not None:
            removal.give_back(retired_path(site_dir))
        raise
    finally:
        if removal is not None:
            _retired.remove(removal)
    if removal is not None:
        removal.finish()  # before the new site is in place: the next build checks its files' change times
    publish(staging, site_dir)


def publish(staging: Path, site_dir: Path) -> None:
    """Put `staging` in site_dir's place; what was there is retired (see the module's doc)."""
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a published site is world-readable
    if site_dir.exists() and _exchange(staging, site_dir):
        _retire(staging, site_dir)  # after the exchange, staging holds the old site
        return
    if site_dir.exists():
        old = site_dir.parent / f"{_PREFIX}{site_dir.name}-{os.getpid()}-old"
        os.rename(site_dir, old)
        os.rename(staging, site_dir)
        _retire(old, site_dir)
    else:
        os.rename(staging, site_dir)


def _retire(old_site: Path, site_dir: Path) -> None:
    """Keep the replaced site for the next build to delete; delete it now if another build
    retired one meanwhile, or if it is not a folder (site/ was a file)."""
    if old_site.is_dir() and not old_site.is_symlink():
        try:
            # The folder may sit in a repository: git is told to ignore it, as it is for the cache.
            (old_site / ".gitignore").write_text("*\n", encoding="utf-8")
            os.rename(old_site, retired_path(site_dir))
            return
        except OSError:
            pass
    remove_path(old_site)
