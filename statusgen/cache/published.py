"""The third layer of the build cache: pages the last build published, left where they are.

`statusgen build` publishes by building beside site/ and swapping the two (swap.py), so each
build used to write every page anew: at 10,000 incidents, 11,600 pages read back from the
cache and written again for an edit that changed a handful. Now an archived page whose key
(cache/pages.py) is the one it had when the last build published it, and whose file in site/
is untouched since, is hard-linked into the new site from the old one: no read, no write.
Such a page also keeps its modification time, so a host that derives ETag and Last-Modified
from it (nginx, Apache) answers a reader's conditional request for it with 304.

"Untouched" is told by the file's stat, as git's index tells an unchanged file (the
signature of cache/file_digests.py: size, modification and change times, inode, device) as
it was once the build was published. An edit
in place changes the change time (ctime), which no program can set back; a file replaced by
another has another inode. A page that fails the test is written from the cache as before.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic_core import from_json, to_json

from ..folders import make_folder, remove_empty_parents
from ..outputs import OutputFile
from ..swap import release_retired_site
from .file_digests import Signature, signature
from .store import CacheStore

_FOLDER = "published"
"""One entry per folder a build was published to: the archived pages it holds."""


class LinkedPage(OutputFile):
    """An archived page as the last build published it: linked from `source`, its bytes read
    only if something asks for them (in a build nothing does, unless the link fails)."""

    source: str
    checked: Signature
    """The source's signature when this build found it untouched."""
    _stored: Callable[[], bytes | None]

    def __init__(self, path: str, source: str, title: str | None, in_sitemap: bool,
                 signature: Signature, stored: Callable[[], bytes | None]) -> None:
        # Frozen as its parent is: the fields are set once, here (a build makes thousands).
        self.__dict__.update(path=path, source=source, title=title, in_sitemap=in_sitemap, at_site_root=False,
                             checked=signature, _stored=stored)

    @property
    def content(self) -> bytes:
        """The page's bytes: the source's while it is the file that was checked (another build
        into the same folder may have replaced it since), else the cache's entry."""
        try:
            with open(self.source, "rb") as file:
                if _unchanged_since_linked(os.fstat(file.fileno()), self.checked):
                    return file.read()
        except OSError:
            pass
        stored = self._stored()
        if stored is None:
            raise OSError(f"{self.source} changed while this build ran, and the cache no longer holds the page: build again")
        return stored


_Published = tuple[str, str | None, bool, Signature]
"""A page as the last build published it: (key, title, in_sitemap, signature). A plain tuple:
a child checks 11,000 of them ahead of a build and hands them over pickled, which takes a
named tuple 1.6 times longer (a call of its class each) and a frozen dataclass four times."""


def _untouched(path: str, recorded: Signature) -> bool:
    """The file at `path` is the one the signature was recorded of, unwritten since."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and signature(info) == recorded


def _unchanged_since_linked(info: os.stat_result, recorded: Signature) -> bool:
    """The file the signature was recorded of, unwritten since: all but the change time, which
    a link (this build's own, or another's) moves."""
    now = signature(info)
    return now[:2] == recorded[:2] and now[3:] == recorded[3:]


def _entry_name(folder: str) -> str:
    return f"{_FOLDER}/{hashlib.blake2b(folder.encode(), digest_size=12).hexdigest()}"


def _check(store: CacheStore, folder: str) -> dict[str, _Published]:
    """The pages the last build recorded at `folder` whose files are untouched since."""
    return {path: known for path, known in _read(store.read(_entry_name(folder))).items()
            if _untouched(f"{folder}/{path}", known[3])}


_LinkedAhead = tuple[str, dict[str, int]]
"""(a folder, the last site's untouched pages linked in it at their place in the site: each
page's path and its file's change time once linked, the one part of its signature a link
changes)."""
CheckedAndLinked = tuple[dict[str, _Published], _LinkedAhead]
"""What check_and_link finds: the untouched pages, and where it linked them."""


def check_and_link(store: CacheStore, folder: str, side: str,
                   retired: Callable[[], bool] = lambda: False) -> CheckedAndLinked:
    """_check(store, folder), and every untouched page linked into the folder `side` at its
    path: the work a child does ahead of a build while the records are read (cli/site.py),
    which leaves the second core idle. In the build process, as the pages begin and end,
    checking took 0.1 s of a warm build of 10,000 incidents and linking 0.13 s, when both
    cores are busy. The pages that turn out unchanged then take their place in the new site
    with a rename per folder (`place_linked_ahead`).

    `retired()` is called between the check and the links: it makes the section of the site
    before the last the folder `side`, if there is one (swap.take_retired_site). That site
    shares with the last one every page neither build changed, each file linked in both: its
    files that are the last site's untouched pages stay as they are, and the rest goes
    (_keep_untouched). Deleting it and linking 11,600 pages into a fresh folder took the
    child 0.27 s at 10,000 incidents, walking it 0.05 s. Its files go before any is linked,
    so that nothing moves a linked page's change time until the next build checks it: the
    signature taken here is the one to record. A page written to between the check and its
    link is left to the build to write; one written to after it (or, when kept where it was,
    after the check) is published as it then is, and the next build, finding its signature
    changed, writes it anew."""
    untouched = _check(store, folder)
    linked = _recycled(side, untouched) if retired() else {}
    made = {side}
    for path, known in untouched.items():
        if path in linked:
            continue
        target = f"{side}/{path}"
        make_folder(os.path.dirname(target), made)
        try:
            os.link(f"{folder}/{path}", target)
            info = os.lstat(target)
        except OSError:
            continue  # another file system, or one without links: the build writes the page
        if not _unchanged_since_linked(info, known[3]):
            os.unlink(target)  # written to since the check
            continue
        linked[path] = info.st_ctime_ns
    return untouched, (side, linked)


def _recycled(side: str, untouched: dict[str, _Published]) -> dict[str, int]:
    """`side`, the section of the site before the last, left holding only the files that are
    untouched pages of the last site, at their path: the others (pages either build changed,
    the site's other files) are removed. Returns those kept, by path, with their change time:
    the one recorded, as no link of theirs came or went since. Should it fail, the build
    checks the last site itself and links nothing from `side` (_checked)."""
    kept: dict[str, int] = {}
    _keep_untouched(side, "", untouched, os.lstat(side).st_dev, kept)
    return kept


def _keep_untouched(folder: str, below: str, untouched: dict[str, _Published], device: int, kept: dict[str, int]) -> bool:
    """Remove from `folder` (at `below` in the section) what is not an untouched page's own
    file; True if nothing is left in it. A file is told by its directory entry alone (its
    type and inode), with no system call of its own."""
    empty = True
    with os.scandir(folder) as entries:
        for entry in entries:
            path = below + entry.name
            if entry.is_dir(follow_symlinks=False):
                if _keep_untouched(entry.path, path + "/", untouched, device, kept):
                    os.rmdir(entry.path)
                else:
                    empty = False
                continue
            known = untouched.get(path)
            if known is not None and entry.is_file(follow_symlinks=False):
                _, _, changed_ns, inode, on_device = known[3]  # its signature as recorded
                if entry.inode() == inode and on_device == device:
                    kept[path] = changed_ns
                    empty = False
                    continue
            os.unlink(entry.path)
    return empty


def vouch_again(store: CacheStore, folder: str, checked: dict[str, _Published]) -> None:
    """After a build that failed once the last site's pages were linked ahead, and the links
    removed (which moves each page's change time): record them again with the change time they
    now have, those still the files checked (size, modification time, inode), so that the next
    build links them rather than writing every page anew."""
    rows = []
    for path, (key, title, in_sitemap, recorded) in sorted(checked.items()):
        try:
            info = os.lstat(f"{folder}/{path}")
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and _unchanged_since_linked(info, recorded):
            rows.append([path, key, title, in_sitemap, signature(info)])
    store.write(_entry_name(folder), to_json(rows))


_ahead: tuple[tuple[Path, str], Callable[[], CheckedAndLinked | None]] | None = None
"""((store folder, site folder), the answer of check_and_link run ahead): see checked_ahead."""


@contextmanager
def checked_ahead(store: CacheStore, folder: Path, answer: Callable[[], CheckedAndLinked | None]) -> Iterator[None]:
    """Within: PublishedPages at `folder` takes its check, and the pages linked ahead, from
    `answer()`: check_and_link as a child ran it ahead of the build (None: it did not, and
    the check is made here)."""
    global _ahead
    _ahead = ((store.folder, str(folder)), answer)
    try:
        yield
    finally:
        _ahead = None


def _checked(store: CacheStore, folder: str) -> tuple[dict[str, _Published], _LinkedAhead | None]:
    """_check(store, folder), from the child checking it ahead if there is one, with the
    pages it linked."""
    global _ahead
    if _ahead is not None and _ahead[0] == (store.folder, folder):
        answer, _ahead = _ahead[1], None
        try:
            found = answer()
        except Exception:  # noqa: BLE001 - it only saves time: the check is made here instead
            found = None
        if found is not None:
            return found
    return _check(store, folder), None


class PublishedPages:
    """The archived pages of the section as the last build published them at `folder`."""

    def __init__(self, store: CacheStore, folder: Path) -> None:
        self._store = store
        self._folder = str(folder)
        self._entry = _entry_name(self._folder)
        # Every file is checked now (or was, ahead), all at once: then the site before the last
        # may go (its removal moves the change time of the files the last site shares with it).
        self._untouched, self._linked_ahead = _checked(store, self._folder)
        release_retired_site()
        self.publishing: dict[str, tuple[str, OutputFile]] = {}
        """path -> (key, page) this build publishes there, for the next build (see `record`)."""
        self._placed: dict[str, Signature] = {}
        """path -> signature of the pages linked ahead that took their place in the new site
        as they were linked (see `record`)."""

    def find(self, path: str, key: str, stored: Callable[[], bytes | None]) -> LinkedPage | None:
        """The page the last build published at `path`, if its key was `key` and its file
        was untouched since when this build began; `stored` reads the page's bytes from the
        cache, should they be needed after all."""
        known = self._untouched.get(path)
        if known is None or known[0] != key:
            return None
        _, title, in_sitemap, recorded = known
        return LinkedPage(path, f"{self._folder}/{path}", title, in_sitemap, recorded, stored)

    def publish(self, key: str, output: OutputFile) -> None:
        """Note that this build publishes `output` as the page of `key`."""
        self.publishing[output.path] = (key, output)

    def place_linked_ahead(self, section: Path) -> set[str]:
        """Move the pages linked ahead into `section` (where the section's pages go in the site
        being built), and return the paths of those this build publishes as they were. The
        others (changed or gone since) are removed: the build writes the changed ones anew."""
        if self._linked_ahead is None:
            return set()
        side, linked = self._linked_ahead
        self._linked_ahead = None  # what could not move stays in `side`, removed with it
        kept = {path for path, (_, output) in self.publishing.items() if isinstance(output, LinkedPage) and path in linked}
        section.mkdir(parents=True, exist_ok=True)  # a section mounted under a prefix may have no file of MkDocs' there
        moved = _Moved()
        _move_entries(side, str(section), moved)
        placed = set()
        for path, linked_ctime in linked.items():
            if any(path == stays or path.startswith(stays + "/") for stays in moved.left):
                continue
            if path in kept:
                placed.add(path)
                # A file renamed on its own (into a folder MkDocs made too) has a new change
                # time: `record` takes its stat. One in a folder renamed whole keeps its own.
                if path not in moved.files:
                    size, mtime, _, inode, device = self._untouched[path][3]
                    self._placed[path] = (size, mtime, linked_ctime, inode, device)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{section}/{path}")
                remove_empty_parents(f"{section}/{path}", str(section))
        return placed

    def record(self) -> None:
        """Once this build is in place: the signature of each of its archived pages, for the
        next build. A page placed as it was linked ahead has the signature its link left
        (check_and_link); the others' are taken now, after the swap and the removal of the
        site before the last, which change the links' count and so the change time of a page
        linked from it."""
        rows = []
        for path, (key, output) in sorted(self.publishing.items()):
            recorded = self._placed.get(path)
            if recorded is None:
                try:
                    info = os.lstat(f"{self._folder}/{path}")
                except OSError:
                    continue
                if isinstance(output, LinkedPage) and not _unchanged_since_linked(info, output.checked):
                    continue  # written to since this build checked it: the next build writes it anew
                recorded = signature(info)
            rows.append([path, key, output.title, output.in_sitemap, recorded])
        self._store.write(self._entry, to_json(rows))


def _read(payload: bytes | None) -> dict[str, _Published]:
    """An entry read back; anything malformed makes it empty (every page is then written)."""
    try:
        rows = from_json(payload) if payload else []
    except ValueError:
        return {}
    found: dict[str, _Published] = {}
    for row in rows if isinstance(rows, list) else [None]:
        if not isinstance(row, list) or len(row) != 5:
            return {}
        path, key, title, in_sitemap, recorded = row
        if (not isinstance(path, str) or not isinstance(key, str) or not isinstance(title, (str, type(None)))
                or not isinstance(in_sitemap, bool) or not isinstance(recorded, list) or len(recorded) != 5
                or not all(type(number) is int for number in recorded)):
            return {}
        found[path] = (key, title, in_sitemap, (recorded[0], recorded[1], recorded[2], recorded[3], recorded[4]))
    return found


class _Moved:
    """What _move_entries could not move, and the files it renamed one by one."""

    def __init__(self) -> None:
        self.left: list[str] = []
        self.files: set[str] = set()


def _move_entries(source: str, target: str, moved: _Moved, below: str = "") -> None:
    """Move every entry of the folder `source` into the folder `target`: renamed whole where
    `target` has none of its name (one call for a folder of thousands of pages), merged into
    a folder of its name. Notes in `moved` the paths (below `target`) of those that could
    not move (a folder where `target` has a file, or the reverse), and of the files renamed."""
    for entry in os.scandir(source):
        there = f"{target}/{entry.name}"
        is_folder = entry.is_dir(follow_symlinks=False)
        try:
            os.rename(entry.path, there)  # a file replaces a file: the section's page wins, as in write_files
        except OSError as error:
            if error.errno in (errno.ENOTEMPTY, errno.EEXIST) and is_folder:
                _move_entries(entry.path, there, moved, f"{below}{entry.name}/")
            else:
                moved.left.append(below + entry.name)
            continue
        if not is_folder:
            moved.files.add(below + entry.name)


def place_linked_ahead(section: Path) -> set[str]:
    """The pages of the build under way that the last site's check linked ahead, moved into
    `section` (see PublishedPages.place_linked_ahead): their paths, which need no writing."""
    return set().union(*(pages.place_linked_ahead(section) for pages in _pending))


_pending: list[PublishedPages] = []
"""What the build under way publishes, recorded by `record_published` once it is in place."""


def publishing(pages: PublishedPages) -> None:
    """Keep `pages` for `record_published` (render_pages calls this once per build)."""
    _pending.append(pages)


def record_published() -> None:
    """After `statusgen build` swapped its site into place: record its archived pages."""
    while _pending:
        _pending.pop().record()


def forget_published() -> None:
    """A build that was not published (it failed) records nothing."""
    _pending.clear()
