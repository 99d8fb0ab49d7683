"""The words a reader reads, in one place: status labels, sentences, durations, phrases.

Pages (through the template filters), feeds, the calendar, badges and the command line all
take their wording from here, so "Under maintenance" is written one way everywhere. Each text
is written in English, marked with N_ for extraction (`make messages`), and translated where
it is shown, in the language given (English when none is). Nothing here depends on the
machine's locale: the same records give the same bytes on every build machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from enum import Enum

from babel.lists import format_list
from babel.units import format_unit

from .languages import N_, Language
from .models import ComponentStatus, ExistingCustomers
from .models.announcements import DURATION_RE, RetentionAction
from .state import Indicator

ENGLISH = Language("en", "")
"""The language of the source texts, and of every caller that names none."""

STATUS_LABELS: Mapping[ComponentStatus, str] = {
    ComponentStatus.OPERATIONAL: N_("Operational"),
    ComponentStatus.UNDER_MAINTENANCE: N_("Under maintenance"),
    ComponentStatus.DEGRADED_PERFORMANCE: N_("Degraded performance"),
    ComponentStatus.PARTIAL_OUTAGE: N_("Partial outage"),
    ComponentStatus.MAJOR_OUTAGE: N_("Major outage"),
}

LABELS: Mapping[str, str] = {
    # Every other enum value a page shows, by value: incident and maintenance states, impacts,
    # announcement kinds, retention actions, action items' types and states. Written out (not
    # made from the value) so that each is in the catalogue.
    "investigating": N_("Investigating"),
    "identified": N_("Identified"),
    "monitoring": N_("Monitoring"),
    "resolved": N_("Resolved"),
    "scheduled": N_("Scheduled"),
    "in_progress": N_("In progress"),
    "verifying": N_("Verifying"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "none": N_("None"),
    "minor": N_("Minor"),
    "major": N_("Major"),
    "critical": N_("Critical"),
    "retention": N_("Retention"),
    "pricing": N_("Pricing"),
    "policy": N_("Policy"),
    "deprecation": N_("Deprecation"),
    "notice": N_("Notice"),
    "delete": N_("Delete"),
    "archive": N_("Archive"),
    "restrict": N_("Restrict"),
    "mitigate": N_("Mitigate"),
    "prevent": N_("Prevent"),
    "detect": N_("Detect"),
    "process": N_("Process"),
    "other": N_("Other"),
    "planned": N_("Planned"),
    "done": N_("Done"),
}

INDICATOR_SENTENCES: Mapping[Indicator, str] = {
    Indicator.NONE: N_("All Systems Operational"),
    Indicator.MINOR: N_("Minor Service Outage"),
    Indicator.MAJOR: N_("Partial System Outage"),
    Indicator.CRITICAL: N_("Major Service Outage"),
    Indicator.MAINTENANCE: N_("Service Under Maintenance"),
}
"""Statuspage's sentence for each indicator (its status.json `description`, in English)."""

EXISTING_CUSTOMERS: Mapping[ExistingCustomers, str] = {
    ExistingCustomers.NEXT_RENEWAL: N_("from their next renewal"),
    ExistingCustomers.IMMEDIATELY: N_("immediately"),
    ExistingCustomers.GRANDFATHERED: N_("keep their current price"),
}
"""When a price change reaches the customers a plan already has."""

RETENTION_ACTIONS: Mapping[RetentionAction, str] = {
    RetentionAction.DELETE: N_("are deleted"),
    RetentionAction.ARCHIVE: N_("are archived"),
    RetentionAction.RESTRICT: N_("are restricted"),
}
"""What happens to what a retention rule covers, as the end of a sentence."""

_SHORT_UNITS = (
    (86400, N_("%(count)s d")),
    (3600, N_("%(count)s h")),
    (60, N_("%(count)s min")),
)
_SECONDS = N_("%(count)s s")
_ISO_UNITS = {"years": "duration-year", "months": "duration-month", "weeks": "duration-week", "days": "duration-day"}
_SPAN_UNITS = (("duration-week", 604800), ("duration-day", 86400), ("duration-hour", 3600), ("duration-minute", 60))


def label(value: Enum, language: Language = ENGLISH) -> str:
    """Any status, state or kind as a reader reads it: 'in_progress' -> 'In progress'."""
    if isinstance(value, ComponentStatus):
        return language.gettext(STATUS_LABELS[value])
    text = LABELS.get(str(value.value))
    return language.gettext(text) if text else str(value.value).replace("_", " ").capitalize()


def indicator_sentence(indicator: Indicator, language: Language = ENGLISH) -> str:
    """The front page's headline: 'All Systems Operational'."""
    return language.gettext(INDICATOR_SENTENCES[indicator])


def existing_customers(value: ExistingCustomers, language: Language = ENGLISH) -> str:
    return language.gettext(EXISTING_CUSTOMERS[value])


def retention_action(value: RetentionAction, language: Language = ENGLISH) -> str:
    return language.gettext(RETENTION_ACTIONS[value])


def human_duration(span: timedelta | None, language: Language = ENGLISH) -> str:
    """'11 h 30 min', '2 d 3 h', '45 s'; an em dash when there is no figure."""
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    if seconds < 60:
        return language.gettext(_SECONDS) % {"count": max(seconds, 0)}
    shown = []
    for size, unit in _SHORT_UNITS:
        amount, seconds = divmod(seconds, size)
        if amount:
            shown.append(language.gettext(unit) % {"count": amount})
    # Two units say enough: "2 d 3 h" reads better than "2 d 3 h 14 min".
    return " ".join(shown[:2])


def describe_duration(value: str, language: Language = ENGLISH) -> str:
    """An ISO 8601 duration for readers: 'P6M' -> '6 months' (CLDR's words and plurals)."""
    match = DURATION_RE.match(value)
    if not match:
        return value
    parts = [
        format_unit(int(amount), _ISO_UNITS[unit], length="long", locale=language.locale)
        for unit, amount in match.groupdict().items()
        if amount is not None
    ]
    return format_list(parts, style="unit", locale=language.locale) if parts else value


def describe_span(span: timedelta, language: Language = ENGLISH) -> str:
    """A span for readers, in its largest whole units: 36 hours -> '1 day, 12 hours'."""
    seconds = int(span.total_seconds())
    parts = []
    for unit, size in _SPAN_UNITS:
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(format_unit(amount, unit, length="long", locale=language.locale))
    return format_list(parts, style="unit", locale=language.locale) if parts else language.gettext(N_("now"))
