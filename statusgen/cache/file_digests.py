"""A record file's digest, known from its stat alone while the file is untouched.

Hashing 10,000 record files means reading every byte of the history at every build. As git
does for its index, a file whose size, times, inode and device are the same as when it was
hashed is taken to hold the same bytes: any write changes its mtime and ctime (ctime cannot
be set back by a program), and a file replaced by a rename has another inode.

Git's "racy clean" rule keeps this exact: a write in the same tick of the file system's
clock as the moment the file was hashed could leave every stat field unchanged. So a digest
is trusted only for a file whose mtime and ctime were at least `_RACY_NS` older than the
moment it was hashed; a fresher file is read and hashed again at the next build, until it is
old enough. The digests live in this process (serve's rebuilds) and, with a build cache, in
sixteen entries of the store, by the first digit of each file's digest: an edited record
rewrites one or two of them, not all 11,000 digests of a long history (24 ms of a rebuild).
"""

from __future__ import annotations

import hashlib
import json
import os
import time

from .store import CacheStore

_ENTRY = "records/file-digests-{shard}.json"
"""{path: [size, mtime_ns, ctime_ns, inode, device, digest]} of the trusted digests whose
first hex digit is `shard`."""
_SHARDS = "0123456789abcdef"
_RACY_NS = 2_000_000_000
"""How much older than its hashing a file must be for its stat to vouch for its bytes: the
coarsest timestamps in use (FAT's two seconds), with room for clocks read in between."""

Signature = tuple[int, int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode, device) of a file."""

_known: dict[str, tuple[Signature, str]] = {}
"""Trusted digests of this process, by path (the store's entry is read into it once)."""
_stored: dict[str, dict[str, dict[str, list[int | str]]]] = {}
"""The entries of each store (by folder), by shard, as this process last read or wrote them."""


def file_digest(data: bytes) -> str:
    """The key of a record file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


class FileDigests:
    """The digests of one load's record files: trusted from an earlier hashing, or hashed now."""

    def __init__(self, store: CacheStore | None = None) -> None:
        self._store = store
        self._seen: set[str] = set()
        self._hashed: set[str] = set()
        """The paths hashed by this load: the only ones whose entry may have changed."""
        if store is not None and str(store.folder) not in _stored:
            _stored[str(store.folder)] = {shard: _read_entry(store, shard) for shard in _SHARDS}

    def known(self, path: str, info: os.stat_result) -> str | None:
        """The digest of the file at `path` if its stat shows it untouched since it was hashed."""
        self._seen.add(path)
        found = _known.get(path)
        return found[1] if found is not None and found[0] == signature(info) else None

    def hashed(self, path: str, info: os.stat_result, digest: str, started_ns: int) -> None:
        """Note the digest of bytes read from `path`, whose stat `info` was taken after the
        clock read `started_ns`: trusted from now on if the file was old enough then."""
        self._seen.add(path)
        self._hashed.add(path)
        newest = max(info.st_mtime_ns, info.st_ctime_ns)
        if newest < started_ns - _RACY_NS:
            _known[path] = (signature(info), digest)
        else:
            _known.pop(path, None)

    def learnt(self) -> dict[str, tuple[Signature, str] | None]:
        """The paths this load hashed, each with its digest as trusted from now on, or None
        when the file was too fresh to trust (see hashed): what a child that had no store to
        save them in hands to the build (files_seen.py)."""
        return {path: _known.get(path) for path in self._hashed}

    def adopt(self, learnt: dict[str, tuple[Signature, str] | None]) -> None:
        """Take what a load in another process hashed (its `learnt`) as hashed by this one,
        to be saved in this one's store."""
        for path, found in learnt.items():
            self._seen.add(path)
            self._hashed.add(path)
            if found is None:
                _known.pop(path, None)
            else:
                _known[path] = found

    def save(self) -> None:
        """Keep the trusted digests of this load's files in the store for the next build's
        process. Only the entries of what changed are rewritten: the paths hashed by this
        load, and those that came or went since the store's entries were written (a rebuild
        after an edit goes through a handful, not 11,000)."""
        if self._store is None:
            return
        stored = _stored.setdefault(str(self._store.folder), {})
        shards = {shard: dict(stored.get(shard, {})) for shard in _SHARDS}
        listed = set().union(*(entries.keys() for entries in shards.values()))
        for path in self._hashed | (self._seen - listed) | (listed - self._seen):
            for entries in shards.values():
                entries.pop(path, None)
            found = _known.get(path) if path in self._seen else None
            if found is not None:
                shards[found[1][0]][path] = [*found[0], found[1]]
        for shard, entries in shards.items():
            if entries != stored.get(shard):
                entries = dict(sorted(entries.items()))  # in the paths' order: the same digests make the same bytes
                self._store.write(_ENTRY.format(shard=shard), json.dumps(entries, separators=(",", ":")).encode())
                stored[shard] = entries


def now_ns() -> int:
    """The clock to read before a file's stat (see FileDigests.hashed)."""
    return time.time_ns()


def _read_entry(store: CacheStore, shard: str) -> dict[str, list[int | str]]:
    """Add the trusted digests of one of the store's entries to _known (this process's own
    come first); returns the entry as read ({} when missing or unusable)."""
    payload = store.read(_ENTRY.format(shard=shard))
    try:
        entries = json.loads(payload) if payload is not None else None
    except ValueError:
        entries = None
    if not isinstance(entries, dict):
        return {}
    for path, value in entries.items():
        if (isinstance(value, list) and len(value) == 6 and all(type(part) is int for part in value[:5])
                and isinstance(value[5], str) and value[5][:1] == shard and path not in _known):
            _known[path] = (tuple(value[:5]), value[5])
    return entries
