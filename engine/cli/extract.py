"""`imrcheck extract LETTER... [--format yaml|json]`: print the case each letter's summary documents."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.common import EXIT_BAD_INPUT, expand_paths
from engine.cli.help import epilog
from engine.cli.output import output, refuse_input_as_output
from engine.cli.parse import LETTER_SUFFIXES
from engine.errors import ExtractionError, ImrcheckError

_SUMMARY = re.compile(r"CLINICAL CASE SUMMARY(.*?)IMR ISSUES, DECISIONS AND RATIONALES", re.DOTALL)
_TITLE = re.compile(r"^[ \t]*(\S[^\n]{0,300}?)[ \t]*:[ \t]*(?:Upheld|Overturned)\b", re.MULTILINE | re.IGNORECASE)


class Format(StrEnum):
    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"


def summary_and_titles(text: str, source: str) -> tuple[str, list[str]]:
    """The clinical summary and the disputed item titles of a letter's text."""
    summary, titles, _ = letter_parts(text, source)
    return summary, titles


def letter_parts(text: str, source: str) -> tuple[str, list[str], dt.date | None]:
    """The clinical summary, the disputed item titles and the date the letter is judged by (the one
    `evaluate` uses, so that `check` on the extracted case picks the same guideline edition)."""
    from engine.backtest.predict import letter_date
    from engine.letters import parse_letter_text

    try:
        letter = parse_letter_text(text, source=source)
    except ImrcheckError:
        letter = None
    if letter is not None and letter.clinical_summary.strip():
        return letter.clinical_summary, [item.title for item in letter.items], letter_date(letter)
    # A text the letter parser cannot take whole may still show its summary and titles plainly.
    match = _SUMMARY.search(text)
    if match is None:
        raise ExtractionError("no 'CLINICAL CASE SUMMARY' section followed by 'IMR ISSUES, DECISIONS AND RATIONALES'")
    return match.group(1), [t.strip() for t in _TITLE.findall(text[match.end() :])], None


def _read(path: Path) -> str:
    from engine.letters.files import read_letter_text

    if path.is_dir():  # what expand_paths yields for a folder with no letter in it
        raise ExtractionError("the folder holds no .txt or .pdf letters")
    return read_letter_text(path)  # a PDF's text layer; empty, binary and non-PDF ".pdf" files refused


def register(app: typer.Typer) -> None:
    @app.command("extract", epilog=epilog(
        ("imrcheck extract letter.txt", "imrcheck extract letters/ --format json --out cases.json"),
        ("0 every letter gave a case", "2 a letter could not be read (the others still are), or the output cannot be written",
         "3 an internal error"),
    ))
    def extract(
        letters: Annotated[list[Path], typer.Argument(help="Letters (.txt or .pdf) or folders of them")],
        output_format: Annotated[Format, typer.Option(
            "--format", help="yaml (a stream of documents), json (one envelope) or jsonl (a case per line)")]
        = Format.yaml,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to FILE instead of standard output")] = None,
    ) -> None:
        """Print the case each letter's clinical summary documents, to correct and check."""
        import yaml

        from engine.cli.envelope import Errors, envelope, json_lines
        from engine.extract import extract_case

        refuse_input_as_output(out, letters, suffixes=LETTER_SUFFIXES)
        errors = Errors()
        documents = []
        for path in expand_paths(letters, LETTER_SUFFIXES):
            try:
                summary, titles, request_date = letter_parts(_read(path), str(path))
                extraction = extract_case(summary, titles, case_id=path.stem)
            except ImrcheckError as exc:
                typer.echo(f"imrcheck: {path}: {exc.message}", err=True)
                errors.add(exc, str(path))
                continue
            # Notes say what was left out and why; they go to stderr so stdout stays one document stream.
            for note in extraction.notes:
                typer.echo(f"imrcheck: {path}: note: {note}", err=True)
            case = extraction.case
            if request_date is not None and case.request_date is None:
                case = case.model_copy(update={"request_date": request_date})
            documents.append(case.model_dump(mode="json", exclude_none=True))
        with output(out) as handle:
            if output_format is Format.json:
                handle.write(envelope(documents, errors, None))
            elif output_format is Format.jsonl:
                handle.write(json_lines(documents))
            elif documents:
                handle.write(yaml.safe_dump_all(documents, sort_keys=False).rstrip() + "\n")
        if errors:
            raise typer.Exit(EXIT_BAD_INPUT)
