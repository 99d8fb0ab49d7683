"""Where the build cache lives, and how an entry is written and trusted.

The cache is a folder (`.statusgen-cache/` beside mkdocs.yml) holding one subfolder per code
digest: a hash of statusgen's own files and of the libraries that shape what a record parses
to or a page renders as. A new statusgen version, a patched checkout or an upgraded library
reads a new subfolder; the old ones are removed. Entries are bytes, never pickles: a cache
restored in CI from somewhere else can at worst hold wrong bytes, never code, and every
entry carries a checksum of its payload, so a truncated or damaged one reads as a miss.

Each entry is one file written beside its place and renamed into it (atomic on POSIX): two
builds in one folder never see half an entry, and the last rename wins with a complete one.
Nothing the cache holds, or fails to hold, can make a build fail: an entry that cannot be
read or written is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import os
import sys
import tempfile
import time
import zlib
from functools import cache
from pathlib import Path

from ..swap import remove_path

log = logging.getLogger("mkdocs.plugins.statusgen")

CACHE_FOLDER = ".statusgen-cache"
"""The cache's folder name, beside mkdocs.yml unless --cache-dir says otherwise."""
TAG_FILE = "CACHEDIR.TAG"
TAG = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
       b"# This folder is statusgen's build cache: it can be deleted at any time.\n"
       b"# See https://bford.info/cachedir/ (backup tools skip folders tagged so).\n")
"""The Cache Directory Tagging Specification's tag: it also tells statusgen the folder is its own."""
_MAGIC = b"statusgen-cache-entry-1\n"
_LIBRARIES = ("pydantic", "pydantic-core", "jinja2", "markupsafe", "markdown", "nh3", "pyyaml",
              "babel", "feedgen", "mkdocs")
"""Libraries whose version can change what a record parses to or an output renders as."""
_PACKAGE = Path(__file__).resolve().parent.parent


def code_digest() -> str:
    """A hash of the code that makes every cached piece: each file of the statusgen package
    (modules, templates, catalogues, stylesheet) and the versions of Python and the libraries."""
    return _adopted if _adopted is not None else _code_digest()


_adopted: str | None = None
"""The code digest a child forked from this process worked out (adopt_code_digest)."""


def adopt_code_digest(digest: str | None) -> None:
    """Until called again with None: code_digest() is `digest`, as a child forked from this
    process worked it out from the same files a moment before (files_seen.py); 14 ms less on
    the build's own path."""
    global _adopted
    _adopted = digest


@cache
def _code_digest() -> str:
    import importlib.metadata  # here: the module's other users (files_seen.py) must stay light to import

    digest = hashlib.blake2b(digest_size=12)
    digest.update(sys.version.encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"\0{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"\0{name}=none".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(b"\0" + str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def is_cache_folder(folder: str) -> bool:
    """Whether `folder` is a statusgen cache: it holds statusgen's CACHEDIR.TAG."""
    try:
        with open(os.path.join(folder, TAG_FILE), "rb") as file:
            return file.read(len(TAG) + 1) == TAG
    except OSError:
        return False


_warned: set[str] = set()
"""The warnings about unusable cache folders this process gave."""


def _warn_once(message: str) -> None:
    """Warn once per process: a build opens its cache for each of its layers (records, pages,
    outputs, the published site), and said the same thing five times."""
    if message not in _warned:
        _warned.add(message)
        log.warning("%s", message)


class CacheStore:
    """The entries of one code digest in a cache folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._path = str(folder)

    @classmethod
    def open(cls, root: Path) -> CacheStore | None:
        """The store under `root`, made if need be; None when `root` cannot be used (it is
        not a folder, it holds someone else's files, it cannot be written): the build then
        runs without a cache, which only makes it slower."""
        try:
            if root.exists() and not (root / TAG_FILE).is_file():
                if not root.is_dir() or any(root.iterdir()):
                    _warn_once(f"statusgen: {root} is not a statusgen cache (no {TAG_FILE} in it): building without a cache")
                    return None
            root.mkdir(parents=True, exist_ok=True)
            if not is_cache_folder(str(root)):
                _write_atomically(str(root / TAG_FILE), (TAG,))
            current = code_digest()
            for other in _scan(root):
                if _leftover(other):
                    _unlink(other.path)
                elif other.name not in (current, TAG_FILE) and not other.name.startswith(".tmp-"):
                    remove_path(Path(other.path))  # another version's entries would never be read again
            folder = root / current
            folder.mkdir(exist_ok=True)
        except OSError as error:
            _warn_once(f"statusgen: cannot use the cache {root} ({error}): building without it")
            return None
        return cls(folder)

    @classmethod
    def existing(cls, root: Path) -> CacheStore | None:
        """The store under `root` if it is a statusgen cache holding this code's entries;
        nothing is made (a child working ahead may have guessed `root`: files_seen.py)."""
        folder = root / code_digest()
        return cls(folder) if (root / TAG_FILE).is_file() and folder.is_dir() else None

    def read(self, name: str) -> bytes | None:
        """The payload stored as `name`, or None: missing, unreadable, truncated or damaged."""
        view = self.read_view(name)
        return view.tobytes() if view is not None else None

    def read_view(self, name: str) -> memoryview | None:
        """As `read`, the payload left in the bytes read from the file rather than copied out:
        for the packs of records (31 MB at 10,000 incidents), whose entries are sliced from it."""
        try:
            with open(f"{self._path}/{name}", "rb") as file:  # os-level paths: a build reads thousands
                data = file.read()
        except OSError:
            return None
        return _payload(data)

    def write(self, name: str, payload: bytes) -> None:
        """Store `payload` as `name`; a cache that cannot be written is only a slower one."""
        try:
            _write_atomically(f"{self._path}/{name}", (_header(payload), payload))
        except OSError:
            pass

    def prune(self, subfolder: str, keep: set[str] | None = None) -> None:
        """Remove the entries of a subfolder that are not in `keep` (as `subfolder/name`; None
        keeps them all), so the cache does not grow, and what writes a killed build never
        finished left there."""
        for entry in _scan(self.folder / subfolder):
            if _leftover(entry) or (not entry.name.startswith(".tmp-") and keep is not None
                                    and f"{subfolder}/{entry.name}" not in keep):
                _unlink(entry.path)

    def strays(self, subfolder: str, known: set[str]) -> set[str]:
        """The entries of a subfolder (as `subfolder/name`) that are not in `known`, and what
        writes a killed build never finished left there: what `prune` would remove."""
        return {f"{subfolder}/{entry.name}" for entry in _scan(self.folder / subfolder)
                if _leftover(entry) or (not entry.name.startswith(".tmp-") and f"{subfolder}/{entry.name}" not in known)}

    def remove(self, names: set[str]) -> None:
        """Remove the entries `names` (as `subfolder/name`), those that are there."""
        for name in sorted(names):
            _unlink(f"{self._path}/{name}")

    def keep_newest(self, subfolder: str, count: int) -> list[str]:
        """The `count` entries of a subfolder written last, as `subfolder/name`, newest first;
        the others are removed (see prune)."""
        kept = self.newest(subfolder, count)
        self.prune(subfolder, set(kept))
        return kept

    def newest(self, subfolder: str, count: int) -> list[str]:
        """The `count` entries of a subfolder written last, as `subfolder/name`, newest first."""
        entries = []
        for entry in _scan(self.folder / subfolder):
            try:
                if not entry.name.startswith(".tmp-"):
                    entries.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
            except OSError:
                pass
        return [f"{subfolder}/{name}" for _, name in sorted(entries, reverse=True)[:count]]


_LEFTOVER_AGE = 3600
"""Seconds after which a temporary file in the store is a killed build's (a write takes milliseconds)."""


def _leftover(entry: os.DirEntry[str]) -> bool:
    """A temporary file of a write that never finished (a build killed between writing an
    entry and renaming it into place)."""
    try:
        return entry.name.startswith(".tmp-") and entry.stat(follow_symlinks=False).st_mtime < time.time() - _LEFTOVER_AGE
    except OSError:
        return False


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _header(payload: bytes) -> bytes:
    """What an entry holds before its payload: the magic line, then the payload's length and checksum."""
    return _MAGIC + f"{len(payload)} {zlib.crc32(payload)}\n".encode()


def _payload(data: bytes) -> memoryview | None:
    """The payload of an entry this code wrote whole, as a view into `data` (no copy); None
    for anything else."""
    if not data.startswith(_MAGIC):
        return None
    end = data.find(b"\n", len(_MAGIC))
    try:
        length, checksum = (int(part) for part in data[len(_MAGIC):end].split(b" "))
    except ValueError:
        return None
    payload = memoryview(data)[end + 1:]
    if end < 0 or len(payload) != length or zlib.crc32(payload) != checksum:
        return None
    return payload


_numbers = itertools.count()


def _write_atomically(path: str, parts: tuple[bytes, ...]) -> None:
    """Write `parts` to `path` whole or not at all: beside it under a name of this process's,
    then renamed. Written with the system's own calls, with no Python file object or joined
    copy of the parts: a cold build writes thousands of entries."""
    folder = os.path.dirname(path)
    temporary = f"{folder}/.tmp-{os.getpid()}-{next(_numbers)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        handle = os.open(temporary, flags, 0o600)
    except FileNotFoundError:  # the folder's first entry
        os.makedirs(folder, exist_ok=True)
        handle = os.open(temporary, flags, 0o600)
    except FileExistsError:  # a leftover of a killed process that had this process's id
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        try:
            _write_all(handle, parts)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_all(handle: int, parts: tuple[bytes, ...]) -> None:
    written = os.writev(handle, parts) if hasattr(os, "writev") else 0
    rest = memoryview(b"".join(parts))[written:] if written < sum(len(part) for part in parts) else memoryview(b"")
    while rest:  # a short write (a full disk says so by raising): the remainder
        rest = rest[os.write(handle, rest):]


def folder_size(folder: Path) -> int:
    """Bytes held by the files under `folder` (the benchmark reports the cache's size)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
