"""A failed, broken or killed build never loses the published site (issue 6, item 2)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen import pipeline, swap
from statusgen.cache.store import CACHE_FOLDER
from statusgen.cli import main
from statusgen.swap import clear_leftovers

from sites.files import INCIDENT, record_text, write_config, write_site

NOW = "2021-10-04T18:00:00Z"
STATUSGEN = [sys.executable, "-c", "from statusgen.cli import main; main()"]


def generated_incident(number: int) -> str:
    day = f"2020-{1 + number // 28 % 12:02d}-{1 + number % 28:02d}"
    return record_text({
        "title": f"Generated incident {number}", "impact": "minor", "components": ["api"],
        "started": f"{day}T10:00:00Z", "resolved": f"{day}T11:00:00Z",
        "updates": [{"at": f"{day}T10:10:00Z", "status": "investigating", "body": "Looking **into** it."},
                    {"at": f"{day}T11:00:00Z", "status": "resolved", "body": "Fixed."}],
    }, f"Summary of incident {number}.\n")


def make_site(root: Path, incidents: int = 0) -> Path:
    write_site(root, {f"content/incidents/gen-{n:04d}.md": generated_incident(n) for n in range(incidents)})
    write_config(root, site_name="Atomic")
    return root


def snapshot(site: Path) -> dict[str, str]:
    """Every file and folder under site/, with a hash of each file's bytes."""
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        for path in sorted(site.rglob("*"))
    }


def leftovers(root: Path) -> list[str]:
    """Staging folders a build left beside the site (the build cache is meant to stay, and so
    is the site a build replaced, until the next build: see the tests below)."""
    return sorted(path.name for path in root.iterdir() if path.name.startswith(".statusgen-")
                  and path.name != CACHE_FOLDER and not re.fullmatch(r"\.statusgen-[a-z]+-retired", path.name))


def finished_process() -> subprocess.Popen[bytes]:
    """A process that has ended: its pid names no running build."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process


def build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*STATUSGEN, "build", "-q", "--now", NOW, *extra], cwd=root, capture_output=True, text=True)


def test_failed_validation_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    make_site(tmp_path)
    assert build(tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    (tmp_path / "content/incidents/api-errors.md").write_text(INCIDENT.replace("impact: major", "impact: huge"))
    result = build(tmp_path)
    assert result.returncode == 1
    assert "content/incidents/api-errors.md:3: impact: 'huge' is not one of" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path / "site") == before
    assert leftovers(tmp_path) == []


def test_a_bug_mid_build_leaves_the_site_and_says_it_is_a_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["build", "-q", "--now", NOW]).exit_code == 0
    before = snapshot(tmp_path / "site")

    def broken_stage(*args: object) -> list[object]:
        raise RuntimeError("a bug in a render stage")

    monkeypatch.setattr(pipeline, "RENDER_STAGES", (*pipeline.RENDER_STAGES, broken_stage))
    result = runner.invoke(main, ["build", "-q", "--now", "2021-10-05T18:00:00Z"])
    assert isinstance(result.exception, RuntimeError)  # the traceback is kept
    assert "internal error" in result.output
    assert snapshot(tmp_path / "site") == before
    assert leftovers(tmp_path) == []


def test_a_build_killed_at_any_point_keeps_the_old_site_and_the_next_build_works(tmp_path: Path) -> None:
    make_site(tmp_path, incidents=400)
    assert build(tmp_path).returncode == 0
    # Timed as the builds below will run: with the cache the first one made, one record new.
    (tmp_path / "content/incidents/gen-9998.md").write_text(generated_incident(9998))
    started = time.monotonic()
    assert build(tmp_path).returncode == 0
    duration = time.monotonic() - started
    old = snapshot(tmp_path / "site")
    # The killed builds publish something else (one more incident), so a torn site would show.
    (tmp_path / "content/incidents/gen-9999.md").write_text(generated_incident(9999))
    outcomes = []
    for fraction in (0.15, 0.35, 0.55, 0.75, 0.9):
        process = subprocess.Popen([*STATUSGEN, "build", "-q", "--now", NOW], cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        outcomes.append(process.wait())
        after = snapshot(tmp_path / "site")
        if after != old:  # the kill came after the swap: the new site is complete
            assert "incidents/gen-9999/index.html" in after
    assert outcomes.count(-signal.SIGKILL) >= 3, f"the builds ended before they were killed: {outcomes}"
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr
    new = snapshot(tmp_path / "site")
    assert "incidents/gen-9999/index.html" in new and set(old) < set(new)
    assert leftovers(tmp_path) == []


def test_a_killed_builds_leftovers_do_not_stop_the_next_build(tmp_path: Path) -> None:
    make_site(tmp_path)
    dead = finished_process()
    debris = tmp_path / f".statusgen-site-{dead.pid}-abc123"
    (debris / "incidents").mkdir(parents=True)
    (debris / "index.html").write_text("<p>half a site</p>")
    os.chmod(debris / "incidents", 0o500)
    assert build(tmp_path).returncode == 0
    assert leftovers(tmp_path) == []
    assert "half a site" not in (tmp_path / "site/index.html").read_text()


def test_a_site_moved_aside_by_a_killed_build_is_restored(tmp_path: Path) -> None:
    # Where the system cannot exchange two folders, publishing takes two renames; a kill
    # between them leaves the old site under a `-old` name, which the next build puts back.
    make_site(tmp_path)
    assert build(tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    dead = finished_process()
    (tmp_path / "site").rename(tmp_path / f".statusgen-site-{dead.pid}-old")
    clear_leftovers(tmp_path / "site")
    assert snapshot(tmp_path / "site") == before
    assert leftovers(tmp_path) == []


def test_a_site_that_is_a_link_is_published_through_it(tmp_path: Path) -> None:
    # Hosting often serves a folder elsewhere, with site/ a link to it: the link stays and
    # the folder it names gets the new site.
    make_site(tmp_path)
    served = tmp_path / "www" / "status"
    served.mkdir(parents=True)
    (served / "old.html").write_text("old")
    (tmp_path / "site").symlink_to(served)
    assert build(tmp_path).returncode == 0
    assert (tmp_path / "site").is_symlink() and (served / "index.html").is_file()
    assert not (served / "old.html").exists()
    assert leftovers(tmp_path) == [] and leftovers(served.parent) == []
    assert (served.parent / ".statusgen-status-retired" / "old.html").is_file(), "retired beside the folder it was"


def test_the_replaced_site_waits_beside_the_new_one_until_the_next_build_deletes_it(tmp_path: Path) -> None:
    # Deleting it is the next build's work, done on another core while that build runs.
    make_site(tmp_path, incidents=3)
    retired = tmp_path / ".statusgen-site-retired"
    assert build(tmp_path).returncode == 0
    assert not retired.exists()
    first = snapshot(tmp_path / "site")
    (tmp_path / "content/incidents/gen-9999.md").write_text(generated_incident(9999))
    assert build(tmp_path).returncode == 0
    assert snapshot(retired) == {**first, ".gitignore": hashlib.sha256(b"*\n").hexdigest()}
    second = snapshot(tmp_path / "site")
    assert build(tmp_path, "--now", "2021-10-05T18:00:00Z").returncode == 0
    assert snapshot(retired) == {**second, ".gitignore": hashlib.sha256(b"*\n").hexdigest()}
    assert leftovers(tmp_path) == []


def test_git_does_not_see_the_retired_site(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    make_site(tmp_path)
    assert build(tmp_path).returncode == 0
    assert build(tmp_path, "--now", "2021-10-05T18:00:00Z").returncode == 0
    assert (tmp_path / ".statusgen-site-retired").is_dir()
    subprocess.run([git, "init", "-q"], cwd=tmp_path, check=True)
    listed = subprocess.run([git, "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    assert "content/" in listed and ".statusgen-site-retired" not in listed


def test_a_failed_build_leaves_the_retired_site_for_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Deleting it would move the change times of the site that stays, so the next build
    # could link none of its pages: a build that fails before it has checked them (and so
    # begun deleting it) leaves it as it found it.
    make_site(tmp_path, incidents=3)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["build", "-q", "--now", NOW]).exit_code == 0
    assert runner.invoke(main, ["build", "-q", "--now", NOW]).exit_code == 0
    retired = snapshot(tmp_path / ".statusgen-site-retired")
    pages = {path: os.stat(path) for path in sorted((tmp_path / "site" / "incidents").glob("*/index.html"))}

    def broken_derivation(*args: object) -> None:
        raise RuntimeError("a bug in deriving the state")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "derive_state", broken_derivation)
        assert isinstance(runner.invoke(main, ["build", "-q", "--now", NOW]).exception, RuntimeError)
    assert snapshot(tmp_path / ".statusgen-site-retired") == retired
    assert all(os.stat(path).st_ctime_ns == info.st_ctime_ns for path, info in pages.items())
    assert leftovers(tmp_path) == []
    assert runner.invoke(main, ["build", "-q", "--now", NOW]).exit_code == 0
    assert all(os.stat(path).st_ino == info.st_ino for path, info in pages.items()), "linked, not written again"


@pytest.mark.parametrize("why", ["no rm", "no process to spare"])
def test_without_rm_the_build_deletes_the_retired_site_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, why: str) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    if why == "no rm":
        monkeypatch.setattr(swap.shutil, "which", lambda name: None)
    else:
        def no_process(*args: object, **options: object) -> None:
            raise BlockingIOError("Resource temporarily unavailable")

        monkeypatch.setattr(swap.subprocess, "Popen", no_process)
    runner = CliRunner()
    for _ in range(3):
        assert runner.invoke(main, ["build", "-q", "--now", NOW]).exit_code == 0
    assert leftovers(tmp_path) == [] and (tmp_path / ".statusgen-site-retired").is_dir()


def test_a_retired_site_claimed_by_a_killed_build_is_cleared(tmp_path: Path) -> None:
    make_site(tmp_path)
    dead = finished_process()
    claimed = tmp_path / f".statusgen-site-{dead.pid}-retired"
    (claimed / "incidents").mkdir(parents=True)
    sibling = tmp_path / ".statusgen-site-x-retired"  # the retired site of a site named site-x
    sibling.mkdir()
    assert build(tmp_path).returncode == 0
    assert not claimed.exists() and sibling.is_dir()
