"""The first layer of the build cache: each record file parsed and validated once.

A record's model depends only on its file's bytes (and on the code, which picks the cache's
subfolder): the entry is keyed by a hash of the bytes, so an edit, a rename or a revert finds
the right entry or none, never a stale one. Entries are the model's JSON, read back through
the same pydantic model that validates a record, so a damaged entry cannot smuggle in a value
a record could not hold; one that fails to validate is a miss.

Within one process (`serve` rebuilding on every save) the models also stay in memory, so a
rebuild reads only the files that changed.
"""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ValidationError

from .store import CacheStore

_PACK = "records/{folder}.jsonl"
"""One entry per record folder: lines of `digest<TAB>model JSON<TAB>body JSON` (JSON never
holds a raw tab)."""
_EXCLUDED = {"id", "body"}
"""Set by the loader from the file's name and its Markdown, which are not parsed data."""

_memory: dict[tuple[str, str], tuple[BaseModel, str]] = {}
"""(folder, digest) -> model, from the last build of this process."""


def file_digest(data: bytes) -> str:
    """The key of a record file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class RecordCache:
    """Parsed records of one build, by folder and file digest."""

    def __init__(self, store: CacheStore | None) -> None:
        self._store = store
        self._packs: dict[str, dict[str, bytes]] = {}
        self._used: dict[tuple[str, str], tuple[BaseModel, str]] = {}
        self._written: dict[tuple[str, str], bytes] = {}
        self._new = False

    def lookup(self, folder: str, digest: str, model: type[BaseModel]) -> tuple[BaseModel, str] | None:
        """The model parsed from these bytes before (its id still to set) and the body, or None."""
        key = (folder, digest)
        found = _memory.get(key)
        if found is None:
            entry = self._pack(folder).get(digest)
            if entry is None:
                return None
            record_json, _, body_json = entry.partition(b"\t")
            try:
                body = json.loads(body_json)
                found = (model.model_validate_json(record_json), body)
            except (ValidationError, ValueError):
                return None
            if not isinstance(body, str):
                return None
            self._written[key] = entry
        self._used[key] = found
        return found

    def remember(self, folder: str, digest: str, record: BaseModel) -> None:
        """Keep a record parsed in this build, with its body."""
        self._used[(folder, digest)] = (record, getattr(record, "body", ""))
        self._new = True

    def save(self) -> None:
        """Keep this build's records for the next build, in memory and in the store, and
        forget the others (edited and deleted files' entries)."""
        global _memory
        _memory = dict(self._used)
        if self._store is None:
            return
        folders = {folder for folder, _ in self._used} | set(self._packs)
        if not self._new and all(len(self._pack(folder)) == self._count(folder) for folder in folders):
            return  # the store holds exactly this build's records already
        for folder in sorted(folders):
            lines = []
            for (entry_folder, digest), record in sorted(self._used.items(), key=lambda item: item[0]):
                if entry_folder == folder:
                    entry = self._written.get((folder, digest)) or _entry(*record)
                    lines.append(digest.encode() + b"\t" + entry)
            self._store.write(_PACK.format(folder=folder), b"\n".join(lines))

    def _count(self, folder: str) -> int:
        return sum(1 for entry_folder, _ in self._used if entry_folder == folder)

    def _pack(self, folder: str) -> dict[str, bytes]:
        if folder not in self._packs:
            payload = self._store.read(_PACK.format(folder=folder)) if self._store is not None else None
            entries: dict[str, bytes] = {}
            for line in (payload or b"").split(b"\n"):
                digest, _, entry = line.partition(b"\t")
                if entry:
                    entries[digest.decode("ascii", "replace")] = entry
            self._packs[folder] = entries
        return self._packs[folder]


def _entry(record: BaseModel, body: str) -> bytes:
    # exclude_unset: read back, the model has the same fields set as when the file was parsed.
    return record.model_dump_json(exclude=_EXCLUDED, exclude_unset=True, by_alias=True).encode() + b"\t" + json.dumps(body).encode()
