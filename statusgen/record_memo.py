"""Load a site's records once per process, whoever asks first.

`statusgen build` validates the records before it starts MkDocs (so a mistake is reported
cleanly and nothing is built); the MkDocs plugin then runs the build, which loads them
again. The second load is served from here when no record file changed in between: the key
is a hash of every record file's path and bytes, so the answer can never be stale.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .cache.records import RecordCache
from .cache.store import CacheStore
from .loader import CATALOGUES, RECORD_FOLDERS, load_records
from .records import Records
from .translation_loader import catalogue_translation_files
from .yamlsource import MAX_FILE_BYTES

_last: tuple[tuple[str, tuple[str, ...] | None], Records] | None = None
"""The fingerprint of the last records loaded, and those records."""


def load_records_once(content_dir: Path, languages: tuple[str, ...] | None = None, cache_dir: Path | None = None) -> Records:
    """load_records(content_dir, languages), reusing the last result while the files are
    unchanged; with a `cache_dir`, files parsed by an earlier build are not parsed again."""
    global _last
    try:
        key = (fingerprint(content_dir), languages)
    except OSError:
        return load_records(content_dir, languages)  # unreadable: the loader says which file and why
    if _last is not None and _last[0] == key:
        return _last[1]
    cache = RecordCache(CacheStore.open(cache_dir)) if cache_dir is not None else None
    records = load_records(content_dir, languages, cache)  # a ContentError is raised, never remembered
    if cache is not None:
        cache.save()
    _last = (key, records)
    return records


def fingerprint(content_dir: Path) -> str:
    """A hash of what the loader reads: the bytes of every record and catalogue, and the
    name and kind of everything else in the record folders (which it may report on)."""
    digest = hashlib.blake2b(str(content_dir.resolve()).encode(), digest_size=20)
    candidates = [content_dir / name for catalogue in CATALOGUES for name in (catalogue, Path(catalogue).stem + ".yaml")]
    candidates.extend(catalogue_translation_files(content_dir))
    for folder in RECORD_FOLDERS:
        candidates.append(content_dir / folder)
        if (content_dir / folder).is_dir() and not (content_dir / folder).is_symlink():
            candidates.extend(sorted((content_dir / folder).rglob("*")))
    for path in candidates:
        digest.update(b"\0" + str(path).encode() + b"\0")
        if path.is_symlink():
            digest.update(b"link:" + os.readlink(path).encode())
        elif path.is_file() and path.suffix in (".md", ".yml", ".yaml") and path.stat().st_size <= MAX_FILE_BYTES:
            digest.update(b"file:" + path.read_bytes())
        elif path.exists():
            info = path.stat()
            digest.update(f"other:{info.st_mode}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()
