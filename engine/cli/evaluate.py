"""`imrcheck evaluate PATH...`: back-test predictions against the reviewers' real decisions."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from engine.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, fail_message, parse_date_option
from engine.cli.help import epilog
from engine.cli.output import output, report_write_error
from engine.errors import ImrcheckError

if TYPE_CHECKING:
    from engine.backtest import Settings, Summary, UnitResult

HELP = """Back-test: predict every disputed item of real IMR letters and compare with the reviewer's decision.

PATH may be letters (.txt, .pdf), folders of them (walked in name order, sub-folders too), or .jsonl /
.yaml files of structured cases carrying their actual outcomes (docs/evaluate.md). The report gives
accuracy, balanced accuracy, overturn precision/recall/F1 and the confusion matrix, each beside the
always-uphold baseline, per treatment category and per criteria set, and the disagreements.

A letter that cannot be read is counted and listed under "skipped" and never stops the run.
"""
EXAMPLES = (
    "imrcheck evaluate ../shared/letters",
    "imrcheck evaluate archive/ --workers 2 --details run.jsonl --resume --format html --out report.html",
)
EXIT_CODES = (
    "0 the run finished, even when some letters or items were skipped (they are listed)",
    "2 bad input or usage (a PATH that does not exist, nothing readable at all, invalid --criteria, a report that cannot be written)",
    "3 an internal error (what --details holds is kept: run again with --resume)",
)

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


def count_inputs(paths: list[Path]) -> int | None:
    """How many letters the run will read, for the progress total; None where only reading can tell
    (a .jsonl or .yaml file of records). Walking folders costs a directory listing, not a read."""
    from engine.backtest.inputs import iter_jobs
    from engine.backtest.records import RECORD_SUFFIXES

    if any(p.is_file() and p.suffix.lower() in RECORD_SUFFIXES for p in paths):
        return None
    return sum(1 for _ in iter_jobs(paths))


class _Progress:
    """A progress line on a terminal's stderr ("letters 345/1200"), shown only once the run has lasted a moment."""

    def __init__(self, paths: list[Path]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self.enabled = console.is_terminal
        self.started = time.monotonic()
        self.bar = Progress(SpinnerColumn(), TextColumn("letters"), MofNCompleteColumn(), BarColumn(),
                            TextColumn("{task.fields[items]} items"), TimeElapsedColumn(), console=console, transient=True)
        total = count_inputs(paths) if self.enabled else None
        self.task = self.bar.add_task("evaluate", total=total, items=0)
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
    from engine.backtest import Settings
    from engine.criteria.pack import load_pack

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
    from rich.console import Console

    from engine.backtest.html import render_html
    from engine.backtest.render import print_report, render_markdown

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
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the report to FILE instead of standard output")] = None,
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
    from engine.backtest.inputs import check_outputs_apart

    try:
        # Before --out is opened (and emptied): no output may be one of the run's inputs, through a link either.
        check_outputs_apart(paths, {"--out": out, "--details": details})
    except ImrcheckError as exc:
        fail_message(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    settings = _settings(criteria or [], as_of, edition)
    summary = _run(paths, settings, fmt, out, workers=workers, details=details, resume=resume)
    if summary.letters == 0:
        # A short message, not a report of zeros; the reasons are listed here since nothing else is printed.
        for skip in summary.skipped[:LISTED_ON_FAILURE]:
            fail_message(f"{skip['source']}: {skip['reason']}")
        more = summary.skipped_total - min(len(summary.skipped), LISTED_ON_FAILURE)
        fail_message("no letter or record could be read" + (f" ({more} more not listed)" if more > 0 else ""))
        raise typer.Exit(EXIT_BAD_INPUT)
    raise typer.Exit(EXIT_OK)


def _run(paths: list[Path], settings: Settings, fmt: ReportFormat, out: Path | None, *, workers: int,
         details: Path | None, resume: bool) -> Summary:
    from concurrent.futures.process import BrokenProcessPool

    from engine.backtest import Summary, run_backtest
    from engine.backtest.render import CsvRows

    progress = _Progress(paths)
    # The report is built in memory (it is small) and written once the run is over, so a run that read
    # nothing leaves no empty report behind; only CSV streams its rows as letters finish.
    with contextlib.ExitStack() as stack:
        csv_handle = stack.enter_context(output(out)) if fmt is ReportFormat.csv else None
        csv_rows = CsvRows(csv_handle) if csv_handle is not None else None
        listeners = [progress] + ([lambda unit: csv_rows.write(unit.items)] if csv_rows is not None else [])
        summary = Summary()
        try:
            run_backtest(paths, settings, workers=workers, details=details, resume=resume, listeners=listeners,
                         summary=summary)
        except ImrcheckError as exc:
            fail_message(str(exc))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except BrokenProcessPool:
            fail_message("a worker process stopped unexpectedly; what --details holds is kept (run again with --resume)")
            raise typer.Exit(EXIT_INTERNAL) from None
        except OSError as exc:
            if details is None or csv_handle is not None:
                raise  # the CSV stream's own write error, said by output()
            raise report_write_error(str(details), exc) from None
        finally:
            progress.stop()
    if summary.letters and fmt is not ReportFormat.csv:
        with output(out) as handle:
            _render(summary, fmt, handle)
    return summary


def register(app: typer.Typer) -> None:
    app.command("evaluate", help=HELP, epilog=epilog(EXAMPLES, EXIT_CODES))(evaluate)
