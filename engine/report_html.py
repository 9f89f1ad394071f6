"""A self-contained HTML report of `check`/`missing` that a clinic prints and files with the request.

One page per short request: the request, the prediction, the criteria checklist and the
documentation to add, and each citation once at the end (numbered, the checklist points to it).
No script, no external resource: the file opens offline and prints the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from engine.explain import unverified_note
from engine.report_plain import PREDICTION_WORDS, case_heading, closing, flip_lines
from engine.results import OUTSIDE_DATES, CaseResult, RequestResult, applied_outside_dates

_STYLE = """
@page { size: letter; margin: 14mm; }
body { font: 10.5pt/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; margin: 0 auto; max-width: 52rem; }
h1 { font-size: 14pt; margin: 0 0 .2rem; }
h2 { font-size: 12pt; margin: 1rem 0 .3rem; break-after: avoid; }
.meta { color: #444; margin: 0 0 .6rem; }
.prediction { font-weight: 700; padding: .15rem .4rem; border-radius: 3px; display: inline-block; }
.overturn { background: #e3f4e6; color: #0a5c1e; }
.uphold { background: #fbe4e4; color: #8a1010; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; vertical-align: top; padding: .2rem .35rem; border-bottom: 1px solid #ccc; }
th { font-size: 9pt; text-transform: uppercase; color: #555; }
td.status { white-space: nowrap; font-weight: 600; }
.met { color: #0a5c1e; } .unmet { color: #8a1010; } .missing { color: #8a5a00; }
ul.todo { list-style: none; padding-left: .2rem; margin: .2rem 0; }
ul.todo li::before { content: "\\2610\\00a0"; }
.note { color: #555; font-size: 9.5pt; }
section.request { break-inside: avoid; }
ol.citations { font-size: 9.5pt; padding-left: 1.4rem; }
footer { color: #666; font-size: 8.5pt; margin-top: 1rem; }
@media print { body { max-width: none; } a { color: inherit; text-decoration: none; } }
"""


def _citations(results: Sequence[CaseResult]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for result in results:
        for request in result.requests:
            for citation in request.citations:
                numbers.setdefault(citation, len(numbers) + 1)
    return numbers


def _refs(request: RequestResult, numbers: dict[str, int]) -> str:
    marks = sorted({numbers[c] for c in request.citations})
    return "".join(f"<sup>[{n}]</sup>" for n in marks)


def _request(request: RequestResult, numbers: dict[str, int], *, checklist_only: bool) -> list[str]:
    kind = request.prediction
    out = [
        '<section class="request">',
        f"<h2>{escape(request.id)}: {escape(request.requested_as)} "
        f"<span class=\"note\">({escape(request.treatment_name)}, {escape(request.category)})</span></h2>",
        f'<p><span class="prediction {kind}">{escape(PREDICTION_WORDS[kind])}</span> {_refs(request, numbers)}</p>',
    ]
    outside = applied_outside_dates(request.criteria_sets)
    if outside:
        out.append(f'<p class="note">Judged by {escape(", ".join(outside))}: {OUTSIDE_DATES} (no clinical criteria in '
                   "force on the request date; the nearest edition stands in).</p>")
    if request.findings and not checklist_only:
        out.append("<table><thead><tr><th>Criterion</th><th>Status</th><th>Why</th></tr></thead><tbody>")
        for f in request.findings:
            out.append(f'<tr><td>{escape(f.title)}</td><td class="status {f.status}">{escape(f.status)}</td>'
                       f"<td>{escape(f.message)}</td></tr>")
        out.append("</tbody></table>")
        note = unverified_note(request.findings)
        if note:
            out.append(f'<p class="note">{escape(note)}</p>')
    if request.missing_documentation:
        out.append("<p><strong>Documentation to add</strong></p><ul class=\"todo\">")
        out.extend(f"<li>{escape(item)}</li>" for item in request.missing_documentation)
        out.append("</ul>")
    elif checklist_only:
        out.append('<p class="note">Nothing to add for this request.</p>')
    if request.to_overturn and not checklist_only:
        out.append("<p><strong>What would flip it</strong></p><ul>")
        out.extend(f"<li>{escape(line)}</li>" for line in flip_lines(request))
        out.append("</ul>")
    out.append(f"<p>{escape(closing(request))}</p>")
    out.append("</section>")
    return out


def render_html(results: Sequence[CaseResult], *, checklist_only: bool = False, version: str = "") -> str:
    numbers = _citations(results)
    title = "Documentation checklist" if checklist_only else "IMR prediction"
    body: list[str] = []
    for result in results:
        body.append(f"<h1>{escape(title)}: {escape(result.case_id or result.source or 'case')}</h1>")
        body.append(f'<p class="meta">{escape(case_heading(result))}</p>')
        for request in result.requests:
            body.extend(_request(request, numbers, checklist_only=checklist_only))
    if numbers:
        body.append("<h2>Citations</h2><ol class=\"citations\">")
        body.extend(f"<li>{escape(citation)}</li>" for citation in numbers)
        body.append("</ol>")
    body.append(f"<footer>A prediction from the treatment guidelines by imrcheck {escape(version)}; "
                "not a medical or legal determination.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
