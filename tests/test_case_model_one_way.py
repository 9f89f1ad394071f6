"""Issue 13, point 2: the case model says one thing one way. One place for urine drug screens; a
combination product's dose is its opioid's strength, an impossible dose is refused naming the field;
free-text drug requests are read into their parts by the extractor's reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_support import run_cli
from engine.case_io import validate_case
from engine.catalog import TreatmentCatalog
from engine.errors import CaseValidationError
from engine.evaluate import Evaluator, canonicalize
from engine.extract import extract_case
from engine.models import Case


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(("text", "parts"), [
    ("Norco 10/325 #120, 1 q6h prn", {"drug": "hydrocodone", "dose_mg": 10.0, "doses_per_day": 4.0, "quantity": 120}),
    ("Norco 10/325 #120, 1 tab every 6 hours", {"drug": "hydrocodone", "dose_mg": 10.0, "doses_per_day": 4.0,
                                                "quantity": 120}),
    ("Percocet 5/325 mg 1 PO TID #90", {"drug": "oxycodone", "dose_mg": 5.0, "doses_per_day": 3.0, "quantity": 90}),
    ("Norco 7.5-325mg #112", {"drug": "hydrocodone", "dose_mg": 7.5, "doses_per_day": None, "quantity": 112}),
    ("tramadol 50 mg BID", {"drug": "tramadol", "dose_mg": 50.0, "doses_per_day": 2.0, "quantity": None}),
])
def test_free_text_requests_are_read_like_letter_titles(catalog: TreatmentCatalog, text: str,
                                                         parts: dict[str, Any]) -> None:
    case = Case.model_validate({"requests": [{"id": "r", "treatment": text}]})
    request = canonicalize(case, catalog).requests[0]
    assert {k: getattr(request, k) for k in parts} == parts
    # The same reader as the extractor's: a letter title gives the same parts.
    extracted = extract_case("The worker has low back pain.", [text]).case.requests[0]
    assert {k: getattr(extracted, k) for k in parts} == parts


def test_stated_fields_win_over_the_text(catalog: TreatmentCatalog) -> None:
    case = Case.model_validate({"requests": [{"id": "r", "treatment": "Norco 10/325 #120, 1 q6h prn",
                                              "doses_per_day": 2}]})
    request = canonicalize(case, catalog).requests[0]
    assert (request.dose_mg, request.doses_per_day, request.quantity) == (10.0, 2.0, 120)


def test_the_free_text_dose_reaches_the_morphine_equivalent(evaluator: Evaluator) -> None:
    case = Case.model_validate({
        "request_date": "2015-06-01",
        "history": {"medications": [{"name": "Norco 10/325", "current": True}]},
        "requests": [{"id": "r", "treatment": "Norco 10/325 #120, 1 q6h prn"}],
    })
    request = evaluator.evaluate(case).requests[0]
    ceiling = next(f for f in request.findings if f.criterion == "dose_within_ceiling")
    assert ceiling.status == "met"
    assert ceiling.leaves[0].observed == 40  # 10 mg x 4 a day x factor 1


@pytest.mark.parametrize(("where", "data"), [
    ("requests → item 1 → dose_mg",
     {"requests": [{"id": "r", "treatment": "Norco", "drug": "hydrocodone", "dose_mg": 500, "doses_per_day": 4}]}),
    ("history → medications → item 2 → dose_mg",
     {"history": {"medications": [{"name": "naproxen 500 mg", "dose_mg": 500},
                                  {"name": "Percocet", "dose_mg": 500, "current": True}]},
      "requests": [{"id": "r", "treatment": "Percocet"}]}),
])
def test_a_dose_the_opioid_cannot_have_is_refused_naming_the_field(tmp_path: Path, where: str,
                                                                   data: dict[str, Any]) -> None:
    path = _write(tmp_path, {"request_date": "2015-06-01", **data})
    for command in ("check", "missing"):
        run = run_cli(command, str(path), expect=2)
        assert str(path) in run.stderr and where in run.stderr, run.stderr
        assert "combination product's dose is its opioid's strength" in run.stderr
        assert "500" not in run.stderr  # the value is case content


def test_a_combination_products_opioid_strength_is_accepted(evaluator: Evaluator) -> None:
    case = Case.model_validate({"request_date": "2015-06-01", "requests": [
        {"id": "r", "treatment": "Norco 10/325", "drug": "hydrocodone", "dose_mg": 10, "doses_per_day": 4}]})
    assert evaluator.evaluate(case).requests[0].treatment == "opioid"


def test_urine_screens_have_one_place(tmp_path: Path) -> None:
    legacy = {"history": {"medications": [{"name": "Norco", "current": True,
                                           "monitoring": {"urine_drug_screen_consistent": True}}]},
              "requests": [{"id": "r", "treatment": "Norco"}]}
    with pytest.raises(CaseValidationError, match=r"history\.urine_drug_screens"):
        validate_case(legacy, source="c.yaml")
    run = run_cli("check", str(_write(tmp_path, legacy)), expect=2)
    assert "monitoring" in run.stderr and "urine_drug_screen_consistent" in run.stderr
    assert "history.urine_drug_screens" in run.stderr


def test_ongoing_norco_2019_is_judged_as_ongoing_in_the_cli(tmp_path: Path) -> None:
    """Norco taken since 2013, all monitoring documented, a consistent screen in one place,
    `repeat: false` as a form writes it: judged by the ongoing criteria and overturned."""
    path = _write(tmp_path, {
        "request_date": "2019-06-01", "work_status": "modified_duty",
        "history": {
            "urine_drug_screens": [{"date": "2019-03-01", "consistent": True}],
            "medications": [{
                "name": "Norco 10/325", "current": True, "start_date": "2013-02-01", "date": "2019-05-01",
                "monitoring": {"analgesia_documented": True, "activities_of_daily_living_documented": True,
                               "adverse_effects_documented": True, "aberrant_behavior_assessed": True,
                               "aberrant_behavior_found": False, "cures_checked": True,
                               "improved_function": True, "improved_pain": True},
            }],
        },
        "requests": [{"id": "norco", "treatment": "Norco 10/325 #120, 1 q6h prn", "repeat": False}],
    })
    report = json.loads(run_cli("check", str(path), "--format", "json", expect=0).stdout)
    request = report["requests"][0]
    assert [u["criteria_set"] for u in request["criteria_sets"] if u["applied"]] == ["mtus_2017_opioids_ongoing"]
    assert request["prediction"] == "overturn"


def test_new_writes_no_repeat_default_that_could_contradict_the_history() -> None:
    first = run_cli("new", "-t", "Norco", "--date", "2019-06-01", expect=0).stdout
    assert "repeat:" not in first
    again = run_cli("new", "-t", "Norco", "--date", "2019-06-01", "--repeat", expect=0).stdout
    assert "repeat: true" in again
