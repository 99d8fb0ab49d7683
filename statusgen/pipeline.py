"""The one place the stages run in order: records -> state as of now -> files to publish.

discover/load/validate (loader) -> derive (derive_state) -> render pages -> feeds and API
-> the plugin or the CLI writes. Each stage receives immutable values and returns new ones.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

from .derive import derive_state
from .errors import ContentError, Problem
from .loader import load_records
from .outputs import OutputFile
from .publish.badges import render_badges
from .publish.calendar import render_calendar
from .publish.feeds import render_feeds
from .publish.pages import render_pages
from .publish.schemas import render_schemas
from .publish.sitemap import render_sitemap
from .publish.statuspage_api import render_statuspage_api
from .publish.uptime_api import render_uptime_api
from .records import Records
from .settings import Settings
from .state import SiteState

RenderStage = Callable[[Records, SiteState, Settings], list[OutputFile]]

RENDER_STAGES: tuple[RenderStage, ...] = (
    render_pages,
    render_feeds,
    render_statuspage_api,
    render_uptime_api,
    render_calendar,
    render_badges,
    render_schemas,
)


def build_outputs(records: Records, settings: Settings, now: datetime) -> list[OutputFile]:
    """Every file of the status section, as of `now`, in a stable order."""
    state = derive_state(records, settings, now)
    outputs = [output for stage in RENDER_STAGES for output in stage(records, state, settings)]
    outputs.extend(render_sitemap(outputs, settings))
    _refuse_collisions(outputs)
    return outputs


def build_site_outputs(settings: Settings, now: datetime) -> list[OutputFile]:
    """Load and validate the records, then build; raises ContentError with every problem."""
    return build_outputs(load_records(settings.content_dir), settings, now)


def _refuse_collisions(outputs: list[OutputFile]) -> None:
    # Two records at one URL would silently overwrite each other: a published lie.
    seen: set[str] = set()
    problems = []
    for output in outputs:
        if output.path in seen:
            problems.append(Problem(output.path, 0, "", "two outputs would be written to this path"))
        seen.add(output.path)
    if problems:
        raise ContentError(problems)


def write_outputs(outputs: list[OutputFile], site_dir: Path) -> None:
    """Write files under site_dir (used without MkDocs, e.g. by benchmarks and tests)."""
    for output in outputs:
        target = site_dir / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)
