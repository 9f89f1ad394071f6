"""A whole back-test: the inputs streamed through the predictors, each result written to --details
as it finishes and folded into the summary; with --resume, what the details file holds comes first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from engine.backtest.details import DetailsWriter, replay
from engine.backtest.inputs import iter_jobs, job_input
from engine.backtest.outcomes import UnitResult
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

    done: set[str] = set()
    if details is not None and resume:
        for unit in replay(details):
            done.add(unit.input)
            take(unit)
    writer = DetailsWriter(details, append=resume) if details is not None else None
    jobs = (job for job in iter_jobs(paths) if job_input(job) not in done)
    try:
        for unit in predict_all(jobs, settings, workers):
            if writer is not None:
                writer.write(unit)
            take(unit)
    finally:
        if writer is not None:
            writer.close()
    return summary
