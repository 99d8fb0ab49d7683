"""Whole files of the build made from few inputs, kept by those inputs.

The calendar (maintenance.ics) shows only the maintenance windows, and the sitemap only the
paths of the pages; yet each costs a twentieth of a second to write at 10,000 incidents, at
every build and every rebuild of `serve`, mostly for the same bytes. So each is kept with a
hash of everything it is made from (as a page's key is made: cache/pages.py), in memory for
the next build of this process and in the store for the next process, and made again only
when that hash changes. The function that makes a file is given its inputs and nothing else,
so that what its key names is all it can read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic_core import PydanticSerializationError, to_json

from ..settings import Settings
from .pages import Plain
from .records import record_origins
from .store import CacheStore, code_digest

Inputs = TypeVar("Inputs")

_FOLDER = "outputs"
_memory: dict[str, tuple[str, bytes]] = {}
"""name -> (key, bytes) as the last build of this process made it."""


def made_once(settings: Settings, name: str, make: Callable[[Inputs], bytes], inputs: Inputs) -> bytes:
    """make(inputs), or the bytes it gave for the same inputs in an earlier build. Without a
    cache (`--no-cache`) it is always made."""
    if settings.cache_dir is None:
        return make(inputs)
    try:
        key = _key(name, make, inputs)
    except (PydanticSerializationError, TypeError, ValueError):
        return make(inputs)  # inputs that are not plain data: made, never kept (as for a page)
    found = _memory.get(name)
    if found is not None and found[0] == key:
        return found[1]
    store = CacheStore.open(settings.cache_dir)
    stored = store.read(f"{_FOLDER}/{name}") if store is not None else None
    head, _, content = (stored or b"").partition(b"\n")
    if stored is None or head != key.encode():
        content = make(inputs)
        if store is not None:
            store.write(f"{_FOLDER}/{name}", key.encode() + b"\n" + content)
    _memory[name] = (key, content)
    return content


def _key(name: str, make: Callable[[Any], bytes], inputs: Any) -> str:
    # A record straight from the loader is named by its origin, as in a page's key.
    described = to_json([name, f"{make.__module__}.{make.__qualname__}", Plain(record_origins())(inputs)])
    return hashlib.blake2b(code_digest().encode() + b"\0" + described, digest_size=20).hexdigest()
