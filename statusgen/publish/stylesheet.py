"""The site's stylesheet under a fingerprinted name: `assets/statusgen.<hash>.css`.

A name that changes with the content lets hosts cache the file for a year (`immutable`)
while a changed stylesheet still reaches every reader at once. The fingerprint is a hash of
the bytes, so the same stylesheet always gets the same name (reproducible builds).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from .. import urls
from ..settings import Settings
from ..templating import make_environment

STYLESHEET_TEMPLATE = "assets/statusgen.css"
"""The stylesheet's source among the templates (a theme's custom_dir may override it)."""
FINGERPRINT_LENGTH = 12
"""Hex digits of SHA-256 in the name: 48 bits, far past any chance of two versions colliding."""


@dataclass(frozen=True)
class Stylesheet:
    """The stylesheet's text and the section path it is published at."""

    path: str
    text: str

    @property
    def inline_source(self) -> str:
        """The CSP source that allows this text inlined in a <style> element (the 404 page)."""
        digest = hashlib.sha256(self.text.encode("utf-8")).digest()
        return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def load_stylesheet(settings: Settings) -> Stylesheet:
    """The stylesheet a build publishes: the user's override first, then statusgen's."""
    environment = make_environment(settings)
    text, _, _ = environment.loader.get_source(environment, STYLESHEET_TEMPLATE)  # type: ignore[union-attr]
    return Stylesheet(path=urls.stylesheet(fingerprint(text.encode("utf-8"))), text=text)


def fingerprint(content: bytes) -> str:
    """A short hash of the content, for a file name."""
    return hashlib.sha256(content).hexdigest()[:FINGERPRINT_LENGTH]
