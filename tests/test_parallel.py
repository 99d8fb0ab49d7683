"""Parallel rendering gives the same files, in the same order, as a serial build."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from statusgen import derive, parallel
from statusgen.loader import load_records
from statusgen.pipeline import build_outputs
from statusgen.settings import Settings

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import NOW, add_languages, generate  # noqa: E402


def _square(value: int) -> tuple[int, int]:
    return value, value * value


def test_map_in_order_keeps_order_and_uses_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    items = list(range(1000))
    results = parallel.map_in_order(lambda value: (os.getpid(), _square(value)), items)
    assert [result for _, result in results] == [_square(value) for value in items]
    pids = {pid for pid, _ in results}
    if "fork" in __import__("multiprocessing").get_all_start_methods():
        # Work happens in at most two forked workers (one may take every chunk on a busy machine).
        assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_small_or_single_worker_jobs_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    assert {pid for pid in parallel.map_in_order(lambda _: os.getpid(), range(10))} == {os.getpid()}
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    assert {pid for pid in parallel.map_in_order(lambda _: os.getpid(), range(1000))} == {os.getpid()}


def _slowly(value: int) -> tuple[int, int]:
    time.sleep(0.05)  # a page of a long history: tens of milliseconds
    return os.getpid(), value


def test_a_few_costly_items_go_to_workers_only_when_they_are_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    quick = parallel.map_in_order(lambda value: (os.getpid(), value), range(10), costly=True)
    assert quick == [(os.getpid(), value) for value in range(10)]
    slow = parallel.map_in_order(_slowly, range(10), costly=True)
    assert [value for _, value in slow] == list(range(10))
    if "fork" in multiprocessing.get_all_start_methods():
        # Run here until 0.2 s are spent (four at 50 ms, fewer on a busy machine); the ones
        # left, as long again, go to workers.
        here = [value for pid, value in slow if pid == os.getpid()]
        assert here == list(range(len(here))) and 1 <= len(here) <= 4, here
    few = parallel.map_in_order(_slowly, range(5), costly=True)  # the last one left: not worth a worker
    assert {pid for pid, _ in few} == {os.getpid()}


def _map_in_a_pool_worker(count: int) -> list[tuple[int, int]]:
    return parallel.map_in_order(_square, range(count))


def test_a_job_in_a_pools_worker_runs_there(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build run from a multiprocessing pool (a daemonic process, which may not start
    processes of its own) does its work serially instead of failing."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork")
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_map_in_a_pool_worker, (1000,)) == [_square(value) for value in range(1000)]


def test_parallel_build_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = generate(120, tmp_path)
    records = load_records(root / "content")
    settings = Settings(content_dir=root / "content", site_name="Bench", site_url="https://status.example.com/")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 20)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    serial = build_outputs(records, settings, NOW)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    forked = build_outputs(records, settings, NOW)
    assert [output.path for output in forked] == [output.path for output in serial]
    assert all(a == b for a, b in zip(forked, serial, strict=True))


def test_uptime_figures_counted_ahead_are_those_counted_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`statusgen build` has the figures counted by a child while MkDocs starts; the state
    derived from them is the one derived without, and nothing is counted twice here."""
    root = generate(120, tmp_path)
    records = load_records(root / "content")
    settings = Settings(content_dir=root / "content", site_name="Bench", site_url="https://status.example.com/", uptime_months=24)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 20)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    counted_here: list[int] = []
    measure = derive.measure

    def counting(*arguments):
        counted_here.append(os.getpid())  # a child's list is its own: only this process's calls show
        return measure(*arguments)

    monkeypatch.setattr(derive, "measure", counting)
    alone = derive.derive_state(records, settings, NOW)
    assert counted_here == []  # taken when first asked for (state.Counted)
    assert alone.uptime and counted_here == [os.getpid()]
    with derive.measuring_ahead(records, settings, NOW):
        child = derive._ahead
        assert child is not None
        with derive.measuring_ahead(records, settings, NOW):  # the plugin's, within `statusgen build`'s
            assert derive._ahead is child
            ahead = derive.derive_state(records, settings, NOW)
            assert ahead.uptime
        assert counted_here == [os.getpid()]  # the child's
        # Other records, or another now, are counted here: the child counts one derivation's.
        later = derive.derive_state(records, settings, NOW + timedelta(days=40))
        assert later.uptime != ahead.uptime
        assert counted_here == [os.getpid()] * 2
    assert ahead == alone
    assert ahead.component_history and ahead.component_history == alone.component_history


def test_parallel_build_in_three_languages_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages come back from the workers with untranslated titles (translations.Fallback)."""
    languages = ("en", "de", "ar")
    root = add_languages(generate(60, tmp_path), languages)
    records = load_records(root / "content", languages)
    settings = Settings(content_dir=root / "content", site_name="Bench", site_url="https://status.example.com/",
                        languages=languages)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 20)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    serial = build_outputs(records, settings, NOW)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    forked = build_outputs(records, settings, NOW)
    assert any(output.path.startswith("ar/incidents/") for output in forked)
    assert [output.path for output in forked] == [output.path for output in serial]
    assert all(a == b for a, b in zip(forked, serial, strict=True))


def test_parallel_loading_reports_the_same_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from statusgen.errors import ContentError

    root = generate(60, tmp_path)
    incidents = sorted((root / "content" / "incidents").glob("*.md"))
    incidents[3].write_text(incidents[3].read_text().replace("impact:", "impcat:", 1))
    incidents[20].write_text("---\ntitle: [unclosed\n---\n")
    (root / "content" / "incidents" / "sub").mkdir()
    (root / "content" / "incidents" / "sub" / incidents[30].name).write_text(incidents[30].read_text())
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10)
    reports = []
    for workers in ("1", "2"):
        monkeypatch.setenv(parallel.WORKERS_VARIABLE, workers)
        with pytest.raises(ContentError) as caught:
            load_records(root / "content")
        reports.append(caught.value.report())
    assert reports[0] == reports[1]
    assert "impcat" in reports[0] and "duplicate id" in reports[0] and incidents[20].name in reports[0]


needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


@needs_fork
def test_beside_works_in_a_child_and_hands_back_its_whole_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    big = os.urandom(3_000_000)  # far more than a pipe holds at once
    with parallel.Beside(lambda: (os.getpid(), big[::-1]), parallel.MIN_ITEMS) as beside:
        here = os.getpid()
        pid, value = beside.result()
    assert pid != here and value == big[::-1]


def test_beside_runs_here_with_one_worker_or_little_to_do_meanwhile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    with parallel.Beside(os.getpid, parallel.MIN_ITEMS) as beside:
        assert not beside.forked and beside.result() == os.getpid()
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with parallel.Beside(os.getpid, parallel.MIN_ITEMS - 1) as beside:
        assert not beside.forked and beside.result() == os.getpid()


@needs_fork
@pytest.mark.parametrize("meanwhile", [parallel.MIN_ITEMS, 0], ids=["in a child", "here"])
def test_beside_gives_its_outcome_again_without_working_it_out_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, meanwhile: int) -> None:
    # Two consumers may ask one Beside for its result (cli/site.py's work ahead of a build).
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    runs = tmp_path / "runs"

    def work() -> int:
        with runs.open("a") as file:
            file.write("ran\n")
        return os.getpid()

    with parallel.Beside(work, meanwhile) as beside:
        assert beside.forked == (meanwhile > 0)
        first = beside.result()
        assert beside.result() == first and (first != os.getpid()) == beside.forked
    assert runs.read_text() == "ran\n"
    with parallel.Beside(lambda: _raise(ValueError("once")), meanwhile) as beside:
        for _ in range(2):
            with pytest.raises(ValueError, match="once"):
                beside.result()


def test_beside_runs_here_when_no_process_can_be_made(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    monkeypatch.setattr(parallel.os, "fork", no_fork)
    with parallel.Beside(os.getpid, parallel.MIN_ITEMS) as beside:
        assert beside.result() == os.getpid()
    assert not __import__("gc").get_freeze_count(), "the heap is unfrozen"


class _Unpicklable(Exception):
    def __reduce__(self) -> object:
        raise TypeError("not this one")


def _raise(error: BaseException) -> None:
    raise error


@needs_fork
def test_beside_asked_in_a_process_forked_since_works_it_out_there(monkeypatch: pytest.MonkeyPatch) -> None:
    # Such a process shares the pipe of the parent's child, not the child: were it to read
    # the answer, the parent would find none.
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with parallel.Beside(os.getpid, parallel.MIN_ITEMS) as first:
        with parallel.Beside(lambda: (os.getpid(), first.result()), parallel.MIN_ITEMS) as second:
            asker, answer = second.result()
        assert answer == asker != os.getpid()
        assert first.result() not in (os.getpid(), asker)


@needs_fork
def test_beside_raises_the_childs_exception_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with parallel.Beside(lambda: _raise(ValueError("a bug in a stage")), parallel.MIN_ITEMS) as beside, \
            pytest.raises(ValueError, match="a bug in a stage"):
        beside.result()
    # One that cannot travel comes as its traceback's text.
    with parallel.Beside(lambda: _raise(_Unpicklable("odd")), parallel.MIN_ITEMS) as beside, \
            pytest.raises(RuntimeError, match=r"(?s)in a build process:.*_Unpicklable: odd"):
        beside.result()
    with parallel.Beside(lambda: os._exit(3), parallel.MIN_ITEMS) as beside, pytest.raises(RuntimeError, match="ended without a result"):
        beside.result()


@needs_fork
def test_leaving_beside_early_stops_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    started, finished = tmp_path / "pid", tmp_path / "finished"

    def work() -> None:
        started.write_text(str(os.getpid()))
        time.sleep(1)
        finished.touch()

    with pytest.raises(KeyError), parallel.Beside(work, parallel.MIN_ITEMS):
        while not started.exists() or not started.read_text():
            time.sleep(0.01)
        raise KeyError("the parent failed before it needed the result")
    assert not finished.exists(), "stopped, not waited for"
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)  # and reaped: no such process any more


@needs_fork
def test_shared_jobs_are_each_done_once_by_whichever_process_is_free(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    # The child takes jobs from the start; this process is busy meanwhile, then takes what is left.
    jobs = [lambda number=number: (number, os.getpid(), time.sleep(0.02)) for number in range(12)]
    with parallel.Shared(jobs) as shared, parallel.Beside(shared.take, parallel.MIN_ITEMS) as child:
        time.sleep(0.1)
        here = shared.take()
        there = child.result()
    assert sorted({*here, *there}) == list(range(12))  # every job done
    assert not set(here) & set(there)  # none done twice
    assert here and there  # both took some: neither waited while a job was left
    assert all(pid == os.getpid() for _, pid, _ in here.values()) and all(pid != os.getpid() for _, pid, _ in there.values())
    assert all(result[0] == index for done in (here, there) for index, result in done.items())


def test_shared_jobs_without_a_child_are_all_done_by_the_first_taker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    with parallel.Shared([lambda number=number: number * 2 for number in range(5)]) as shared, \
            parallel.Beside(shared.take, parallel.MIN_ITEMS) as beside:
        assert not beside.forked
        here = shared.take()
        assert beside.result() == {}
    assert here == {number: number * 2 for number in range(5)}
    with pytest.raises(ValueError):
        parallel.Shared([lambda: 0] * 257)  # a job is one byte in the pipe


@pytest.mark.parametrize("meanwhile", [parallel.MIN_ITEMS, 0], ids=["in a child", "here"])
def test_handing_over_gives_the_first_part_before_the_rest_is_done(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, meanwhile: int) -> None:
    # The child compiling the templates then linking the last site's pages (cli/site.py): the
    # build takes the templates while the child goes on.
    if meanwhile and "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork")
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    go_on = tmp_path / "go on"
    big = os.urandom(300_000)

    def work(hand_over: Callable[[tuple[int, bytes]], None]) -> tuple[int, bytes]:
        hand_over((os.getpid(), big))
        deadline = time.monotonic() + 30
        while forked and not go_on.exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # the rest waits for the parent to have the first part
        return os.getpid(), big[::-1]

    forked = bool(meanwhile)
    with parallel.HandingOver(work, meanwhile) as child:
        assert child.forked == forked
        pid, first = child.first()
        assert first == big and (pid != os.getpid()) == forked
        go_on.touch()
        assert child.result() == (pid, big[::-1]) and child.first() == (pid, big)


@needs_fork
def test_handing_over_gives_the_rest_when_the_first_part_was_never_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    # A build that fails before MkDocs starts never takes the templates; it still needs the
    # last site's pages the child linked, to record them again (cli/site.py, _vouch_if_failed).
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")

    def work(hand_over: Callable[[str], None]) -> str:
        hand_over("templates")
        return "pages"

    with parallel.HandingOver(work, parallel.MIN_ITEMS) as child:
        assert child.result() == "pages" and child.first() == "templates"


@needs_fork
def test_handing_over_raises_what_the_child_raised_before_handing_anything_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with parallel.HandingOver(lambda hand_over: _raise(ValueError("broken")), parallel.MIN_ITEMS) as child:
        with pytest.raises(ValueError, match="broken"):
            child.first()
        with pytest.raises(ValueError, match="broken"):
            child.result()
    with parallel.HandingOver(lambda hand_over: "nothing handed over", parallel.MIN_ITEMS) as child:
        with pytest.raises(RuntimeError, match="handed nothing over"):
            child.first()
        assert child.result() == "nothing handed over"


@needs_fork
def test_handing_over_from_a_child_that_ends_halfway_raises_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")

    def half_then_gone(handle: int, data: bytes) -> None:
        os.write(handle, data[: len(data) // 2])
        os._exit(1)

    monkeypatch.setattr(parallel, "_write_all", half_then_gone)  # in the child, forked after this
    with parallel.HandingOver(lambda hand_over: hand_over(os.urandom(1000)), parallel.MIN_ITEMS) as child:
        with pytest.raises(RuntimeError, match="ended as it handed over"):
            child.first()
        with pytest.raises(RuntimeError, match="ended as it handed over"):
            child.result()
