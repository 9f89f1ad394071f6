"""Rendering results for people and programs; evaluation never formats, rendering never evaluates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.explain import unverified_note
from engine.report_plain import PREDICTION_WORDS, case_heading, closing, flip_lines, likelihood_line, request_heading
from engine.results import CaseResult, RequestResult, applied_outside_dates, to_contract

if TYPE_CHECKING:
    from rich.console import Console
    from rich.panel import Panel

_STATUS_STYLE = {"met": "green", "unmet": "red", "missing": "yellow"}


def check_contract(result: CaseResult) -> dict[str, Any]:
    """One case's result in the JSON envelope: the stable contract plus the file it came from."""
    return {"source": result.source, **to_contract(result)}


def _request_panel(request: RequestResult) -> Panel:
    # rich is imported for a terminal only: files, pipes and JSON never pay for it (a fast start).
    from rich import box
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    style = "green" if request.prediction == "overturn" else "red"
    table = Table(box=box.SIMPLE, show_edge=False, expand=True)
    table.add_column("criterion", ratio=3)
    table.add_column("status", no_wrap=True, min_width=7)  # "missing" whole, never "missi…"
    table.add_column("why", ratio=6)
    for finding in request.findings:
        table.add_row(
            f"{escape(finding.title)}\n[dim]{escape(finding.criteria_set)}[/dim]",
            Text(finding.status, style=_STATUS_STYLE[finding.status]),
            finding.message,
        )
    parts: list[object] = [Text(PREDICTION_WORDS[request.prediction], style=f"bold {style}")]
    parts.append(Text(likelihood_line(request), style="dim"))
    if request.findings:
        parts.append(table)
    note = unverified_note(request.findings)
    if note:
        parts.append(Text(note, style="dim"))
    if request.missing_documentation:
        parts.append(Text("Documentation to add:", style="bold"))
        parts.extend(Text(f"  • {item}") for item in request.missing_documentation)
    if request.to_overturn:
        parts.append(Text("What would flip it:", style="bold"))
        parts.extend(Text(f"  → {line}") for line in flip_lines(request))
    parts.append(Text(closing(request), style="italic"))
    if request.citations:
        parts.append(Text("Citations: " + "; ".join(request.citations), style="dim"))
    title = escape(request_heading(request))
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)  # type: ignore[arg-type]


def print_table(results: Sequence[CaseResult], console: Console) -> None:
    from rich.text import Text

    for result in results:
        console.print(Text(case_heading(result), style="bold"))
        for request in result.requests:
            console.print(_request_panel(request))


def render_markdown(results: Sequence[CaseResult]) -> str:
    lines: list[str] = []
    for result in results:
        lines.append(f"# {result.case_id or result.source or 'Case'}")
        lines.append(f"Judged as of {result.as_of.isoformat()}.")
        for r in result.requests:
            lines.append("")
            lines.append(f"## {r.id}: {r.requested_as} — **{r.prediction}**")
            lines.append("")
            lines.append(likelihood_line(r) + ".")
            lines.append("")
            if r.findings:
                lines.append("| criterion | set | status | why |")
                lines.append("|---|---|---|---|")
                for f in r.findings:
                    lines.append(f"| {f.title} | {f.criteria_set} | {f.status} | {f.message.replace('|', '/')} |")
                lines.append("")
                note = unverified_note(r.findings)
                if note:
                    lines.extend([note, ""])
            if r.missing_documentation:
                lines.append("Documentation to add:")
                lines.extend(f"- [ ] {m}" for m in r.missing_documentation)
                lines.append("")
            if r.to_overturn:
                lines.append("What would flip it:")
                lines.extend(f"- {line}" for line in flip_lines(r))
                lines.append("")
            lines.append(f"> {closing(r)}")
            if r.citations:
                lines.append("")
                lines.append("Citations: " + "; ".join(r.citations))
        lines.append("")
    return "\n".join(lines)


def render_missing(results: Sequence[CaseResult], *, markdown: bool = False) -> str:
    """The checklist of documentation to add, grouped by request."""
    lines: list[str] = []
    for result in results:
        lines.append(f"{'# ' if markdown else ''}{result.case_id or result.source or 'Case'}")
        for r in result.requests:
            head = f"{r.id}: {r.requested_as} (predicted {r.prediction})"
            lines.append(f"{'## ' if markdown else ''}{head}")
            if r.missing_documentation:
                lines.extend(f"{'- [ ]' if markdown else '  [ ]'} {m}" for m in r.missing_documentation)
            elif r.basis == "companion":
                lines.append(f"  follows its primary request {r.companion_of}")
            elif r.prediction == "overturn":
                lines.append("  nothing missing: the records document what the criteria need")
            else:
                reasons = [f.message for f in r.findings if f.status == "unmet"] or [r.rationale]
                lines.append("  nothing to add would change this: " + " ".join(reasons))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def missing_contract(result: CaseResult) -> dict[str, Any]:
    return {
        "source": result.source,
        "case_id": result.case_id,
        "requests": [
            {"id": q.id, "treatment": q.treatment, "prediction": q.prediction,
             "missing_documentation": list(q.missing_documentation),
             "applied_outside_dates": list(applied_outside_dates(q.criteria_sets))}
            for q in result.requests
        ],
    }


def missing_json(results: Sequence[CaseResult]) -> str:
    """The web API's `/api/missing` body (one case: one object, without the CLI's envelope)."""
    payload = [{k: v for k, v in missing_contract(r).items() if k != "source"} for r in results]
    return json.dumps(payload[0] if len(payload) == 1 else payload, indent=2)
