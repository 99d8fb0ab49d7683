"""Building blocks shared by every record model: strictness, ids, times and vocabularies."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ..yaml12 import as_written

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ID_RE = re.compile(ID_PATTERN)

RecordId = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=100),
    Field(description="Lower-case letters, digits and hyphens, starting with a letter or digit."),
]


def _to_utc(value: datetime) -> datetime:
    # Records may use any offset; everything downstream (days, feeds, the API) speaks UTC,
    # so the offset is resolved once, here.
    return value.astimezone(timezone.utc)


def _not_a_number(value: object) -> object:
    # pydantic reads 1633082400 (or "1633082400") as seconds since 1970: a typo such as
    # `started: 20211001` would silently become a date in 1970. RFC 3339 text only.
    if type(value) is str and not value.strip().lstrip("+-").replace(".", "", 1).isdigit():
        return value  # the common case, first: a history has tens of thousands of timestamps
    number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    text = value.strip() if isinstance(value, str) else as_written(value) if number else ""
    if number or (text and text.lstrip("+-").replace(".", "", 1).isdigit()):
        raise ValueError(f"{text} is not a timestamp: use RFC 3339 with an offset, e.g. 2020-07-05T19:00:00Z")
    return value


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_not_a_number),
    AfterValidator(_to_utc),
    Field(description="RFC 3339 timestamp with an explicit offset, e.g. 2020-07-05T19:00:00Z."),
]

MarkdownText = Annotated[str, Field(description="Markdown text.")]

_PLAIN_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
"""Digits with at most one point: how prices are written (`02100` is 2100, `4.99`)."""
_NUMBER_LIKE = re.compile(r"[-+]?(?:0[box][0-9a-fA-F_]+|[0-9_.]+(?:[eE][-+]?[0-9]+)?|\.?(?:inf|nan|infinity))", re.I)
"""Text that some reader would take for a number: YAML 1.2's notations, Python's Decimal."""


def _plain_decimal(value: object) -> object:
    # A price that silently means another number than the file says is a published lie:
    # only plain decimal notation is read as money, whatever else YAML makes a number of.
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        text = as_written(value)
    elif isinstance(value, str) and _NUMBER_LIKE.fullmatch(value.strip()):
        text = value.strip()
    else:
        return value  # not a number at all: the Decimal type says so
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise ValueError(f"{text!r} {_notation_of(text)}: write a plain decimal such as 5 or 4.99")
    if isinstance(value, int):
        return Decimal(int(value))  # `-0` and `+5` as the numbers they are: 0 and 5
    return Decimal(value) if isinstance(value, Decimal) else Decimal(text)


def _notation_of(text: str) -> str:
    lowered = text.lower().lstrip("+-")
    if lowered.startswith(("0x", "0o", "0b")):
        return {"x": "is hexadecimal", "o": "is octal", "b": "is binary"}[lowered[1]]
    if "inf" in lowered or "nan" in lowered:
        return "is not a finite number"
    if "_" in lowered:
        return "has underscores"
    if "e" in lowered:
        return "has an exponent"
    return "is not a plain decimal"


PlainDecimal = Annotated[Decimal, BeforeValidator(_plain_decimal)]
"""A Decimal written in plain decimal notation (digits, at most one point, a sign): hex,
octal, binary, exponents, underscores, infinities and NaN are refused with the text as written."""


class StrictModel(BaseModel):
    """A record or part of one: unknown keys are errors and values never change after loading."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=False,
        validate_default=False,
        use_enum_values=False,
        populate_by_name=False,
    )


class ComponentStatus(str, Enum):
    """A component's status, in Statuspage's words, from best to worst."""

    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def severity(self) -> int:
        """Rank for "worst status wins": higher is worse."""
        return _STATUS_SEVERITY[self]


_STATUS_SEVERITY = {status: rank for rank, status in enumerate(ComponentStatus)}


def worst_status(statuses: Iterable[ComponentStatus]) -> ComponentStatus:
    """The worst of some statuses; operational when there are none."""
    return max(statuses, key=lambda status: status.severity, default=ComponentStatus.OPERATIONAL)


class Impact(str, Enum):
    """How bad an incident is, as Statuspage grades it."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def implied_status(self) -> ComponentStatus:
        """The status a component listed without one takes during an incident of this impact."""
        return _IMPLIED_STATUS[self]


_IMPLIED_STATUS = {
    Impact.NONE: ComponentStatus.OPERATIONAL,
    Impact.MINOR: ComponentStatus.DEGRADED_PERFORMANCE,
    Impact.MAJOR: ComponentStatus.PARTIAL_OUTAGE,
    Impact.CRITICAL: ComponentStatus.MAJOR_OUTAGE,
}
