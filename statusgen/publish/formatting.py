"""How pages show times, durations, money and statuses to a reader.

Everything here is locale-free on purpose: `strftime("%B")` follows the machine's locale, and
the same records must give the same bytes on every build machine. Every time is shown in UTC
and wrapped in `<time datetime>` so that a script or a reader's tools can convert it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import quote

from markupsafe import Markup

from .. import wording
from ..models import ComponentStatus
from ..moments import rfc3339
from ..state import Indicator

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def short_date(day: date) -> str:
    """'5 Jul 2020'."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def month_label(day: date) -> str:
    """'July 2020', the heading of a month in the incident history."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def time_tag(moment: datetime) -> Markup:
    """A timestamp for readers and machines: <time datetime="...Z">5 Jul 2020, 19:00 UTC</time>."""
    utc = moment.astimezone(timezone.utc)
    text = f"{short_date(utc.date())}, {utc:%H:%M} UTC"
    return Markup(f'<time datetime="{rfc3339(utc)}">{text}</time>')


def date_tag(day: date) -> Markup:
    """A calendar date: <time datetime="2020-08-12">12 Aug 2020</time>."""
    return Markup(f'<time datetime="{day.isoformat()}">{short_date(day)}</time>')


def duration_tag(span: timedelta | None) -> Markup:
    """A duration in a <time> element with its ISO 8601 form, e.g. PT11H30M."""
    if span is None:
        return Markup("—")
    seconds = max(int(span.total_seconds()), 0)
    machine = f"PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S"
    return Markup(f'<time datetime="{machine}">{wording.human_duration(span)}</time>')


def percent(value: float | None) -> str:
    """'99.95%' (two decimals are what a reader compares); 'no data' without a figure."""
    if value is None:
        return "no data"
    text = f"{value:.2f}"
    return f"{text[:-3] if text.endswith('.00') else text}%"


def exact_percent(value: float | Decimal | None) -> str:
    """'99.8996%': the published figure to its 4 decimals, where a verdict hangs on them (an
    SLA met or missed); trailing zeros dropped ('100%', '99.9%'); 'no data' without a figure."""
    if value is None:
        return "no data"
    text = f"{Decimal(repr(value)) if isinstance(value, float) else value:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def short_month(month: date) -> str:
    """'Oct 2021', a column heading of the uptime table."""
    return f"{MONTHS[month.month - 1][:3]} {month.year}"


def money(amount: Decimal, currency: str) -> str:
    """'$5', '$7.50', '12 EUR': whole amounts without decimals, a symbol for the common ones."""
    text = f"{amount:.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    symbol = _CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


_HEADING_TAG = re.compile(r"<(/?)h([2-6])(?=[\s>])")


def headings_below(html: Markup, level: int) -> Markup:
    """Record Markdown placed under a heading of level `level`: its headings (h2 and lower, as
    the sanitizer leaves them) move down so that the page's outline nests them in that section."""
    shift = max(level - 1, 0)
    # The HTML is sanitized: only allowlisted tags remain and text holds no raw "<", so a
    # pattern on the tags is exact.
    return Markup(_HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + shift, 6)}", str(html)))


_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def uptime_level(value: float | None) -> str:
    """The bar class of a day: full, then three levels of loss, or none without data."""
    if value is None:
        return "none"
    if value >= 100.0:
        return "ok"
    if value >= 99.0:
        return "minor"
    if value >= 95.0:
        return "partial"
    return "major"


INDICATOR_STATUS = {
    Indicator.NONE: ComponentStatus.OPERATIONAL,
    Indicator.MINOR: ComponentStatus.DEGRADED_PERFORMANCE,
    Indicator.MAJOR: ComponentStatus.PARTIAL_OUTAGE,
    Indicator.CRITICAL: ComponentStatus.MAJOR_OUTAGE,
    Indicator.MAINTENANCE: ComponentStatus.UNDER_MAINTENANCE,
}
"""The component status whose colour and shape show an indicator."""

_FAVICON_COLOURS = {
    Indicator.NONE: "#1a7f37",
    Indicator.MINOR: "#9a6700",
    Indicator.MAJOR: "#bc4c00",
    Indicator.CRITICAL: "#cf222e",
    Indicator.MAINTENANCE: "#0969da",
}
_FAVICON_MARKS = {
    Indicator.NONE: "M4.5 8.5l2.5 2.5 4.5-5",
    Indicator.MAINTENANCE: "M5 8h6",
}


def favicon_uri(indicator: Indicator) -> str:
    """The tab icon as an inline SVG data URI, so it costs no request: a coloured disc with a
    tick when all is well and an exclamation mark otherwise (a mark, not colour alone)."""
    mark = _FAVICON_MARKS.get(indicator, "M8 4v5M8 11.5v.5")
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
        f"<circle cx='8' cy='8' r='8' fill='{_FAVICON_COLOURS[indicator]}'/>"
        f"<path d='{mark}' stroke='#fff' stroke-width='2' fill='none' stroke-linecap='round'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="/:='")
