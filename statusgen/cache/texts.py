"""The feeds' Markdown as the last build rendered it, kept by the digest of each text.

The feeds show the fifty newest entries of the history, rendered from Markdown in the
build's own process: a tenth of a second that a warm build spent again on texts that, but
for an update or two, the last build rendered too. Sanitized HTML depends on the text alone
(and on the code, which picks the store's subfolder), so the last build's renderings are kept
in one entry and read back by the digest of their text.
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup
from pydantic_core import from_json, to_json

from .store import CacheStore

_ENTRY = "texts/feeds"


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


class StoredTexts:
    """The renderings the store holds; `save` replaces them with this build's."""

    def __init__(self, store: CacheStore | None) -> None:
        self._store = store
        payload = store.read(_ENTRY) if store is not None else None
        try:
            found = from_json(payload) if payload else {}
        except ValueError:
            found = {}
        valid = isinstance(found, dict) and all(isinstance(html, str) for html in found.values())
        self._stored: dict[str, str] = found if valid else {}

    def get(self, text: str) -> Markup | None:
        html = self._stored.get(text_digest(text))
        return Markup(html) if html is not None else None

    def save(self, rendered: dict[str, Markup]) -> None:
        """Keep `rendered` (text -> HTML) as the store's renderings, unless it holds them already."""
        if self._store is None:
            return
        kept = {text_digest(text): str(html) for text, html in rendered.items()}
        if kept != self._stored:
            self._store.write(_ENTRY, to_json(kept))
