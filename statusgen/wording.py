"""The words a reader reads, in one place: status labels, sentences, durations, phrases.

Pages (through the template filters), feeds, the calendar, badges and the command line all
take their wording from here, so "Under maintenance" is written one way everywhere and a
translation (or a change of tone) has one module to touch. Nothing here depends on the
machine's locale: the same records give the same bytes on every build machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from enum import Enum

from .models import ComponentStatus, ExistingCustomers
from .models.announcements import DURATION_RE, RetentionAction
from .state import Indicator

STATUS_LABELS: Mapping[ComponentStatus, str] = {
    ComponentStatus.OPERATIONAL: "Operational",
    ComponentStatus.UNDER_MAINTENANCE: "Under maintenance",
    ComponentStatus.DEGRADED_PERFORMANCE: "Degraded performance",
    ComponentStatus.PARTIAL_OUTAGE: "Partial outage",
    ComponentStatus.MAJOR_OUTAGE: "Major outage",
}

INDICATOR_SENTENCES: Mapping[Indicator, str] = {
    Indicator.NONE: "All Systems Operational",
    Indicator.MINOR: "Minor Service Outage",
    Indicator.MAJOR: "Partial System Outage",
    Indicator.CRITICAL: "Major Service Outage",
    Indicator.MAINTENANCE: "Service Under Maintenance",
}
"""Statuspage's sentence for each indicator (its status.json `description`)."""

EXISTING_CUSTOMERS: Mapping[ExistingCustomers, str] = {
    ExistingCustomers.NEXT_RENEWAL: "from their next renewal",
    ExistingCustomers.IMMEDIATELY: "immediately",
    ExistingCustomers.GRANDFATHERED: "keep their current price",
}
"""When a price change reaches the customers a plan already has."""

RETENTION_ACTIONS: Mapping[RetentionAction, str] = {
    RetentionAction.DELETE: "are deleted",
    RetentionAction.ARCHIVE: "are archived",
    RetentionAction.RESTRICT: "are restricted",
}
"""What happens to what a retention rule covers, as the end of a sentence."""


def label(value: Enum) -> str:
    """Any status, state or kind as a reader reads it: 'in_progress' -> 'In progress'."""
    if isinstance(value, ComponentStatus):
        return STATUS_LABELS[value]
    return str(value.value).replace("_", " ").capitalize()


def human_duration(span: timedelta | None) -> str:
    """'11 h 30 min', '2 d 3 h', '45 s'; an em dash when there is no figure."""
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    if seconds < 60:
        return f"{max(seconds, 0)} s"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [(days, "d"), (hours, "h"), (minutes, "min")]
    shown = [f"{amount} {unit}" for amount, unit in parts if amount]
    # Two units say enough: "2 d 3 h" reads better than "2 d 3 h 14 min".
    return " ".join(shown[:2])


def describe_duration(value: str) -> str:
    """An ISO 8601 duration for readers: 'P6M' -> '6 months'."""
    match = DURATION_RE.match(value)
    if not match:
        return value
    parts = []
    for unit, amount in match.groupdict().items():
        if amount is not None:
            count = int(amount)
            parts.append(f"{count} {unit if count != 1 else unit[:-1]}")
    return ", ".join(parts)


def describe_span(span: timedelta) -> str:
    """A span for readers, in its largest whole units: 36 hours -> '1 day, 12 hours'."""
    seconds = int(span.total_seconds())
    parts = []
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
    return ", ".join(parts) or "now"
