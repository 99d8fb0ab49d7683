"""Time each stage of a build on a synthetic site: load, derive, then every publisher.

The unit tests assert what a long history costs in work (feeds render only the items they
publish, the API builds only the incidents it lists); the seconds are measured here and
printed, never asserted. Stages run in this process, in the order `build_outputs` runs them.

The last lines price the uptime history (issue 13) against the whole build: every uptime
figure (`measured.measure`: timelines over the whole history, the window, months, calendars,
groups, SLAs, an upper bound since the 90-day window was computed before it too), the two
pages it adds and the files it adds (api/uptime-monthly.json and .csv, api/sla.json, metrics).

    python benchmarks/stages.py 10000 [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, generate  # noqa: E402

from statusgen.derive import derive_state  # noqa: E402
from statusgen.loader import load_records  # noqa: E402
from statusgen.measured import measure  # noqa: E402
from statusgen.notify.config import NotifyConfig, Reminders, WebhookChannel  # noqa: E402
from statusgen.notify.due import due_messages  # noqa: E402
from statusgen.notify.planner import plan  # noqa: E402
from statusgen.notify.state_file import NotifyState  # noqa: E402
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


def stage_times(root: Path) -> list[tuple[str, float, int]]:
    """(stage, seconds, files written) for one build of the site at root, as of NOW."""
    settings = Settings(content_dir=root / "content", site_name="Bench", site_url="https://status.example.com/")
    rows = []
    started = time.perf_counter()
    records = load_records(settings.content_dir)
    rows.append(("load_records", time.perf_counter() - started, 0))
    started = time.perf_counter()
    fingerprint(settings.content_dir)  # what `statusgen build` pays to reuse its validated records
    rows.append(("record_memo.fingerprint", time.perf_counter() - started, 0))
    started = time.perf_counter()
    state = derive_state(records, settings, NOW)
    rows.append(("derive_state", time.perf_counter() - started, 0))
    rows.append(notify_plan_time(records))
    outputs = []
    for stage in RENDER_STAGES:
        started = time.perf_counter()
        files = stage(state.public, state, settings)
        rows.append((stage.__name__, time.perf_counter() - started, len(files)))
        outputs.extend(files)
    started = time.perf_counter()
    sitemap = render_sitemap(outputs, settings)
    rows.append(("render_sitemap", time.perf_counter() - started, len(sitemap)))
    outputs.extend(sitemap)
    started = time.perf_counter()
    outputs.extend(render_robots(settings))
    outputs.extend(render_host_headers(outputs, settings))
    rows.append(("robots.txt, _headers", time.perf_counter() - started, 2))
    rows.extend(history_times(records, settings))
    return rows


HISTORY_ROWS = ("history: measure", "history: pages", "history: files", "history: total", "build_outputs")


def history_times(records: Records, settings: Settings) -> list[tuple[str, float, int]]:
    """The uptime history's share of a build: its figures, pages and files, then a whole build."""
    state = derive_state(records, settings, NOW)
    started = time.perf_counter()
    measure(state.public, uptime_window(NOW, settings.uptime_days), settings.uptime_months, NOW)
    figures = time.perf_counter() - started
    started = time.perf_counter()
    environment, site = make_environment(settings), build_site_view(state.public, state, settings, load_stylesheet(settings))
    pages = [render_page(environment, site, page) for page in (uptime_page(site), sla_page(site))]
    page_seconds = time.perf_counter() - started
    started = time.perf_counter()
    files = [*render_uptime_api(state.public, state, settings), *render_sla_api(state.public, state, settings),
             *render_metrics(state.public, state, settings)]
    file_seconds = time.perf_counter() - started
    started = time.perf_counter()
    everything = build_outputs(records, settings, NOW)
    build_seconds = time.perf_counter() - started
    return [("history: measure", figures, 0), ("history: pages", page_seconds, len(pages)),
            ("history: files", file_seconds, len(files)),
            ("history: total", figures + page_seconds + file_seconds, len(pages) + len(files)),
            ("build_outputs", build_seconds, len(everything))]


def notify_plan_time(records: object) -> tuple[str, float, int]:
    """What `statusgen notify` spends deciding what is due, beyond reading the records: the
    public view, every message of the history, and one channel's state holding all but the
    newest (the steady state of a site that notifies on every run)."""
    reminders = Reminders(maintenance=["P1D", "PT1H"], announcement=["P7D"])
    channel = WebhookChannel.model_validate({"id": "ops", "type": "webhook", "url": "https://hooks.example.com/"})
    config = NotifyConfig(state="s.json", reminders=reminders, channels=(channel,))
    keys = [message.key for message in due_messages(as_of(records, NOW), reminders, NOW)]  # type: ignore[arg-type]
    state = NotifyState().recorded("ops", sent=keys[:-1])
    started = time.perf_counter()
    decided = plan(as_of(records, NOW), state, config, NOW)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    assert len(decided.deliveries) == 1  # the newest message, the one the state lacks
    return "notify: as_of + plan", seconds, 0


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
        print(f"{'stage':<24} {'seconds':>8} {'files':>7}")
        medians = {}
        for index, (name, _, files) in enumerate(runs[0]):
            seconds = medians[name] = statistics.median(run[index][1] for run in runs)
            print(f"{name:<24} {seconds:8.3f} {files:7,}")
        # The whole build as `statusgen build` runs it: loading the records, then build_outputs.
        whole = medians["load_records"] + medians["build_outputs"]
        print(f"uptime history: {medians['history: total']:.3f} s of a {whole:.3f} s build "
              f"({100 * medians['history: total'] / whole:.1f}%; the budget is 10%)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
