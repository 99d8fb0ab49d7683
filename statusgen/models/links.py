"""Links that records may carry: only http(s) and mailto, never a script."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

SAFE_SCHEMES = ("http", "https", "mailto")


def _check_safe_url(value: str) -> str:
    scheme = urlsplit(value.strip()).scheme.lower()
    if scheme not in SAFE_SCHEMES:
        raise ValueError(f"a link must start with http://, https:// or mailto: (got {value[:40]!r})")
    return value.strip()


SafeUrl = Annotated[str, AfterValidator(_check_safe_url), Field(max_length=2000)]
