"""Derived facts: values computed from several case fields that criteria can name by path.

A derived fact is arithmetic over documented facts (the morphine-equivalent dose sums drugs times
doses times factors); it never compares with a threshold. Criteria read it as
`derived.<name>`, and durable-rules decides the comparison like any other leaf. `reads` lists the
case fields it is computed from, so tools that ask for documentation (questionnaires, checklists)
can ask for those instead of the derived value itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.models import Case, Request
from engine.operators import FactKind

DERIVED_ROOT = "derived"


@dataclass(frozen=True)
class Derivation:
    value: Any  # None when the fact cannot be computed from what is documented
    evidence: tuple[tuple[str, Any], ...]  # the parts it was computed from, as (label, value)


@dataclass(frozen=True)
class DerivedFact:
    name: str
    kind: FactKind
    description: str
    reads: tuple[str, ...]
    compute: Callable[[Case, Request, str | None], Derivation]  # (case, request, primary's prediction)
    # Which records of a collection it reads (the current opioids among the medications), so that a
    # questionnaire asks about those records and no others.
    record_filters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _morphine_equivalent(case: Case, request: Request, primary: str | None) -> Derivation:
    # Imported on a first opioid criterion: most starts judge no opioid (issue 14, a fast `check`).
    from engine.morphine import morphine_equivalent

    med = morphine_equivalent(case, request)
    return Derivation(med.total, (*med.evidence(), (f"{DERIVED_ROOT}.morphine_equivalent_mg_per_day", med.total)))


def _injury_year(case: Case, request: Request, primary: str | None) -> Derivation:
    # Statutes start on 1 January (Labor Code 4604.5: injuries on or after 2004-01-01), so the year
    # is the whole comparison; a date compared by year keeps thresholds plain numbers for durable.
    date = case.injury.date if case.injury is not None else None
    year = date.year if date is not None else None
    return Derivation(year, (("injury.date", date), (f"{DERIVED_ROOT}.injury_year", year)))


def _primary_necessary(case: Case, request: Request, primary: str | None) -> Derivation:
    # A companion the guidelines judge on its own terms (sedation) still needs its procedure to be
    # necessary: the primary's predicted outcome is one of its criteria. No primary: not documented.
    value = None if primary is None else primary == "overturn"
    return Derivation(value, (("request.companion_of", request.companion_of),
                              (f"{DERIVED_ROOT}.primary_procedure_necessary", value)))


DERIVED_FACTS: dict[str, DerivedFact] = {
    fact.name: fact
    for fact in (
        DerivedFact(
            name="morphine_equivalent_mg_per_day",
            kind="number",
            description="Oral morphine-equivalent mg a day of the current opioids, with the requested opioid in "
                        "place of the same drug (guideline_criteria/opioid_conversion.yaml)",
            reads=(
                "history.medications.name", "history.medications.drug", "history.medications.current",
                "history.medications.dose_mg", "history.medications.doses_per_day",
                "history.medications.dose_mcg_per_hour", "request.drug", "request.dose_mg",
                "request.doses_per_day", "request.dose_mcg_per_hour",
            ),
            compute=_morphine_equivalent,
            record_filters={"history.medications": {"treatment": "opioid"}},
        ),
        DerivedFact(
            name="injury_year",
            kind="number",
            description="The year of the date of injury (for rules that govern injuries from 1 January of a year)",
            reads=("injury.date",),
            compute=_injury_year,
        ),
        DerivedFact(
            name="primary_procedure_necessary",
            kind="bool",
            description="For a companion request (sedation): whether the procedure it serves is predicted medically "
                        "necessary; not documented when the request names no primary procedure",
            reads=("request.companion_of",),
            compute=_primary_necessary,
        ),
    )
}
