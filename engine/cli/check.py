"""`imrcheck check`, `imrcheck missing` and `imrcheck schema`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from engine.case_io import read_case_documents, validate_case
from engine.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_UPHOLD,
    Batch,
    expand_paths,
    make_evaluator,
    parse_date_option,
)
from engine.criteria.schema import CriteriaSet
from engine.models import Case
from engine.report import missing_json, print_table, render_json, render_markdown, render_missing
from engine.results import CaseResult

CASE_SUFFIXES = (".yaml", ".yml", ".json")


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class MissingFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class SchemaKind(StrEnum):
    case = "case"
    criteria = "criteria"


CasesArg = Annotated[list[Path], typer.Argument(help="Case files (YAML or JSON) or folders of them")]
EditionOpt = Annotated[str | None, typer.Option(help="Judge by this MTUS edition instead of the one in force")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Judge as of this date (default: the request date)")]
CriteriaOpt = Annotated[list[Path] | None, typer.Option("--criteria", help="Extra criteria files or folders")]


def _evaluate_all(cases: list[Path], edition: str | None, as_of: str | None,
                  criteria: list[Path] | None) -> tuple[list[CaseResult], Batch]:
    when = parse_date_option(as_of, "--as-of")
    evaluator, _ = make_evaluator(criteria or [], edition)
    batch = Batch()

    def run(document: tuple[str, Any]) -> CaseResult:
        source, data = document
        return evaluator.evaluate(validate_case(data, source=source), as_of=when, edition=edition, source=source)

    # A file may hold several cases (a YAML stream, a JSON array): each is its own record of the batch.
    files = batch.each(list(expand_paths(cases, CASE_SUFFIXES)), read_case_documents)
    return batch.each([document for documents in files for document in documents], run), batch


def _exit_code(results: list[CaseResult], batch: Batch) -> int:
    if batch.failures:
        return EXIT_BAD_INPUT
    return EXIT_OK if all(r.all_overturn for r in results) else EXIT_UPHOLD


def check(cases: CasesArg, format: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat.table,
          edition: EditionOpt = None, as_of: AsOfOpt = None, criteria: CriteriaOpt = None) -> None:
    """Predict the IMR outcome of every requested item, with the criteria trace and citations."""
    results, batch = _evaluate_all(cases, edition, as_of, criteria)
    if results:
        if format is CheckFormat.json:
            typer.echo(render_json(results))
        elif format is CheckFormat.markdown:
            typer.echo(render_markdown(results))
        else:
            print_table(results, Console(soft_wrap=False))
    raise typer.Exit(_exit_code(results, batch))


def missing(cases: CasesArg, format: Annotated[MissingFormat, typer.Option("--format", "-f")] = MissingFormat.text,
            edition: EditionOpt = None, as_of: AsOfOpt = None, criteria: CriteriaOpt = None) -> None:
    """List the documentation to add before submitting, grouped by request."""
    results, batch = _evaluate_all(cases, edition, as_of, criteria)
    if results:
        if format is MissingFormat.json:
            typer.echo(missing_json(results))
        else:
            typer.echo(render_missing(results, markdown=format is MissingFormat.markdown), nl=False)
    raise typer.Exit(_exit_code(results, batch))


def schema(what: Annotated[SchemaKind, typer.Argument()] = SchemaKind.case) -> None:
    """Print the JSON Schema of a case file (or of a criteria-set file) for editors."""
    model = Case if what is SchemaKind.case else CriteriaSet
    typer.echo(json.dumps(model.model_json_schema(by_alias=True), indent=2))


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(missing)
    app.command()(schema)
