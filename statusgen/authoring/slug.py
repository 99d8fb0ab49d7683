"""Record ids from titles: `2020-07-05-image-pulls-failing`, stable and readable in URLs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from datetime import date

MAX_SLUG = 60
"""Longest slug taken from a title; ids stay short enough to read in a URL."""


def slugify(title: str, max_length: int = MAX_SLUG) -> str:
    """'Image pulls failing (EU)!' -> 'image-pulls-failing-eu'; '' when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "")


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
