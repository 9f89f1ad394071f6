"""`imrcheck new`: a case-file skeleton asking exactly what the applicable criteria need."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.common import EXIT_BAD_INPUT, fail_message, make_evaluator, parse_date_option
from engine.cli.help import epilog
from engine.cli.output import report_write_error
from engine.errors import ImrcheckError


class NewFormat(StrEnum):
    yaml = "yaml"
    json = "json"


def new(
    treatment: Annotated[str, typer.Option("--treatment", "-t", help="The requested treatment, in any name the catalog knows")],
    region: Annotated[str | None, typer.Option(help="Body region, e.g. lumbar, cervical, knee")] = None,
    repeat: Annotated[bool, typer.Option("--repeat", help="A repeat of the same procedure")] = False,
    date: Annotated[str | None, typer.Option("--date", help="Request date YYYY-MM-DD (chooses the edition)")] = None,
    edition: Annotated[str | None, typer.Option(help="Judge by this MTUS edition instead of the one in force")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the skeleton here instead of printing it")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists")] = False,
    format: Annotated[NewFormat, typer.Option("--format", "-f", help="yaml: the case skeleton; json: the questions")]
    = NewFormat.yaml,
    criteria: Annotated[list[Path] | None, typer.Option("--criteria", help="Extra criteria files or folders (repeatable)")]
    = None,
) -> None:
    """Write a case file skeleton: the questions the criteria for TREATMENT need, as commented empty fields."""
    from pydantic import ValidationError

    from engine.questionnaire import QuestionnaireRequest, build_questionnaire, questionnaire_contract
    from engine.questionnaire.skeleton import render_skeleton

    when = parse_date_option(date, "--date")
    try:
        request = QuestionnaireRequest(treatment=treatment, region=region, repeat=repeat or None, request_date=when,
                                       edition=edition)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise typer.BadParameter(err["msg"], param_hint=f"--{err['loc'][0]}") from None
    evaluator, _ = make_evaluator(criteria or [], edition)
    try:
        questionnaire = build_questionnaire(evaluator, request)
    except ImrcheckError as exc:
        fail_message(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    text = (json.dumps(questionnaire_contract(questionnaire), indent=2) + "\n" if format is NewFormat.json
            else render_skeleton(questionnaire))
    if out is None:
        typer.echo(text, nl=False)
        return
    if out.is_dir():
        fail_message(f"{out}: is a folder; give --out a file name, such as {out / 'case.yaml'}")
        raise typer.Exit(EXIT_BAD_INPUT)
    if out.exists() and not force:
        fail_message(f"{out}: already exists; choose another --out or add --force to overwrite it")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise report_write_error(str(out), exc) from None
    asked = sum(q.status == "ask" for q in questionnaire.questions)
    typer.echo(f"wrote {out}: {asked} questions for {questionnaire.treatment_name} "
               f"({', '.join(questionnaire.criteria_sets) or 'no criteria cover it'})", err=True)


def register(app: typer.Typer) -> None:
    app.command(epilog=epilog(
        ('imrcheck new --treatment "lumbar ESI" --region lumbar --repeat --out case.yaml',
         'imrcheck new -t "Norco 10/325" --format json'),
        ("0 written", "2 bad input or usage (an unknown treatment, --out exists without --force, cannot be written)",
         "3 an internal error"),
    ))(new)
