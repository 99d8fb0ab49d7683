"""Time each stage of a build on a synthetic site: load, derive, then every publisher.

The unit tests assert what a long history costs in work (feeds render only the items they
publish, the API builds only the incidents it lists); the seconds are measured here and
printed, never asserted. Stages run in this process, in the order `build_outputs` runs them.

Each row also prints the part of its seconds Python's cyclic garbage collector took ("gc"):
a full collection visits every object alive, the loaded records included (about 0.1 s at
N = 10,000), and it falls on whichever stage happens to cross its threshold, so a small
stage's seconds can be mostly another's garbage.

The last lines price the uptime history (issue 13) against the whole build: every uptime
figure (`measured.measure`: timelines over the whole history, the window, months, calendars,
groups, SLAs, an upper bound since the 90-day window was computed before it too), the two
pages it adds and the files it adds (api/uptime-monthly.json and .csv, api/sla.json, metrics).

    python benchmarks/stages.py 10000 [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, generate  # noqa: E402

from statusgen.derive import derive_state  # noqa: E402
from statusgen.loader import load_records  # noqa: E402
from statusgen.measured import measure  # noqa: E402
from statusgen.notify.config import NotifyConfig, Reminders, WebhookChannel  # noqa: E402
from statusgen.notify.due import due_messages  # noqa: E402
from statusgen.notify.planner import plan  # noqa: E402
from statusgen.notify.state_file import NotifyState  # noqa: E402
from statusgen.outputs import OutputFile  # noqa: E402
from statusgen.pipeline import RENDER_STAGES, build_outputs  # noqa: E402
from statusgen.public_view import as_of  # noqa: E402
from statusgen.publish.history_pages import sla_page, uptime_page  # noqa: E402
from statusgen.publish.host_headers import render_host_headers  # noqa: E402
from statusgen.publish.metrics import render_metrics  # noqa: E402
from statusgen.publish.page_context import build_site_view  # noqa: E402
from statusgen.publish.pages import render_page  # noqa: E402
from statusgen.publish.robots import render_robots  # noqa: E402
from statusgen.publish.sitemap import render_sitemap  # noqa: E402
from statusgen.publish.sla_api import render_sla_api  # noqa: E402
from statusgen.publish.stylesheet import load_stylesheet  # noqa: E402
from statusgen.publish.uptime_api import render_uptime_api  # noqa: E402
from statusgen.record_memo import fingerprint  # noqa: E402
from statusgen.records import Records  # noqa: E402
from statusgen.settings import Settings  # noqa: E402
from statusgen.templating import make_environment  # noqa: E402
from statusgen.uptime import uptime_window  # noqa: E402


class CollectorClock:
    """Seconds Python's cyclic garbage collector has spent since this clock was made."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def stop(self) -> None:
        gc.callbacks.remove(self._tick)


Row = tuple[str, float, int, float]
"""(stage, seconds, files written, seconds of it in the garbage collector)."""
T = TypeVar("T")


def stage_times(root: Path) -> list[Row]:
    """A row per stage of one build of the site at root, as of NOW."""
    settings = Settings(content_dir=root / "content", site_name="Bench", site_url="https://status.example.com/")
    clock = CollectorClock()
    rows: list[Row] = []

    def timed(name: str, run: Callable[[], T], files: Callable[[T], int] = lambda _: 0) -> T:
        started, collecting = time.perf_counter(), clock.seconds
        result = run()
        rows.append((name, time.perf_counter() - started, files(result), clock.seconds - collecting))
        return result

    try:
        records = timed("load_records", lambda: load_records(settings.content_dir))
        # What `statusgen build` pays to reuse its validated records.
        timed("record_memo.fingerprint", lambda: fingerprint(settings.content_dir))
        state = timed("derive_state", lambda: derive_state(records, settings, NOW))
        timed("notify: as_of + plan", notify_planning(records))
        outputs: list[OutputFile] = []
        for stage in RENDER_STAGES:
            outputs.extend(timed(stage.__name__, partial(stage, state.public, state, settings), len))
        outputs.extend(timed("render_sitemap", lambda: render_sitemap(outputs, settings), len))
        outputs.extend(timed("robots.txt, _headers",
                             lambda: [*render_robots(settings), *render_host_headers(outputs, settings)], len))
        history_times(records, settings, timed)
        parts = rows[-4:-1]  # the history's figures, pages and files; a whole build follows
        rows.insert(-1, ("history: total", sum(row[1] for row in parts), sum(row[2] for row in parts),
                         sum(row[3] for row in parts)))
    finally:
        clock.stop()
    return rows


EVERY_BUILD = ("derive_state", "render_feeds", "render_sitemap")
HISTORY_ROWS = ("history: measure", "history: pages", "history: files", "history: total", "build_outputs")


def history_times(records: Records, settings: Settings, timed: Callable[..., Any]) -> None:
    """The uptime history's share of a build, timed: its figures, pages and files, then a
    whole build."""
    state = derive_state(records, settings, NOW)
    timed("history: measure",
          lambda: measure(state.public, uptime_window(NOW, settings.uptime_days), settings.uptime_months, NOW))

    def pages() -> list[str]:
        environment, site = make_environment(settings), build_site_view(state.public, state, settings, load_stylesheet(settings))
        return [render_page(environment, site, page) for page in (uptime_page(site), sla_page(site))]

    timed("history: pages", pages, len)
    timed("history: files", lambda: [*render_uptime_api(state.public, state, settings),
                                     *render_sla_api(state.public, state, settings),
                                     *render_metrics(state.public, state, settings)], len)
    timed("build_outputs", lambda: build_outputs(records, settings, NOW), len)


def notify_planning(records: Records) -> Callable[[], object]:
    """What `statusgen notify` spends deciding what is due, beyond reading the records: the
    public view, every message of the history, and one channel's state holding all but the
    newest (the steady state of a site that notifies on every run). The state is made here;
    the function returned plans."""
    reminders = Reminders(maintenance=["P1D", "PT1H"], announcement=["P7D"])
    channel = WebhookChannel.model_validate({"id": "ops", "type": "webhook", "url": "https://hooks.example.com/"})
    config = NotifyConfig(state="s.json", reminders=reminders, channels=(channel,))
    keys = [message.recorded_as for message in due_messages(as_of(records, NOW), reminders, NOW)]
    state = NotifyState().recorded("ops", sent=keys[:-1])

    def planning() -> object:
        decided = plan(as_of(records, NOW), state, config, NOW)
        assert len(decided.deliveries) == 1  # the newest message, the one the state lacks
        return decided

    return planning


def main() -> None:
    parser = argparse.ArgumentParser(description="Time each stage of a statusgen build.")
    parser.add_argument("count", type=int, nargs="?", default=10_000, help="Number of incidents.")
    parser.add_argument("--repeat", type=int, default=3, help="Builds to take the median of.")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="statusgen-stages-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        root = generate(args.count, workdir)
        runs = [stage_times(root) for _ in range(args.repeat)]
        print(f"N = {args.count:,}, medians of {args.repeat}")
        print(f"{'stage':<24} {'seconds':>8} {'files':>7} {'gc':>7}")
        medians = {}
        for index, (name, _, files, _) in enumerate(runs[0]):
            seconds = medians[name] = statistics.median(run[index][1] for run in runs)
            collecting = statistics.median(run[index][3] for run in runs)
            print(f"{name:<24} {seconds:8.3f} {files:7,} {collecting:7.3f}")
        # The whole build as `statusgen build` runs it: loading the records, then build_outputs.
        whole = medians["load_records"] + medians["build_outputs"]
        print(f"uptime history: {medians['history: total']:.3f} s of a {whole:.3f} s build "
              f"({100 * medians['history: total'] / whole:.1f}%; the budget is 10%)")
        # What every rebuild repeats, cached or not, as it depends on now (issue 15).
        every_build = sum(medians[name] for name in EVERY_BUILD)
        print(f"every build: {' + '.join(EVERY_BUILD)} = {every_build:.3f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
