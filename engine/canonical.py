"""A case as the criteria read it: every treatment by its catalog id, every drug by its generic name,
`repeat` inferred. The evaluator canonicalizes each case it judges (the case as written stays with the
caller, for what the explanation quotes); the questionnaire and the web app read cases this way too.
"""

from __future__ import annotations

import functools
from typing import Any

from engine.catalog import TreatmentCatalog
from engine.drugs import canonical_drug, generic_of
from engine.errors import ImrcheckError
from engine.models import Case, History, Request
from engine.prescriptions import check_dose, completed_medication, completed_request
from engine.trusted import replaced


def canonicalize(case: Case, catalog: TreatmentCatalog, *, source: str | None = None) -> Case:
    """The same case with every treatment named by its catalog id, every drug the drug table knows by
    its generic name ("SOMA 350" → carisoprodol, so criteria compare one spelling), and `repeat`
    inferred. The case as written stays with the caller for what the explanation quotes."""
    history = case.history
    if history is not None and (history.injections or history.therapy_courses):
        history = replaced(
            history,
            injections=_canonical_records(history.injections, catalog, "history.injections", source),
            therapy_courses=_canonical_records(history.therapy_courses, catalog, "history.therapy_courses", source),
        )
    if history is not None and history.medications:
        meds = []
        for i, m in enumerate(history.medications):
            m = completed_medication(m)
            m = replaced(
                m,
                treatment=m.treatment if m.treatment is not None and m.treatment in catalog
                else _match_or_none(catalog, m.treatment or m.name),
                drug=_canonical_drug(m.drug, m.name),
            )
            check_dose(m.drug, m.dose_mg, f"history.medications[{i}].dose_mg", source)
            meds.append(m)
        history = replaced(history, medications=tuple(meds))
    requests = []
    for i, request in enumerate(case.requests):
        treatment = _resolve(catalog, request.treatment, source, f"requests[{i}].treatment")
        planned = request.planned_procedure
        if planned is not None:
            planned = _resolve(catalog, planned, source, f"requests[{i}].planned_procedure")
        repeat = _continues_medication(treatment, request, infer_repeat(treatment, request, history, catalog),
                                       history, catalog)
        # Only a medication's title names its drug: "lidocaine" in an injection's title is not a prescription.
        titled = request.treatment if catalog.get(treatment).category == "pharmaceutical" else None
        if titled is not None:
            request = completed_request(request)  # "Norco 10/325 #120, 1 q6h prn" into its fields
        ingredients = request.ingredients
        if ingredients is not None:
            ingredients = tuple(_generic_of(i) or i for i in ingredients)
        drug = _canonical_drug(request.drug, titled)
        check_dose(drug, request.dose_mg, f"requests[{i}].dose_mg", source)
        requests.append(replaced(request, treatment=treatment, repeat=repeat, planned_procedure=planned,
                                 ingredients=ingredients, drug=drug))
    return replaced(case, history=history, requests=tuple(requests))


def infer_repeat(treatment: str, request: Request, history: History | None, catalog: TreatmentCatalog) -> bool | None:
    """As stated, or for an injection whether the same injection was given before in the region."""
    if request.repeat is not None or catalog.get(treatment).category != "injection":
        return request.repeat
    priors = (history.injections if history is not None else None) or ()
    return any(
        p.treatment == treatment and (request.region is None or p.region in (None, request.region))
        for p in priors
    )


def _continues_medication(treatment: str, request: Request, repeat: bool | None, history: History | None,
                          catalog: TreatmentCatalog) -> bool | None:
    """For a medication: whether the worker still takes one of the same family (a continuation, judged
    by the ongoing-use criteria) rather than starting it. A medication the history lists as current is
    ongoing whatever `repeat` says (a form's default must not turn years of use into an initiation);
    only a request stated to be a new start is judged as one."""
    if catalog.get(treatment).category != "pharmaceutical":
        return repeat
    if request.new_start:
        return False
    meds = (history.medications if history is not None else None) or ()
    # Only a medication documented as current continues (one listed without saying is not evidence).
    if any(m.treatment == treatment and m.current is True for m in meds):
        return True
    return repeat


def _canonical_records(records: Any, catalog: TreatmentCatalog, where: str, source: str | None) -> Any:
    if records is None:
        return None
    return tuple(
        replaced(r, treatment=_resolve(catalog, r.treatment, source, f"{where}[{i}].treatment"))
        for i, r in enumerate(records)
    )


@functools.lru_cache(maxsize=4096)
def _match_or_none(catalog: TreatmentCatalog, name: str) -> str | None:
    match = catalog.match_title(name)
    return match.treatment_id if match else None


# canonicalize runs on every evaluation, and the names it looks up repeat from case to case: the
# catalog and the drug table are immutable once loaded, so their answers are kept (per catalog object).
_canonical_drug = functools.lru_cache(maxsize=4096)(canonical_drug)
_generic_of = functools.lru_cache(maxsize=4096)(generic_of)


@functools.lru_cache(maxsize=4096)
def _resolved_id(catalog: TreatmentCatalog, name: str) -> str:
    return catalog.resolve(name).id


def _resolve(catalog: TreatmentCatalog, name: str, source: str | None, field: str) -> str:
    try:
        return _resolved_id(catalog, name)
    except ImrcheckError:
        # Not kept: resolved again to raise with the case's file and field named.
        return catalog.resolve(name, source=_field(source, field)).id


def _field(source: str | None, field: str) -> str:
    return f"{source}: {field}" if source else field
