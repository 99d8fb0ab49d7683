"""Load a site's records once per process, whoever asks first.

`statusgen build` validates the records before it starts MkDocs (so a mistake is reported
cleanly and nothing is built); the MkDocs plugin then runs the build, which loads them
again. The second load is served from here when no record file changed in between: the key
is a hash of every record file's path and digest, so the answer can never be stale. A file's
digest is known from its stat while the file is untouched (cache/file_digests.py), so an
unchanged history is not read again to tell that it is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .cache.file_digests import FileDigests
from .cache.records import RecordCache, written_aside
from .cache.store import CacheStore
from .files_seen import FilesSeen, fingerprint, history_length, taken_ahead
from .loader import load_records
from .records import Records

__all__ = ["FilesSeen", "fingerprint", "held", "history_length", "load_records_once", "one_build"]

_last: tuple[tuple[str | None, tuple[str, ...] | None, Path | None], Records] | None = None
"""The fingerprint of the last records loaded, and those records."""


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
    ahead = taken_ahead(content_dir, cache_dir) if cache_dir is not None else None  # `statusgen build`'s child's
    if ahead is not None:
        fingerprinted, seen = ahead
        if fingerprinted is None:  # a child that had no store to save digests in: saved in this one
            seen.digests = FileDigests(store)
            seen.digests.adopt(seen.learnt)
    else:
        seen = FilesSeen(FileDigests(store))
        try:
            fingerprinted = fingerprint(content_dir, seen)
        except OSError:
            return load_records(content_dir, languages)  # unreadable: the loader says which file and why
    # The cache folder too: a load that used none wrote none, and must not stand for one that does.
    key = (fingerprinted, languages, cache_dir)
    try:
        if _last is not None and _last[0] == key:
            return _last[1]
        # Without a fingerprint the records' digests are unknown: the workers that parse the
        # records read and hash them (a first build), noted in the digests kept for the next.
        hashing = seen.digests if fingerprinted is None else None
        cache = RecordCache(store, seen.contents, seen.digest, hashing) if cache_dir is not None else None
        records = _load_anew(content_dir, languages, cache, seen, assembled)
    finally:
        seen.digests.save()  # the files' digests hold whatever their records say
    _last = (key, records) if fingerprinted is not None else None  # a first build's load is known by no fingerprint
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
            cache.save(aside=_one_build)
        seen.contents.clear()  # every file is parsed: the bytes read (all 25 MB of them in a cold build) are let go
        if assembled is not None:
            assembled(records)

    return load_records(content_dir, languages, cache, seen.listing if cache is not None else None, seen.walked, ready)


_one_build = False
"""Whether this process builds once (see one_build)."""


@contextmanager
def one_build() -> Iterator[None]:
    """Within: this process builds once (`statusgen build`), so the records a load parses
    are written to the build cache by a forked child (cache/records.py: RecordCache.save),
    which is waited for on the way out; `serve` keeps them in memory for its next rebuild."""
    global _one_build
    _one_build = True
    try:
        yield
    finally:
        _one_build = False
        written_aside()


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
