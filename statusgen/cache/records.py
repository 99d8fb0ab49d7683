"""The first layer of the build cache: each record file parsed and validated once.

A record's model depends only on its file's bytes (and on the code, which picks the cache's
subfolder): the entry is keyed by a hash of the bytes, so an edit, a rename or a revert finds
the right entry or none, never a stale one. Entries are the model's JSON, read back through
the same pydantic model that validates a record, so a damaged entry cannot smuggle in a value
a record could not hold; one that fails to validate is a miss. A record's translation (its
text in another language, `incidents/ID.de.md`) is kept the same way, in packs of its own
(`incidents.text`): its text too depends on its bytes alone.

Within one process (`serve` rebuilding on every save) the models also stay in memory, so a
rebuild reads only the files that changed.

An incident's entry also holds its facts (cache/settled_records.py): read back, it is those
facts, and its whole model is made from the entry only when something reads it whole.
"""

from __future__ import annotations

import json
import os
import stat
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import parallel
from ..models import Incident
from .file_digests import FileDigests, file_digest, now_ns
from .settled_records import facts_of, settled_incident
from .store import CacheStore, log
from .use import note_records

_PACK = "records/{folder}-{shard}.jsonl"
"""Sixteen entries per record folder, by the first hex digit of the records' digests: lines of
`digest<TAB>model JSON<TAB>body JSON<TAB>facts JSON` (JSON never holds a raw tab; the facts are
an incident's, empty for the other records). An edit rewrites one of them, a sixteenth of a
long history's records (31 MB in all at 10,000 incidents)."""
_SHARDS = "0123456789abcdef"
_EXCLUDED = {"id", "body"}
"""Set by the loader from the file's name and its Markdown, which are not parsed data."""

Entry = tuple[bytes | memoryview, bytes | memoryview, bytes | memoryview]
"""A record as a pack holds it: its model's JSON, its body's, and an incident's facts. An entry
read from a pack is three views into the pack's bytes: a long history's 31 MB are not copied
line by line."""

_memory: dict[tuple[str, str, str], tuple[BaseModel, Entry | None]] = {}
"""(folder, digest, id) -> the record and its entry, from the last build of this process: an
unchanged file gives the very same record object, which later stages may recognise."""


_origins: dict[int, tuple[BaseModel, str]] = {}
"""id(record) -> (record, where it was parsed from), for the records of this process's last
load: the folder (its model), the digest of the file's bytes and the id (its name) make the
record what it is, so a page's key can name it by these alone (cache/pages.py)."""


def record_origins() -> dict[int, tuple[BaseModel, str]]:
    """The records of this process's last load with a cache, by id(), with their origin."""
    return _origins


_stored: dict[tuple[Path, str, str], dict[str, Entry]] = {}
"""(store, folder, shard) -> the entries of that pack as this process last read or wrote them:
a rebuild writes only the packs whose records changed."""


class RecordCache:
    """Parsed records of one build, by folder and file digest."""

    def __init__(self, store: CacheStore | None, contents: dict[str, bytes] | None = None,
                 digests: dict[str, str] | None = None, hashing: FileDigests | None = None) -> None:
        self._store = store
        self._contents = contents or {}
        self._digests = digests or {}
        self._hashing = hashing
        """Where the digests of the files this build hashes go, when no fingerprint knew them
        (a first build: files_seen._seen_for_build)."""
        self._used: dict[tuple[str, str, str], tuple[BaseModel, Entry | None]] = {}

    def read(self, path: str) -> tuple[bytes, str]:
        """A record file's bytes, as the fingerprint of this build read them if it did, and
        their digest."""
        found = self._contents.get(path)
        if found is not None:
            return found, file_digest(found)
        started = now_ns()  # before the stat: see FileDigests.hashed
        info = os.lstat(path) if self._hashing is not None else None
        data = Path(path).read_bytes()
        digest = file_digest(data)
        self.hashed(path, info, digest, started)
        return data, digest

    def left_to_workers(self, path: str) -> bool:
        """Whether a record file is to be read and hashed by the workers that parse it rather
        than here: a first build's, whose digest no fingerprint knew (none can be in the cache)."""
        return self._hashing is not None and path not in self._digests and path not in self._contents

    def hashed(self, path: str, info: os.stat_result | None, digest: str, started: int) -> None:
        """Note the digest of a file read in this build (its stat `info` taken after the clock
        read `started`), when no fingerprint knew it: the next build knows it by its stat."""
        if self._hashing is not None and info is not None and stat.S_ISREG(info.st_mode):
            self._hashing.hashed(path, info, digest, started)

    def digest(self, path: str) -> str | None:
        """The digest of a record file's bytes as this build's fingerprint knew it, if it did."""
        return self._digests.get(path)

    def lookup(self, folder: str, digest: str, record_id: str, model: type[BaseModel], path: str) -> BaseModel | None:
        """The record parsed from these bytes before, its id set, or None. An incident is its
        facts (a SettledIncident, which stands for the model), its whole model made when read
        whole, from the entry or else from the file at `path`."""
        key = (folder, digest, record_id)
        found = _memory.get(key)
        if found is None:
            entry = self._pack(folder, digest[:1]).get(digest)
            if entry is None:
                return None
            record: Any = settled_incident(entry, record_id, digest, path) if model is Incident else None
            if record is None:
                record = read_entry(entry, model, record_id)
            if record is None:
                return None
            found = (record, entry)
        self._used[key] = found
        return found[0]

    def find(self, folder: str, path: str, record_id: str,
             model: type[BaseModel]) -> tuple[BaseModel | None, tuple[bytes, str] | None]:
        """The record parsed before from this file's bytes, else None and the bytes to parse
        with their digest. None for the bytes when they are not read here: the file's digest
        was known and missed, and its bytes are not held (a first build's 37 MB are read and
        hashed by the workers that parse them: loader.py), or it cannot be read (its parser
        says why)."""
        digest = self.digest(path)
        record = self.lookup(folder, digest, record_id, model, path) if digest is not None else None
        if record is not None or (digest is not None and path not in self._contents):
            return record, None
        try:
            data, read = self.read(path)
        except OSError:
            return None, None
        if read != digest:  # changed since the fingerprint, or unknown to it
            record = self.lookup(folder, read, record_id, model, path)
        return record, (data, read)

    def remember(self, folder: str, digest: str, record: BaseModel) -> None:
        """Keep a record parsed in this build."""
        self._used[(folder, digest, getattr(record, "id", ""))] = (record, None)

    def save(self, aside: bool = False) -> None:
        """Keep this build's records for the next build, in memory and in the store, and
        forget the others (edited and deleted files' entries). `aside`: the process builds
        once (`statusgen build`), so a build that parsed many records (a first one) has a
        forked child write them out (written_aside), rather than the build with the second
        core idle (0.25 s at 10,000 incidents); this process then keeps no entry of them."""
        global _memory, _origins
        kept = self._used
        parsed_now = sum(1 for _, entry in kept.values() if entry is None)  # remembered, not found
        note_records(len(kept) - parsed_now, len(kept))
        origins: dict[int, tuple[BaseModel, str]] = {}
        for key, (record, _) in kept.items():
            # The same record as in the last build of this process (`serve`) keeps its origin.
            known = _origins.get(id(record))
            origins[id(record)] = known if known is not None and known[0] is record else (record, "record\0" + "\0".join(key))
        _memory, _origins = kept, origins
        if self._store is None:
            return
        if aside and parsed_now >= parallel.MIN_ITEMS:
            writing = parallel.Beside(partial(_write_packs, self._store, dict(kept)), meanwhile=parsed_now)
            if writing.forked:
                _aside.append(writing)
                place = self._store.folder  # what the store holds now is the child's to write: read again if asked
                for stored in [stored for stored in _stored if stored[0] == place]:
                    del _stored[stored]
                return
        _write_packs(self._store, kept)

    def _pack(self, folder: str, shard: str) -> dict[str, Entry]:
        """The entries of the pack a digest's first hex digit picks. The folder's packs are
        read once per process and store; after that the entries this process last read or
        wrote stand for them (`serve` missing an edited record in memory reads nothing)."""
        if self._store is None:
            return {}
        place = self._store.folder
        if (place, folder, shard) not in _stored:
            for each in _SHARDS:
                if (place, folder, each) not in _stored:
                    _stored[(place, folder, each)] = _read_pack(self._store.read_view(_PACK.format(folder=folder, shard=each)))
        return _stored[(place, folder, shard)]


def _write_packs(store: CacheStore, kept: dict[tuple[str, str, str], tuple[BaseModel, Entry | None]]) -> None:
    """Write the packs whose entries changed: each record's entry, made now for those parsed
    in this build (kept in `kept`, and in _stored, for the next build of this process)."""
    by_pack: dict[tuple[str, str], dict[str, Entry]] = {}
    for key, (record, entry) in kept.items():
        if entry is None:
            entry = _entry(record)
            kept[key] = (record, entry)
        by_pack.setdefault((key[0], key[1][:1]), {})[key[1]] = entry
    place = store.folder
    for folder, shard in sorted(set(by_pack) | {(folder, shard) for where, folder, shard in _stored if where == place}):
        entries = by_pack.get((folder, shard), {})
        if entries != _stored.get((place, folder, shard)):  # otherwise the store holds them already
            # In the digests' order: the same entries make the same bytes.
            store.write(_PACK.format(folder=folder, shard=shard), _pack_bytes(entries))
            _stored[(place, folder, shard)] = entries
    store.prune("records")  # only what a killed build left half-written


_aside: list[parallel.Beside[None]] = []
"""The children writing packs aside (RecordCache.save), to be waited for (written_aside)."""


def written_aside() -> None:
    """Wait for the children writing the record packs: a process that builds once ends only
    once its cache is written. What they fail at is a miss for the next build, never an error."""
    while _aside:
        try:
            _aside.pop().result()
        except Exception:  # noqa: BLE001 - a cache that could not be written only makes the next build slower
            log.debug("statusgen: the record packs could not be written", exc_info=True)


_json_string = json.JSONEncoder().encode
"""A string as JSON, ASCII only (a lone surrogate of a file's name too): for a string the
encoder goes straight to its C function, which json.dumps reaches through a few calls more."""


def _read_pack(payload: memoryview | None) -> dict[str, Entry]:
    """A pack's entries by digest, as views into its bytes; a line without its first three
    parts is left out, one without facts has empty ones."""
    entries: dict[str, Entry] = {}
    if payload is None:
        return entries
    data = payload.obj  # the bytes read from the file, searched in place
    assert isinstance(data, bytes)
    whole = memoryview(data)
    start, end = len(data) - len(payload), len(data)
    while start < end:
        line_end = data.find(b"\n", start, end)
        line_end = end if line_end < 0 else line_end
        first = data.find(b"\t", start, line_end)
        second = data.find(b"\t", first + 1, line_end) if first >= 0 else -1
        if second >= 0:
            third = data.find(b"\t", second + 1, line_end)
            body_end = line_end if third < 0 else third
            facts = b"" if third < 0 else whole[third + 1:line_end]
            entries[data[start:first].decode("ascii", "replace")] = (whole[first + 1:second], whole[second + 1:body_end], facts)
        start = line_end + 1
    return entries


def _pack_bytes(entries: dict[str, Entry]) -> bytes:
    """A pack's payload: a line per entry, in the digests' order."""
    parts: list[bytes | memoryview] = []
    for digest in sorted(entries):
        record_json, body_json, facts = entries[digest]
        parts += (digest.encode(), b"\t", record_json, b"\t", body_json, b"\t", facts, b"\n")
    return b"".join(parts[:-1])


def read_entry(entry: tuple[bytes | memoryview, ...], model: type[BaseModel], record_id: str) -> BaseModel | None:
    """The record an entry holds, validated by its model, or None if it does not validate.
    A model without an id or a body (a translation's text) is given none."""
    record_json, body_json = entry[0], entry[1]
    if len(record_json) < 2 or record_json[0] != ord("{") or record_json[-1] != ord("}") or not body_json:
        return None
    # The id and body are validated with the rest, as the loader would have set them: one
    # pass in Rust, no copy of the model afterwards. They come last: of a key written twice
    # the last counts (in pydantic as in JSON parsers generally), so whatever the entry's own
    # JSON says, the record's id is its file's name; an entry naming another is refused below.
    named, with_body = _spliced(model)
    parts: list[bytes | memoryview] = [record_json[:-1]]
    if named:
        parts += (b"," if len(record_json) > 2 else b"", b'"id":', _json_string(record_id).encode())
    if with_body:
        parts += (b"," if named or len(record_json) > 2 else b"", b'"body":', body_json)
    try:
        record = model.model_validate_json(b"".join((*parts, b"}")))
    except ValueError:  # pydantic's ValidationError is one
        return None
    return record if not named or getattr(record, "id", None) == record_id else None


_SPLICED: dict[type[BaseModel], tuple[bool, bool]] = {}


def _spliced(model: type[BaseModel]) -> tuple[bool, bool]:
    """Whether the loader sets the model's id, and its body (looked up once per class: a
    build reads 11,000 entries)."""
    if model not in _SPLICED:
        _SPLICED[model] = ("id" in model.model_fields, "body" in model.model_fields)
    return _SPLICED[model]


def _entry(record: BaseModel) -> Entry:
    # exclude_unset: read back, the model has the same fields set as when the file was parsed;
    # by_alias: as a record file writes them (`from`), which is how the model reads them.
    return (record.model_dump_json(exclude=_EXCLUDED, exclude_unset=True, by_alias=True).encode(),
            _json_string(getattr(record, "body", "")).encode(),
            facts_of(record) if isinstance(record, Incident) else b"")
