"""Record ids from titles: `2020-07-05-image-pulls-failing`, stable and readable in URLs."""

from __future__ import annotations

from collections.abc import Container
from datetime import date

from ..slugs import MAX_SLUG, slugify

__all__ = ["MAX_SLUG", "dated_id", "slugify", "unique_id"]



def dated_id(day: date, title: str, taken: Container[str] = ()) -> str:
    """`<date>-<slug>`, with -2, -3... added when the id is taken."""
    base = f"{day.isoformat()}-{slugify(title) or 'record'}"
    return unique_id(base, taken)


def unique_id(base: str, taken: Container[str] = ()) -> str:
    """`base`, or `base-2`, `base-3`... the first that is not taken."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
