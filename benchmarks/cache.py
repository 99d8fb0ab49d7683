"""The build cache at N incidents: cold, warm and after-edit builds, serve, the floor, memory.

One synthetic site on tmpfs; every build is `statusgen build` in a child process, timed by
the wall clock with its peak memory from wait4() (run.timed). In one run, side by side:
- floor: benchmarks/minimal.py, of the incidents (the target's) and of every record;
  no-cache: `statusgen build --no-cache`; cold: an empty cache;
- warm: nothing changed, into an empty out/ (CI: a restored cache, a fresh checkout), then
  over the last build's out/ (a rebuild where the site is kept, as on a machine that
  publishes it); then three edits, each followed by a rebuild over the last site: opening
  an incident (a new file), posting an update to it, fixing an old incident's title;
- serve: `statusgen serve` running, the time from writing a record to the served page
  showing the change (polled over HTTP every 20 ms);
- the cache's size on disk. Printed, never asserted.

    python benchmarks/cache.py 10000 [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, generate, stamp  # noqa: E402
from run import HERE, PYTHON, STATUSGEN, Run, compile_as_installed, timed  # noqa: E402

from statusgen.cache.store import CACHE_FOLDER, folder_size  # noqa: E402


def build(root: Path, *options: str, empty: bool = True) -> Run:
    """`statusgen build` into out/, emptied first unless `empty` is False (a rebuild over the
    last build's site, whose unchanged pages it links: cache/published.py)."""
    if empty:
        shutil.rmtree(root / "out", ignore_errors=True)
    return timed([STATUSGEN, "build", "-q", "--now", stamp(NOW), "--site-dir", str(root / "out"), *options], root)


def incident(title: str, status: str, updates: int) -> str:
    lines = [f"---\ntitle: {title}\nimpact: major\ncomponents:\n  hub-api: major_outage\nstarted: 2024-12-31T10:00:00Z\nupdates:"]
    for number in range(updates):
        lines.append(f"  - at: 2024-12-31T1{number + 1}:00:00Z\n    status: {status}\n    body: Update {number} on the API.")
    return "\n".join(lines) + "\n---\nThe API fails.\n"


def edits(root: Path) -> list[tuple[str, object]]:
    """(label, a function making the edit) in the order an incident goes."""
    new = root / "content" / "incidents" / "bench-open.md"
    old = sorted((root / "content" / "incidents").glob("*.md"))[5]
    text = old.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    return [
        ("open an incident", lambda: new.write_text(incident("API down", "investigating", 1))),
        ("post an update", lambda: new.write_text(incident("API down", "identified", 2))),
        ("fix an old title", lambda: old.write_text(text.replace(title, "title: Fixed title of an old incident", 1))),
    ]


def median_run(runs: list[Run]) -> Run:
    """The median time, the highest peak."""
    return Run(statistics.median(run.seconds for run in runs), max(run.peak_mb for run in runs))


def serve_latency(root: Path, repeat: int) -> list[float]:
    """Seconds from writing a record to the served page carrying the change."""
    port = 8765
    process = subprocess.Popen([STATUSGEN, "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = root / "content" / "incidents" / "bench-serve.md"
    url = f"http://127.0.0.1:{port}/incidents/bench-serve/"
    try:
        _wait_for(f"http://127.0.0.1:{port}/", None, 600)
        times = []
        for number in range(repeat + 1):
            marker = f"Serve check {number} {time.time_ns()}"
            started = time.perf_counter()
            page.write_text(incident(marker, "investigating", 1))
            _wait_for(url, marker, 120)
            if number:  # the first adds a page, the others change it: the saving a writer does
                times.append(time.perf_counter() - started)
            time.sleep(1.5)
        return times
    finally:
        process.terminate()
        process.wait()
        page.unlink(missing_ok=True)


def _wait_for(url: str, marker: str | None, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if marker is None or marker in response.read().decode():
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise SystemExit(f"{url} did not show {marker!r} within {limit} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-serve", action="store_true", help="Skip the serve measurement.")
    arguments = parser.parse_args()
    compile_as_installed()
    workdir = Path(tempfile.mkdtemp(prefix="statusgen-cache-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        root = generate(arguments.count, workdir / "site")
        cache = root / CACHE_FOLDER
        floor, floor_all, nocache, cold, warm, warm_empty = [], [], [], [], [], []
        after: dict[str, list[Run]] = {}
        for _ in range(arguments.repeat):
            floor.append(timed([PYTHON, str(HERE / "minimal.py"), str(root), str(root / "out-minimal")], root))
            shutil.rmtree(root / "out-minimal")
            floor_all.append(timed([PYTHON, str(HERE / "minimal.py"), str(root), str(root / "out-minimal"), "--every-record"], root))
            shutil.rmtree(root / "out-minimal")
            nocache.append(build(root, "--no-cache"))
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(build(root))
            warm_empty.append(build(root))
            warm.append(build(root, empty=False))
            for label, edit in edits(root):
                edit()  # type: ignore[operator]
                after.setdefault(label, []).append(build(root, empty=False))
            (root / "content" / "incidents" / "bench-open.md").unlink()
            root_fresh = generate(arguments.count, workdir / "fresh")  # undo the title fix: same seed, same files
            shutil.rmtree(root / "content" / "incidents")
            shutil.copytree(root_fresh / "content" / "incidents", root / "content" / "incidents")
            shutil.rmtree(root_fresh)
        size = folder_size(cache)
        rows = [("floor (minimal.py)", floor), ("floor, every record", floor_all), ("no cache", nocache),
                ("cold (empty cache)", cold), ("warm, empty site folder", warm_empty), ("warm (no change)", warm)]
        rows += [(f"after: {label}", runs) for label, runs in after.items()]
        print(f"N = {arguments.count:,}, medians of {arguments.repeat}")
        print(f"{'build':<26}{'seconds':>9}{'peak MB':>9}{'/ cold':>8}{'/ floor':>9}  each round")
        for label, runs in rows:
            run = median_run(runs)
            print(f"{label:<26}{run.seconds:>9.2f}{run.peak_mb:>9.0f}{run.seconds / median_run(cold).seconds:>8.2f}"
                  f"{run.seconds / median_run(floor).seconds:>9.2f}  {', '.join(f'{each.seconds:.2f}' for each in runs)}")
        print(f"cache size: {size / 1e6:.0f} MB in {sum(1 for path in cache.rglob('*') if path.is_file()):,} files "
              f"(the site: {folder_size(root / 'out') / 1e6:.0f} MB)")
        worst_edit = max(median_run(runs).seconds for runs in after.values()) / median_run(cold).seconds
        peak = max(run.peak_mb for _, runs in rows[2:] for run in runs)
        print(f"targets: rebuild after an edit {worst_edit:.1%} of cold (10%); cold {median_run(cold).seconds / median_run(floor).seconds:.2f}x "
              f"the floor (1.0x), without cache {median_run(nocache).seconds / median_run(floor).seconds:.2f}x; peak {peak:.0f} MB (500 MB)")
        print(f"the floor renders the incidents only; against one that renders every record's Markdown, as a build must: "
              f"cold {median_run(cold).seconds / median_run(floor_all).seconds:.2f}x, "
              f"without cache {median_run(nocache).seconds / median_run(floor_all).seconds:.2f}x")
        # This machine's speed drifts from one minute to the next: each round's builds against
        # the floor and the cold build of the same round, run minutes apart rather than many.
        rounds = range(arguments.repeat)
        print("each round: cold / floor " + ", ".join(f"{cold[index].seconds / floor[index].seconds:.2f}x" for index in rounds)
              + "; slowest rebuild after an edit / cold "
              + ", ".join(f"{max(runs[index].seconds for runs in after.values()) / cold[index].seconds:.1%}" for index in rounds))
        if not arguments.no_serve:
            latencies = serve_latency(root, arguments.repeat)
            print(f"serve, record saved to page served: median {statistics.median(latencies):.2f} s "
                  f"({', '.join(f'{value:.2f}' for value in latencies)}) (1 s)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
