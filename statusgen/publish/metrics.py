"""metrics: the page's state in Prometheus' text exposition format 0.0.4, for dashboards.

DESIGN.md's families, each a gauge with HELP and TYPE, written by prometheus_client from one
collector over the derived state: the same numbers as api/v2/summary.json (statuses, the
indicator, open incidents, active maintenance) and api/uptime.json (the window's uptime, as a
ratio). A component without an uptime figure (no span yet) has no uptime sample.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import urls
from ..models import ComponentStatus, Impact
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import Indicator, SiteState

if TYPE_CHECKING:
    from prometheus_client.core import Metric


def render_metrics(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """The `metrics` file at the section root."""
    # Imported here: a build with a long history writes it in a child process
    # (pipeline.build_outputs), which alone needs prometheus_client.
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.registry import Collector

    class Families(Collector):
        """Hands prometheus_client the families made beforehand."""

        def __init__(self, families: Iterable[Metric]) -> None:
            self._families = list(families)

        def collect(self) -> Iterable[Metric]:
            return self._families

    registry = CollectorRegistry(auto_describe=False)
    registry.register(Families(list(metric_families(records, state))))
    return [OutputFile(urls.METRICS, generate_latest(registry))]


def metric_families(records: Records, state: SiteState) -> Iterator[Metric]:
    """Every family of the contract, in its order, components in display order."""
    from prometheus_client.core import GaugeMetricFamily

    components = [component.id for component in records.components.components]
    status = GaugeMetricFamily(
        "statusgen_component_status",
        "Current status of each component: 1 for the status it has, 0 for the four others.",
        labels=["component", "status"],
    )
    for component_id in components:
        for value in ComponentStatus:
            status.add_metric([component_id, value.value], 1 if state.component_status[component_id] is value else 0)
    yield status

    indicator = GaugeMetricFamily(
        "statusgen_status_indicator", "The page's overall indicator: 1 for the current one.", labels=["indicator"]
    )
    for level in Indicator:
        indicator.add_metric([level.value], 1 if state.indicator is level else 0)
    yield indicator

    uptime = GaugeMetricFamily(
        "statusgen_component_uptime_ratio",
        f"Uptime of each component over the last {(state.window_end - state.window_start).days + 1} days "
        "(api/uptime.json), as a ratio from 0 to 1.",
        labels=["component"],
    )
    for component_id in components:
        figure = state.uptime[component_id].uptime
        if figure is not None:
            # Through the decimal text of the published percentage: 99.9412 -> 0.999412 exactly.
            uptime.add_metric([component_id], float(Decimal(repr(figure)) / 100))
    yield uptime

    incidents = GaugeMetricFamily("statusgen_incidents_open", "Unresolved incidents, by impact.", labels=["impact"])
    for impact in Impact:
        incidents.add_metric([impact.value], sum(1 for incident in state.open_incidents if incident.impact is impact))
    yield incidents

    yield GaugeMetricFamily(
        "statusgen_maintenance_active", "Maintenance windows in progress.", value=len(state.active_maintenance)
    )
    yield GaugeMetricFamily(
        "statusgen_generated_timestamp_seconds",
        "The moment the site shows the status as of (its now), in Unix time.",
        value=int(state.now.timestamp()),
    )
