"""Deciding "now", once, at the edge: --now, else SOURCE_DATE_EPOCH, else the clock.

The core never reads the clock; the CLI and the MkDocs plugin call `resolve_now` and pass the
result in, so the same records and the same now give byte-identical output.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timezone

from pydantic import AwareDatetime, TypeAdapter, ValidationError

_AWARE = TypeAdapter(AwareDatetime)


class NowError(ValueError):
    """--now or SOURCE_DATE_EPOCH cannot be read."""


def parse_now(text: str) -> datetime:
    """An RFC 3339 timestamp with an offset -> aware UTC datetime."""
    try:
        moment = _AWARE.validate_python(text.strip()).astimezone(timezone.utc)
    except ValidationError:
        raise NowError(f"--now {text!r}: expected an RFC 3339 timestamp with an offset, e.g. 2021-10-04T18:00:00Z") from None
    # Whole seconds, as SOURCE_DATE_EPOCH and the clock give it: the build hands "now" to
    # MkDocs through that variable, so a fraction would be lost on the way.
    return moment.replace(microsecond=0)


def resolve_now(option: str | None = None, environ: Mapping[str, str] | None = None) -> datetime:
    """The build's "now": the option, else SOURCE_DATE_EPOCH, else the current time (UTC, whole seconds)."""
    if option:
        return parse_now(option)
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError):
            raise NowError(f"SOURCE_DATE_EPOCH={epoch!r}: expected whole seconds since 1970-01-01") from None
    return datetime.now(timezone.utc).replace(microsecond=0)
