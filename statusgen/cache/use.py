"""What a build took from the build cache, told once it is done (the plugin logs it).

A cache that never hits is otherwise invisible: CI whose cache step restores nothing (a
path or a key that does not match) builds every time as if for the first time, and only
the duration says so. "0 of 11,195 records" says it plainly.
"""

from __future__ import annotations

_records: tuple[int, int] | None = None
"""(taken from the cache, in all) of this build's records, once they are loaded."""
_pages: tuple[int, int] | None = None
"""(taken from the cache, in all) of this build's archived pages, every language's."""


def note_records(taken: int, total: int) -> None:
    """The records of this build: `taken` of `total` were in the cache."""
    global _records
    _records = (taken, total)


def note_pages(taken: int, total: int) -> None:
    """The archived pages of this build, every language's: `taken` of `total` were in the cache."""
    global _pages
    _pages = (taken, total)


def told() -> str | None:
    """What this build took from the cache, as a sentence (None when it used none), and
    forget it: the next build (`serve`'s) tells its own."""
    global _records, _pages
    parts = [f"{taken:,} of {total:,} {what}" for what, counted in (("records", _records), ("archived pages", _pages))
             if counted is not None for taken, total in (counted,)]
    _records = _pages = None
    return f"from the build cache, {' and '.join(parts)}" if parts else None
