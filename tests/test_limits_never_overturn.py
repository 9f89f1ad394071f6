"""Issue 13, point 1: a set that only limits (the statutory visit cap) can never be the sole set
behind an overturn; a request with no clinical set in force is judged by the nearest clinical
edition, said in every output format."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import yaml

from cli_support import only_result, run_cli
from criteria_support import all_cases
from engine.catalog import TreatmentCatalog
from engine.criteria.pack import CriteriaPack
from engine.evaluate import Evaluator
from engine.models import Case

CASES = all_cases()


def test_the_bundled_pack_marks_its_limits(pack: CriteriaPack) -> None:
    limits = sorted(cs.id for cs in pack.sets.values() if cs.kind == "limit")
    assert limits == ["mtus_2009_statutory_visit_cap"]


def test_limits_alone_never_overturn(pack: CriteriaPack, catalog: TreatmentCatalog) -> None:
    """With only the limit sets loaded, every criteria case (including those meeting every limit) is
    predicted without an overturn: meeting a cap is not medical necessity."""
    only_limits = CriteriaPack(sets={i: cs for i, cs in pack.sets.items() if cs.kind == "limit"})
    evaluator = Evaluator(only_limits, catalog)
    limit_cases = [c for c in CASES if c.set_id in only_limits.sets]
    assert any(c.kind == "met" for c in limit_cases)  # the cases below include ones that meet the cap
    for c in limit_cases:
        for request in evaluator.evaluate(c.case, as_of=c.as_of).requests:
            assert request.prediction == "uphold", c.test_id
            assert request.basis in ("criteria", "no_criteria"), c.test_id


def test_every_overturn_in_the_criteria_cases_has_a_clinical_set(evaluator: Evaluator, pack: CriteriaPack) -> None:
    overturns = 0
    for c in CASES:
        for request in evaluator.evaluate(c.case, as_of=c.as_of).requests:
            if request.prediction == "overturn" and request.basis == "criteria":
                overturns += 1
                applied = [u.criteria_set for u in request.criteria_sets if u.applied]
                assert any(pack.get(s).kind == "clinical" for s in applied), (c.test_id, applied)
    assert overturns > 20


def _knee(treatment: str, when: str) -> dict[str, object]:
    return {"case_id": "knee", "request_date": when, "injury": {"date": "2018-06-01"},
            "diagnoses": [{"text": "knee sprain", "group": "sprain_strain", "region": "knee"}],
            "history": {"therapy_courses": []},
            "requests": [{"id": "r1", "treatment": treatment, "region": "knee", "visits": 20}]}


@pytest.mark.parametrize(("treatment", "reason"), [
    ("physical therapy", "exceeds the guideline's course of about 10 visits"),
    ("chiropractic manipulation", "Manipulation is not recommended for this region"),
])
def test_2019_knee_requests_upheld_with_the_clinical_reason_in_every_format(
        tmp_path: Path, treatment: str, reason: str) -> None:
    path = tmp_path / "knee.yaml"
    path.write_text(yaml.safe_dump(_knee(treatment, "2019-03-04")))
    report = only_result(run_cli("check", str(path), "--format", "json", expect=1).stdout)
    request = report["requests"][0]
    assert (request["prediction"], request["basis"]) == ("uphold", "criteria")
    assert reason in request["rationale"]
    outside = [u for u in request["criteria_sets"] if u["applied"] and u["reason"].startswith("applied outside its dates")]
    assert len(outside) == 1 and outside[0]["criteria_set"].startswith("mtus_2009_")
    assert all("applied outside its dates" in f["message"] for f in request["findings"]
               if f["criteria_set"] == outside[0]["criteria_set"])
    for command, fmt in (("check", "table"), ("check", "markdown"), ("check", "html"), ("missing", "text"),
                         ("missing", "markdown"), ("missing", "html")):
        text = run_cli(command, str(path), "--format", fmt, expect=1).stdout
        assert "applied outside its dates" in " ".join(text.split()), (command, fmt)
    checklist = only_result(run_cli("missing", str(path), "--format", "json", expect=1).stdout)
    assert checklist["requests"][0]["applied_outside_dates"] == [outside[0]["criteria_set"]]
    [row] = csv.DictReader(io.StringIO(run_cli("check", str(path), "--format", "csv", expect=1).stdout))
    assert row["applied_outside_dates"] == outside[0]["criteria_set"]


def test_the_same_knee_request_in_2015_uses_the_edition_in_force(evaluator: Evaluator) -> None:
    case = Case.model_validate(_knee("physical therapy", "2015-03-04"))
    request = evaluator.evaluate(case, as_of=dt.date(2015, 3, 4)).requests[0]
    reasons = {u.criteria_set: u.reason for u in request.criteria_sets if u.applied}
    assert reasons == {"mtus_2009_physical_medicine": "applied", "mtus_2009_statutory_visit_cap": "applied"}
    assert "outside its dates" not in request.rationale
