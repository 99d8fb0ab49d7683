"""The one place the stages of a build run in order, for every caller.

load and validate (loader) -> the site as of now (derive_state: the public view of the
records and every figure) -> render pages, feeds, API, calendar, badges, schemas, sitemap.
`build_site` is the whole build: the records loaded, then `build_outputs`; the MkDocs plugin
runs these two halves at two of MkDocs' events (under `statusgen build` as under plain
`mkdocs build`: plugin.py), and the stages receive immutable values and return new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from .derive import derive_state
from .errors import ContentError, Problem
from .outputs import OutputFile
from .publish.badges import render_badges
from .publish.calendar import render_calendar
from .publish.feeds import render_feeds
from .publish.host_headers import render_host_headers
from .publish.metrics import render_metrics
from .publish.pages import render_pages
from .publish.plans_api import render_plans_api
from .publish.robots import render_robots
from .publish.schemas import render_schemas
from .publish.sitemap import sitemap_of
from .publish.sla_api import render_sla_api
from .publish.statuspage_api import render_statuspage_api
from .publish.uptime_api import render_uptime_api
from .record_memo import load_records_once
from .records import Records
from .settings import Settings
from .state import SiteState

RenderStage = Callable[[Records, SiteState, Settings], list[OutputFile]]
"""A publisher: (the public records, the derived state, settings) -> files. It never sees
the records as loaded, so it cannot publish anything dated after now."""

RENDER_STAGES: tuple[RenderStage, ...] = (
    render_pages,
    render_feeds,
    render_statuspage_api,
    render_uptime_api,
    render_plans_api,
    render_sla_api,
    render_metrics,
    render_calendar,
    render_badges,
    render_schemas,
)


def load_publishers_libraries() -> None:
    """Import the libraries the publishers import only when they run (feedgen and lxml for
    the feeds, prometheus_client for the metrics; 0.1 s). A build writes those files in a
    child, which alone needs them; `serve` forks such a child at every rebuild, so it loads
    them once, here, and its children find them loaded."""
    import feedgen.feed  # noqa: F401
    import prometheus_client  # noqa: F401


def build_site(settings: Settings, now: datetime) -> list[OutputFile]:
    """The whole build: load and validate the records, then every file as of `now`.

    Raises ContentError with every problem found."""
    return build_outputs(load_records_once(settings.content_dir, settings.languages, settings.cache_dir), settings, now)


def build_outputs(records: Records, settings: Settings, now: datetime) -> list[OutputFile]:
    """Every file of the status section from loaded records, as of `now`, in a stable order."""
    state = derive_state(records, settings, now)
    others = [stage for stage in RENDER_STAGES if stage is not render_pages]
    # The other publishers are shared between this process and the child that renders the
    # live pages, once each is done with its part of the pages (see publish/pages.py); so is
    # the sitemap, which needs only the pages' paths.
    outputs = render_pages(state.public, state, settings,
                           alongside=[partial(stage, state.public, state, settings) for stage in others],
                           listed_by=partial(sitemap_of, settings=settings))
    outputs.extend(render_robots(settings))
    outputs.extend(render_host_headers(outputs, settings))  # last: its rules cover every other file
    _refuse_collisions(outputs)
    return outputs


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
