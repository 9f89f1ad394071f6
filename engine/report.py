"""Rendering results for people and programs; evaluation never formats, rendering never evaluates."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from engine.results import CaseResult, RequestResult, to_contract
from engine.silent import contradicted

_STATUS_STYLE = {"met": "green", "unmet": "red", "missing": "yellow"}
_PREDICTION_WORDS = {
    "overturn": "OVERTURN — likely medically necessary",
    "uphold": "UPHOLD — likely not medically necessary",
}


def render_json(results: Sequence[CaseResult]) -> str:
    payload = [to_contract(r) for r in results]
    return json.dumps(payload[0] if len(payload) == 1 else payload, indent=2)


def flip_lines(request: RequestResult) -> list[str]:
    """The to_overturn hints as lines, each with the criterion it serves (a companion points to its primary)."""
    if request.basis == "companion" and request.companion_of is not None:
        return [f"the primary request {request.companion_of!r} predicted overturn (see what would flip it)"]
    return [f"{h.message}" + (f" [{h.criteria_set}/{h.criterion}]" if h.criteria_set else "")
            for h in request.to_overturn]


def likelihood_line(request: RequestResult) -> str:
    """P(overturn), the basis and the strict verdict in words, the same in every format."""
    if request.basis == "companion":
        return f"Follows the primary request {request.companion_of!r}"
    chance = f"P(overturn) {request.probability:.0%}" if request.probability is not None else "P(overturn) –"
    if request.basis == "no_criteria":
        return f"{chance}, from the base rate of its category ({request.category}): no criteria set covers it"
    if any(contradicted(f) for f in request.findings):
        strict = "a criterion the records show unmet decides it"
    elif request.verdict == "overturn":
        strict = "every criterion met"
    else:
        strict = "not every criterion met or documented"
    return f"{chance}, from the criteria points; strict verdict: {request.verdict} ({strict})"


def _request_panel(request: RequestResult) -> Panel:
    style = "green" if request.prediction == "overturn" else "red"
    table = Table(box=box.SIMPLE, show_edge=False, expand=True)
    table.add_column("criterion", ratio=3)
    table.add_column("status", ratio=1)
    table.add_column("why", ratio=6)
    for finding in request.findings:
        table.add_row(
            f"{escape(finding.title)}\n[dim]{escape(finding.criteria_set)}[/dim]",
            Text(finding.status, style=_STATUS_STYLE[finding.status]),
            finding.message,
        )
    parts: list[object] = [Text(_PREDICTION_WORDS[request.prediction], style=f"bold {style}")]
    parts.append(Text(likelihood_line(request), style="dim"))
    if request.findings:
        parts.append(table)
    if request.missing_documentation:
        parts.append(Text("Documentation to add:", style="bold"))
        parts.extend(Text(f"  • {item}") for item in request.missing_documentation)
    if request.to_overturn:
        parts.append(Text("What would flip it:", style="bold"))
        parts.extend(Text(f"  → {line}") for line in flip_lines(request))
    parts.append(Text(request.rationale, style="italic"))
    if request.citations:
        parts.append(Text("Citations: " + "; ".join(request.citations), style="dim"))
    title = escape(f"{request.id}: {request.requested_as} [{request.treatment}, {request.category}]")
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)  # type: ignore[arg-type]


def print_table(results: Sequence[CaseResult], console: Console) -> None:
    for result in results:
        label = result.case_id or result.source or "case"
        edition = f", edition {result.edition}" if result.edition else ""
        console.print(f"[bold]{label}[/bold] — judged as of {result.as_of.isoformat()}{edition}")
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
            if r.missing_documentation:
                lines.append("Documentation to add:")
                lines.extend(f"- [ ] {m}" for m in r.missing_documentation)
                lines.append("")
            if r.to_overturn:
                lines.append("What would flip it:")
                lines.extend(f"- {line}" for line in flip_lines(r))
                lines.append("")
            lines.append(f"> {r.rationale}")
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


def missing_json(results: Sequence[CaseResult]) -> str:
    payload = [
        {
            "case_id": r.case_id,
            "requests": [
                {"id": q.id, "treatment": q.treatment, "prediction": q.prediction,
                 "missing_documentation": list(q.missing_documentation)}
                for q in r.requests
            ],
        }
        for r in results
    ]
    return json.dumps(payload[0] if len(payload) == 1 else payload, indent=2)
