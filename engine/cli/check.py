"""`imrcheck check`, `imrcheck missing` and `imrcheck schema`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from engine.cli.common import EXIT_BAD_INPUT, EXIT_OK, EXIT_UPHOLD, Batch, expand_paths, make_evaluator, parse_date_option
from engine.cli.help import epilog
from engine.cli.output import output, refuse_input_as_output
from engine.errors import InputError

if TYPE_CHECKING:
    from engine.cli.envelope import Errors
    from engine.criteria.pack import CriteriaPack
    from engine.models import Case
    from engine.results import CaseResult

CASE_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    csv = "csv"
    html = "html"


class MissingFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    jsonl = "jsonl"
    html = "html"


class FailOn(StrEnum):
    uphold = "uphold"
    unmet = "unmet"
    never = "never"


class SchemaKind(StrEnum):
    case = "case"
    criteria = "criteria"


CasesArg = Annotated[list[Path], typer.Argument(
    metavar="CASE", show_default=False,
    help="Case files (YAML or JSON), folders of them, or - to read one case from standard input")]
EditionOpt = Annotated[str | None, typer.Option(metavar="EDITION",
                                                help="Judge by this MTUS edition instead of the one in force")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", metavar="YYYY-MM-DD",
                                             help="Judge as of this date (default: the request date)")]
CriteriaOpt = Annotated[list[Path] | None, typer.Option("--criteria", metavar="PATH",
                                                        help="Extra criteria files or folders (repeatable)")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE",
                                             help="Write the report to FILE instead of standard output")]
FailOnOpt = Annotated[FailOn, typer.Option(
    "--fail-on", help="What makes the exit code 1: uphold (any request predicted upheld), unmet (only an upheld "
    "request with an unmet criterion, not one merely undocumented), never")]


def _stdin_case() -> Case:
    """The case on standard input (`-`): one document, read up to the case-file size cap."""
    from engine.case_io import MAX_CASE_BYTES, parse_case_text

    text = sys.stdin.read(MAX_CASE_BYTES + 1)
    if len(text) > MAX_CASE_BYTES:
        raise InputError(f"is too large for a case file (limit {MAX_CASE_BYTES:,} bytes)", source="<stdin>")
    return parse_case_text(text, source="<stdin>")


def _evaluate_all(cases: list[Path], edition: str | None, as_of: str | None, criteria: list[Path] | None,
                  errors: Errors) -> tuple[list[CaseResult], Batch, CriteriaPack]:
    when = parse_date_option(as_of, "--as-of")
    evaluator, pack = make_evaluator(criteria or [], edition)
    batch = Batch(errors=errors)

    def documents(path: Path) -> list[tuple[str, Any]]:
        from engine.case_io import read_case_documents

        if str(path) == STDIN:
            return [("<stdin>", _stdin_case())]
        if path.is_dir():  # what expand_paths yields for a folder with nothing to read
            raise InputError("the folder holds no case files (.yaml, .yml or .json)", source=path)
        return read_case_documents(path)

    def run(document: tuple[str, Any]) -> CaseResult:
        from engine.case_io import validate_case
        from engine.models import Case

        source, data = document
        case = data if isinstance(data, Case) else validate_case(data, source=source)
        return evaluator.evaluate(case, as_of=when, edition=edition, source=source)

    # A file may hold several cases (a YAML stream, a JSON array): each is its own record of the batch.
    files = batch.each(list(expand_paths(cases, CASE_SUFFIXES)), documents)
    return batch.each([document for found in files for document in found], run, name=lambda document: document[0]), batch, pack


def exit_code(results: list[CaseResult], batch: Batch, fail_on: FailOn) -> int:
    if batch.failures:
        return EXIT_BAD_INPUT
    upheld = [r for result in results for r in result.requests if r.prediction == "uphold"]
    if fail_on is FailOn.never or not upheld:
        return EXIT_OK
    if fail_on is FailOn.unmet:
        # A companion follows its primary: it fails only through the primary's own unmet criterion.
        return EXIT_UPHOLD if any(f.status == "unmet" for r in upheld for f in r.findings) else EXIT_OK
    return EXIT_UPHOLD


def _to_terminal(out: Path | None) -> bool:
    return out is None and sys.stdout.isatty()


def _checked(cases: list[Path], out: Path | None, edition: str | None, as_of: str | None,
             criteria: list[Path] | None) -> tuple[list[CaseResult], Batch, CriteriaPack, Errors]:
    from engine.cli.envelope import Errors

    refuse_input_as_output(out, cases, suffixes=CASE_SUFFIXES)
    errors = Errors()
    results, batch, pack = _evaluate_all(cases, edition, as_of, criteria, errors)
    return results, batch, pack, errors


def check(cases: CasesArg,
          format: Annotated[CheckFormat, typer.Option("--format", "-f", help="table (plain text when not a terminal), "
                                                      "json (one envelope), jsonl, markdown, csv (a row per request), html")]
          = CheckFormat.table,
          out: OutOpt = None, fail_on: FailOnOpt = FailOn.uphold,
          edition: EditionOpt = None, as_of: AsOfOpt = None, criteria: CriteriaOpt = None) -> None:
    """Predict the IMR outcome of every requested item, with the criteria trace and citations."""
    results, batch, pack, errors = _checked(cases, out, edition, as_of, criteria)
    if results or format is CheckFormat.json:
        from engine import report

        with output(out) as handle:
            if format is CheckFormat.json or format is CheckFormat.jsonl:
                _write_contracts(handle, [report.check_contract(r) for r in results], errors, pack,
                                 envelope=format is CheckFormat.json)
            elif format is CheckFormat.markdown:
                handle.write(report.render_markdown(results) + "\n")
            elif format is CheckFormat.csv:
                from engine.report_plain import render_csv

                handle.write(render_csv(results))
            elif format is CheckFormat.html:
                handle.write(_html(results, pack, checklist_only=False))
            elif _to_terminal(out):
                from rich.console import Console

                report.print_table(results, Console(soft_wrap=False))
            else:
                from engine.report_plain import render_text

                handle.write(render_text(results))
    raise typer.Exit(exit_code(results, batch, fail_on))


def _write_contracts(handle: IO[str], contracts: list[dict[str, Any]], errors: Errors, pack: CriteriaPack, *,
                     envelope: bool) -> None:
    """The JSON contracts as one envelope (--format json) or one line each (--format jsonl)."""
    from engine.cli import envelope as shape

    handle.write(shape.envelope(contracts, errors, pack) if envelope else shape.json_lines(contracts))


def _html(results: list[CaseResult], pack: CriteriaPack, *, checklist_only: bool) -> str:
    from engine.cli.envelope import version_line
    from engine.report_html import render_html

    return render_html(results, checklist_only=checklist_only, version=version_line(pack).removeprefix("imrcheck "))


def missing(cases: CasesArg,
            format: Annotated[MissingFormat, typer.Option("--format", "-f", help="text, markdown, json (one envelope), "
                                                          "jsonl or html (a printable checklist)")] = MissingFormat.text,
            out: OutOpt = None, fail_on: FailOnOpt = FailOn.uphold,
            edition: EditionOpt = None, as_of: AsOfOpt = None, criteria: CriteriaOpt = None) -> None:
    """List the documentation to add before submitting, grouped by request."""
    results, batch, pack, errors = _checked(cases, out, edition, as_of, criteria)
    if results or format is MissingFormat.json:
        from engine import report

        with output(out) as handle:
            if format is MissingFormat.json or format is MissingFormat.jsonl:
                _write_contracts(handle, [report.missing_contract(r) for r in results], errors, pack,
                                 envelope=format is MissingFormat.json)
            elif format is MissingFormat.html:
                handle.write(_html(results, pack, checklist_only=True))
            else:
                handle.write(report.render_missing(results, markdown=format is MissingFormat.markdown))
    raise typer.Exit(exit_code(results, batch, fail_on))


def schema(what: Annotated[SchemaKind, typer.Argument(help="case or criteria")] = SchemaKind.case,
           out: OutOpt = None) -> None:
    """Print the JSON Schema of a case file (or of a criteria-set file) for editors."""
    from engine.cli.output import write_report
    from engine.criteria.schema import CriteriaSet
    from engine.models import Case

    model = Case if what is SchemaKind.case else CriteriaSet
    write_report(out, json.dumps(model.model_json_schema(by_alias=True), indent=2) + "\n")


CHECK_EXAMPLES = (
    "imrcheck check examples/repeat_esi_missing_relief.yaml",
    "imrcheck check cases/ --format json --out results.json",
    "cat case.yaml | imrcheck check - --fail-on unmet",
    "imrcheck check case.yaml --format html --out report.html",
)
MISSING_EXAMPLES = (
    "imrcheck missing examples/repeat_esi_missing_relief.yaml",
    "imrcheck missing case.yaml --format html --out checklist.html",
)
CASE_EXIT_CODES = (
    "0 every request is predicted overturn (or --fail-on is not met)",
    "1 a request is predicted upheld (as --fail-on chooses)",
    "2 bad input, usage, or a report that cannot be written (the other files are still checked)",
    "3 an internal error",
)


def register(app: typer.Typer) -> None:
    app.command(epilog=epilog(CHECK_EXAMPLES, CASE_EXIT_CODES))(check)
    app.command(epilog=epilog(MISSING_EXAMPLES, CASE_EXIT_CODES))(missing)
    app.command(epilog=epilog(("imrcheck schema > case.schema.json", "imrcheck schema criteria --out criteria.schema.json"),
                              ("0 printed", "2 usage or a file that cannot be written")))(schema)

