"""`imrcheck extract LETTER... [--format yaml|json]`: print the case each letter's summary documents."""

from __future__ import annotations

import datetime as dt
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml

from engine.backtest.predict import letter_date
from engine.cli.common import EXIT_BAD_INPUT, expand_paths
from engine.cli.parse import LETTER_SUFFIXES
from engine.errors import ExtractionError, ImrcheckError
from engine.extract import extract_case
from engine.letters import parse_letter_text
from engine.letters.files import read_letter_text

_SUMMARY = re.compile(r"CLINICAL CASE SUMMARY(.*?)IMR ISSUES, DECISIONS AND RATIONALES", re.DOTALL)
_TITLE = re.compile(r"^[ \t]*(\S[^\n]{0,300}?)[ \t]*:[ \t]*(?:Upheld|Overturned)\b", re.MULTILINE | re.IGNORECASE)


class Format(StrEnum):
    yaml = "yaml"
    json = "json"


def summary_and_titles(text: str, source: str) -> tuple[str, list[str]]:
    """The clinical summary and the disputed item titles of a letter's text."""
    summary, titles, _ = letter_parts(text, source)
    return summary, titles


def letter_parts(text: str, source: str) -> tuple[str, list[str], dt.date | None]:
    """The clinical summary, the disputed item titles and the date the letter is judged by (the one
    `evaluate` uses, so that `check` on the extracted case picks the same guideline edition)."""
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
    if path.is_dir():  # what expand_paths yields for a folder with no letter in it
        raise ExtractionError("the folder holds no .txt or .pdf letters")
    return read_letter_text(path)  # a PDF's text layer; empty, binary and non-PDF ".pdf" files refused


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract(
        letters: Annotated[list[Path], typer.Argument(help="Letters (.txt or .pdf) or folders of them")],
        output: Annotated[Format, typer.Option("--format", help="yaml or json")] = Format.yaml,
    ) -> None:
        """Print the case each letter's clinical summary documents, to correct and check."""
        failed = False
        documents = []
        paths = list(expand_paths(letters, LETTER_SUFFIXES))
        for path in paths:
            try:
                summary, titles, request_date = letter_parts(_read(path), str(path))
                extraction = extract_case(summary, titles, case_id=path.stem)
            except ImrcheckError as exc:
                typer.echo(f"imrcheck: {path}: {exc.message}", err=True)
                failed = True
                continue
            # Notes say what was left out and why; they go to stderr so stdout stays one document stream.
            for note in extraction.notes:
                typer.echo(f"imrcheck: {path}: note: {note}", err=True)
            case = extraction.case
            if request_date is not None and case.request_date is None:
                case = case.model_copy(update={"request_date": request_date})
            documents.append(case.model_dump(mode="json", exclude_none=True))
        if output is Format.json:
            # Several letters make one JSON array (one value, as `check` reads a .json file back).
            if len(paths) > 1:
                typer.echo(json.dumps(documents, indent=2))
            elif documents:
                typer.echo(json.dumps(documents[0], indent=2))
        elif documents:
            typer.echo(yaml.safe_dump_all(documents, sort_keys=False).rstrip())
        if failed:
            raise typer.Exit(EXIT_BAD_INPUT)
