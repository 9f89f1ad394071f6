"""What every command shares: exit codes, error lines, option parsing, the loaded pack."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from engine.errors import ImrcheckError

if TYPE_CHECKING:
    from engine.cli.envelope import Errors
    from engine.criteria.pack import CriteriaPack
    from engine.evaluate import Evaluator

EXIT_OK, EXIT_UPHOLD, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
T = TypeVar("T")
S = TypeVar("S")


def fail_message(message: str) -> None:
    print(f"imrcheck: {message}", file=sys.stderr)


def parse_date_option(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2014-09-01", param_hint=option) from None


def expand_paths(paths: Sequence[Path], suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Files as given; a directory contributes its files with these suffixes, sorted."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            if not found:
                yield path  # reported as an error by the reader: a directory with nothing to read
            yield from found
        else:
            yield path


@dataclass
class Batch:
    """Runs `work` on every path; one bad file is reported and counted, the rest still run."""

    failures: int = 0
    errors: Errors | None = None  # where the reported problems are also kept (the JSON envelope's `errors`)

    def each(self, paths: Sequence[S], work: Callable[[S], T], name: Callable[[S], str] = str) -> list[T]:
        """`name` says which input a problem belongs to (never its contents: a case's data is health information)."""
        done = []
        for path in paths:
            try:
                done.append(work(path))
            except ImrcheckError as exc:
                self.failures += 1
                fail_message(str(exc))
                if self.errors is not None:
                    self.errors.add(exc, name(path))
        return done


def make_evaluator(criteria: Sequence[Path], edition: str | None) -> tuple[Evaluator, CriteriaPack]:
    # Imported here, not at the top: every subcommand module is imported to build the help, and only
    # the commands that evaluate should pay for the engine (issue 14: a fast start).
    from engine.catalog import load_catalog
    from engine.criteria.pack import load_pack
    from engine.evaluate import Evaluator

    try:
        pack = load_pack(tuple(criteria))
    except ImrcheckError as exc:
        fail_message(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if edition is not None and edition not in pack.editions:
        raise typer.BadParameter(f"unknown edition {edition!r}; known: {', '.join(pack.editions)}",
                                 param_hint="--edition")
    return Evaluator(pack, load_catalog()), pack
