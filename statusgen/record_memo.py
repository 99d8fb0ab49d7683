"""Load a site's records once per process, whoever asks first.

`statusgen build` validates the records before it starts MkDocs (so a mistake is reported
cleanly and nothing is built); the MkDocs plugin then runs the build, which loads them
again. The second load is served from here when no record file changed in between: the key
is a hash of every record file's path and digest, so the answer can never be stale. A file's
digest is known from its stat while the file is untouched (cache/file_digests.py), so an
unchanged history is not read again to tell that it is unchanged.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .cache.file_digests import FileDigests, file_digest, now_ns
from .cache.records import RecordCache
from .cache.store import CacheStore
from .loader import CATALOGUES, RECORD_FOLDERS, load_records, name_suffix
from .records import Records
from .translation_loader import catalogue_translation_files
from .yamlsource import MAX_FILE_BYTES

_last: tuple[tuple[str, tuple[str, ...] | None, Path | None], Records] | None = None
"""The fingerprint of the last records loaded, and those records."""


class FilesSeen:
    """What one fingerprint learnt of the record files: each one's digest, and the bytes of
    those it had to read (the loader parses a missed record from those very bytes)."""

    def __init__(self, digests: FileDigests) -> None:
        self.digests = digests
        self.digest: dict[str, str] = {}
        self.contents: dict[str, bytes] = {}
        self.listing: str | None = None
        """A hash of every name in the record folders and its kind, for the loader's
        record_files; None when a link is among them (what it points to may change)."""
        self.walked: dict[str, list[tuple[str, int]]] = {}
        """Each record folder -> (path, mode) of everything below it, for the loader's
        record_files: the folders are walked once for both."""


def load_records_once(content_dir: Path, languages: tuple[str, ...] | None = None, cache_dir: Path | None = None,
                      assembled: Callable[[Records], object] | None = None) -> Records:
    """load_records(content_dir, languages), reusing the last result while the files are
    unchanged; with a `cache_dir`, files parsed by an earlier build are not parsed again.
    `assembled` is load_records', called only when the records are loaded anew. The cache
    keeps the records once each is valid on its own (a rule across records may still refuse
    them: their entries are right all the same, being keyed by their files' bytes)."""
    global _last
    if _held is not None and _held[0] == (content_dir.resolve(), languages, cache_dir):
        return _held[1]
    store = CacheStore.open(cache_dir) if cache_dir is not None else None
    seen = FilesSeen(FileDigests(store))
    try:
        # The cache folder too: a load that used none wrote none, and must not stand for one that does.
        key = (fingerprint(content_dir, seen), languages, cache_dir)
    except OSError:
        return load_records(content_dir, languages)  # unreadable: the loader says which file and why
    try:
        if _last is not None and _last[0] == key:
            return _last[1]
        cache = RecordCache(store, seen.contents, seen.digest) if cache_dir is not None else None
        records = _load_anew(content_dir, languages, cache, seen, assembled)
    finally:
        seen.digests.save()  # the files' digests hold whatever their records say
    _last = (key, records)
    return records


def _load_anew(content_dir: Path, languages: tuple[str, ...] | None, cache: RecordCache | None, seen: FilesSeen,
               assembled: Callable[[Records], object] | None) -> Records:
    """load_records with what the fingerprint saw; with a `cache`, the files parsed by an
    earlier build are not parsed again. A ContentError is raised, never remembered."""

    def ready(records: Records) -> None:
        # Each record is valid on its own: the cache keeps them now, before `assembled` has the
        # other core start on them. Written after a fork, the entries of a cold build (every
        # record written out) would have cost a copy of each memory page they touched.
        if cache is not None:
            cache.save()
        seen.contents.clear()  # every file is parsed: the bytes read (all 25 MB of them in a cold build) are let go
        if assembled is not None:
            assembled(records)

    return load_records(content_dir, languages, cache, seen.listing if cache is not None else None, seen.walked, ready)


_held: tuple[tuple[Path, tuple[str, ...] | None, Path | None], Records] | None = None
"""Records handed out as they are, without looking at the files (see `held`)."""


@contextmanager
def held(content_dir: Path, languages: tuple[str, ...] | None, cache_dir: Path | None, records: Records) -> Iterator[None]:
    """Within: load_records_once(content_dir, languages, cache_dir) is `records`, as loaded
    before, without the files being looked at again. `statusgen build` builds the records it
    has just validated: one reading of the history, whatever is saved while MkDocs runs."""
    global _held
    _held = ((content_dir.resolve(), languages, cache_dir), records)
    try:
        yield
    finally:
        _held = None


def history_length(content_dir: Path) -> int:
    """How many names the incidents' folder lists, told without reading or stat-ing any: about
    what a build is to go through, for deciding whether work on the other core pays."""
    try:
        with os.scandir(content_dir / "incidents") as entries:
            return sum(1 for _ in entries)
    except OSError:
        return 0


def fingerprint(content_dir: Path, seen: FilesSeen | None = None) -> str:
    """A hash of what the loader reads: the digest of every record and catalogue's bytes,
    and the name and kind of everything else in the record folders (which it may report on).
    Each record file's digest, and the bytes of those read, are noted in `seen`."""
    seen = seen if seen is not None else FilesSeen(FileDigests())
    digest = hashlib.blake2b(str(content_dir.resolve()).encode(), digest_size=20)
    # The working folder too: the loader's messages name files relative to it.
    listing = hashlib.blake2b(f"{content_dir.resolve()}\0{os.getcwd()}".encode(), digest_size=20)
    linked = False
    below: list[tuple[str, int]] = []
    for path, listed in _candidates(content_dir):
        described, mode = _described(path, listed, seen)
        if not listed:
            # A record folder's descendants follow it (a linked one's are not listed: the loader walks it).
            below = seen.walked.setdefault(path, []) if stat.S_ISDIR(mode) else []
        else:
            below.append((path, mode))
        named = b"\0" + path.encode() + b"\0"
        digest.update(named)
        digest.update(described)
        # A record's kind, not its bytes; anything else's kind and mode, not its size or times
        # (a folder's change as an editor saves a file in it by renaming).
        kind = b"file" if described.startswith(b"file:") else b":".join(described.split(b":", 2)[:2])
        listing.update(named + kind)
        linked = linked or described.startswith(b"link:")
    seen.listing = None if linked else listing.hexdigest()
    return digest.hexdigest()


RECORD_SUFFIXES = (".md", ".yml", ".yaml")


def _candidates(content_dir: Path) -> Iterator[tuple[str, bool]]:
    """(path, listed) of every catalogue the loader may read (not listed: it may not exist),
    then of each record folder and everything listed below it."""
    for catalogue in CATALOGUES:
        for name in (catalogue, Path(catalogue).stem + ".yaml"):
            yield str(content_dir / name), False
    for translation in catalogue_translation_files(content_dir):
        yield str(translation), False
    for folder in RECORD_FOLDERS:
        top = str(content_dir / folder)
        yield top, False
        if os.path.isdir(top) and not os.path.islink(top):
            yield from ((path, True) for path in _descendants(top))


def _descendants(folder: str) -> list[str]:
    """Everything below `folder`, linked folders not followed, in the order of
    `sorted(Path(folder).rglob("*"))` (by path components)."""
    found: list[tuple[str, ...]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(folder, ())]
    while pending:
        directory, parts = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                found.append((*parts, entry.name))
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, (*parts, entry.name)))
    found.sort()
    return [folder + "/" + "/".join(parts) for parts in found]


def _described(path: str, listed: bool, seen: FilesSeen) -> tuple[bytes, int]:
    """What the hash takes of one path (a link's target, a record file's digest, or the
    kind, size and time of anything else; nothing when it does not exist), and its mode as
    lstat gives it (0 when it does not exist), for the loader's listing."""
    started = now_ns()  # before the stat: see FileDigests.hashed
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not listed:
            return b"", 0
        raise  # gone since it was listed: load_records_once leaves it to the loader
    return _description(path, info, started, seen), info.st_mode


def _description(path: str, info: os.stat_result, started: int, seen: FilesSeen) -> bytes:
    if stat.S_ISLNK(info.st_mode):
        return b"link:" + os.readlink(path).encode()
    if stat.S_ISREG(info.st_mode) and name_suffix(path[path.rfind("/") + 1:]) in RECORD_SUFFIXES and info.st_size <= MAX_FILE_BYTES:
        known = seen.digests.known(path, info)
        if known is None:
            with open(path, "rb") as file:  # read after the stat, never before
                content = file.read(MAX_FILE_BYTES + 1)
            if len(content) > MAX_FILE_BYTES:  # grew since: the loader says it is too large
                return f"other:{info.st_mode}:{len(content)}:{info.st_mtime_ns}".encode()
            known = file_digest(content)
            seen.digests.hashed(path, info, known, started)
            seen.contents[path] = content
        seen.digest[path] = known
        return b"file:" + known.encode()
    return f"other:{info.st_mode}:{info.st_size}:{info.st_mtime_ns}".encode()
