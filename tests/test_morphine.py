"""The morphine-equivalent dose: the conversion table, the arithmetic, and what makes it unknown."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalog import TreatmentCatalog
from engine.criteria.loader import load_set
from engine.derived import DERIVED_FACTS
from engine.errors import CriteriaLoadError
from engine.evaluate import canonicalize
from engine.models import Case
from engine.morphine import load_conversion_table, morphine_equivalent, parse_conversion_table
from engine.paths import PathError, resolve_path


def _med(case: dict[str, Any], catalog: TreatmentCatalog) -> float | None:
    canonical = canonicalize(Case.model_validate(case), catalog)
    return morphine_equivalent(canonical, canonical.requests[0]).total


def _case(meds: list[dict[str, Any]] | None, request: dict[str, Any] | None = None) -> dict[str, Any]:
    history = {} if meds is None else {"medications": meds}
    return {"history": history, "requests": [request or {"id": "r1", "treatment": "muscle relaxant"}]}


@pytest.mark.parametrize(
    ("name", "drug", "factor", "confidence"),
    [
        ("Norco 10/325", "hydrocodone", 1, "Q"),
        ("Percocet", "oxycodone", 1.5, "Q"),
        ("OxyContin 20 mg ER", "oxycodone", 1.5, "Q"),
        ("MS Contin", "morphine", 1, "Q"),
        ("Dilaudid", "hydromorphone", 4, "Q"),
        ("Opana ER", "oxymorphone", 3, "Q"),
        ("Tylenol #3", "codeine", 0.15, "Q"),
        ("Ultram 50 mg", "tramadol", 0.1, "Q"),
        ("Ultracet", "tramadol", 0.1, "Q"),
        ("Nucynta", "tapentadol", 0.4, "Q"),
        ("Duragesic 25 mcg/h", "fentanyl", 2.4, "Q"),
        ("Butrans", "buprenorphine", None, "U"),
    ],
)
def test_names_find_their_drug_and_factor(name: str, drug: str, factor: float | None, confidence: str) -> None:
    entry = load_conversion_table().find(name)
    assert entry is not None
    assert (entry.drug, entry.factor, entry.confidence) == (drug, factor, confidence)


def test_methadone_factor_rises_with_the_daily_dose_and_ends_above_80() -> None:
    methadone = load_conversion_table().find("methadone")
    assert methadone is not None
    assert [methadone.factor_for(d) for d in (10, 20, 21, 40, 60, 80, 81)] == [4, 4, 8, 8, 10, 12, None]


def test_doses_are_summed_over_current_opioids_and_the_request(catalog: TreatmentCatalog) -> None:
    case = _case(
        [
            {"name": "Norco 10/325", "current": True, "dose_mg": 10, "doses_per_day": 4},  # 40
            {"name": "OxyContin", "current": True, "dose_mg": 20, "doses_per_day": 2},  # 60
            {"name": "Percocet", "current": False},  # stopped: not counted, dose not needed
            {"name": "naproxen 550 mg", "current": True},  # not an opioid
            {"name": "Duragesic", "current": True, "dose_mcg_per_hour": 25},  # 60
        ],
        {"id": "r1", "treatment": "Ultram", "drug": "tramadol", "dose_mg": 50, "doses_per_day": 4},  # 20
    )
    assert _med(case, catalog) == 180


def test_the_requested_opioid_takes_the_place_of_the_same_drug(catalog: TreatmentCatalog) -> None:
    meds = [{"name": "Norco", "dose_mg": 10, "doses_per_day": 6}]  # not said to be current: replaced anyway
    request = {"id": "r1", "treatment": "Norco 10/325", "drug": "hydrocodone", "dose_mg": 10, "doses_per_day": 4}
    assert _med(_case(meds, request), catalog) == 40


def test_methadone_uses_its_tier(catalog: TreatmentCatalog) -> None:
    request = {"id": "r1", "treatment": "methadone", "drug": "methadone", "dose_mg": 10, "doses_per_day": 3}
    assert _med(_case([], request), catalog) == 240  # 30 mg a day x 8


@pytest.mark.parametrize(
    ("meds", "request_fields", "why"),
    [
        (None, {"drug": "oxycodone", "dose_mg": 5, "doses_per_day": 4}, "medication list not documented"),
        ([], {"dose_mg": 5, "doses_per_day": 4}, "drug not named"),
        ([], {"drug": "oxycodone", "dose_mg": 5}, "doses per day not documented"),
        ([], {"drug": "oxycodone", "doses_per_day": 4}, "dose in mg not documented"),
        ([], {"drug": "kratom", "dose_mg": 5, "doses_per_day": 4}, "no conversion factor for 'kratom'"),
        ([], {"drug": "Butrans", "dose_mcg_per_hour": 10}, "buprenorphine: no conversion factor"),
        ([], {"drug": "fentanyl patch", "dose_mg": 25, "doses_per_day": 1}, "patch strength in mcg per hour"),
        ([], {"drug": "methadone", "dose_mg": 30, "doses_per_day": 3}, "no conversion factor at 90 a day"),
        ([{"name": "Dilaudid 2 mg", "dose_mg": 2, "doses_per_day": 4}], {"drug": "oxycodone", "dose_mg": 5,
                                                                         "doses_per_day": 4},
         "whether it is still taken is not documented"),
        ([{"name": "pain pill", "treatment": "opioid", "current": True}], {"drug": "oxycodone", "dose_mg": 5,
                                                                           "doses_per_day": 4},
         "no conversion factor for 'pain pill'"),
    ],
)
def test_what_is_not_documented_makes_the_total_missing_not_zero(
    catalog: TreatmentCatalog, meds: list[dict[str, Any]] | None, request_fields: dict[str, Any], why: str
) -> None:
    case = Case.model_validate(_case(meds, {"id": "r1", "treatment": "opioid", **request_fields}))
    canonical = canonicalize(case, catalog)
    result = morphine_equivalent(canonical, canonical.requests[0])
    assert result.total is None
    assert any(why in detail for detail, _ in result.evidence()), result.evidence()


opioid_names = st.sampled_from(["Norco", "Percocet", "MS Contin", "Dilaudid", "Opana", "Tylenol #3", "Ultram",
                                "Nucynta", "methadone"])


@st.composite
def opioid_meds(draw: st.DrawFn) -> dict[str, Any]:
    return {"name": draw(opioid_names), "current": True,
            "dose_mg": draw(st.one_of(st.none(), st.integers(1, 60))),
            "doses_per_day": draw(st.one_of(st.none(), st.integers(1, 6)))}


requests = st.one_of(
    st.just({"id": "r1", "treatment": "muscle relaxant"}),
    st.builds(lambda drug, dose: {"id": "r1", "treatment": "opioid", "drug": drug, "dose_mg": dose, "doses_per_day": 3},
              opioid_names, st.integers(1, 30)),
)


@settings(max_examples=150, deadline=None)
@given(meds=st.lists(opioid_meds(), max_size=4), extra=opioid_meds(), at=st.integers(0, 4), request=requests)
def test_adding_an_opioid_never_lowers_the_total(meds: list[dict[str, Any]], extra: dict[str, Any], at: int,
                                                 request: dict[str, Any]) -> None:
    """Adding an opioid to the regimen: a known total never falls, and an unknown one stays unknown."""
    # Medication names resolve through the drug table alone (no canonicalize); the request is named by catalog id.
    before_case = Case.model_validate(_case(meds, request))
    after_case = Case.model_validate(_case([*meds[:at], extra, *meds[at:]], request))
    before = morphine_equivalent(before_case, before_case.requests[0]).total
    after = morphine_equivalent(after_case, after_case.requests[0]).total
    if before is None:
        assert after is None
    elif after is not None:
        assert after >= before


def test_the_derived_path_loads_in_criteria_and_typos_get_a_hint(catalog: TreatmentCatalog) -> None:
    assert resolve_path("derived.morphine_equivalent_mg_per_day").leaf is not None
    with pytest.raises(PathError, match=re.escape("did you mean: derived.morphine_equivalent_mg_per_day")):
        resolve_path("derived.morphine_equivalent")
    text = """\
id: med_probe
title: probe
source: ODG
document: probe
edition: odg
effective_from: 2009-07-18
citation: {section: probe}
topic: probe
applies_to: {treatments: [opioid]}
confidence: U
summary: probe
criteria:
  - id: c
    title: c
    when: {op: lte, path: derived.morphine_equivalent_mg_per_day, select: {pick: max}, value: 120, ask: "the doses"}
    messages: {met: a, unmet: b, missing: c}
"""
    with pytest.raises(CriteriaLoadError, match="is not a collection; remove 'select'"):
        load_set(text, source="med_probe.yaml", stem="med_probe", catalog=catalog)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source: s\ndrugs: [{drug: a, basis: mg, factor: 1, confidence: Q},"
         " {drug: a, basis: mg, factor: 2, confidence: Q}]", "drugs listed twice: a"),
        ("source: s\ndrugs: [{drug: a, basis: mg, factor: 1, confidence: Q,"
         " tiers: [{up_to_mg_per_day: 20, factor: 4}]}]", "either factor or tiers"),
        ("source: s\ndrugs: [{drug: a, basis: mg, confidence: Q,"
         " tiers: [{up_to_mg_per_day: 40, factor: 4}, {up_to_mg_per_day: 20, factor: 8}]}]", "tiers must rise"),
        ("source: s\ndrugs: [{drug: a, basis: mg, factor: -1, confidence: Q}]", "greater than 0"),
        ("source: s\ndrugs: [{drug: a, basis: mg, factor: 1, confidence: Q, names: [x]}]", "names: Extra inputs"),
    ],
)
def test_a_bad_conversion_table_is_a_load_error(text: str, message: str) -> None:
    with pytest.raises(CriteriaLoadError, match=message):
        parse_conversion_table(text, source="table.yaml")


@pytest.mark.parametrize("name", sorted(DERIVED_FACTS))
def test_every_field_a_derived_fact_reads_is_a_case_field(name: str) -> None:
    """Questionnaires ask for these fields instead of the derived value; they must stay real paths."""
    fact = DERIVED_FACTS[name]
    assert fact.reads
    for path in fact.reads:
        resolved = resolve_path(path)
        assert resolved.root in ("case", "request") and resolved.leaf is not None, path
