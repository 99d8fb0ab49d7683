"""The uptime calendar (/uptime/) and the SLA page (/sla/): the derived figures, laid out.

Both pages show numbers that api/uptime-monthly.json and api/sla.json publish, from the
same state; nothing is computed here but the layout (which months, weeks of a month).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from .. import urls
from ..languages import N_, Language
from ..state import CalendarMonth, DayUptime, MonthUptime, PlanSla, UptimeHistory
from ..uptime import month_range
from .page_context import Page, SiteView


def weekdays(language: Language) -> tuple[tuple[str, str], ...]:
    """Column headings of a month's grid, (short, full) in the language (CLDR's names): weeks
    start on Monday (ISO 8601) in every language."""
    names = language.locale.days["format"]
    return tuple((names["short"][day], names["wide"][day]) for day in range(7))

Week = tuple[DayUptime | None, ...]


@dataclass(frozen=True)
class Subject:
    """A component or group on the uptime page."""

    kind: str
    """"component" or "group"."""
    id: str
    name: str
    anchor: str
    heading: int
    """Level of its heading: a group's components sit under the group's."""
    members: tuple[str, ...]
    """A group's component names; empty for a component."""
    history: UptimeHistory
    by_month: dict[date, MonthUptime]
    calendar: tuple[tuple[CalendarMonth, tuple[Week, ...]], ...]
    """Newest month first, each with its weeks."""


CALENDARS_SHOWN = 3
"""Months of days shown open per component or group on /uptime/, newest first (Statuspage
shows three); the earlier ones are in a closed <details>, which the browser lays out only
once opened (or searched into): the example site's 88 calendars, all laid out, held the
page's first paint back on a slow phone (Lighthouse at 30 times the CPU slowdown of this
project's machine: 0.90-0.91, and 0.97 with three open per subject)."""


def uptime_page(site: SiteView) -> Page:
    """/uptime/: a table of the last `uptime_months` months, then each month's days."""
    state = site.state
    months = month_range(_months_back(state.now.date(), site.settings.uptime_months), state.now.date())[::-1]
    return Page(
        path=urls.UPTIME,
        template="uptime.html",
        title=site.tr(N_("Uptime history")),
        description=site.tr(N_("Uptime of every component and group of %(site)s, month by month and day by day."),
                            site=site.settings.site_name),
        values={"subjects": list(_subjects(site)), "months": months, "current_month": months[0],
                "weekdays": weekdays(site.language), "calendars_shown": CALENDARS_SHOWN},
    )


def sla_page(site: SiteView) -> Page:
    """/sla/: each plan's service level, every month met or missed and the credit due."""
    slas: list[PlanSla] = list(site.state.sla.values())
    return Page(
        path=urls.SLA,
        template="sla.html",
        title=site.tr(N_("Service levels")),
        description=site.tr(N_("The monthly uptime each plan of %(site)s promises, and each month's result."),
                            site=site.settings.site_name),
        values={"slas": slas, "current_month": site.state.now.date().replace(day=1)},
    )


def weeks_of(days: tuple[DayUptime, ...]) -> tuple[Week, ...]:
    """A month's days in rows of seven, Monday first, blank before the 1st and after the last."""
    cells: list[DayUptime | None] = [None] * days[0].date.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    return tuple(tuple(cells[start : start + 7]) for start in range(0, len(cells), 7))


def _subjects(site: SiteView) -> Iterator[Subject]:
    state = site.state
    for section in site.sections:
        group = section.group
        if group is not None and group.id in state.group_history:
            members = tuple(component.name for component in section.components)
            yield _subject("group", group.id, group.name, 2, members, state.group_history[group.id])
        for component in section.components:
            level = 3 if group is not None and group.id in state.group_history else 2
            yield _subject("component", component.id, component.name, level, (), state.component_history[component.id])


def _subject(kind: str, key: str, name: str, heading: int, members: tuple[str, ...], history: UptimeHistory) -> Subject:
    return Subject(
        kind=kind,
        id=key,
        name=name,
        anchor=urls.uptime_anchor(kind, key),
        heading=heading,
        members=members,
        history=history,
        by_month={month.month: month for month in history.months},
        calendar=tuple((month, weeks_of(month.days)) for month in reversed(history.calendar)),
    )


def _months_back(today: date, count: int) -> date:
    """The first day of the month `count - 1` months before today's."""
    index = today.year * 12 + today.month - 1 - (max(count, 1) - 1)
    return date(index // 12, index % 12 + 1, 1)

