"""Use every core for the build's long, independent loops (rendering thousands of pages).

Workers are forked, so they inherit the build's state (templates compiled, lookups built,
records loaded) without pickling it; only results travel back. Items are split into
contiguous chunks and the results joined in order, so the output is the same, byte for byte
and in the same order, as a serial run. Small jobs, one-core machines and platforms without
fork run serially: starting workers costs more than it saves there.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import select
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from typing import Generic, NoReturn, Self, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 400
"""Below this many items a job runs serially (forking costs tens of milliseconds)."""
WORTH_FORKING = 0.2
"""Seconds: for a job of few costly items, the serial work after which starting workers is
considered, and the work left that it must save (see map_in_order)."""
WORKERS_VARIABLE = "STATUSGEN_WORKERS"
"""Environment variable: how many processes to use; 1 turns parallel work off."""

_job: tuple[Callable[[object], object], Sequence[object]] | None = None
"""The job being mapped, set just before forking: workers read it from their copy of memory."""


def workers() -> int:
    """How many processes a parallel job uses: STATUSGEN_WORKERS, else the usable cores."""
    if multiprocessing.current_process().daemon:
        return 1  # a pool's worker (a build run from one): such a process may not start others
    configured = os.environ.get(WORKERS_VARIABLE, "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_order(function: Callable[[Item], Result], items: Sequence[Item], costly: bool = False) -> list[Result]:
    """[function(item) for item in items], spread over forked workers when it pays.

    Many items (MIN_ITEMS) always pay. With `costly`, a few items may too (the pages a build
    with the cache renders again, each of which can take tens of milliseconds on a long
    history): they are run here one after the other, and once that has taken WORTH_FORKING,
    the rest go to workers if at the pace so far they would take as long again. Starting
    workers from a large process (`serve`'s) costs about that much, so a job that ends
    sooner is never split."""
    if costly and 1 < len(items) < MIN_ITEMS and workers() > 1 and _can_fork():
        started = time.perf_counter()
        done: list[Result] = []
        for index, item in enumerate(items):
            spent = time.perf_counter() - started
            if spent >= WORTH_FORKING and spent / index * (len(items) - index) >= WORTH_FORKING and len(items) - index > 1:
                return [*done, *_in_workers(function, items[index:], min(workers(), len(items) - index))]
            done.append(function(item))
        return done
    count = min(workers(), len(items) // (MIN_ITEMS // 2) or 1)
    if count < 2 or len(items) < MIN_ITEMS or not _can_fork():
        return [function(item) for item in items]
    return _in_workers(function, items, count)


def _can_fork() -> bool:
    """Workers and Beside's child are forked: they inherit the build's state unpickled."""
    return "fork" in multiprocessing.get_all_start_methods()


def _in_workers(function: Callable[[Item], Result], items: Sequence[Item], count: int) -> list[Result]:
    global _job
    _job = (function, items)  # type: ignore[assignment]
    # Objects that survive to the fork are never collected in the workers: freezing them
    # keeps the collector from touching (and so copying) every page of the parent's heap.
    gc.freeze()
    try:
        bounds = _chunks(len(items), min(count * 4, len(items)))
        with multiprocessing.get_context("fork").Pool(count) as pool:
            parts = pool.map(_run_chunk, bounds, chunksize=1)
    finally:
        _job = None
        gc.unfreeze()
    return [result for part in parts for result in pickle.loads(part)]


def _chunks(total: int, pieces: int) -> list[tuple[int, int]]:
    size = -(-total // pieces)
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def _run_chunk(bounds: tuple[int, int]) -> bytes:
    assert _job is not None, "workers are forked from map_in_order"
    function, items = _job
    # Pickled here and read back by map_in_order: a result that cannot be read back then
    # raises in the build. Left to the pool, it would kill the pool's reader thread and
    # the build would wait forever.
    return pickle.dumps([function(items[index]) for index in range(*bounds)], pickle.HIGHEST_PROTOCOL)


class Beside(Generic[Result]):
    """function() worked out by a forked child while this process goes on; `result()` joins
    it. A build's costly jobs that do not depend on each other (the feeds and the API while
    the pages are found) take the second core this way. The child's side effects stay in it,
    so the function must return all it makes (files it writes, such as the build cache's, are
    shared). Use it in a `with` block: leaving it early stops the child.

        with Beside(lambda: render_feeds(...), len(pages)) as feeds:
            outputs = [render_page(page) for page in pages]
            outputs += feeds.result()

    `meanwhile` is how many items this process works through while the child runs. Forking
    costs tens of milliseconds in a large process (its page tables copied, then every page
    it writes to), so below MIN_ITEMS, as on one core, in a pool's worker or without fork,
    the function simply runs here when its result is asked for."""

    def __init__(self, function: Callable[[], Result], meanwhile: int) -> None:
        self._function = function
        self._child: tuple[int, int] | None = None
        self._outcome: tuple[bool, object] | None = None
        self.forked = False
        """Whether a child works the function out (else `result()` runs it here)."""
        self._owner = os.getpid()
        self._in_child: int | None = None
        """In the child: where its answer goes."""
        if meanwhile < MIN_ITEMS or workers() < 2 or not _can_fork():
            return
        read, write = os.pipe()
        _widen(write)
        gc.freeze()  # as for map_in_order's workers: the child's collector leaves the parent's heap alone
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the function runs here
            gc.unfreeze()
            os.close(read)
            os.close(write)
            return
        if pid == 0:
            self._in_child = write
            _work_and_exit(function, read, write)
        gc.unfreeze()
        os.close(write)
        self._child = (pid, read)
        self.forked = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exception: object) -> None:
        if self._child is not None:  # left before result(): the child's work is not wanted
            pid, read = self._child
            self._child = None
            os.kill(pid, signal.SIGKILL)
            os.close(read)
            os.waitpid(pid, 0)

    def ready(self) -> bool:
        """Whether result() would find the child's answer begun (or has none to wait for)."""
        if self._outcome is not None or self._child is None or os.getpid() != self._owner:
            return True
        readable, _, _ = select.select([self._child[1]], [], [], 0)
        return bool(readable)

    def result(self) -> Result:
        """The function's value, or its exception raised here; asked again, the same."""
        if self._outcome is None:
            # Only the process that forked the child may wait for it (a process forked since
            # shares its pipe, not its child): any other works the function out itself.
            self._outcome = self._wait() if self._child is not None and os.getpid() == self._owner else _outcome_of(self._function)
        succeeded, value = self._outcome
        if not succeeded:
            raise cast(BaseException, value)
        return cast(Result, value)

    def _wait(self, begun: bytes = b"") -> tuple[bool, object]:
        assert self._child is not None
        pid, read = self._child
        self._child = None
        with os.fdopen(read, "rb") as pipe:
            payload = begun + pipe.read()
        _, status = os.waitpid(pid, 0)
        if not payload:
            return False, RuntimeError(f"a build process ended without a result (wait status {status})")
        return cast(tuple[bool, object], pickle.loads(payload))


First = TypeVar("First")


class HandingOver(Beside[Result], Generic[First, Result]):
    """Beside, whose function hands over a first part of its work before it goes on:
    `function(hand_over)` calls `hand_over(first)` once, and `first()` returns that value as
    soon as the child has handed it over, while `result()` waits for the rest. A build's
    child compiles the templates, which the build needs within a second, then checks and
    links the last site's pages, which it needs later (cli/site.py)."""

    def __init__(self, function: Callable[[Callable[[First], None]], Result], meanwhile: int) -> None:
        self._first: tuple[bool, object] | None = None
        super().__init__(partial(function, self._hand_over), meanwhile)

    def _hand_over(self, first: First) -> None:
        if self._in_child is not None:
            payload = _picklable((True, first))
            _write_all(self._in_child, _HANDED + len(payload).to_bytes(8, "big") + payload)
        else:  # run here, by result()
            self._first = (True, first)

    def first(self) -> First:
        """The value the function handed over; raises what it raised if it never did."""
        if self._first is None:
            if self._child is not None and os.getpid() == self._owner:
                self._first = self._read_first()
            else:
                try:
                    self.result()
                except Exception as error:  # noqa: BLE001 - raised below
                    self._first = (False, error)
                if self._first is None:
                    self._first = (False, RuntimeError("the build process handed nothing over"))
        succeeded, value = self._first
        if not succeeded:
            raise cast(BaseException, value)
        return cast(First, value)

    def result(self) -> Result:
        if self._first is None and self._child is not None and os.getpid() == self._owner:
            self._first = self._read_first()  # what the pipe holds first, asked for or not
        return super().result()

    def _read_first(self) -> tuple[bool, object]:
        assert self._child is not None
        read = self._child[1]
        head = _read_exactly(read, len(_HANDED) + 8)
        if head[:len(_HANDED)] != _HANDED:  # the child ended before it handed anything over
            self._outcome = self._wait(head)
            succeeded, value = self._outcome
            return (False, value if not succeeded else RuntimeError("the build process handed nothing over"))
        try:
            return cast(tuple[bool, object], pickle.loads(_read_exactly(read, int.from_bytes(head[len(_HANDED):], "big"))))
        except Exception as error:  # noqa: BLE001 - a child that ended as it handed over: nothing more comes
            self._outcome = (False, RuntimeError(f"a build process ended as it handed over its work ({error!r})"))
            self.__exit__()
            return self._outcome


_HANDED = b"handed over\n"
"""What a HandingOver child's pipe starts with when it hands over a first part (a pickle,
which its final answer is, starts otherwise)."""


def _read_exactly(read: int, size: int) -> bytes:
    """`size` bytes from a pipe, fewer only if the writer closed it first."""
    parts = []
    while size > 0 and (part := os.read(read, min(size, _PIPE_BYTES))):
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


class Shared(Generic[Result]):
    """Jobs shared between this process and a child it forks after making them (Beside's):
    each calls `take()`, and each job is done once, by whichever process asks for it first.
    So neither waits for the other while a job is left, whatever the jobs cost on this site.
    `take()` returns the results a process made, by the jobs' indexes; without a child, the
    first call does them all. Use it in a `with` block.

    The jobs are handed out as bytes in a pipe, one per job, that both processes read from:
    a one-byte read takes one job, and an empty pipe (its writing end closed) reads as the
    end. No lock, no shared memory, nothing a sandbox without /dev/shm would refuse."""

    def __init__(self, jobs: Sequence[Callable[[], Result]]) -> None:
        if len(jobs) > 256:
            raise ValueError("Shared hands out at most 256 jobs (one byte each)")
        self._jobs = jobs
        self._read, write = os.pipe()
        try:
            os.write(write, bytes(range(len(jobs))))  # far less than a pipe holds
        finally:
            os.close(write)

    def __enter__(self) -> Shared[Result]:
        return self

    def __exit__(self, *exception: object) -> None:
        os.close(self._read)  # a child's copy stays open in the child

    def take(self) -> dict[int, Result]:
        done: dict[int, Result] = {}
        while taken := os.read(self._read, 1):
            done[taken[0]] = self._jobs[taken[0]]()
        return done


def _outcome_of(function: Callable[[], object]) -> tuple[bool, object]:
    """(True, function()) or (False, the exception it raised)."""
    try:
        return True, function()
    except Exception as error:  # noqa: BLE001 - raised again by Beside.result
        return False, error


_PIPE_BYTES = 1 << 20
"""What a child's pipe holds before its writes wait for a reader: most answers whole (the
figures, the changed record files), so the child hands them over and ends while the build
works on. Linux's default of 64 KiB had a child and its parent take turns, 16 ms for 1 MB."""


def _widen(pipe: int) -> None:
    """Let `pipe` hold _PIPE_BYTES where the system allows (Linux; up to its pipe-max-size)."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:
        return
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _work_and_exit(function: Callable[[], object], read: int, write: int) -> NoReturn:
    """In Beside's child: run, hand back the outcome, and leave without running anything of
    the parent's (its exit handlers, its unflushed output, the code after the fork)."""
    try:
        os.close(read)
        try:
            outcome: tuple[bool, object] = (True, function())
        except BaseException as error:  # noqa: BLE001 - raised again in the parent
            outcome = (False, error)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(_picklable(outcome))
    finally:
        os._exit(0)


def _picklable(outcome: tuple[bool, object]) -> bytes:
    try:
        return pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - what cannot be pickled is told by its text
        _, value = outcome
        text = "".join(traceback.format_exception(value)) if isinstance(value, BaseException) else repr(value)
        return pickle.dumps((False, RuntimeError(f"in a build process:\n{text}")), pickle.HIGHEST_PROTOCOL)
