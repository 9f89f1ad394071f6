"""`imrcheck evaluate PATH...`: back-test predictions against the reviewers' real decisions."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from engine.backtest import Settings, Summary, UnitResult, run_backtest
from engine.backtest.html import render_html
from engine.backtest.inputs import check_outputs_apart
from engine.backtest.render import CsvRows, print_report, render_markdown
from engine.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, fail_message, parse_date_option
from engine.criteria.pack import load_pack
from engine.errors import ImrcheckError

HELP = """Back-test: predict every disputed item of real IMR letters and compare with the reviewer's decision.

PATH may be letters (.txt, .pdf), folders of them (walked in name order, sub-folders too), or .jsonl /
.yaml files of structured cases carrying their actual outcomes (docs/evaluate.md). The report gives
accuracy, balanced accuracy, overturn precision/recall/F1 and the confusion matrix, each beside the
always-uphold baseline, per treatment category and per criteria set, and the disagreements.

A letter that cannot be read is counted and listed under "skipped" and never stops the run.

Exit codes: 0 the run finished, even when some letters or items were skipped (they are listed);
2 bad input or usage (a PATH that does not exist, nothing readable at all, invalid --criteria);
3 an internal error (what --details holds is kept: run again with --resume).
"""

# When nothing could be read, this many of the reasons are repeated on stderr.
LISTED_ON_FAILURE = 20
# A run shorter than this shows no progress bar.
PROGRESS_AFTER_SECONDS = 0.5


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"


@contextlib.contextmanager
def _output(out: Path | None) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
        return
    try:
        handle = out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        fail_message(f"{out}: cannot be written: {exc.strerror or type(exc).__name__}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    with handle:
        yield handle


class _Progress:
    """A progress line on a terminal's stderr, shown only once the run has lasted a moment."""

    def __init__(self) -> None:
        console = Console(stderr=True)
        self.enabled = console.is_terminal
        self.started = time.monotonic()
        self.bar = Progress(SpinnerColumn(), TextColumn("letters"), MofNCompleteColumn(), BarColumn(),
                            TextColumn("{task.fields[items]} items"), TimeElapsedColumn(), console=console, transient=True)
        self.task = self.bar.add_task("evaluate", total=None, items=0)
        self.live = False
        self.items = 0

    def __call__(self, unit: UnitResult) -> None:
        if not self.enabled:
            return
        self.items += len(unit.items)
        if not self.live and time.monotonic() - self.started > PROGRESS_AFTER_SECONDS:
            self.bar.start()
            self.live = True
        self.bar.update(self.task, advance=1, items=self.items)

    def stop(self) -> None:
        if self.live:
            self.bar.stop()


def _check_paths(paths: list[Path]) -> None:
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        fail_message(f"{path}: no such file or folder")
    if missing:
        raise typer.Exit(EXIT_BAD_INPUT)


def _settings(criteria: list[Path], as_of: str | None, edition: str | None) -> Settings:
    when = parse_date_option(as_of, "--as-of")
    try:
        pack = load_pack(tuple(criteria))  # checked here, so a bad criteria file fails once, before any worker starts
    except ImrcheckError as exc:
        fail_message(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if edition is not None and edition not in pack.editions:
        raise typer.BadParameter(f"unknown edition {edition!r}; known: {', '.join(pack.editions)}", param_hint="--edition")
    return Settings(criteria=tuple(str(p) for p in criteria), as_of=when, edition=edition)


def _render(summary: Summary, fmt: ReportFormat, handle: IO[str]) -> None:
    report = summary.report()
    if fmt is ReportFormat.json:
        handle.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    elif fmt is ReportFormat.markdown:
        handle.write(render_markdown(report) + "\n")
    elif fmt is ReportFormat.html:
        handle.write(render_html(report))
    elif fmt is ReportFormat.table:
        console = Console(file=handle, soft_wrap=False, highlight=False) if handle is not sys.stdout else Console(highlight=False)
        print_report(report, console)


def evaluate(
    paths: Annotated[list[Path], typer.Argument(help="Letters (.txt, .pdf), folders of them, or .jsonl/.yaml case records",
                                                metavar="PATH", show_default=False)],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="table, json, csv (per-item rows), markdown or html")]
    = ReportFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the report to this file instead of stdout")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Processes to spread the letters over")] = 1,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge every item as of this date (default: the letter's UR date)")]
    = None,
    details: Annotated[Path | None, typer.Option("--details", help="Write one JSON line per letter here as it finishes")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip the letters --details already holds and count them in")]
    = False,
    criteria: Annotated[list[Path] | None, typer.Option("--criteria", help="Extra criteria files or folders (may override)")]
    = None,
    edition: Annotated[str | None, typer.Option(help="Judge by this MTUS edition instead of the one in force")] = None,
) -> None:
    if resume and details is None:
        raise typer.BadParameter("--resume reads the --details file of the interrupted run; name it", param_hint="--resume")
    _check_paths(paths)
    try:
        check_outputs_apart(paths, {"--out": out, "--details": details})  # before --out is opened (and emptied)
    except ImrcheckError as exc:
        fail_message(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    settings = _settings(criteria or [], as_of, edition)
    progress = _Progress()
    with _output(out) as handle:
        csv_rows = CsvRows(handle) if fmt is ReportFormat.csv else None
        listeners = [progress] + ([lambda unit: csv_rows.write(unit.items)] if csv_rows is not None else [])
        try:
            summary = run_backtest(paths, settings, workers=workers, details=details, resume=resume, listeners=listeners)
        except ImrcheckError as exc:
            fail_message(str(exc))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except BrokenProcessPool:
            fail_message("a worker process stopped unexpectedly; what --details holds is kept (run again with --resume)")
            raise typer.Exit(EXIT_INTERNAL) from None
        finally:
            progress.stop()
        _render(summary, fmt, handle)
    if summary.letters == 0:
        # The report may have gone to --out: say here, too, which inputs failed and why.
        for skip in summary.skipped[:LISTED_ON_FAILURE]:
            fail_message(f"{skip['source']}: {skip['reason']}")
        more = summary.skipped_total - min(len(summary.skipped), LISTED_ON_FAILURE)
        fail_message("no letter or record could be read" + (f" ({more} more in the skipped list)" if more > 0 else ""))
        raise typer.Exit(EXIT_BAD_INPUT)
    raise typer.Exit(EXIT_OK)



def register(app: typer.Typer) -> None:
    app.command("evaluate", help=HELP)(evaluate)
