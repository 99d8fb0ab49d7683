"""The third layer of the build cache: pages the last build published, left where they are.

`statusgen build` publishes by building beside site/ and swapping the two (swap.py), so each
build used to write every page anew: at 10,000 incidents, 11,600 pages read back from the
cache and written again for an edit that changed a handful. Now an archived page whose key
(cache/pages.py) is the one it had when the last build published it, and whose file in site/
is untouched since, is hard-linked into the new site from the old one: no read, no write.
Such a page also keeps its modification time, so a host that derives ETag and Last-Modified
from it (nginx, Apache) answers a reader's conditional request for it with 304.

"Untouched" is told by the file's stat, as git's index tells an unchanged file: its inode,
size, and modification and change times as they were once the build was published. An edit
in place changes the change time (ctime), which no program can set back; a file replaced by
another has another inode. A page that fails the test is written from the cache as before.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic_core import from_json, to_json

from ..outputs import OutputFile
from .store import CacheStore

_FOLDER = "published"
"""One entry per folder a build was published to: the archived pages it holds."""


class LinkedPage(OutputFile):
    """An archived page as the last build published it: linked from `source`, its bytes read
    only if something asks for them (in a build nothing does, unless the link fails)."""

    source: str
    _signature: tuple[int, int, int, int]
    _stored: Callable[[], bytes | None]

    def __init__(self, path: str, source: str, title: str | None, in_sitemap: bool,
                 signature: tuple[int, int, int, int], stored: Callable[[], bytes | None]) -> None:
        # Frozen as its parent is: the fields are set once, here (a build makes thousands).
        self.__dict__.update(path=path, source=source, title=title, in_sitemap=in_sitemap, at_site_root=False,
                             _signature=signature, _stored=stored)

    @property
    def content(self) -> bytes:
        """The page's bytes: the source's while it is the file that was checked (another build
        into the same folder may have replaced it since), else the cache's entry."""
        try:
            with open(self.source, "rb") as file:
                if _signature(os.fstat(file.fileno()))[:3] == self._signature[:3]:
                    return file.read()
        except OSError:
            pass
        stored = self._stored()
        if stored is None:
            raise OSError(f"{self.source} changed while this build ran, and the cache no longer holds the page: build again")
        return stored


@dataclass(frozen=True)
class _Published:
    key: str
    title: str | None
    in_sitemap: bool
    signature: tuple[int, int, int, int]


def _signature(info: os.stat_result) -> tuple[int, int, int, int]:
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


class PublishedPages:
    """The archived pages of the section as the last build published them at `folder`."""

    def __init__(self, store: CacheStore, folder: Path) -> None:
        self._store = store
        self._folder = str(folder)
        self._entry = f"{_FOLDER}/{hashlib.blake2b(self._folder.encode(), digest_size=12).hexdigest()}"
        self._published = _read(store.read(self._entry))
        self.publishing: dict[str, _Published] = {}
        """path -> what this build publishes there, for the next build (see `record`)."""

    def find(self, path: str, key: str, stored: Callable[[], bytes | None]) -> LinkedPage | None:
        """The page the last build published at `path`, if its key was `key` and its file
        is untouched since; `stored` reads the page's bytes from the cache, should they be
        needed after all."""
        known = self._published.get(path)
        if known is None or known.key != key:
            return None
        source = f"{self._folder}/{path}"
        try:
            info = os.lstat(source)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or _signature(info) != known.signature:
            return None
        return LinkedPage(path, source, known.title, known.in_sitemap, known.signature, stored)

    def publish(self, key: str, output: OutputFile) -> None:
        """Note that this build publishes `output` as the page of `key`."""
        self.publishing[output.path] = _Published(key, output.title, output.in_sitemap, (0, 0, 0, 0))

    def record(self) -> None:
        """Once this build is in place: the stat of each of its archived pages, for the next
        build. Taken after the swap and the removal of the old site, which change the
        links' count and so the change time of a page linked from it."""
        rows = []
        for path, published in sorted(self.publishing.items()):
            try:
                info = os.lstat(f"{self._folder}/{path}")
            except OSError:
                continue
            rows.append([path, published.key, published.title, published.in_sitemap, _signature(info)])
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
        path, key, title, in_sitemap, signature = row
        if (not isinstance(path, str) or not isinstance(key, str) or not isinstance(title, (str, type(None)))
                or not isinstance(in_sitemap, bool) or not isinstance(signature, list) or len(signature) != 4
                or not all(type(number) is int for number in signature)):
            return {}
        found[path] = _Published(key, title, in_sitemap, (signature[0], signature[1], signature[2], signature[3]))
    return found


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
