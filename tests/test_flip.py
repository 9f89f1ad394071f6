"""What would flip it: `to_overturn` names the fewest facts that would turn an upheld request around."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from engine.derived import DERIVED_FACTS, DERIVED_ROOT
from engine.evaluate import Evaluator
from engine.models import Case
from engine.questionnaire import QuestionnaireRequest, build_questionnaire, case_from_answers
from engine.report import render_markdown
from engine.results import FlipHint, RequestResult, to_contract

AS_OF = dt.date(2015, 3, 1)


def _judge(evaluator: Evaluator, case: dict[str, Any]) -> tuple[RequestResult, ...]:
    return evaluator.evaluate(Case.model_validate(case), as_of=AS_OF).requests


def _repeat_esi(**injection: Any) -> dict[str, Any]:
    prior = {"treatment": "ESI", "region": "lumbar", "date": "2014-10-01", **injection}
    return {"history": {"injections": [prior]}, "requests": [{"id": "esi", "treatment": "ESI", "region": "lumbar"},
                                                              {"id": "fluoro", "treatment": "fluoroscopy"}]}


def test_relief_short_of_the_threshold_says_what_is_needed(evaluator: Evaluator) -> None:
    esi, fluoro = _judge(evaluator, _repeat_esi(relief_pct=40, relief_weeks=8, medication_reduction=True,
                                                functional_improvement=True))
    assert esi.verdict == "uphold"
    (hint,) = esi.to_overturn
    assert (hint.kind, hint.path, hint.observed, hint.needed) == ("threshold", "history.injections.relief_pct", 40,
                                                                   "50% or more")
    assert hint.message.endswith("documented 40%; 50% or more needed")
    assert (hint.criteria_set, hint.criterion, hint.example) == ("mtus_2009_esi_repeat", "prior_relief_percent", 50)
    assert fluoro.basis == "companion" and fluoro.to_overturn == esi.to_overturn  # the primary is what to fix


def test_an_undocumented_visit_count_is_a_document_hint(evaluator: Evaluator) -> None:
    (pt,) = _judge(evaluator, {
        "history": {"therapy_courses": [{"treatment": "PT", "region": "lumbar", "functional_improvement": True}]},
        "requests": [{"id": "pt", "treatment": "physical therapy", "region": "lumbar", "visits": 6,
                      "postsurgical": False}],
    })
    assert pt.verdict == "uphold"
    documents = {h.criterion: h for h in pt.to_overturn if h.kind == "document"}
    prior = documents["prior_visits_documented"]
    assert prior.message == "document the number of physical therapy visits already completed for this region"
    assert prior.observed is None and prior.path == "history.therapy_courses.visits"
    assert all(h.kind == "document" for h in pt.to_overturn)


def test_one_alternative_of_an_any_is_enough(evaluator: Evaluator) -> None:
    """visits <= 10, or CRPS and visits <= 24: one hint, the missing diagnosis before the threshold."""
    (pt,) = _judge(evaluator, {
        "history": {"therapy_courses": [{"treatment": "PT", "region": "lumbar", "visits": 0}]},
        "requests": [{"id": "pt", "treatment": "physical therapy", "region": "lumbar", "visits": 12,
                      "postsurgical": False, "exceptional_factors": "flare after surgery"}],
    })
    limit = [h for h in pt.to_overturn if h.criterion == "visit_limit"]
    assert len(limit) == 1 and limit[0].kind == "document" and limit[0].path == "diagnoses"
    (capped,) = _judge(evaluator, {
        "diagnoses": [{"text": "lumbar strain", "group": "sprain_strain"}],
        "history": {"therapy_courses": [{"treatment": "PT", "region": "lumbar", "visits": 0}]},
        "requests": [{"id": "pt", "treatment": "physical therapy", "region": "lumbar", "visits": 12,
                      "postsurgical": False, "exceptional_factors": "flare after surgery"}],
    })
    limit = [h for h in capped.to_overturn if h.criterion == "visit_limit"]
    assert len(limit) == 1 and limit[0].kind == "threshold"
    assert limit[0].message == "visits requested 12; 10 or less needed"


def test_an_overturned_request_has_no_hints(evaluator: Evaluator) -> None:
    esi, fluoro = _judge(evaluator, _repeat_esi(relief_pct=70, relief_weeks=8, medication_reduction=True,
                                                functional_improvement=True))
    assert (esi.verdict, esi.to_overturn, fluoro.to_overturn) == ("overturn", (), ())


def test_what_documentation_cannot_change_says_so(evaluator: Evaluator) -> None:
    (chiro,) = _judge(evaluator, {"requests": [{"id": "c", "treatment": "chiropractic", "region": "knee", "visits": 6}]})
    region = next(h for h in chiro.to_overturn if h.criterion == "region_recommended")
    assert region.kind == "not_fixable" and "documentation cannot change this" in region.message
    (shockwave,) = _judge(evaluator, {"requests": [{"id": "x", "treatment": "extracorporeal shockwave therapy"}]})
    assert shockwave.basis == "no_criteria"
    (note,) = shockwave.to_overturn
    assert note.kind == "not_fixable" and note.criteria_set is None and "base rate" in note.message


def test_the_contract_and_the_reports_carry_the_hints(evaluator: Evaluator) -> None:
    case = Case.model_validate(_repeat_esi(relief_pct=40, relief_weeks=8, medication_reduction=True,
                                           functional_improvement=True))
    result = evaluator.evaluate(case, as_of=AS_OF)
    contract = json.loads(json.dumps(to_contract(result)))
    (hint,) = contract["requests"][0]["to_overturn"]
    assert hint == {"criteria_set": "mtus_2009_esi_repeat", "criterion": "prior_relief_percent",
                    "path": "history.injections.relief_pct", "kind": "threshold", "observed": 40,
                    "needed": "50% or more", "message": "percent relief after the last injection documented 40%; "
                    "50% or more needed", "example": 50}
    markdown = render_markdown([result])
    assert "What would flip it:" in markdown
    assert "- percent relief after the last injection documented 40%; 50% or more needed" in markdown
    assert "the primary request 'esi' predicted overturn" in markdown


# --- the proof: doing what the hints say flips the prediction ------------------------------------

_PROPERTY_REQUESTS = [
    QuestionnaireRequest(treatment="ESI", region="lumbar", repeat=True, request_date=AS_OF),
    QuestionnaireRequest(treatment="ESI", region="lumbar", repeat=True, request_date=dt.date(2019, 6, 1)),
    QuestionnaireRequest(treatment="TENS unit", request_date=AS_OF),
    QuestionnaireRequest(treatment="opioid", request_date=AS_OF),
    QuestionnaireRequest(treatment="oral corticosteroid", request_date=AS_OF),
]
_VALUES = {
    "boolean": st.booleans(),
    "integer": st.integers(min_value=0, max_value=8),
    # Up to 10.0: inside every numeric field's range (a pain score stops at 10); the hints' own
    # example values, not these draws, are what must reach each threshold.
    "number": st.integers(min_value=0, max_value=100).map(lambda tenths: tenths / 10),
}


DERIVED_FACTS_BY_PATH = {f"{DERIVED_ROOT}.{name}": fact for name, fact in DERIVED_FACTS.items()}

# A derived fact's hint is met by documenting what it is computed from: hydrocodone 5 mg twice a day
# requested, the Norco in the history stopped (10 mg morphine-equivalent a day, under every ceiling;
# a current Norco would make the request a continuation, judged by other criteria than asked).
_REGIMEN = {
    "derived.morphine_equivalent_mg_per_day": {
        "history.medications.name": "Norco", "history.medications.drug": "hydrocodone",
        "history.medications.current": False, "history.medications.dose_mg": 5, "history.medications.doses_per_day": 2,
        "request.drug": "hydrocodone", "request.dose_mg": 5, "request.doses_per_day": 2,
    },
}


def _apply(answers: dict[str, Any], hints: Sequence[FlipHint], by_field: dict[str, str]) -> dict[str, Any]:
    applied = dict(answers)
    for hint in hints:
        if hint.path is None:
            continue
        if hint.path in DERIVED_FACTS_BY_PATH:
            for read in DERIVED_FACTS_BY_PATH[hint.path].reads:
                applied.pop(by_field[read], None)
            applied.update({by_field[f]: v for f, v in _REGIMEN[hint.path].items()})
        else:
            applied[by_field[hint.path]] = hint.example
    return applied


@pytest.mark.parametrize("request_", _PROPERTY_REQUESTS, ids=lambda r: f"{r.treatment}@{r.request_date}")
# Many drawn answers leave a hint no documentation can meet (an opioid's not-fixable criteria) and are
# set aside by assume(); for some requests that is most draws, which Hypothesis's filter health check
# reported now and then (seed 11 for the opioid request). The draws that remain still test the
# property, and a request none of whose draws could be applied fails as unsatisfiable.
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
@given(data=st.data())
def test_applying_the_hints_flips_the_prediction(evaluator: Evaluator, request_: QuestionnaireRequest,
                                                 data: st.DataObject) -> None:
    q = build_questionnaire(evaluator, request_)
    answers: dict[str, Any] = {}
    for x in q.questions:
        if data.draw(st.booleans()):
            strategy = _VALUES[x.answer_type] if x.answer_type in _VALUES else st.sampled_from(x.choices or ("",))
            if x.field == "history.medications.current":
                # A medication documented as taken now makes the request a continuation, judged by
                # other criteria than the ones this (first-request) questionnaire asks for.
                strategy = st.just(False)
            answers[x.id] = data.draw(strategy)
    result = evaluator.evaluate(case_from_answers(q, answers)).requests[0]
    if result.verdict == "overturn":
        assert result.to_overturn == ()
        return
    assert result.to_overturn, "an upheld request always says what would flip it"
    assume(all(h.kind != "not_fixable" and h.example is not None for h in result.to_overturn))
    by_field = {x.field: x.id for x in q.questions}
    fixed = _apply(answers, result.to_overturn, by_field)
    flipped = evaluator.evaluate(case_from_answers(q, fixed)).requests[0]
    event("flipped by the hints")
    assert flipped.verdict == "overturn", (answers, [h.message for h in result.to_overturn],
                                              [(f.criterion, f.status) for f in flipped.findings])
    # Minimal: leaving out any one hint leaves the request upheld.
    for left_out in result.to_overturn:
        partial = _apply(answers, [h for h in result.to_overturn if h is not left_out], by_field)
        assert evaluator.evaluate(case_from_answers(q, partial)).requests[0].verdict == "uphold"


def test_a_fact_two_criteria_need_is_asked_for_once(evaluator: Evaluator) -> None:
    (therapy,) = _judge(evaluator, {"requests": [{"id": "a", "treatment": "aquatic therapy", "region": "lumbar"}]})
    messages = [h.message for h in therapy.to_overturn]
    assert messages and len(messages) == len(set(messages))


def test_when_documentation_cannot_flip_it_only_that_is_said(evaluator: Evaluator) -> None:
    (soma,) = _judge(evaluator, {"requests": [{"id": "s", "treatment": "SOMA 350 mg #60"}]})
    assert soma.verdict == "uphold" and soma.missing_documentation
    assert [h.criterion for h in soma.to_overturn] == ["not_carisoprodol"]
    assert all(h.kind == "not_fixable" for h in soma.to_overturn)
