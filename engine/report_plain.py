"""Reports for files and pipes: plain text that never truncates, and CSV with one row per request.

A terminal gets the rich panels (engine.report); anything else gets these, because a table cut to
80 columns ("missi…") loses exactly the words a clinic needs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from engine.explain import unverified_note, verdict
from engine.results import CaseResult, RequestResult, applied_outside_dates
from engine.silent import contradicted

PREDICTION_WORDS = {
    "overturn": "OVERTURN — likely medically necessary",
    "uphold": "UPHOLD — likely not medically necessary",
}


def case_heading(result: CaseResult) -> str:
    label = result.case_id or result.source or "case"
    edition = f", edition {result.edition}" if result.edition else ""
    return f"{label} — judged as of {result.as_of.isoformat()}{edition}"


def request_heading(request: RequestResult) -> str:
    return f"{request.id}: {request.requested_as} [{request.treatment}, {request.category}]"


def flip_lines(request: RequestResult) -> list[str]:
    """The to_overturn hints as lines, each with the criterion it serves (a companion points to its primary)."""
    if request.basis == "companion" and request.companion_of is not None:
        return [f"the primary request {request.companion_of!r} predicted overturn (see what would flip it)"]
    return [h.message + (f" [{h.criteria_set}/{h.criterion}]" if h.criteria_set else "") for h in request.to_overturn]


def closing(request: RequestResult) -> str:
    """What follows the checklist: the whole rationale where there is no table to repeat (a companion,
    the base rate), else only the conclusion, since the table already gives each criterion's reason."""
    if not request.findings:
        return request.rationale
    lead = f"Judged by the criteria for the planned {request.judged_as}. " if request.judged_as else ""
    return lead + verdict(request.requested_as or request.treatment_name, request.prediction)


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


def _request_text(request: RequestResult) -> list[str]:
    lines = [request_heading(request), f"  {PREDICTION_WORDS[request.prediction]}", f"  {likelihood_line(request)}"]
    for finding in request.findings:
        lines.append(f"  [{finding.status}] {finding.title} ({finding.criteria_set}): {finding.message}")
    note = unverified_note(request.findings)
    if note:
        lines.append(f"  {note}")
    if request.missing_documentation:
        lines.append("  Documentation to add:")
        lines.extend(f"    - {item}" for item in request.missing_documentation)
    if request.to_overturn:
        lines.append("  What would flip it:")
        lines.extend(f"    -> {line}" for line in flip_lines(request))
    lines.append(f"  {closing(request)}")
    if request.citations:
        lines.append("  Citations: " + "; ".join(request.citations))
    return lines


def render_text(results: Sequence[CaseResult]) -> str:
    lines: list[str] = []
    for result in results:
        lines.append(case_heading(result))
        for request in result.requests:
            lines.append("")
            lines.extend(_request_text(request))
        lines.append("")
    return "\n".join(lines)


CSV_COLUMNS = ("source", "case_id", "as_of", "edition", "request", "treatment", "category", "requested_as",
               "prediction", "basis", "companion_of", "met", "unmet", "missing", "missing_documentation", "citations",
               "applied_outside_dates")


def render_csv(results: Sequence[CaseResult]) -> str:
    """One row per request; lists are joined with " | " so a spreadsheet keeps one cell per column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in results:
        for r in result.requests:
            counts = {status: sum(f.status == status for f in r.findings) for status in ("met", "unmet", "missing")}
            writer.writerow((result.source or "", result.case_id or "", result.as_of.isoformat(), result.edition or "",
                             r.id, r.treatment, r.category, r.requested_as, r.prediction, r.basis, r.companion_of or "",
                             counts["met"], counts["unmet"], counts["missing"],
                             " | ".join(r.missing_documentation), " | ".join(r.citations),
                             " | ".join(applied_outside_dates(r.criteria_sets))))
    return buffer.getvalue()
