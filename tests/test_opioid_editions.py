"""Opioid criteria by edition and by stage: the request date picks the MTUS edition, --edition
overrides it, the output names the edition used, and the medication history tells a first
prescription from a continuation."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_support import run_cli
from engine.evaluate import Evaluator
from engine.models import Case
from engine.results import RequestResult

REFILL: dict[str, Any] = {
    "case_id": "opioid-refill",
    "work_status": "modified_duty",
    "history": {
        "urine_drug_screens": [{"date": "2019-01-15", "consistent": True}],
        "medications": [{
            "name": "Norco 10/325", "current": True, "date": "2017-10-01",
            "monitoring": {"analgesia_documented": True, "activities_of_daily_living_documented": True,
                           "adverse_effects_documented": True, "aberrant_behavior_assessed": True,
                           "aberrant_behavior_found": False,
                           "cures_checked": True, "improved_function": True, "improved_pain": True},
        }],
    },
    "requests": [{"id": "norco", "treatment": "Norco 10/325 #120", "drug": "hydrocodone", "dose_mg": 10,
                  "doses_per_day": 4}],
}


def _applied(request: RequestResult) -> list[tuple[str, str]]:
    return [(u.criteria_set, u.edition) for u in request.criteria_sets if u.applied]


def _judge(evaluator: Evaluator, data: dict[str, Any], *, edition: str | None = None, **dates: str) -> RequestResult:
    case = Case.model_validate({**data, **{k: v for k, v in dates.items() if k == "request_date"}})
    as_of = dt.date.fromisoformat(dates["as_of"]) if "as_of" in dates else None
    return evaluator.evaluate(case, as_of=as_of, edition=edition).requests[0]


@pytest.mark.parametrize(
    ("request_date", "expected"),
    [
        ("2014-06-01", ("mtus_2009_opioids_ongoing", "mtus_2009")),
        ("2017-11-30", ("mtus_2009_opioids_ongoing", "mtus_2009")),
        ("2017-12-01", ("mtus_2017_opioids_ongoing", "mtus_2017")),
        ("2019-05-01", ("mtus_2017_opioids_ongoing", "mtus_2017")),
    ],
)
def test_the_request_date_chooses_the_edition(evaluator: Evaluator, request_date: str,
                                              expected: tuple[str, str]) -> None:
    request = _judge(evaluator, REFILL, request_date=request_date)
    assert _applied(request) == [expected]
    other = next(u for u in request.criteria_sets if u.criteria_set.endswith("opioids_ongoing") and not u.applied)
    assert other.reason == f"not in force on {request_date}"
    assert all(f.citation.endswith(f"[{expected[1]}]") for f in request.findings)


@pytest.mark.parametrize(
    ("request_date", "edition", "expected"),
    [
        ("2019-05-01", "mtus_2009", "mtus_2009_opioids_ongoing"),
        ("2014-06-01", "mtus_2017", "mtus_2017_opioids_ongoing"),
    ],
)
def test_an_edition_given_overrides_the_date(evaluator: Evaluator, request_date: str, edition: str,
                                             expected: str) -> None:
    request = _judge(evaluator, REFILL, request_date=request_date, edition=edition)
    assert _applied(request) == [(expected, edition)]
    assert {u.reason for u in request.criteria_sets if not u.applied} == {f"not edition {edition}"}


def test_the_same_dose_meets_one_edition_and_not_the_other(evaluator: Evaluator) -> None:
    """100 mg morphine equivalent: under the 2009 ceiling of 120, over the later caution level of 80."""
    heavy = {**REFILL, "requests": [{**REFILL["requests"][0], "drug": "oxycodone", "dose_mg": 10, "doses_per_day": 6,
                                     "treatment": "oxycodone 10 mg"}]}
    heavy["history"] = {**REFILL["history"], "medications": [
        {**REFILL["history"]["medications"][0], "name": "oxycodone 10 mg"},
        {"name": "tramadol 50 mg", "current": True, "dose_mg": 50, "doses_per_day": 2},
    ]}
    early = {f.criterion: f.status for f in _judge(evaluator, heavy, request_date="2016-01-04").findings}
    late = {f.criterion: f.status for f in _judge(evaluator, heavy, request_date="2018-01-04").findings}
    assert early["dose_within_ceiling"] == "met"
    assert late["dose_below_caution_level"] == "unmet"


@pytest.mark.parametrize(
    ("medications", "repeat", "stage"),
    [
        ([{"name": "Norco 10/325", "current": True}], None, "ongoing"),
        ([{"name": "Percocet"}], None, "initiation"),  # listed without saying it is taken now: not evidence of use
        ([{"name": "Norco 10/325", "current": True}], False, "ongoing"),  # current whatever `repeat` says
        ([{"name": "Norco 10/325", "current": False}], None, "initiation"),  # stopped: a restart is a new trial
        ([{"name": "naproxen 550 mg", "current": True}], None, "initiation"),
        (None, None, "initiation"),
        ([], True, "ongoing"),  # the request says so
    ],
)
def test_the_medication_history_tells_a_start_from_a_continuation(
    evaluator: Evaluator, medications: list[dict[str, Any]] | None, repeat: bool | None, stage: str
) -> None:
    data = {"history": {"medications": medications}, "requests": [{"id": "r", "treatment": "Norco", "repeat": repeat}]}
    request = _judge(evaluator, data, as_of="2014-06-01")
    assert _applied(request) == [(f"mtus_2009_opioids_{stage}", "mtus_2009")]


def _write_case(tmp_path: Path, request_date: str) -> str:
    path = tmp_path / "opioid_refill.yaml"
    path.write_text(yaml.safe_dump({**REFILL, "request_date": request_date}))
    return str(path)


def test_the_output_names_the_edition_used(tmp_path: Path) -> None:
    path = _write_case(tmp_path, "2019-05-01")
    by_date = json.loads(run_cli("check", path, "-f", "json", expect=0).stdout)
    request = by_date["requests"][0]
    assert [(u["criteria_set"], u["edition"]) for u in request["criteria_sets"] if u["applied"]] == [
        ("mtus_2017_opioids_ongoing", "mtus_2017")]
    assert all(c.endswith("[mtus_2017]") for c in request["citations"])
    assert by_date["edition"] is None  # chosen by date, named per set and citation
    pinned = json.loads(run_cli("check", path, "-f", "json", "--edition", "mtus_2009", expect=0).stdout)
    assert pinned["edition"] == "mtus_2009"
    assert all(c.endswith("[mtus_2009]") for c in pinned["requests"][0]["citations"])
    table = run_cli("check", path, "--edition", "mtus_2009", expect=0).stdout
    assert "edition mtus_2009" in table
    assert "[mtus_2009]" in table.replace("\n", "")


def test_a_current_opioid_requested_again_is_ongoing_unless_a_new_start(evaluator: Evaluator) -> None:
    """Issue 13: Norco taken since 2013 with `repeat: false` (a form's default) is judged as ongoing use,
    never by the initiation criteria; only a request stated to be a new start is an initiation."""
    history = {"medications": [{"name": "Norco 10/325", "current": True, "start_date": "2013-02-01"}]}
    ongoing = _judge(evaluator, {"history": history, "requests": [{"id": "r", "treatment": "Norco", "repeat": False}]},
                     as_of="2019-06-01")
    assert _applied(ongoing) == [("mtus_2017_opioids_ongoing", "mtus_2017")]
    assert not any("before the opioid is started" in m for m in ongoing.missing_documentation)
    restart = _judge(evaluator, {"history": history, "requests": [{"id": "r", "treatment": "Norco", "new_start": True}]},
                     as_of="2019-06-01")
    assert _applied(restart) == [("mtus_2017_opioids_initiation", "mtus_2017")]


def test_screens_in_one_place_serve_both_editions(evaluator: Evaluator) -> None:
    """Issue 13: one urine-screen location, read by the 2009 and the 2017 ongoing sets alike."""
    for when, set_id in (("2015-06-01", "mtus_2009_opioids_ongoing"), ("2019-06-01", "mtus_2017_opioids_ongoing")):
        data = {"history": {"urine_drug_screens": [{"date": when[:4] + "-03-01", "consistent": True}],
                            "medications": [{"name": "Norco 10/325", "current": True}]},
                "requests": [{"id": "r", "treatment": "Norco"}]}
        request = _judge(evaluator, data, as_of=when)
        statuses = {f.criterion: f.status for f in request.findings if f.criteria_set == set_id}
        screen = "urine_drug_screen_consistent" if set_id.startswith("mtus_2009") else "recent_consistent_drug_test"
        assert statuses[screen] == "met", (set_id, statuses)
