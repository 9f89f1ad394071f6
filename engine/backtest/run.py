"""A whole back-test: the inputs streamed through the predictors, each result written to --details
as it finishes and folded into the summary; with --resume, what the details file holds comes first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from engine.backtest.details import DetailsWriter, replay
from engine.backtest.inputs import Job, check_outputs_apart, input_key, iter_jobs, job_input
from engine.backtest.outcomes import Skip, UnitResult
from engine.backtest.summary import Summary
from engine.backtest.worker import Settings, predict_all

Listener = Callable[[UnitResult], None]


def run_backtest(paths: Iterable[Path], settings: Settings, *, workers: int = 1, details: Path | None = None,
                 resume: bool = False, listeners: Sequence[Listener] = (), summary: Summary | None = None) -> Summary:
    """Predict every item under `paths` and compare; returns the summary (listeners see every result)."""
    summary = summary or Summary()

    def take(unit: UnitResult) -> None:
        summary.add(unit)
        for listener in listeners:
            listener(unit)

    paths = list(paths)
    check_outputs_apart(paths, {"--details": details})
    done: set[str] = set()
    if details is not None and resume:
        for unit in replay(details):
            done.add(unit.input_key or input_key(unit.input))
            take(unit)
    writer = DetailsWriter(details, append=resume) if details is not None else None
    jobs = _once(iter_jobs(paths), done)
    try:
        for unit in predict_all(jobs, settings, workers):
            if writer is not None:
                writer.write(unit)
            take(unit)
    finally:
        if writer is not None:
            writer.close()
    return summary


def _once(jobs: Iterable[Job], resumed: set[str]) -> Iterator[Job]:
    """Each input once, keyed by its resolved path: what --details already holds is left out, and an input
    named twice in this run (a file and its folder, or two spellings of one path) is a skip the second time."""
    seen: set[str] = set()
    for job in jobs:
        unit = job_input(job)
        key = input_key(unit)
        if key in resumed:
            continue
        if key in seen:
            if not isinstance(job, Skip):
                yield Skip(source=unit, reason="the same input as one named earlier in this run, already counted")
            continue
        seen.add(key)
        yield job
