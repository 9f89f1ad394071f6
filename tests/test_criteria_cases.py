"""One runner for every criteria set's cases (tests/criteria_cases/<set id>.yaml).

Ids are `<criteria set>::<case name>`, so `pytest -k mtus_2009_esi_repeat` runs one set.
"""

from __future__ import annotations

import pytest

from criteria_support import CriteriaCase, all_cases, findings_of, set_outcome
from engine.evaluate import Evaluator

CASES = all_cases()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "criteria_case" in metafunc.fixturenames:
        metafunc.parametrize("criteria_case", CASES, ids=[c.test_id for c in CASES])


def test_criteria_case(criteria_case: CriteriaCase, evaluator: Evaluator) -> None:
    result = evaluator.evaluate(criteria_case.case, as_of=criteria_case.as_of)
    wanted = criteria_case.request_id or criteria_case.case.requests[0].id
    request = next(r for r in result.requests if r.id == wanted)
    applied = [u.criteria_set for u in request.criteria_sets if u.applied]
    assert criteria_case.set_id in applied, f"set not applied; uses: {request.criteria_sets}"
    findings = findings_of(request, criteria_case.set_id)
    statuses = {f.criterion: f.status for f in findings}
    assert set_outcome(findings) == criteria_case.kind, statuses
    expect = criteria_case.expect
    for criterion, status in expect.get("criteria", {}).items():
        assert criterion in statuses, f"no criterion {criterion!r} in {sorted(statuses)}"
        assert statuses[criterion] == status, f"{criterion}: {statuses[criterion]} != {status}"
    # Silent records as a reviewer reads them (each leaf's if_silent rule): the score's input.
    read = {f.criterion: f.read_as for f in findings}
    for criterion, status in expect.get("read_as", {}).items():
        assert read[criterion] == status, f"{criterion} read as {read[criterion]} != {status}"
    if "prediction" in expect:  # the case files state the strict verdict of the criteria
        assert request.verdict == expect["prediction"]
    for text in expect.get("missing_documentation_contains", []):
        assert any(text in m for m in request.missing_documentation), request.missing_documentation
    for text in expect.get("rationale_contains", []):
        assert text in request.rationale
    # Every uphold says why: an unmet or missing finding, or its primary's outcome.
    if request.verdict == "uphold" and request.basis == "criteria":
        assert any(f.status != "met" for f in request.findings)
    # Every finding carries its citation.
    assert all(f.citation for f in request.findings)
