"""Where a build's time goes: `statusgen build` of a synthetic site under cProfile, serially.

Workers are turned off (STATUSGEN_WORKERS=1) so that every function is seen by the profiler;
prints the functions with the most cumulative time, then removes the site.

    python benchmarks/profile_build.py 1000 [--top 40]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, generate, stamp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Profile statusgen build on a synthetic site.")
    parser.add_argument("count", type=int, nargs="?", default=1000, help="Number of incidents.")
    parser.add_argument("--top", type=int, default=40, help="How many functions to print.")
    args = parser.parse_args()
    os.environ["STATUSGEN_WORKERS"] = "1"
    from statusgen.cli import main as statusgen

    workdir = Path(tempfile.mkdtemp(prefix="statusgen-profile-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        root = generate(args.count, workdir)
        command = ["build", "-q", "-f", str(root / "mkdocs.yml"), "--now", stamp(NOW), "--site-dir", str(root / "out")]
        profile = cProfile.Profile()
        profile.runcall(statusgen.main, command, standalone_mode=False)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
