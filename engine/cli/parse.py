"""`imrcheck parse LETTER... [--format table|json|jsonl]`: read IMR letters and print what they say.

Data goes to stdout, one line per unreadable file to stderr ("imrcheck: <file>: <message>"); the
batch always goes on. Exit code 0 when every file was read as a letter, 2 otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.errors import LetterParseError
from engine.letters import Letter, parse_letter_file, to_contract

LETTER_SUFFIXES = (".txt", ".pdf")
EXIT_BAD_INPUT = 2


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"


def _report(path: Path | str, message: str) -> None:
    typer.echo(f"imrcheck: {path}: {message}", err=True)


def _letter_files(arguments: list[Path]) -> Iterator[Path | LetterParseError]:
    """Each letter file named or found in a named directory, or the error that stands for it."""
    for argument in arguments:
        if not argument.is_dir():
            yield argument
            continue
        try:
            found = sorted(entry for entry in argument.iterdir() if entry.suffix.lower() in LETTER_SUFFIXES and entry.is_file())
        except OSError as error:
            yield LetterParseError(f"cannot list the directory: {error.strerror or type(error).__name__}", source=argument)
            continue
        if not found:
            yield LetterParseError("the directory holds no .txt or .pdf files", source=argument)
        yield from found


def _table(letter: Letter) -> Table:
    reviewer = letter.reviewer
    credentials = ", ".join(part for part in (reviewer.specialty, reviewer.subspecialty) if part) or "reviewer unknown"
    table = Table(title=Text(f"{letter.source} ({letter.layout.value}; {credentials})"), show_lines=True)
    for column in ("#", "Item", "Decision", "Treatment", "Category", "Reviewer guideline"):
        table.add_column(column)
    for number, item in enumerate(letter.items, start=1):
        table.add_row(
            str(number),
            Text(item.title),
            Text(item.decision or "?"),
            Text(item.treatment or "unmapped"),
            Text(item.category or "-"),
            Text(item.reviewer_guideline or "-"),
        )
    return table


def _print_table(console: Console, letter: Letter) -> None:
    console.print(_table(letter))
    notes = [*letter.warnings]
    notes.extend(f"item {number}: {warning}" for number, item in enumerate(letter.items, 1) for warning in item.warnings)
    for note in notes:
        console.print(Text(f"warning: {note}"))


def parse_command(
    letters: Annotated[list[Path], typer.Argument(help="Letter files (.txt or .pdf) or directories of them.", show_default=False)],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json (one object or a list), or jsonl (streamed).")
    ] = OutputFormat.TABLE,
) -> None:
    """Read IMR Final Determination Letters and print their items, decisions and citations."""
    console = Console(highlight=False)
    failures = 0
    parsed: list[dict[str, Any]] = []
    for entry in _letter_files(letters):
        if isinstance(entry, LetterParseError):
            _report(entry.source or "", entry.message)
            failures += 1
            continue
        try:
            letter = parse_letter_file(entry)
        except LetterParseError as error:
            _report(entry, error.message)
            failures += 1
            continue
        if output_format is OutputFormat.TABLE:
            _print_table(console, letter)
        elif output_format is OutputFormat.JSONL:
            typer.echo(json.dumps(to_contract(letter), ensure_ascii=False))
        else:
            parsed.append(to_contract(letter))
    if output_format is OutputFormat.JSON:
        # One file named → one object; anything else (several files, a directory) → a list, even
        # an empty one, so that scripts always get the same shape for the same command.
        single = len(letters) == 1 and not letters[0].is_dir()
        if not single:
            typer.echo(json.dumps(parsed, indent=2, ensure_ascii=False))
        elif parsed:
            typer.echo(json.dumps(parsed[0], indent=2, ensure_ascii=False))
    if failures:
        raise typer.Exit(code=EXIT_BAD_INPUT)


def register(app: typer.Typer) -> None:
    """Add the `parse` command to the imrcheck app."""
    app.command("parse")(parse_command)
