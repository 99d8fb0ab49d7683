"""Time `statusgen build` against the minimal pipeline on the same synthetic records.

For each size, one site is generated on tmpfs; then, `--repeat` times, `statusgen build` and
benchmarks/minimal.py run in turn as child processes (alternating, so a slow moment of the
machine hits both), each timed by the wall clock, its peak memory read from wait4(). Prints
medians, peak memory, the ratio and the cost per incident; everything written is removed.

`--languages N` builds a history of N incidents in three languages (en, de, ar: every page,
feed and sitemap entry three times; the components and one incident in five translated)
against the same history in one language, alternating, and prints the ratio.

    python benchmarks/run.py --sizes 1000,10000 --repeat 3 [--foreign 1000] [--languages 10000]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, add_languages, generate, stamp  # noqa: E402

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
STATUSGEN = str(Path(PYTHON).parent / "statusgen")
LANGUAGES = ("en", "de", "ar")
LANGUAGES_BUDGET = 3.5
"""The three-language build's time against the one-language build's (issue 14): printed, not asserted."""


@dataclass(frozen=True)
class Run:
    """One timed child process."""

    seconds: float
    peak_mb: float


def compile_as_installed() -> None:
    """Compile statusgen's modules, as pip does when it installs a package from a wheel.

    This checkout is installed in place (`pip install -e`), which leaves compiling to the
    first import; where PYTHONDONTWRITEBYTECODE is set (this machine's environment sets it),
    no import ever writes the bytecode, and every build would compile the whole package
    again: 0.15 s here, a tenth of a rebuild. The libraries, and so the floor, are compiled."""
    import statusgen

    compileall.compile_dir(Path(statusgen.__file__).parent, quiet=1)


def timed(command: list[str], cwd: Path) -> Run:
    """Run command, return its wall time and peak resident memory (ru_maxrss is in KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors}")
    return Run(seconds, usage.ru_maxrss / 1024)


def statusgen_command(site_dir: Path) -> list[str]:
    return [STATUSGEN, "build", "-q", "--now", stamp(NOW), "--site-dir", str(site_dir)]


def measure(root: Path, repeat: int) -> tuple[list[Run], list[Run]]:
    """Alternate statusgen and the minimal pipeline `repeat` times on the site at root."""
    ours, floor = [], []
    for _ in range(repeat):
        for runs, command, out in (
            (ours, statusgen_command(root / "out-statusgen"), root / "out-statusgen"),
            (floor, [PYTHON, str(HERE / "minimal.py"), str(root), str(root / "out-minimal")], root / "out-minimal"),
        ):
            shutil.rmtree(out, ignore_errors=True)
            runs.append(timed(command, root))
    return ours, floor


def median(runs: list[Run]) -> tuple[float, float]:
    return statistics.median(run.seconds for run in runs), max(run.peak_mb for run in runs)


def report_size(count: int, ours: list[Run], floor: list[Run]) -> None:
    seconds, peak = median(ours)
    floor_seconds, floor_peak = median(floor)
    print(
        f"{count:>7,}  {seconds:8.2f} s {peak:7.0f} MB {1000 * seconds / count:7.2f} ms"
        f"   {floor_seconds:8.2f} s {floor_peak:7.0f} MB {1000 * floor_seconds / count:7.2f} ms"
        f"   {seconds / floor_seconds:5.2f}x",
        flush=True,
    )


def foreign(count: int, repeat: int, workdir: Path) -> None:
    """The status section mounted under status/ of a site whose theme (mkdocs) renders its nav."""
    root = generate(count, workdir / f"foreign-{count}", prefix="status/", theme="mkdocs")
    runs = []
    for _ in range(repeat):
        shutil.rmtree(root / "out", ignore_errors=True)
        runs.append(timed(statusgen_command(root / "out"), root))
    seconds, peak = median(runs)
    size = sum(path.stat().st_size for path in (root / "out").rglob("*") if path.is_file())
    print(f"\nforeign theme (mkdocs, prefix status/), N = {count:,}: {seconds:.2f} s, {peak:.0f} MB peak, "
          f"{1000 * seconds / count:.2f} ms per incident, {size / 1e6:.0f} MB written")


def languages(count: int, repeat: int, workdir: Path) -> None:
    """The same history built in LANGUAGES and in the first alone, alternating."""
    single = generate(count, workdir / f"single-{count}")
    several = add_languages(generate(count, workdir / f"languages-{count}"), LANGUAGES)
    one: list[Run] = []
    three: list[Run] = []
    for _ in range(repeat):
        for runs, root in ((one, single), (three, several)):
            shutil.rmtree(root / "out", ignore_errors=True)
            runs.append(timed(statusgen_command(root / "out"), root))
    (seconds, peak), (single_seconds, single_peak) = median(three), median(one)
    print(f"\n{len(LANGUAGES)} languages ({', '.join(LANGUAGES)}), N = {count:,}: {seconds:.2f} s, {peak:.0f} MB peak, "
          f"against {single_seconds:.2f} s, {single_peak:.0f} MB in one language: {seconds / single_seconds:.2f}x "
          f"(the budget is {LANGUAGES_BUDGET}x)", flush=True)
    shutil.rmtree(single)
    shutil.rmtree(several)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark statusgen build against a minimal pipeline.")
    parser.add_argument("--sizes", default="1000,10000", help="Comma-separated incident counts.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each pipeline per size.")
    parser.add_argument("--foreign", type=int, default=1000, help="N for the foreign-theme run (0: skip).")
    parser.add_argument("--languages", type=int, default=10_000, help="N for the three-language run (0: skip).")
    args = parser.parse_args()
    compile_as_installed()
    workdir = Path(tempfile.mkdtemp(prefix="statusgen-bench-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        print(f"{'N':>7}  {'statusgen':>8}   {'peak':>7}    {'per inc.':>7}   {'minimal':>8}   {'peak':>7}"
              f"    {'per inc.':>7}   ratio   (medians of {args.repeat})")
        for count in (int(size) for size in args.sizes.split(",")):
            root = generate(count, workdir / f"site-{count}")
            report_size(count, *measure(root, args.repeat))
            shutil.rmtree(root)
        if args.foreign:
            foreign(args.foreign, args.repeat, workdir)
        if args.languages:
            languages(args.languages, args.repeat, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
