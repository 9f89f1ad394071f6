"""A medication as a case file states it: free text read into its parts, and doses checked against
what the drug can be.

"Norco 10/325 #120, 1 q6h prn" in a request's `treatment` (or a medication's `name`) says the drug,
its strength, the doses a day and the quantity; the extractor reads letter titles with the same
reader (`engine.prescription_text.drug_fields`), so a case typed by hand and one read from a letter
say the same thing. What the case states outright wins over what the text implies.

A combination product's dose is its opioid's strength (Norco 10/325 is 10 mg hydrocodone); a dose
larger than any dose of the drug (325 mg of hydrocodone is the acetaminophen) is refused with the
field named, because it would multiply into a morphine equivalent thirty times too high.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from engine.drugs import load_drug_table
from engine.errors import CaseValidationError
from engine.models import Medication, Request

# The fields the text may fill on a request, and on a medication record (which has no quantity).
_REQUEST_FIELDS = ("drug", "dose_mg", "doses_per_day", "quantity", "duration_weeks")
_MEDICATION_FIELDS = ("drug", "dose_mg", "doses_per_day")


@functools.lru_cache(maxsize=4096)  # every case is canonicalized on every evaluation; titles repeat
def read_text(text: str) -> Mapping[str, Any]:
    """The prescription's parts found in `text` (read-only: the answer is shared): empty when it names
    no drug the table knows."""
    mention = load_drug_table().find(text)
    if mention is None:
        return MappingProxyType({})
    # Imported on a first drug named: its patterns are a visible part of a start (issue 14).
    from engine.prescription_text import drug_fields

    return MappingProxyType(drug_fields(text, text[mention.start:mention.end]))


def completed_request(request: Request) -> Request:
    """The request with what its free text says filled into the fields it leaves empty."""
    read = read_text(request.treatment)
    update = {k: read[k] for k in _REQUEST_FIELDS if k in read and getattr(request, k) is None}
    return request.model_copy(update=update) if update else request


def completed_medication(medication: Medication) -> Medication:
    read = read_text(medication.name)
    update = {k: read[k] for k in _MEDICATION_FIELDS if k in read and getattr(medication, k) is None}
    return medication.model_copy(update=update) if update else medication


def check_dose(drug: str | None, dose_mg: float | None, field: str, source: str | None) -> None:
    """Refuses a dose no product of the drug holds, naming the field (never the value, which is case
    content)."""
    known = load_drug_table().get(drug) if drug is not None else None
    if known is None or known.max_dose_mg is None or dose_mg is None or dose_mg <= known.max_dose_mg:
        return
    message = (f"{field}: more than one dose of {known.generic} can hold (at most {known.max_dose_mg:g} mg); "
               f"a combination product's dose is its opioid's strength (Norco 10/325: dose_mg 10)")
    raise CaseValidationError(message, source=source, problems=[message])
