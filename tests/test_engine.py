"""The durable-rules adapter and the evaluator under the engine's measured limits."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pydantic import ValidationError

import engine.durable_adapter as adapter
from engine.catalog import TreatmentCatalog, load_catalog
from engine.criteria.pack import CriteriaPack, load_pack
from engine.durable_adapter import DurableEngine, ruleset_name
from engine.errors import EngineError
from engine.evaluate import Evaluator
from engine.logic import all_of, any_of, negate
from engine.models import Case
from engine.results import to_contract
from engine.scoring.model import ScoringModel, StatusPoints


def _repeat_esi(relief: float, n: int) -> Case:
    return Case.model_validate({
        "case_id": f"c{n}",
        "history": {"injections": [{"treatment": "ESI", "region": "lumbar", "date": "2014-03-01", "relief_pct": relief,
                                    "relief_weeks": 8, "medication_reduction": True, "functional_improvement": True}]},
        "requests": [{"id": "r1", "treatment": "ESI", "region": "lumbar"}, {"id": "r2", "treatment": "fluoroscopy"}],
    })


def test_five_thousand_cases_in_one_process(pack: CriteriaPack, catalog: TreatmentCatalog) -> None:
    """Far past durable's 1,024 live sessions per ruleset: every session is deleted after use."""
    evaluator = Evaluator(pack, catalog, DurableEngine())
    outcomes = {"overturn": 0, "uphold": 0}
    for n in range(5000):
        relief = 20 + (n % 7) * 10  # 20..80: below and above the 50% threshold
        result = evaluator.evaluate(_repeat_esi(relief, n), as_of=dt.date(2014, 9, 1))
        prediction = result.requests[0].prediction
        assert prediction == ("overturn" if relief >= 50 else "uphold")
        assert result.requests[1].prediction == prediction  # the companion follows
        outcomes[prediction] += 1
    above = sum(1 for n in range(5000) if 20 + (n % 7) * 10 >= 50)
    assert outcomes == {"overturn": above, "uphold": 5000 - above}


def test_rulesets_are_registered_once_per_content(pack: CriteriaPack, catalog: TreatmentCatalog) -> None:
    engine = DurableEngine()
    first = Evaluator(pack, catalog, engine)
    first.evaluate(_repeat_esi(70, 0), as_of=dt.date(2014, 9, 1))
    before = engine.registered
    second = Evaluator(pack, catalog, engine)  # a second evaluator on the same host must not re-register
    second.evaluate(_repeat_esi(70, 1), as_of=dt.date(2014, 9, 1))
    assert engine.registered == before
    assert any(name.startswith("mtus_2009_esi_repeat@") for name in before)


def test_ruleset_names_change_with_content() -> None:
    a = ruleset_name("x", {"r": {"all": [{"m": {"v": 1}}], "run": "met"}})
    b = ruleset_name("x", {"r": {"all": [{"m": {"v": 2}}], "run": "met"}})
    assert a != b and a.startswith("x@")


def test_a_message_no_rule_handles_is_an_engine_error() -> None:
    engine = DurableEngine()
    rules = {"only": {"all": [{"m": {"leaf": "a"}}], "run": "met"}}
    name = ruleset_name("unhandled_probe", rules)
    engine.ensure(name, rules)
    assert [f.action for f in engine.run(name, events=[{"leaf": "a"}])] == ["met"]
    with pytest.raises(EngineError, match="no rule handles"):
        engine.run(name, events=[{"leaf": "b"}])
    # The failed session was deleted: the next run in a fresh session works.
    assert [f.action for f in engine.run(name, events=[{"leaf": "a"}])] == ["met"]


def test_equal_facts_in_one_run_do_not_collide() -> None:
    engine = DurableEngine()
    rules = {"seen": {"all": [{"m": {"kind": "x"}}], "run": "seen"}}
    name = ruleset_name("dup_probe", rules)
    engine.ensure(name, rules)
    fired = engine.run(name, facts=[{"kind": "x"}, {"kind": "x"}])
    assert len(fired) == 2


@pytest.mark.parametrize(
    ("statuses", "all_expected", "any_expected"),
    [
        (["met", "met"], "met", "met"),
        (["met", "missing"], "missing", "met"),
        (["unmet", "missing"], "unmet", "missing"),
        (["unmet", "met"], "unmet", "met"),
        (["unmet", "unmet"], "unmet", "unmet"),
        (["missing", "missing"], "missing", "missing"),
    ],
)
def test_kleene_logic(statuses: list[str], all_expected: str, any_expected: str) -> None:
    assert all_of(statuses) == all_expected  # type: ignore[arg-type]
    assert any_of(statuses) == any_expected  # type: ignore[arg-type]


def test_negation_keeps_missing_missing() -> None:
    assert (negate("met"), negate("unmet"), negate("missing")) == ("unmet", "met", "missing")


def test_mtus_supersedes_odg_and_gap_fillers_apply_beside_it(evaluator: Evaluator) -> None:
    case = _repeat_esi(70, 0)
    uses = {u.criteria_set: u for u in evaluator.evaluate(case, as_of=dt.date(2014, 9, 1)).requests[0].criteria_sets}
    assert uses["mtus_2009_esi_repeat"].applied
    assert not uses["odg_esi_repeat"].applied and uses["odg_esi_repeat"].reason.startswith("superseded")
    pt = Case.model_validate({"history": {"therapy_courses": []},
                              "requests": [{"id": "pt", "treatment": "PT", "region": "lumbar", "visits": 6}]})
    pt_uses = {u.criteria_set: u.applied for u in evaluator.evaluate(pt, as_of=dt.date(2014, 9, 1)).requests[0].criteria_sets}
    assert pt_uses["mtus_2009_physical_medicine"] and pt_uses["odg_low_back_physical_therapy"]


def test_nothing_in_force_falls_back_to_the_nearest_edition_and_says_so(evaluator: Evaluator) -> None:
    case = Case.model_validate({"red_flags": ["cauda_equina"], "studies": [],
                                "requests": [{"id": "x", "treatment": "MRI", "region": "lumbar"}]})
    request = evaluator.evaluate(case, as_of=dt.date(2021, 1, 4)).requests[0]
    used = [u for u in request.criteria_sets if u.applied]
    assert [u.criteria_set for u in used] == ["mtus_2009_lumbar_imaging"]
    assert "outside its dates" in used[0].reason


def test_a_treatment_without_criteria_is_predicted_from_the_base_rate(evaluator: Evaluator) -> None:
    case = Case.model_validate({"requests": [{"id": "x", "treatment": "extracorporeal shockwave therapy"}]})
    request = evaluator.evaluate(case, as_of=dt.date(2014, 9, 1)).requests[0]
    model = evaluator.scoring
    points = model.categories.get(request.category, model.categories["_default"]) + model.no_criteria
    probability = 1 / (1 + math.exp(-points))
    expected = "overturn" if probability >= model.no_criteria_threshold else "uphold"
    assert (request.prediction, request.basis, request.verdict, request.findings) == (expected, "no_criteria", "uphold", ())
    assert request.probability == round(probability, 4)
    assert "base rate of its category" in request.rationale


def test_a_fixed_model_decides_by_its_threshold_in_the_decision_rules() -> None:
    """The same uncovered request on either side of the threshold: durable-rules makes the comparison."""
    case = Case.model_validate({"requests": [{"id": "x", "treatment": "extracorporeal shockwave therapy"}]})
    pack, catalog = load_pack(), load_catalog()
    outcomes = []
    for threshold in (0.05, 0.5):
        model = ScoringModel(threshold=0.5, no_criteria_threshold=threshold,
                             categories={"_default": math.log(0.1 / 0.9)}, status_points=StatusPoints())
        request = Evaluator(pack, catalog, scoring=model).evaluate(case, as_of=dt.date(2014, 9, 1)).requests[0]
        outcomes.append((request.prediction, request.probability))
    assert outcomes == [("overturn", 0.1), ("uphold", 0.1)]


@pytest.mark.parametrize("weeks", [0.00001, 1e-7, 1e-300, 5.99999, 6.0, 1e20, 123456.5])
def test_numbers_of_any_magnitude_reach_the_rules_and_compare_exactly(evaluator: Evaluator, weeks: float) -> None:
    """durable's JSON reader once matched nothing for '1e-05' or '1e+20' (an exponent, no decimal point)."""
    case = Case.model_validate({
        "history": {"injections": [{"treatment": "ESI", "region": "lumbar", "date": "2014-01-01", "relief_pct": 60,
                                    "relief_weeks": weeks, "medication_reduction": True, "functional_improvement": True}]},
        "requests": [{"id": "1", "treatment": "lumbar ESI", "region": "lumbar"}],
    })
    request = evaluator.evaluate(case, as_of=dt.date(2014, 9, 1)).requests[0]
    duration = next(f for f in request.findings if f.criterion == "prior_relief_duration")
    assert duration.status == ("met" if weeks >= 6 else "unmet")


def test_an_infinite_duration_is_refused_by_the_case_model() -> None:
    with pytest.raises(ValidationError):
        Case.model_validate({"history": {"injections": [{"treatment": "ESI", "relief_weeks": float("inf")}]},
                             "requests": [{"id": "1", "treatment": "ESI"}]})


def test_the_contract_gives_the_probability_the_basis_and_the_strict_verdict(evaluator: Evaluator) -> None:
    """A first course of physical therapy with no earlier therapy mentioned: strictly the earlier visits are
    undocumented (the checklist asks for them), read as a reviewer does they are none."""
    case = Case.model_validate({"requests": [{"id": "pt", "treatment": "physical therapy", "region": "lumbar",
                                              "visits": 6}]})
    result = evaluator.evaluate(case, as_of=dt.date(2014, 9, 1))
    request = to_contract(result)["requests"][0]
    assert request["verdict"] == "uphold" and request["basis"] == "criteria"
    statuses = {f["criterion"]: (f["status"], f["read_as"]) for f in request["findings"]}
    assert statuses["prior_visits_documented"] == ("missing", "met")
    assert statuses["functional_improvement_from_prior"] == ("missing", "met")
    score = result.requests[0].score
    assert score is not None and request["probability"] == round(score.probability, 4)
    assert request["score"]["points"] == round(score.points, 4)
    names = [c["name"] for c in request["score"]["contributions"]]
    assert "mtus_2009_physical_medicine/prior_visits_documented: met" in names
    # Every criterion is met as read (the statutory cap's earlier visits too), so the decision is overturn
    # whatever the score: reviewers do not ask for what a first course plainly does not need.
    assert {status[1] for status in statuses.values()} == {"met"}
    assert request["prediction"] == "overturn"
    assert "Whether the worker has had this therapy before for this body region" in request["missing_documentation"]


def test_an_exception_inside_an_action_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """durable stores an action's exception in the session state instead of raising it: the adapter
    finds it in the state each call returns and raises, and the next run is unaffected."""
    engine = DurableEngine()
    rules = {"only": {"all": [{"m": {"leaf": "a"}}], "run": "met"}}
    name = ruleset_name("failing_action_probe", rules)
    engine.ensure(name, rules)

    def broken(closure: object) -> dict[str, object]:
        raise RuntimeError("probe failure")

    with monkeypatch.context() as patch:
        patch.setattr(adapter, "_message_of", broken)
        with pytest.raises(EngineError, match=r"an action failed: .*probe failure"):
            engine.run(name, events=[{"leaf": "a"}])
    assert [f.action for f in engine.run(name, events=[{"leaf": "a"}])] == ["met"]
