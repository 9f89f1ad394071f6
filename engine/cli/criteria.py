"""`imrcheck criteria list|show|validate|docs`: the criteria sets for the people who write them.

Every subcommand reads the bundled sets plus any `--criteria` files or folders (which may add sets
or override bundled ones by id), exactly as `check` does. Exit codes: 0 done; 2 bad input or usage
(an unknown set id, an unknown treatment, a criteria file with problems).
"""

from __future__ import annotations

import json
import textwrap
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.catalog import TreatmentCatalog, load_catalog
from engine.cli.common import EXIT_BAD_INPUT, fail_message
from engine.criteria import describe
from engine.criteria.docs import render_reference
from engine.criteria.pack import CriteriaPack, load_pack
from engine.criteria.schema import CriteriaSet
from engine.criteria.validation import FileReport, validate_paths
from engine.errors import ImrcheckError
from engine.explain import citation_line

app = typer.Typer(
    name="criteria",
    help="List, show, validate and document the criteria sets (bundled and your own).",
    no_args_is_help=True,
)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class ShowFormat(StrEnum):
    text = "text"
    yaml = "yaml"
    json = "json"


CriteriaOpt = Annotated[
    list[Path] | None,
    typer.Option("--criteria", help="Extra criteria files or folders (add sets, or override bundled ones by id)"),
]


def _pack(criteria: list[Path] | None) -> CriteriaPack:
    try:
        return load_pack(tuple(criteria or ()))
    except ImrcheckError as exc:
        fail_message(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _fail(message: str) -> typer.Exit:
    fail_message(message)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command("list")
def list_sets(
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    treatment: Annotated[str | None, typer.Option(help="Only sets for this treatment (a name, brand or id)")] = None,
    criteria: CriteriaOpt = None,
) -> None:
    """List every criteria set: id, title, source, edition, dates, treatments and citation."""
    pack, catalog = _pack(criteria), load_catalog()
    sets = sorted(pack.sets.values(), key=lambda cs: cs.id)
    if treatment is not None:
        try:
            wanted = catalog.resolve(treatment).id
        except ImrcheckError as exc:
            raise _fail(f"--treatment: {exc}") from None
        sets = [cs for cs in sets if wanted in cs.applies_to.treatments]
    rows = [describe.summarize(cs, catalog) for cs in sets]
    if format is ListFormat.json:
        typer.echo(json.dumps([row.model_dump(mode="json") for row in rows], indent=2))
        return
    table = Table(title=f"{len(rows)} criteria set{'' if len(rows) == 1 else 's'}")
    for column in ("Id", "Title", "Source", "Edition", "In force", "Treatments", "Conf.", "C/Q/U"):
        table.add_column(column, overflow="fold", no_wrap=column == "Id")
    for cs, row in zip(sets, rows, strict=True):
        until = row.effective_to.isoformat() if row.effective_to else "…"
        cells = (row.id, row.title, row.source, row.edition, f"{row.effective_from.isoformat()} – {until}",
                 ", ".join(row.treatments), cs.confidence + (" (deprecated)" if cs.status == "deprecated" else ""),
                 "/".join(str(row.confidence_counts[mark]) for mark in ("C", "Q", "U"))
                 + (" limit" if row.kind == "limit" else ""))
        table.add_row(*(Text(cell) for cell in cells))  # Text: a "[...]" in a user's title is not rich markup
    Console(soft_wrap=False).print(table)


def _show_text(cs: CriteriaSet, pack: CriteriaPack, catalog: TreatmentCatalog) -> str:
    facts = [
        ("source", f"{cs.source}, {cs.document}, edition {cs.edition}"),
        ("citation", citation_line(cs) + (f" <{cs.citation.url}>" if cs.citation.url else "")),
        ("in force", describe.in_force(cs)),
        ("applies to", describe.applies_to(cs, catalog)),
        ("topic", cs.topic + (f"; fills gaps in {', '.join(cs.fills_gaps_in)}" if cs.fills_gaps_in else "")),
        ("confidence", describe.confidence(cs.confidence)),
        ("file", pack.sources.get(cs.id, "?")),
    ]
    if cs.aliases:
        facts.append(("aliases", ", ".join(cs.aliases)))
    if cs.status == "deprecated":
        facts.append(("deprecated", f"replaced by {cs.replaced_by}"))
    summary = textwrap.fill(" ".join(cs.summary.split()), width=100, initial_indent="  ", subsequent_indent="  ")
    lines = [f"{cs.id}: {cs.title}", *(f"  {name + ':':<12}{value}" for name, value in facts), "", summary, "", "criteria:"]
    for number, criterion in enumerate(cs.criteria, start=1):
        mark = f" [confidence {describe.confidence(criterion.confidence)}]" if criterion.confidence else ""
        lines.append(f"  {number}. {criterion.id}: {criterion.title}{mark}")
        lines.extend("     " + "  " * line.depth + line.text for line in describe.node_lines(criterion.when))
        if criterion.note:
            lines.append(f"     note: {criterion.note}")
    return "\n".join(lines)


@app.command()
def show(
    set_id: Annotated[str, typer.Argument(metavar="ID", help="A set id (or one of its aliases)")],
    format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
    criteria: CriteriaOpt = None,
) -> None:
    """Show one set: metadata, citation, what it applies to and each criterion in plain words.

    `--format yaml` prints it as a criteria file, a starting point for your own version."""
    pack = _pack(criteria)
    cs = describe.find_set(pack, set_id)
    if cs is None:
        close = describe.suggest_sets(pack, set_id)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise _fail(f"unknown criteria set {set_id!r}{hint} (`imrcheck criteria list` lists them)")
    data = cs.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if format is ShowFormat.json:
        typer.echo(json.dumps(data, indent=2))
    elif format is ShowFormat.yaml:
        typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110), nl=False)
    else:
        typer.echo(_show_text(cs, pack, load_catalog()))


def _file_line(report: FileReport) -> str:
    if report.problems:
        count = len(report.problems)
        return f"{report.path}: {count} problem{'s' if count > 1 else ''}"
    line = f"{report.path}: ok, set {report.set_id!r} with {report.criteria} criteri{'a' if report.criteria != 1 else 'on'}"
    if report.overrides is not None:
        kind = "bundled set" if report.overrides.bundled else "set"
        line += f"; overrides {kind} {report.overrides.set_id!r} ({report.overrides.source})"
    return line


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Criteria files or folders of them")],
    criteria: CriteriaOpt = None,
) -> None:
    """Check your own criteria files strictly, listing every problem with file and line."""
    report = validate_paths(paths, _pack(criteria), load_catalog())
    for file in report.files:
        typer.echo(_file_line(file))
        for problem in file.problems:
            typer.echo(f"  {problem}")
    for problem in report.shared_problems:
        typer.echo(problem)
    if not report.ok:
        count = len(report.problems)
        named = [str(file.path) for file in report.files if file.problems]
        where = ", ".join(named) if named else "the criteria files"
        raise _fail(f"{count} problem{'s' if count > 1 else ''} in {where} (listed above, each with its line)")


@app.command()
def docs(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the Markdown here instead of printing it")] = None,
    criteria: CriteriaOpt = None,
) -> None:
    """Generate the Markdown reference of every criteria set, with its citations and criteria in words."""
    text = render_reference(_pack(criteria), load_catalog())
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{out}: cannot write the reference ({exc.strerror or exc.__class__.__name__})") from None


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="criteria")
