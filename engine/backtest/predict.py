"""One letter or one structured case → its items predicted and compared with the actual decisions.

The case is built from the clinical summary and the item titles only (never the rationale): the
extractor numbers its requests `r<N>` by the position of the title, which is how each prediction
finds its letter item again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from engine.backtest.guidelines import same_guideline
from engine.backtest.metrics import Decision
from engine.backtest.outcomes import ItemRow, Skip, UnitResult
from engine.backtest.records import CaseRecord
from engine.errors import NoCatalogTitleError
from engine.evaluate import Evaluator
from engine.explain import citation_line
from engine.extract import extract_case
from engine.extract.dates import find_dates
from engine.letters.citations import parse_citations
from engine.letters.models import Citation, Letter
from engine.results import CaseResult, RequestResult
from engine.silent import contradicted

_CASE_YEAR = re.compile(r"CM(\d{2})-")
# Independent Medical Review decides disputes over utilization review decisions from 2013 on (SB 863).
IMR_BEGAN = dt.date(2013, 1, 1)


def letter_date(letter: Letter) -> dt.date | None:
    """The date the letter's dispute is judged by (see `judged_date`)."""
    return judged_date(letter)[0]


def judged_date(letter: Letter) -> tuple[dt.date | None, str | None]:
    """The date the letter's dispute is judged by, and a note when it is not the decision date.

    IMR decides by the guidelines in force when it decides: the decision date, else the other process
    dates (UR denial, application received, date assigned), else the middle of the year its IMR case
    number names (CM14- → 2014-07-01), else the latest date its clinical summary mentions (the request
    follows the last visit it reports) when that falls in IMR's time; None when the letter gives none."""
    header = letter.header
    if isinstance(header.decision_date, dt.date):
        return header.decision_date, None
    for label, value in (("UR denial date", header.ur_denial_date), ("application date", header.application_received),
                         ("date assigned", header.date_assigned)):
        if isinstance(value, dt.date):
            return value, f"no decision date was read; judged as of the letter's {label} ({value.isoformat()})"
    year = _CASE_YEAR.match(header.case_number or "")
    if year:
        middle = dt.date(2000 + int(year.group(1)), 7, 1)
        return middle, f"no date was read in the header; judged as of the middle of the year its case number names ({middle.isoformat()})"
    mentioned = [found.value for found in find_dates(letter.clinical_summary)]
    latest = max(mentioned, default=None)
    # An earlier date (the injury's, say) cannot be when an IMR dispute arose: IMR began with 2013.
    if latest is not None and latest >= IMR_BEGAN:
        return latest, f"no date was read in the header; judged as of the latest date the clinical summary mentions ({latest.isoformat()})"
    return None, None


def _deciding(request: RequestResult) -> tuple[str, ...]:
    """The findings that decided the prediction: the unmet ones, else the undocumented ones, else all met."""
    if request.basis == "companion":
        return (f"follows {request.companion_of}",)
    if request.basis == "no_criteria":
        return ()
    findings = request.findings
    for status in ("unmet", "missing", "met"):
        chosen = [f for f in findings if f.status == status]
        if chosen:
            return tuple(f"{f.criteria_set}/{f.criterion}: {status}" for f in chosen)
    return ()


def _leaves(request: RequestResult) -> tuple[str, ...]:
    """For the development loop: every leaf of a criterion not met, with what was read for it."""
    out = []
    for f in request.findings:
        if f.status == "met":
            continue
        for leaf in f.leaves:
            read = "; ".join(leaf.evidence) or "nothing documented"
            as_read = f" read as {leaf.read_as}" if leaf.read_as not in (None, leaf.status) else ""
            out.append(f"{f.criteria_set}/{f.criterion} {leaf.path} {leaf.op} {leaf.threshold!r}: "
                       f"{leaf.status}{as_read} ({read})")
    return tuple(out)


def item_row(evaluator: Evaluator, result: CaseResult, number: int, title: str, request: RequestResult, actual: Decision,
             reviewer_guideline: str | None, citations: Sequence[Citation]) -> ItemRow:
    applied = [evaluator.pack.get(use.criteria_set) for use in request.criteria_sets if use.applied]
    predicted: Decision = "overturned" if request.prediction == "overturn" else "upheld"
    return ItemRow(
        source=result.source or "", item=number, title=title, treatment=request.treatment, category=request.category,
        actual=actual, predicted=predicted, agree=actual == predicted, basis=request.basis, as_of=result.as_of,
        criteria_sets=tuple(cs.id for cs in applied), deciding=_deciding(request),
        our_guideline=tuple(citation_line(cs) for cs in applied), reviewer_guideline=reviewer_guideline,
        same_guideline=same_guideline(applied, citations),
        probability=request.probability,
        verdict="overturned" if request.verdict == "overturn" else "upheld",
        findings=tuple(f"{f.criteria_set}/{f.criterion}: {f.status_as_read}" for f in request.findings),
        contradicted=tuple(f"{f.criteria_set}/{f.criterion}" for f in request.findings if contradicted(f)),
        moved_by=tuple(f"{c.name} {c.points:+.2f}" for c in request.score.movers()) if request.score else (),
        leaves=_leaves(request), partly_certified=request.partly_certified,
    )


def letter_notes(letter: Letter) -> list[str]:
    """What a reader of the results must know about the letter itself (not about one item)."""
    if letter.truncated:
        return [f"the letter is cut off part-way through its decisions: only its first {len(letter.items)} item(s) "
                "were read and counted"]
    return []


def predict_letter(letter: Letter, evaluator: Evaluator, as_of: dt.date | None, edition: str | None = None) -> UnitResult:
    source = letter.source
    when, note = (as_of, None) if as_of is not None else judged_date(letter)
    notes = [*letter_notes(letter)]
    try:
        extraction = extract_case(letter.clinical_summary, [item.title for item in letter.items],
                                  case_id=Path(source).stem, catalog=evaluator.catalog,
                                  certified=[item.ur_certified for item in letter.items])
    except NoCatalogTitleError:
        extraction = None  # no title names a known treatment: every item is predicted from the base rate
    if extraction is not None:
        result = evaluator.evaluate(extraction.case, as_of=when, edition=edition, source=source)
        requests = {r.id: r for r in result.requests}
        judged_as_of = result.as_of
    else:
        requests, judged_as_of = {}, when or dt.date.today()
    if as_of is None and (note is not None or when is None):
        notes.append(note or f"no date was found in the letter; judged as of {judged_as_of.isoformat()}")
    rows: list[ItemRow] = []
    skipped: list[Skip] = []
    for number, item in enumerate(letter.items, start=1):
        request = requests.get(f"r{number}")
        where = f"{source}#item {number}"
        if item.decision is None:
            skipped.append(Skip(source=where, reason="the reviewer's decision on this item could not be read"))
        elif request is None:
            rows.append(_uncatalogued_row(evaluator, source, judged_as_of, number, item.title, item.decision,
                                          item.reviewer_guideline, item.citations))
        else:
            assert extraction is not None
            rows.append(item_row(evaluator, result, number, item.title, request, item.decision,
                                 item.reviewer_guideline, item.citations))
    return UnitResult(input=source, items=tuple(rows), skipped=tuple(skipped), notes=tuple(notes))


UNCATALOGUED = "uncatalogued"


def _uncatalogued_row(evaluator: Evaluator, source: str, as_of: dt.date, number: int, title: str, actual: Decision,
                      reviewer_guideline: str | None, citations: Sequence[Citation]) -> ItemRow:
    """An item whose title names no treatment the catalog knows is still predicted: from the base rate
    of items outside every known category (basis `no_criteria`), and counted under `uncatalogued`."""
    prediction, score = evaluator.predict_uncovered(UNCATALOGUED)
    predicted: Decision = "overturned" if prediction == "overturn" else "upheld"
    return ItemRow(
        source=source, item=number, title=title, treatment=UNCATALOGUED, category=UNCATALOGUED,
        actual=actual, predicted=predicted, agree=actual == predicted, basis="no_criteria", as_of=as_of,
        reviewer_guideline=reviewer_guideline, same_guideline=same_guideline([], citations),
        probability=round(score.probability, 4), verdict="upheld",
        moved_by=tuple(f"{c.name} {c.points:+.2f}" for c in score.movers()),
    )


def predict_record(record: CaseRecord, unit: str, evaluator: Evaluator, as_of: dt.date | None,
                   edition: str | None = None) -> UnitResult:
    result = evaluator.evaluate(record.case, as_of=as_of, edition=edition, source=record.source)
    rows: list[ItemRow] = []
    skipped: list[Skip] = []
    for number, request in enumerate(result.requests, start=1):
        actual = record.outcomes.get(request.id)
        if actual is None:
            skipped.append(Skip(source=f"{unit}#{request.id}", reason="the record gives no actual outcome for this request"))
            continue
        cited = record.reviewer_guidelines.get(request.id)
        rows.append(item_row(evaluator, result, number, request.requested_as, request, actual, cited,
                             parse_citations(cited)))
    return UnitResult(input=unit, items=tuple(rows), skipped=tuple(skipped))
