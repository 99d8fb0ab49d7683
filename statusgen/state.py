"""The site as of "now": the public records and every figure derived from them.

`derive.derive_state` makes it; pages, feeds and the API only read it (and receive
`state.public` as their records). Nothing here reads the clock: "now" is an input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from .models import ComponentStatus, Incident, IncidentStatus, Maintenance, MaintenanceStatus, Postmortem
from .prices import ScheduledPrice
from .records import Records


class Indicator(str, Enum):
    """The page's overall indicator, in Statuspage's words."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"


@dataclass(frozen=True)
class DayUptime:
    """One UTC calendar day of one component, as the uptime bars and api/uptime.json show it."""

    date: date
    uptime: float | None
    """Percent, rounded to 4 decimals; None when the day has no span (before `since`, after now)."""
    major_outage_s: int
    partial_outage_s: int
    degraded_performance_s: int
    under_maintenance_s: int
    span_s: int
    """Seconds of the day that count (after `since`, before now)."""


@dataclass(frozen=True)
class ComponentUptime:
    """A component's (or a group's) daily figures over the window, and the window's figure."""

    component_id: str
    """The component's id, or the group's."""
    days: tuple[DayUptime, ...]
    """Oldest first, one per day of the window."""
    uptime: float | None
    """Over the whole window (sum of spans); None when no day has a span."""


@dataclass(frozen=True)
class MonthUptime:
    """One UTC calendar month of a component or group, as api/uptime-monthly.json shows it."""

    month: date
    """The month's first day."""
    uptime: float | None
    """Percent, rounded to 4 decimals; None when the month has no span."""
    span_s: int
    """Seconds of the month that count (after `since`, before now): the sum of its days' spans."""
    major_outage_s: int
    partial_outage_s: int
    degraded_performance_s: int
    under_maintenance_s: int


@dataclass(frozen=True)
class CalendarMonth:
    """A month of the uptime calendar: its figure and each of its days'."""

    figures: MonthUptime
    days: tuple[DayUptime, ...]
    """Every day of the month, oldest first (None figures before `since` and after now)."""


@dataclass(frozen=True)
class UptimeHistory:
    """A component's or group's figures per month, from its first month to the month of now."""

    months: tuple[MonthUptime, ...]
    """Oldest first; empty when it counts only from a month after now's."""
    calendar: tuple[CalendarMonth, ...]
    """The last `uptime_months` of those months with their days, oldest first."""


@dataclass(frozen=True)
class SlaMonth:
    """One month of a plan's SLA: the uptime of its components as a group against the target."""

    month: date
    uptime: float | None
    met: bool | None
    """uptime >= target (the published, rounded figure); None when the month has no span."""
    credit: Decimal
    """Percent of the month's fee: the largest credit whose `below` exceeds the uptime, else 0."""
    complete: bool
    """False for the month of now, whose figure can still change."""


@dataclass(frozen=True)
class PlanSla:
    """A plan's service level as plans.yml states it, and how each month measured up."""

    plan_id: str
    target: Decimal
    components: tuple[str, ...]
    """The components measured, as one group (every component when plans.yml names none)."""
    credits: tuple[tuple[Decimal, Decimal], ...]
    """(below, credit) pairs, as plans.yml lists them (`below` descending)."""
    months: tuple[SlaMonth, ...]


@dataclass(frozen=True)
class IncidentFigures:
    duration: timedelta
    """From `started` to `resolved`, or to now while open."""
    time_to_first_update: timedelta | None
    """From `started` to the first update; None without updates."""
    time_to_resolve: timedelta | None
    """From `started` to `resolved`; None while open."""


@dataclass(frozen=True)
class SiteState:
    """Everything derived from the records as of `now`."""

    now: datetime
    """Aware, UTC."""
    public: Records
    """The records as the public knew them at now (`public_view.as_of`): every output is
    built from these, never from the records as loaded."""
    component_status: Mapping[str, ComponentStatus]
    """Every component id -> its status at now."""
    group_status: Mapping[str, ComponentStatus]
    """Every group id -> the worst of its members' statuses."""
    indicator: Indicator
    description: str
    """Statuspage's sentence for the indicator, e.g. "All Systems Operational"."""
    incident_status: Mapping[str, IncidentStatus]
    """Every incident id -> the status of its latest update (resolved once resolved)."""
    incident_figures: Mapping[str, IncidentFigures]
    open_incidents: tuple[Incident, ...]
    """Unresolved incidents, newest first."""
    maintenance_status: Mapping[str, MaintenanceStatus]
    """Every maintenance id -> its state at now (the record's status when it sets one)."""
    active_maintenance: tuple[Maintenance, ...]
    """In progress or verifying, soonest first."""
    upcoming_maintenance: tuple[Maintenance, ...]
    """Scheduled (not started, not cancelled), soonest first."""
    window_start: date
    window_end: date
    """First and last UTC day of the uptime window (the last contains now)."""
    figures: Counted
    """The uptime figures below, counted on the other core: taken when first asked for."""
    postmortem_for: Mapping[str, Postmortem]
    """Incident id -> its post-mortem, for the incidents that have one."""
    incidents_by_component: Mapping[str, tuple[Incident, ...]]
    """Component id -> the incidents that affected it, newest first."""
    upcoming_prices: Mapping[str, tuple[ScheduledPrice, ...]]
    """Plan id -> its announced price changes not yet in effect, soonest first."""

    @property
    def uptime(self) -> Mapping[str, ComponentUptime]:
        """Every component id -> its uptime over the window."""
        return self.figures.get().uptime

    @property
    def group_uptime(self) -> Mapping[str, ComponentUptime]:
        """Every group with members -> its uptime over the window (its members' worst status)."""
        return self.figures.get().group_uptime

    @property
    def component_history(self) -> Mapping[str, UptimeHistory]:
        """Every component id -> its figures per month and its uptime calendar."""
        return self.figures.get().component_history

    @property
    def group_history(self) -> Mapping[str, UptimeHistory]:
        """Every group with members -> its figures per month and its uptime calendar."""
        return self.figures.get().group_history

    @property
    def sla(self) -> Mapping[str, PlanSla]:
        """Plan id -> its SLA and months, for the plans that have one, in plans.yml's order."""
        return self.figures.get().sla


class UptimeFigures(Protocol):
    """Every uptime figure of the site as of now (measured.Figures)."""

    @property
    def uptime(self) -> Mapping[str, ComponentUptime]: ...
    @property
    def group_uptime(self) -> Mapping[str, ComponentUptime]: ...
    @property
    def component_history(self) -> Mapping[str, UptimeHistory]: ...
    @property
    def group_history(self) -> Mapping[str, UptimeHistory]: ...
    @property
    def sla(self) -> Mapping[str, PlanSla]: ...


class Counted:
    """Uptime figures counted elsewhere (derive.py: a forked child), taken when first asked
    for: a build looks up its archived pages, which never show them, while they are counted.
    Equal to another when their figures are; pickled as the figures."""

    def __init__(self, take: Callable[[], UptimeFigures], ready: Callable[[], bool] = lambda: True) -> None:
        self._take: Callable[[], UptimeFigures] | None = take
        self._ready = ready
        self._figures: UptimeFigures | None = None

    def ready(self) -> bool:
        """Whether get() would not wait for the other core."""
        return self._take is None or self._ready()

    def get(self) -> UptimeFigures:
        if self._take is not None:
            self._figures, self._take = self._take(), None
        assert self._figures is not None
        return self._figures

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Counted) and self.get() == other.get()

    # Equal by their figures, which may not be counted yet: not hashable, as the state that
    # holds them is not (its mappings).
    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_counted, (self.get(),))


def _counted(figures: UptimeFigures) -> Counted:
    return Counted(lambda: figures)
