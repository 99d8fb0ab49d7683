"""Which record files changed since the last build: each one's digest, from its stat while it
is untouched (cache/file_digests.py), and a hash of them all (the fingerprint).

Light on purpose: no model or parser is imported here. `statusgen build` forks a child to
work this out before it imports the rest of statusgen (a fifth of a second of a rebuild with
the second core idle), takes its answer once mkdocs.yml says where the records are, and
loads them with it (record_memo.py): see `seen_ahead`.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import NamedTuple

from .cache.file_digests import FileDigests, Signature, file_digest, now_ns
from .cache.page_lists import forget_strays, found_ahead, list_strays
from .cache.store import CacheStore, adopt_code_digest
from .parallel import Beside
from .record_layout import (
    CATALOGUE_NAMES,
    MAX_FILE_BYTES,
    RECORD_FOLDER_NAMES,
    catalogue_translation_files,
    name_suffix,
)


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
        self.learnt: dict[str, tuple[Signature, str] | None] = {}
        """The digests a child hashed without a store to save them in (FileDigests.learnt),
        for the load to save in its own."""


def history_length(content_dir: Path) -> int:
    """How many names the incidents' folder lists, told without reading or stat-ing any: about
    what a build is to go through, for deciding whether work on the other core pays."""
    try:
        with os.scandir(content_dir / "incidents") as entries:
            return sum(1 for _ in entries)
    except OSError:
        return 0


def fingerprint(content_dir: Path, seen: FilesSeen | None = None, records_hashed: bool = True) -> str:
    """A hash of what the loader reads: the digest of every record and catalogue's bytes,
    and the name and kind of everything else in the record folders (which it may report on).
    Each record file's digest, and the bytes of those read, are noted in `seen`. Without
    `records_hashed`, the files in the record folders are listed, not read: only the listing
    and the catalogues are worth anything then (see _seen_for_build), not the hash."""
    seen = seen if seen is not None else FilesSeen(FileDigests())
    digest = hashlib.blake2b(str(content_dir.resolve()).encode(), digest_size=20)
    # The working folder too: the loader's messages name files relative to it.
    listing = hashlib.blake2b(f"{content_dir.resolve()}\0{os.getcwd()}".encode(), digest_size=20)
    linked = False
    below: list[tuple[str, int]] = []
    for path, listed in _candidates(content_dir):
        described, mode = _described(path, listed, seen, records_hashed or not listed)
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
    for catalogue in CATALOGUE_NAMES:
        for name in (catalogue, Path(catalogue).stem + ".yaml"):
            yield str(content_dir / name), False
    for translation in catalogue_translation_files(content_dir):
        yield str(translation), False
    for folder in RECORD_FOLDER_NAMES:
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


def _described(path: str, listed: bool, seen: FilesSeen, hashed: bool = True) -> tuple[bytes, int]:
    """What the hash takes of one path (a link's target, a record file's digest, or the
    kind, size and time of anything else; nothing when it does not exist), and its mode as
    lstat gives it (0 when it does not exist), for the loader's listing. A record file not
    `hashed` is described as a file, by no digest."""
    started = now_ns()  # before the stat: see FileDigests.hashed
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not listed:
            return b"", 0
        raise  # gone since it was listed: load_records_once leaves it to the loader
    return _description(path, info, started, seen, hashed), info.st_mode


def _description(path: str, info: os.stat_result, started: int, seen: FilesSeen, hashed: bool = True) -> bytes:
    if stat.S_ISLNK(info.st_mode):
        return b"link:" + os.readlink(path).encode()
    if stat.S_ISREG(info.st_mode) and name_suffix(path[path.rfind("/") + 1:]) in RECORD_SUFFIXES and info.st_size <= MAX_FILE_BYTES:
        if not hashed:
            return b"file:"
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


class Seen(NamedTuple):
    """A fingerprint worked out in a child, as it hands it over."""

    key: str | None
    """The fingerprint; None without a store (a first build of this code: the build's workers
    hash the records)."""
    digest: dict[str, str]
    contents: dict[str, bytes]
    listing: str | None
    walked: dict[str, list[tuple[str, int]]]
    """What its FilesSeen learnt: digests, bytes read, listing, walked."""
    store_folder: Path | None
    strays: set[str] | None
    """The store's folder and the strays of its page cache (page_lists.list_strays); None without a store."""
    learnt: dict[str, tuple[Signature, str] | None]
    """Without a store, the catalogues' digests, for the build to save (FileDigests.learnt)."""


_CONTENTS_HANDED_OVER = 4_000_000
"""At most this many bytes of the files a child read go back with its answer; past that,
the workers that parse them read them again (many files changed at once, or a first build:
a parse costs more)."""


def _seen_for_build(content_dir: Path, cache_dir: Path) -> Seen | None:
    """The child's work for `seen_ahead`: the fingerprint of content_dir, with the digests the
    store at cache_dir trusts (saved back with those it learnt), and the strays of its page
    cache; None when a file cannot be read (the build then finds out itself). When the cache
    holds no store of this code (a first build, a new version), no record file can be found
    in it: the child makes no store, the folder being a guess, and lists the record folders
    without reading their files, which the build's workers read, hash and parse at once (it
    took 0.5 s to hash them here, which the build waited for, and the workers read them
    again); it hashes the catalogues only, and hands their digests to the build, which saves
    them in the store it opens. It has no fingerprint then (None)."""
    store = CacheStore.existing(cache_dir)
    seen = FilesSeen(FileDigests(store))
    try:
        key = fingerprint(content_dir, seen, records_hashed=store is not None)
    except OSError:
        return None
    seen.digests.save()
    contents = seen.contents if sum(map(len, seen.contents.values())) <= _CONTENTS_HANDED_OVER else {}
    if store is None:
        return Seen(None, seen.digest, contents, seen.listing, seen.walked, None, None, seen.digests.learnt())
    return Seen(key, seen.digest, contents, seen.listing, seen.walked, store.folder, list_strays(store), {})


_ahead: tuple[tuple[Path, Path, str], Beside[Seen | None]] | None = None
"""(content folder, cache folder, working folder) guessed, and the child fingerprinting them."""


@contextmanager
def seen_ahead(content_dir: Path, cache_dir: Path | None) -> Iterator[None]:
    """Within: a forked child fingerprints the record files of content_dir with the digests of
    the build cache at cache_dir, while this process imports the rest of statusgen and reads
    mkdocs.yml (a fifth of a second at 10,000 incidents, the second core idle). The folders
    are a guess, made before mkdocs.yml is read: `taken_ahead` hands the answer only to the
    load of those very folders; any other loads as it would have without."""
    global _ahead
    if cache_dir is None:
        yield
        return
    with Beside(partial(_seen_for_build, content_dir, cache_dir), meanwhile=history_length(content_dir)) as child:
        if not child.forked:
            yield
            return
        _ahead = ((content_dir, cache_dir, os.getcwd()), child)
        try:
            yield
        finally:
            _ahead = _taken = None
            forget_strays()
            adopt_code_digest(None)


_taken: tuple[tuple[Path, Path, str], tuple[str | None, FilesSeen]] | None = None
"""The folders, and the fingerprint and FilesSeen of the child's answer once taken (take_ahead)."""


def take_ahead(content_dir: Path, cache_dir: Path | None) -> None:
    """Take the answer of `seen_ahead`'s child if it worked on these folders (the working
    folder too: messages name files relative to it), as soon as mkdocs.yml says which they
    are: the code digest it worked out serves the build from then on (cache/store.py). Its
    fingerprint waits for `taken_ahead`, its strays for the page cache (pages.finish_pages)."""
    global _ahead, _taken
    folders = (content_dir, cache_dir, os.getcwd())
    if _ahead is None or _ahead[0] != folders:
        return
    child, _ahead = _ahead[1], None
    try:
        found = child.result()
    except Exception:  # noqa: BLE001 - it only saves time: the load fingerprints the files itself
        return
    if found is None:
        return
    if found.store_folder is not None and found.strays is not None:
        adopt_code_digest(found.store_folder.name)
        found_ahead(found.store_folder, found.strays)
    seen = FilesSeen(FileDigests())  # saves no digest: the child saved them, or left them in `learnt`
    seen.digest, seen.contents, seen.listing, seen.walked, seen.learnt = found.digest, found.contents, found.listing, found.walked, found.learnt
    _taken = (folders, (found.key, seen))


def taken_ahead(content_dir: Path, cache_dir: Path) -> tuple[str | None, FilesSeen] | None:
    """The fingerprint of content_dir and what it saw, as the child of `seen_ahead` worked them
    out for these folders (no fingerprint for a first build: see _seen_for_build), or None."""
    global _taken
    take_ahead(content_dir, cache_dir)
    if _taken is None or _taken[0] != (content_dir, cache_dir, os.getcwd()):
        return None
    answer, _taken = _taken[1], None
    return answer
