"""Load a site's records once per process, whoever asks first.

`statusgen build` validates the records before it starts MkDocs (so a mistake is reported
cleanly and nothing is built); the MkDocs plugin then runs the build, which loads them
again. The second load is served from here when no record file changed in between: the key
is a hash of every record file's path and bytes, so the answer can never be stale.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .cache.records import RecordCache
from .cache.store import CacheStore
from .loader import CATALOGUES, RECORD_FOLDERS, load_records
from .records import Records
from .translation_loader import catalogue_translation_files
from .yamlsource import MAX_FILE_BYTES

_last: tuple[tuple[str, tuple[str, ...] | None, Path | None], Records] | None = None
"""The fingerprint of the last records loaded, and those records."""


def load_records_once(content_dir: Path, languages: tuple[str, ...] | None = None, cache_dir: Path | None = None) -> Records:
    """load_records(content_dir, languages), reusing the last result while the files are
    unchanged; with a `cache_dir`, files parsed by an earlier build are not parsed again."""
    global _last
    contents: dict[str, bytes] = {}
    try:
        # The cache folder too: a load that used none wrote none, and must not stand for one that does.
        key = (fingerprint(content_dir, contents), languages, cache_dir)
    except OSError:
        return load_records(content_dir, languages)  # unreadable: the loader says which file and why
    if _last is not None and _last[0] == key:
        return _last[1]
    cache = RecordCache(CacheStore.open(cache_dir), contents) if cache_dir is not None else None
    records = load_records(content_dir, languages, cache)  # a ContentError is raised, never remembered
    if cache is not None:
        cache.save()
    _last = (key, records)
    return records


def fingerprint(content_dir: Path, contents: dict[str, bytes] | None = None) -> str:
    """A hash of what the loader reads: the bytes of every record and catalogue, and the
    name and kind of everything else in the record folders (which it may report on). The
    bytes of each record file read are added to `contents`, by path, when it is given: the
    record cache then need not read them again."""
    digest = hashlib.blake2b(str(content_dir.resolve()).encode(), digest_size=20)
    for path, kind in _candidates(content_dir):
        digest.update(b"\0" + path.encode() + b"\0")
        described = _described(path, kind)
        digest.update(described)
        if contents is not None and described.startswith(b"file:"):
            contents[path] = described[len(b"file:"):]
    return digest.hexdigest()


RECORD_SUFFIXES = (".md", ".yml", ".yaml")
_LINK, _FILE, _OTHER = "link", "file", "other"


def _candidates(content_dir: Path) -> Iterator[tuple[str, str | None]]:
    """(path, kind) of every catalogue the loader may read (kind None: not looked at yet),
    then of each record folder and everything below it."""
    for catalogue in CATALOGUES:
        for name in (catalogue, Path(catalogue).stem + ".yaml"):
            yield str(content_dir / name), None
    for translation in catalogue_translation_files(content_dir):
        yield str(translation), None
    for folder in RECORD_FOLDERS:
        top = str(content_dir / folder)
        yield top, None
        if os.path.isdir(top) and not os.path.islink(top):
            yield from _descendants(top)


def _descendants(folder: str) -> list[tuple[str, str]]:
    """(path, kind) of everything below `folder`, linked folders not followed, in the order
    of `sorted(Path(folder).rglob("*"))` (by path components). os.scandir tells each entry's
    kind as it lists the folder, without a system call per file."""
    found: list[tuple[tuple[str, ...], str]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(folder, ())]
    while pending:
        directory, parts = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                kind = _LINK if entry.is_symlink() else _FILE if entry.is_file(follow_symlinks=False) else _OTHER
                found.append(((*parts, entry.name), kind))
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, (*parts, entry.name)))
    found.sort()
    return [(folder + "/" + "/".join(parts), kind) for parts, kind in found]


def _described(path: str, kind: str | None) -> bytes:
    """What the hash takes of one path: a link's target, a record file's bytes, or the kind,
    size and time of anything else; nothing when it does not exist."""
    if kind is None:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return b""
        kind = _LINK if stat.S_ISLNK(info.st_mode) else _FILE if stat.S_ISREG(info.st_mode) else _OTHER
    if kind == _LINK:
        return b"link:" + os.readlink(path).encode()
    if kind == _FILE and _suffix(path) in RECORD_SUFFIXES:
        with open(path, "rb") as file:
            content = file.read(MAX_FILE_BYTES + 1)
            if len(content) <= MAX_FILE_BYTES:
                return b"file:" + content
            info = os.fstat(file.fileno())  # too large to be a record: the loader says so
    else:
        info = os.lstat(path)
    return f"other:{info.st_mode}:{info.st_size}:{info.st_mtime_ns}".encode()


def _suffix(path: str) -> str:
    """The path's suffix as pathlib tells it (".md"; none for a name like ".md")."""
    name = path[path.rfind("/") + 1:]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""
