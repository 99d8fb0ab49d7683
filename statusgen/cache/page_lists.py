"""Where the page cache keeps its pages, and the lists of the pages each kind of build used.

Light to import (the store only): a child forked before the rest of statusgen is imported
finds the entries no list names (files_seen.py), so that the build need not list the
11,000 entries of a long history's page cache to keep it tidy (pages.finish_pages).
"""

from __future__ import annotations

from pathlib import Path

from .store import CacheStore

FOLDER = "pages"
"""One entry per archived page, by its key."""
USES = "pages-used"
"""One list per kind of build (by the scopes of its languages): the keys its last run used."""
KEPT_USES = 4
"""Kinds of build whose pages are kept: `build` and `serve` (whose pages differ: the reload
script's policy) alternating on one cache, and a site built for two targets, never evict
each other's pages."""


def listed_keys(payload: bytes | None) -> set[str]:
    """The keys of a list of USES as stored."""
    return set(payload.decode("ascii", "replace").split("\n")) if payload else set()


def entry_name(key: str) -> str:
    return f"{FOLDER}/{key}"


def list_strays(store: CacheStore) -> set[str]:
    """The page entries that no kind of build's list names: what a killed build left, the
    pages of a kind of build no longer kept. Found before the build writes any page."""
    named = set().union(*(listed_keys(store.read(name)) for name in store.newest(USES, KEPT_USES)))
    return store.strays(FOLDER, {entry_name(key) for key in named})


_strays: dict[Path, set[str]] = {}
"""Store folder -> the strays a child found ahead of the build under way (found_ahead)."""


def found_ahead(folder: Path, strays: set[str]) -> None:
    """The strays of the store at `folder`, found ahead of this build (list_strays)."""
    _strays[folder] = strays


def take_strays(folder: Path) -> set[str] | None:
    """The strays found ahead of this build in the store at `folder`, or None."""
    return _strays.pop(folder, None)


def forget_strays() -> None:
    """The build is over: what was found ahead of it is no longer true."""
    _strays.clear()
