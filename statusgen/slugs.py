"""Ids from free text: 'Image pulls failing (EU)!' -> 'image-pulls-failing-eu'.

One rule for every place that turns words into an id: new records' file names, imported
Statuspage objects, and the loader's hint for a file name that is not a valid id.
"""

from __future__ import annotations

import re
import unicodedata

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
