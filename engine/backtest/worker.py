"""Predicting jobs, in this process or spread over worker processes, with results in input order.

durable-rules allows one host per process and its C core must not be shared across a fork, so each
worker builds its own Evaluator (and durable host) once, in the pool's initializer. Workers are
forked when that is safe (Linux, no durable host made in this process yet, no other thread), after
this process has loaded the criteria pack and the catalog, so that a worker starts with both in
memory instead of importing the engine and loading them again in a fresh interpreter ("spawn", the
fallback everywhere else).
Jobs go out in chunks and at most a few chunks per worker are in flight: results come back in input
order, and memory stays flat however long the input is.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path

from engine.backtest.inputs import Job, LetterJob, job_input
from engine.backtest.outcomes import Skip, UnitResult
from engine.backtest.predict import predict_letter, predict_record
from engine.backtest.records import validate_record
from engine.catalog import load_catalog
from engine.criteria.pack import load_pack
from engine.durable_adapter import host_started
from engine.errors import ImrcheckError
from engine.evaluate import Evaluator
from engine.letters import parse_letter_file

CHUNK = 8
IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class Settings:
    """What every process needs to predict the same way (picklable: it crosses to the workers)."""

    criteria: tuple[str, ...] = ()
    as_of: dt.date | None = None
    edition: str | None = None


class Predictor:
    """One process's evaluator and settings; turns any job into its UnitResult, never raising for bad input."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.evaluator = Evaluator(load_pack(tuple(Path(p) for p in settings.criteria)), load_catalog())

    def run(self, job: Job) -> UnitResult:
        unit = job_input(job)
        if isinstance(job, Skip):
            return UnitResult(input=unit, skipped=(job,))
        try:
            return self._predict(job)
        except ImrcheckError as exc:
            return UnitResult(input=unit, skipped=(Skip(source=unit, reason=exc.message),))
        except Exception as exc:  # a bug must cost one letter, not the run; the type says where to look
            reason = f"internal error ({type(exc).__name__}) while predicting; please report it"
            return UnitResult(input=unit, skipped=(Skip(source=unit, reason=reason),))

    def _predict(self, job: Job) -> UnitResult:
        settings = self.settings
        if isinstance(job, LetterJob):
            return predict_letter(parse_letter_file(job.path), self.evaluator, settings.as_of, settings.edition)
        assert not isinstance(job, Skip)
        record = validate_record(job.data, job.input)
        return predict_record(record, job.input, self.evaluator, settings.as_of or record.case.request_date, settings.edition)


# The worker process's predictor: built once by the pool's initializer (one durable host per process).
_predictor: Predictor | None = None


def _start_worker(settings: Settings, parent: int) -> None:
    global _predictor
    _die_with(parent)
    # Ctrl-C is the parent's to handle: it stops the pool and keeps what --details already holds.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _predictor = Predictor(settings)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_SECONDS = 0.5


def _die_with(parent: int) -> None:
    """End this worker when the process that started it ends, however it ends.

    A parent killed outright (SIGKILL, the out-of-memory killer) cannot shut its pool down, and
    the workers would otherwise live on, each holding a full evaluator, with the resource tracker
    waiting on them. On Linux the kernel sends this worker SIGKILL when its parent dies; elsewhere a
    daemon thread notices the parent is gone. Checked after arming: the parent may already be gone.
    (The kernel watches the thread that started the worker: `predict_all` starts its workers from the
    thread iterating it, which outlives the pool.)"""
    armed = False
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch, args=(parent,), name="imrcheck-parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def _run_chunk(jobs: list[Job]) -> list[UnitResult]:
    assert _predictor is not None, "the worker was not initialised"
    return [_predictor.run(job) for job in jobs]


def _pool_context(settings: Settings) -> BaseContext:
    """fork, with the pack and catalog loaded first, where a fork is safe; spawn otherwise.

    A fork copies the process as it is: a durable host (its C core's state) or another thread's held
    lock would be copied half-way, so either means spawn."""
    if "fork" not in multiprocessing.get_all_start_methods() or host_started() or threading.active_count() > 1:
        return multiprocessing.get_context("spawn")
    with contextlib.suppress(ImrcheckError):  # bad criteria are reported by each worker, as with spawn
        load_pack(tuple(Path(p) for p in settings.criteria))
    load_catalog()
    return multiprocessing.get_context("fork")


def predict_all(jobs: Iterable[Job], settings: Settings, workers: int = 1) -> Iterator[UnitResult]:
    """Every job's result, in the order of `jobs`."""
    if workers <= 1:
        predictor = Predictor(settings)
        for job in jobs:
            yield predictor.run(job)
        return
    pool = ProcessPoolExecutor(workers, mp_context=_pool_context(settings),
                               initializer=_start_worker, initargs=(settings, os.getpid()))
    pending: deque[Future[list[UnitResult]]] = deque()
    iterator = iter(jobs)
    chunks = iter(lambda: list(itertools.islice(iterator, CHUNK)), [])
    try:
        for chunk in chunks:
            pending.append(pool.submit(_run_chunk, chunk))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=not pending, cancel_futures=True)
