"""Where one rebuild's time goes: a timeline of `statusgen build` after an edit, with the cache.

benchmarks/cache.py times whole rebuilds; this shows what a rebuild is made of (issue 15's
10% target is a sum of fixed costs). On a synthetic site of N incidents it builds twice
(cold, then warm), fixes an old incident's title, and runs that rebuild in this process
with a timer around each stage: when it began (seconds since the imports began) and how long
it took, nested stages indented; then the children the build forked onto the second core,
and how long the build waited for each. Timers cost a microsecond or so a call: the stages
timed are called once or a few times per build, never per page.

    python benchmarks/rebuild.py 10000
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import chdir, contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, generate, stamp  # noqa: E402
from run import STATUSGEN, compile_as_installed  # noqa: E402

STAGES = (
    ("statusgen.cli.site", "load_site_config", "mkdocs.yml read and checked"),
    ("statusgen.record_memo", "load_records_once", "the records"),
    ("statusgen.record_memo", "taken_ahead", "which record files changed (the child's answer taken)"),
    ("statusgen.loader", "record_files", "the record folders listed"),
    ("statusgen.loader", "_parse_records", "records from the cache (or parsed)"),
    ("statusgen.cache.records", "RecordCache.save", "the cache's record packs kept"),
    ("statusgen.rules", "check_rules", "rules across records"),
    ("mkdocs.commands.build", "build", "MkDocs' build"),
    ("statusgen.plugin", "StatusgenPlugin.on_config", "on_config (settings, templates)"),
    ("statusgen.docs_listing", "docs_without_records", "docs_dir listed, less the records"),
    ("statusgen.plugin", "StatusgenPlugin.on_files", "on_files: every output"),
    ("statusgen.derive", "derive_state", "the state as of now"),
    ("statusgen.publish.pages", "render_pages", "the pages"),
    ("statusgen.cache.pages", "finish_pages", "the page cache kept"),
    ("statusgen.publish.host_headers", "render_host_headers", "_headers"),
    ("statusgen.plugin", "StatusgenPlugin.on_post_build", "on_post_build (pages written)"),
    ("statusgen.cache.published", "record_published", "what was published, recorded"),
)
"""(module, function, what it does): each is timed wherever it is called from."""

_ZERO = time.perf_counter()


def _now() -> float:
    return time.perf_counter() - _ZERO


class Timeline:
    """What was timed: stages in this process, children and waits."""

    def __init__(self) -> None:
        self.stages: list[tuple[float, float, str]] = []
        self.waits: list[tuple[float, float, str]] = []
        self.children_file = tempfile.NamedTemporaryFile(prefix="statusgen-rebuild-", suffix=".log", delete=False)  # noqa: SIM115

    def children(self) -> list[tuple[float, float, str]]:
        """(start, seconds, name) of each forked child's work, as the children wrote them."""
        found = []
        for line in Path(self.children_file.name).read_text().splitlines():
            start, end, name = line.split("\t")
            found.append((float(start), float(end) - float(start), name))
        return sorted(found)


def _named(function: Any) -> str:
    inner = getattr(function, "func", function)  # functools.partial
    return getattr(inner, "__qualname__", type(inner).__name__)


def _instrument(timeline: Timeline) -> None:
    """Wrap every stage, in its module and wherever another module imported it by name
    (the children are timed from before the imports: _time_children)."""
    for module_name, qualified, label in STAGES:
        module = importlib.import_module(module_name)
        owner: Any = module
        name = qualified
        if "." in qualified:
            owner_name, name = qualified.split(".")
            owner = getattr(module, owner_name)
        original = getattr(owner, name)
        timed = _timed(original, label, timeline)
        setattr(owner, name, timed)
        if owner is module:  # imported by name elsewhere, or listed in a tuple: those references too
            for other in list(sys.modules.values()):
                if not getattr(other, "__name__", "").startswith(("statusgen", "mkdocs")):
                    continue
                for attribute, value in list(vars(other).items()):
                    if value is original:
                        setattr(other, attribute, timed)
                    elif type(value) is tuple and any(item is original for item in value):
                        setattr(other, attribute, tuple(timed if item is original else item for item in value))


def _time_children(timeline: Timeline) -> None:
    """Log each forked child's work (start, end, function) and time each wait for one."""
    parallel = importlib.import_module("statusgen.parallel")
    work_and_exit = parallel._work_and_exit
    log = timeline.children_file.name

    def child(function: Callable[[], object], read: int, write: int) -> Any:
        def timed_work() -> object:
            started = _now()
            try:
                return function()
            finally:
                with open(log, "a") as file:
                    file.write(f"{started}\t{_now()}\t{_named(function)}\n")
        return work_and_exit(timed_work, read, write)

    parallel._work_and_exit = child
    result = parallel.Beside.result

    def waited(self: Any) -> Any:
        started = _now()
        try:
            return result(self)
        finally:
            timeline.waits.append((started, _now() - started, _named(self._function)))

    parallel.Beside.result = waited


def _timed(function: Callable[..., Any], label: str, timeline: Timeline) -> Callable[..., Any]:
    @wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = _now()
        try:
            return function(*args, **kwargs)
        finally:
            timeline.stages.append((started, _now() - started, label))
    return timed


@contextmanager
def _already_seen_ahead(*_: object) -> Iterator[None]:
    yield  # rebuild_timeline forked the child before the imports


def _depths(stages: list[tuple[float, float, str]]) -> Iterator[tuple[int, tuple[float, float, str]]]:
    """Each stage with how many earlier stages enclose it."""
    open_ends: list[float] = []
    for stage in sorted(stages, key=lambda stage: (stage[0], -stage[1])):
        start, seconds, _ = stage
        open_ends = [end for end in open_ends if end > start]
        yield len(open_ends), stage
        open_ends.append(start + seconds)


def rebuild_timeline(root: Path) -> str:
    """Run one rebuild of the site at `root` in this process, instrumented; the report."""
    global _ZERO
    _ZERO = time.perf_counter()  # the times printed count from here; forked children inherit it
    timeline = Timeline()
    imports_began = _now()
    cli = importlib.import_module("statusgen.cli")
    build = importlib.import_module("statusgen.cli.build")
    arguments = ["build", "-q", "--now", stamp(NOW), "--site-dir", str(root / "out"), "-f", str(root / "mkdocs.yml")]
    _time_children(timeline)
    with chdir(root), build.seen_ahead(*build._guessed_folders(str(root / "mkdocs.yml"), None, False)):
        # As `statusgen build` does: the child finding the changed record files is forked
        # before the heavy imports, which the timers need done before the build starts.
        importlib.import_module("statusgen.cli.site")
        importlib.import_module("statusgen.plugin")
        imported = _now() - imports_began
        _instrument(timeline)
        build.seen_ahead = _already_seen_ahead
        began = _now()
        try:
            cli.main(arguments, standalone_mode=False)
        finally:
            total = _now() - began
    lines = [f"{imports_began:7.3f} {imported:7.3f}  importing statusgen, MkDocs and their libraries"]
    lines += [f"{start:7.3f} {seconds:7.3f}  {'  ' * depth}{label}" for depth, (start, seconds, label) in _depths(timeline.stages)]
    lines.append("children, on the second core:")
    lines += [f"{start:7.3f} {seconds:7.3f}  {name}" for start, seconds, name in timeline.children()]
    lines.append("waits for a child's result (reading it back included):")
    lines += [f"{start:7.3f} {seconds:7.3f}  {name}" for start, seconds, name in sorted(timeline.waits)]
    lines.append(f"the build: {total:.3f} s after {imported:.3f} s of imports (and Python's own start, not timed here)")
    os.unlink(timeline.children_file.name)
    return "\n".join(lines)


def prepare(count: int, root: Path) -> None:
    """The site, built cold then warm by `statusgen build` in child processes, then an old
    incident's title fixed (what benchmarks/cache.py calls a title fix)."""
    generate(count, root)
    for _ in range(2):
        subprocess.run([STATUSGEN, "build", "-q", "--now", stamp(NOW), "--site-dir", str(root / "out")], cwd=root, check=True)
    old = sorted((root / "content" / "incidents").glob("*.md"))[5]
    text = old.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    old.write_text(text.replace(title, "title: Fixed title of an old incident", 1))


def main() -> None:
    parser = argparse.ArgumentParser(description="A timeline of one warm rebuild after an edit.")
    parser.add_argument("count", type=int, nargs="?", default=10_000, help="Number of incidents.")
    options = parser.parse_args()
    compile_as_installed()
    shared = Path("/dev/shm")  # tmpfs: this machine's disk slows with every create/delete cycle
    place = os.environ.get("TMPDIR") or (str(shared) if shared.is_dir() else None)
    root = Path(tempfile.mkdtemp(prefix="statusgen-rebuild-", dir=place))
    try:
        prepare(options.count, root)
        print(f"one rebuild after fixing an old incident's title, N = {options.count:,}; seconds: began, took")
        print(rebuild_timeline(root))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
