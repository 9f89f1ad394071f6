"""The morphine-equivalent dose (MED) of a worker's opioid regimen, computed from drugs and doses.

The MED is a derived fact, not a decision: this module multiplies each opioid's daily dose by its
conversion factor (guideline_criteria/opioid_conversion.yaml) and sums the products. Comparing the
total with a ceiling is the criteria's job, done by durable-rules like every other threshold. The
conversion table is keyed by generic name; which generic a label such as "Norco 10/325" stands for is
the drug table's answer (engine/drugs.py), not this module's.

The regimen is what the worker would take if the request were approved: every current opioid in
the medication history, with the requested opioid in place of any current entry of the same drug
(a refill or a dose change is not a second prescription). Whatever part cannot be computed (a drug
not named, a dose or frequency not documented, a drug with no factor, a medication not known to be
current or stopped) makes the total unknown: a missing fact, never zero.
"""

# No `from __future__ import annotations` (a faster start: see engine/models.py).

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.drugs import generic_of
from engine.models import Case, Medication, Request
from engine.resources import load_bundled_table, parse_table

CONVERSION_FILE = "opioid_conversion.yaml"
OPIOID = "opioid"  # the catalog id of the opioid family
Confidence = Literal["C", "Q", "U"]
Positive = Annotated[float, Field(gt=0)]


class _Table(BaseModel):
    # Read from the installation's cache (a pickle), the table needs no validator: it is built on a first parse only.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Tier(_Table):
    up_to_mg_per_day: Positive
    factor: Positive


class DrugFactor(_Table):
    """One opioid: how its daily dose is measured and the factor that turns it into oral morphine mg."""

    drug: str = Field(description="The generic name, as the drug table (drugs.yaml) gives it")
    basis: Literal["mg", "mcg_per_hour"]
    factor: Positive | None = None
    tiers: tuple[Tier, ...] = ()
    confidence: Confidence
    note: str | None = None

    @model_validator(mode="after")
    def _one_kind_of_factor(self) -> "DrugFactor":
        if self.factor is not None and self.tiers:
            raise ValueError(f"{self.drug}: give either factor or tiers, not both")
        bounds = [t.up_to_mg_per_day for t in self.tiers]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            raise ValueError(f"{self.drug}: tiers must rise")
        return self

    def factor_for(self, daily: float) -> float | None:
        if not self.tiers:
            return self.factor
        return next((t.factor for t in self.tiers if daily <= t.up_to_mg_per_day), None)


class ConversionTable(_Table):
    source: str
    source_urls: tuple[str, ...] = ()
    drugs: tuple[DrugFactor, ...]

    @model_validator(mode="after")
    def _each_drug_once(self) -> "ConversionTable":
        drugs = [d.drug for d in self.drugs]
        twice = sorted({d for d in drugs if drugs.count(d) > 1})
        if twice:
            raise ValueError(f"drugs listed twice: {', '.join(twice)}")
        return self

    @functools.cached_property
    def _by_drug(self) -> dict[str, DrugFactor]:
        return {d.drug: d for d in self.drugs}

    def find(self, text: str | None) -> DrugFactor | None:
        """The opioid a name or label such as 'Norco 10/325 mg' refers to, if the table has its factor."""
        generic = generic_of(text)
        return self._by_drug.get(generic) if generic is not None else None


@dataclass(frozen=True)
class Part:
    """One opioid's contribution: its label, the daily morphine mg (None when it cannot be computed), and why."""

    label: str
    med: float | None
    detail: str


@dataclass(frozen=True)
class MorphineEquivalent:
    total: float | None  # oral morphine mg per day; None when any part is unknown
    parts: tuple[Part, ...]

    def evidence(self) -> tuple[tuple[str, Any], ...]:
        return tuple((f"{p.label} ({p.detail})", p.med) for p in self.parts)


def parse_conversion_table(text: str, *, source: str) -> ConversionTable:
    return parse_table(ConversionTable, text, source=source)


@functools.cache
def load_conversion_table() -> ConversionTable:
    """The bundled table, read once per process (it is immutable)."""
    return load_bundled_table(ConversionTable, CONVERSION_FILE)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _dose_part(label: str, entry: DrugFactor | None, named: str | None, dose_mg: float | None,
               doses_per_day: float | None, mcg_per_hour: float | None) -> Part:
    if entry is None:
        return Part(label, None, f"no conversion factor for {named!r}" if named else "drug not named")
    if entry.basis == "mcg_per_hour":
        if mcg_per_hour is None:
            return Part(label, None, f"{entry.drug}: patch strength in mcg per hour not documented")
        daily, shown = mcg_per_hour, f"{_number(mcg_per_hour)} mcg/h"
    else:
        if dose_mg is None or doses_per_day is None:
            lacking = " and ".join(n for n, v in (("dose in mg", dose_mg), ("doses per day", doses_per_day)) if v is None)
            return Part(label, None, f"{entry.drug}: {lacking} not documented")
        daily, shown = dose_mg * doses_per_day, f"{_number(dose_mg)} mg x {_number(doses_per_day)} a day"
    factor = entry.factor_for(daily)
    if factor is None:
        return Part(label, None, f"{entry.drug}: no conversion factor at {_number(daily)} a day")
    return Part(label, round(daily * factor, 2), f"{entry.drug} {shown} x {_number(factor)}")


def _is_opioid(medication: Medication, table: ConversionTable) -> bool:
    return medication.treatment == OPIOID or table.find(medication.drug or medication.name) is not None


def regimen_parts(medications: Iterable[Medication], request: Request, table: ConversionTable) -> tuple[Part, ...]:
    requests_opioid = request.treatment == OPIOID
    requested = table.find(request.drug) if requests_opioid else None
    parts: list[Part] = []
    for i, med in enumerate(medications):
        if not _is_opioid(med, table) or med.current is False:
            continue
        label = f"history.medications[{i}] {med.name}"
        entry = table.find(med.drug or med.name)
        if requested is not None and entry == requested:
            parts.append(Part(label, 0, "replaced by the requested dose"))
        elif med.current is None:
            parts.append(Part(label, None, "whether it is still taken is not documented"))
        else:
            parts.append(_dose_part(label, entry, med.drug or med.name, med.dose_mg, med.doses_per_day,
                                    med.dose_mcg_per_hour))
    if requests_opioid:
        parts.append(_dose_part("request", requested, request.drug, request.dose_mg, request.doses_per_day,
                                request.dose_mcg_per_hour))
    return tuple(parts)


def morphine_equivalent(case: Case, request: Request, table: ConversionTable | None = None) -> MorphineEquivalent:
    """The MED of the regimen the worker would be on if `request` were approved (see the module docstring)."""
    table = table or load_conversion_table()
    medications = case.history.medications if case.history is not None else None
    if medications is None:
        # Without a medication list the other opioids the worker takes are unknown.
        return MorphineEquivalent(None, (Part("history.medications", None, "medication list not documented"),))
    parts = regimen_parts(medications, request, table)
    known = [p.med for p in parts if p.med is not None]
    total = round(sum(known), 2) if len(known) == len(parts) else None
    return MorphineEquivalent(total, parts)
