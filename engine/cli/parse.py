"""`imrcheck parse LETTER... [--format table|json|jsonl]`: read IMR letters and print what they say.

Data goes to stdout (or --out), one line per unreadable file to stderr ("imrcheck: <file>: <message>");
the batch always goes on. `--format json` is one envelope (engine.cli.envelope) whatever the number of
letters; `jsonl` streams one letter per line. Exit code 0 when every file was read as a letter, 2 otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from engine.cli.common import EXIT_BAD_INPUT
from engine.cli.help import epilog
from engine.cli.output import output
from engine.errors import LetterParseError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from engine.letters import Letter

LETTER_SUFFIXES = (".txt", ".pdf")


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
    from rich.table import Table
    from rich.text import Text

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
    from rich.text import Text

    console.print(_table(letter))
    notes = [*letter.warnings]
    notes.extend(f"item {number}: {warning}" for number, item in enumerate(letter.items, 1) for warning in item.warnings)
    for note in notes:
        console.print(Text(f"warning: {note}"))


def parse_command(
    letters: Annotated[list[Path], typer.Argument(help="Letter files (.txt or .pdf) or directories of them.", show_default=False)],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json (one envelope for every letter), or jsonl (streamed).")
    ] = OutputFormat.TABLE,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to FILE instead of standard output")] = None,
) -> None:
    """Read IMR Final Determination Letters and print their items, decisions and citations."""
    from engine.cli.envelope import Errors, envelope
    from engine.cli.output import refuse_input_as_output

    refuse_input_as_output(out, letters, suffixes=LETTER_SUFFIXES)
    errors = Errors()
    with output(out) as handle:
        parsed = _parse_all(letters, output_format, handle, errors)
        if output_format is OutputFormat.JSON:
            handle.write(envelope(parsed, errors, None))
    if errors:
        raise typer.Exit(code=EXIT_BAD_INPUT)


def _parse_all(letters: list[Path], output_format: OutputFormat, handle: IO[str], errors: Any) -> list[dict[str, Any]]:
    """Each letter printed as it is read (table, jsonl) or kept for the envelope (json)."""
    from rich.console import Console

    from engine.letters import parse_letter_file, to_contract

    console = Console(file=handle, highlight=False, soft_wrap=False, width=None if handle.isatty() else 200)
    parsed: list[dict[str, Any]] = []
    for entry in _letter_files(letters):
        if isinstance(entry, LetterParseError):
            _report(entry.source or "", entry.message)
            errors.add(entry)
            continue
        try:
            letter = parse_letter_file(entry)
        except LetterParseError as error:
            _report(entry, error.message)
            errors.add(error, str(entry))
            continue
        if output_format is OutputFormat.TABLE:
            _print_table(console, letter)
        elif output_format is OutputFormat.JSONL:
            handle.write(json.dumps(to_contract(letter), ensure_ascii=False) + "\n")
        else:
            parsed.append(to_contract(letter))
    return parsed


def register(app: typer.Typer) -> None:
    """Add the `parse` command to the imrcheck app."""
    app.command("parse", epilog=epilog(
        ("imrcheck parse ../shared/letters/", "imrcheck parse letter.pdf --format json --out letter.json"),
        ("0 every file was read as a letter", "2 a file could not be read (the others still are), or the output cannot be written",
         "3 an internal error"),
    ))(parse_command)
