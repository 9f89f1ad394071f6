"""The rest of a request utilization review certified in part: read from the letter's item, and
upheld by the decision rules whatever its criteria (the response to the certified part cannot be on
record yet), while its strict verdict and checklist stay the criteria's own."""

from __future__ import annotations

import datetime as dt

from engine.evaluate import Evaluator
from engine.extract import extract_case
from engine.models import Case
from engine.scoring.fit import Example, predicted_overturn

# Written for this project: a first course of therapy whose every criterion is met on the records.
FIRST_COURSE = {
    "request_date": "2016-12-01",
    "injury": {"date": "2016-10-01"},
    "diagnoses": [{"text": "lumbar strain", "region": "lumbar", "group": "sprain_strain"}],
    "history": {"therapy_courses": []},
    "requests": [{"id": "r1", "treatment": "physical therapy", "region": "lumbar", "visits": 6, "repeat": False}],
}


def _judge(evaluator: Evaluator, certified: str | None) -> tuple[str, str, str, str]:
    payload = {**FIRST_COURSE, "requests": [{**FIRST_COURSE["requests"][0], "ur_certified": certified}]}
    request = evaluator.evaluate(Case.model_validate(payload), as_of=dt.date(2016, 12, 1)).requests[0]
    return request.prediction, request.verdict, request.basis, request.rationale


def test_the_rest_of_a_partly_certified_request_is_upheld_even_when_its_criteria_are_met(evaluator: Evaluator) -> None:
    whole = _judge(evaluator, None)
    rest = _judge(evaluator, "4 of the 10 visits requested")
    assert whole[:3] == ("overturn", "overturn", "criteria")
    assert rest[:3] == ("uphold", "overturn", "criteria")
    assert rest[3].startswith("Utilization review certified part of this request (4 of the 10 visits requested)")


def test_the_extractor_records_what_ur_certified_of_the_same_treatment_only() -> None:
    case = extract_case(
        "The worker strained his low back lifting boxes and has had no treatment yet.",
        ["Two physical therapy sessions for the lumbar", "Carpal tunnel release"],
        certified=["Six physical therapy sessions for the lumbar", "Open reduction internal fixation of the radius"],
    ).case
    assert [r.ur_certified for r in case.requests] == ["Six physical therapy sessions for the lumbar", None]


def test_the_fit_decides_a_partly_certified_item_as_the_rules_do() -> None:
    met = Example(dataset="d", group="g", category="rehabilitation", covered=True,
                  findings=(("s/c", "met"),), overturned=0, strictly_met=True)
    assert predicted_overturn(met, 0.9, 0.2) is True
    rest = Example(dataset="d", group="g", category="rehabilitation", covered=True,
                   findings=(("s/c", "met"),), overturned=0, strictly_met=True, partly_certified=True)
    assert predicted_overturn(rest, 0.9, 0.2) is False
