"""How pages show times, durations, numbers, money and statuses to a reader, in a language.

Dates, numbers and money follow the language's CLDR locale through Babel, which carries its
data inside the package: `strftime("%B")` would follow the machine's locale instead, and the
same records must give the same bytes on every build machine. Every time is shown in UTC,
saying so in the language, and wrapped in `<time datetime>` so that a script or a reader's
tools can convert it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency, format_percent, get_currency_symbol
from markupsafe import Markup, escape

from .. import wording
from ..languages import N_, Language
from ..models import ComponentStatus
from ..moments import rfc3339
from ..state import Indicator

ENGLISH = wording.ENGLISH

_PATTERNS = {"en": {"yMMMd": "d MMM y", "yMMMM": "MMMM y", "yMMM": "MMM y"}}
"""English keeps the day-month-year order it has always had; other languages follow CLDR."""

_AT_UTC = N_("%(date)s, %(time)s UTC")
_NO_DATA = N_("no data")


@lru_cache(maxsize=65536)
def _day(day: date, skeleton: str, language: Language) -> str:
    # Cached: a history prints each day many times (every update of every incident that day),
    # and Babel takes tens of microseconds to format one.
    pattern = _PATTERNS.get(language.code, {}).get(skeleton)
    if pattern is not None:
        return format_date(day, pattern, locale=language.locale)
    return format_skeleton(skeleton, day, locale=language.locale)


def short_date(day: date, language: Language = ENGLISH) -> str:
    """'5 Jul 2020' ('5. Juli 2020', '2020年7月5日')."""
    return _day(day, "yMMMd", language)


def month_label(day: date, language: Language = ENGLISH) -> str:
    """'July 2020', the heading of a month in the incident history."""
    return _day(day, "yMMMM", language)


def short_month(month: date, language: Language = ENGLISH) -> str:
    """'Oct 2021', a column heading of the uptime table."""
    return _day(month, "yMMM", language)


def time_text(moment: datetime, language: Language = ENGLISH) -> str:
    """'5 Jul 2020, 19:00 UTC': always UTC, and saying so."""
    utc = moment.astimezone(timezone.utc)
    clock = _clock(utc.hour, utc.minute, language)
    return language.gettext(_AT_UTC) % {"date": short_date(utc.date(), language), "time": clock}


@lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, language: Language) -> str:
    """'19:00' in the language's digits (a day has 1,440 of them: each is formatted once)."""
    return format_time(time(hour, minute), "HH:mm", locale=language.locale)


def time_tag(moment: datetime, language: Language = ENGLISH) -> Markup:
    """A timestamp for readers and machines: <time datetime="...Z">5 Jul 2020, 19:00 UTC</time>."""
    text = escape(time_text(moment, language))
    return Markup(f'<time datetime="{rfc3339(moment)}">{text}</time>')


def date_tag(day: date, language: Language = ENGLISH) -> Markup:
    """A calendar date: <time datetime="2020-08-12">12 Aug 2020</time>."""
    return Markup(f'<time datetime="{day.isoformat()}">{escape(short_date(day, language))}</time>')


def duration_tag(span: timedelta | None, language: Language = ENGLISH) -> Markup:
    """A duration in a <time> element with its ISO 8601 form, e.g. PT11H30M."""
    if span is None:
        return Markup("—")
    seconds = max(int(span.total_seconds()), 0)
    machine = f"PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S"
    return Markup(f'<time datetime="{machine}">{escape(wording.human_duration(span, language))}</time>')


@lru_cache(maxsize=4096)
def _percent(value: Decimal, decimals: str, language: Language) -> str:
    # Cached: the uptime pages print tens of thousands of figures, most of them "100%".
    # The locale's pattern gives the sign, its side and its spacing; `decimals` ("00", "####")
    # how many decimals follow the locale's decimal sign.
    pattern = language.locale.percent_formats[None].pattern
    integer = pattern.rfind("0")
    pattern = pattern[:integer + 1] + "." + decimals + pattern[integer + 1 :] if decimals else pattern
    return format_percent(value / 100, format=pattern, locale=language.locale)


def percent(value: float | None, language: Language = ENGLISH) -> str:
    """'99.95%' (two decimals are what a reader compares; '99.50%'); '100%' for a whole
    figure; 'no data' without a figure."""
    if value is None:
        return language.gettext(_NO_DATA)
    return _two_decimals(f"{value:.2f}", language)


@lru_cache(maxsize=4096)
def _two_decimals(figure_text: str, language: Language) -> str:
    # Kept by the figure's text: an uptime page shows thousands of figures, most alike.
    figure = Decimal(figure_text)
    return _percent(figure, "" if figure == figure.to_integral_value() else "00", language)


def exact_percent(value: float | Decimal | None, language: Language = ENGLISH) -> str:
    """'99.8996%': the published figure to its 4 decimals, where a verdict hangs on them (an
    SLA met or missed); trailing zeros dropped ('100%', '99.9%'); 'no data' without a figure."""
    if value is None:
        return language.gettext(_NO_DATA)
    text = f"{Decimal(repr(value)) if isinstance(value, float) else value:.4f}"
    return _percent(Decimal(text), "####", language)


def money(amount: Decimal, currency: str, language: Language = ENGLISH) -> str:
    """'$5', '$7.50', '12,00 €': the locale's currency format; whole amounts without decimals."""
    pattern = language.locale.currency_formats["standard"].pattern
    if amount == amount.to_integral_value():
        pattern = pattern.replace("0.00", "0")
    if get_currency_symbol(currency, language.locale).isalpha():
        # A code rather than a symbol ("CHF") is kept apart from the digits, as CLDR's
        # currency spacing asks: "CHF 12", "12 CHF".
        pattern = re.sub(r"¤(?=[#0])", "¤\u00a0", re.sub(r"(?<=0)¤", "\u00a0¤", pattern))
    return format_currency(amount, currency, format=pattern, locale=language.locale, currency_digits=False)


_HEADING_TAG = re.compile(r"<(/?)h([2-6])(?=[\s>])")


def headings_below(html: Markup, level: int) -> Markup:
    """Record Markdown placed under a heading of level `level`: its headings (h2 and lower, as
    the sanitizer leaves them) move down so that the page's outline nests them in that section."""
    shift = max(level - 1, 0)
    # The HTML is sanitized: only allowlisted tags remain and text holds no raw "<", so a
    # pattern on the tags is exact.
    return Markup(_HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + shift, 6)}", str(html)))


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


def favicon_uri(indicator: Indicator | None) -> str:
    """The tab icon as an inline SVG data URI, so it costs no request: a coloured disc with a
    tick when all is well and an exclamation mark otherwise (a mark, not colour alone)."""
    mark = _FAVICON_MARKS.get(indicator, "M8 4v5M8 11.5v.5") if indicator is not None else "M8 4v4l3 2"
    colour = _FAVICON_COLOURS[indicator] if indicator is not None else _ARCHIVED_COLOUR
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
        f"<circle cx='8' cy='8' r='8' fill='{colour}'/>"
        f"<path d='{mark}' stroke='#fff' stroke-width='2' fill='none' stroke-linecap='round'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="/:='")


_ARCHIVED_COLOUR = "#59636e"
ARCHIVED_FAVICON = favicon_uri(None)
"""The tab icon of archived pages (an incident, a post-mortem...): a grey disc, since such a
page is not rebuilt with every change of status and so claims none."""
