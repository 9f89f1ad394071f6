"""Engine behaviour the procedure criteria rely on: guideline editions by date and --edition for home
health care; postsurgical requests routed to the postsurgical guidelines; a visit or consultation for a
planned procedure judged by that procedure's criteria; citations of texts that have no pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_support import only_result, run_cli
from engine.catalog import TreatmentCatalog
from engine.criteria.loader import load_set
from engine.errors import CriteriaLoadError, UnknownTreatmentError
from engine.evaluate import Evaluator
from engine.models import Case
from engine.results import RequestResult

# Supportive personal care for a worker who cannot dress or bathe unaided: medical under the
# ACOEM-based MTUS (from late 2017), not under the 2009 text, where personal care alone is not.
HOME_CARE: dict[str, Any] = {
    "functional_status": {"homebound": True, "can_perform_self_care": False},
    "requests": [{"id": "r1", "treatment": "home health aide", "hours_per_week": 20, "home_services": ["personal_care"]}],
}


def _judge(evaluator: Evaluator, payload: dict[str, Any], **kwargs: Any) -> RequestResult:
    return evaluator.evaluate(Case.model_validate(payload), **kwargs).requests[0]


def _applied(request: RequestResult) -> dict[str, str]:
    return {u.criteria_set: u.edition for u in request.criteria_sets if u.applied}


@pytest.mark.parametrize(
    ("request_date", "edition", "applied", "prediction"),
    [
        ("2015-04-01", None, {"mtus_2009_home_health_care": "mtus_2009"}, "uphold"),
        ("2017-11-30", None, {"mtus_2009_home_health_care": "mtus_2009"}, "uphold"),
        ("2017-12-01", None, {"mtus_2017_home_health_care": "mtus_2017"}, "overturn"),
        ("2019-06-01", None, {"mtus_2017_home_health_care": "mtus_2017"}, "overturn"),
        ("2019-06-01", "mtus_2009", {"mtus_2009_home_health_care": "mtus_2009"}, "uphold"),
        ("2015-04-01", "mtus_2017", {"mtus_2017_home_health_care": "mtus_2017"}, "overturn"),
    ],
)
def test_the_request_date_picks_the_edition_and_edition_overrides_it(
    evaluator: Evaluator, request_date: str, edition: str | None, applied: dict[str, str], prediction: str
) -> None:
    result = _judge(evaluator, {**HOME_CARE, "request_date": request_date}, edition=edition)
    assert _applied(result) == applied
    assert result.prediction == prediction
    used = next(iter(applied.values()))
    assert all(f.citation.endswith(f"[{used}]") for f in result.findings)
    assert f"[{used}]" in result.rationale
    skipped = {u.criteria_set: u.reason for u in result.criteria_sets if not u.applied}
    other = ({"mtus_2009_home_health_care", "mtus_2017_home_health_care"} - set(applied)).pop()
    assert skipped[other] == (f"not edition {edition}" if edition else f"not in force on {request_date}")


def test_the_cli_names_the_edition_it_judged_by(tmp_path: Path) -> None:
    path = tmp_path / "home_care.yaml"
    path.write_text(yaml.safe_dump({**HOME_CARE, "request_date": "2019-06-01"}), encoding="utf-8")
    by_date = only_result(run_cli("check", str(path), "-f", "json", expect=0).stdout)
    uses = by_date["requests"][0]["criteria_sets"]
    assert [(u["criteria_set"], u["edition"]) for u in uses if u["applied"]] == [("mtus_2017_home_health_care", "mtus_2017")]
    pinned = only_result(run_cli("check", str(path), "-f", "json", "--edition", "mtus_2009", expect=1).stdout)
    assert pinned["edition"] == "mtus_2009"
    assert {f["citation"].rsplit(" ", 1)[-1] for f in pinned["requests"][0]["findings"]} == {"[mtus_2009]"}
    table = run_cli("check", str(path), "--edition", "mtus_2009", expect=1).stdout
    assert "edition mtus_2009" in table


@pytest.mark.parametrize(
    ("postsurgical", "applied"),
    [
        (True, {"mtus_2009_postsurgical_physical_medicine", "mtus_2009_statutory_visit_cap"}),
        (False, {"mtus_2009_physical_medicine", "odg_low_back_physical_therapy", "mtus_2009_statutory_visit_cap"}),
        (None, {"mtus_2009_physical_medicine", "odg_low_back_physical_therapy", "mtus_2009_statutory_visit_cap"}),
    ],
)
def test_postsurgical_therapy_is_judged_by_the_postsurgical_guidelines(
    evaluator: Evaluator, postsurgical: bool | None, applied: set[str]
) -> None:
    payload = {
        "request_date": "2015-03-01",
        "history": {"surgeries": [{"procedure": "microdiscectomy", "kind": "lumbar_discectomy_laminectomy",
                                   "region": "lumbar", "date": "2015-01-10"}]},
        "requests": [{"id": "r1", "treatment": "post-op physical therapy", "region": "lumbar", "visits": 8,
                      "postsurgical": postsurgical}],
    }
    result = _judge(evaluator, payload)
    assert set(_applied(result)) == applied


CONSULT_FOR_ESI: dict[str, Any] = {
    "request_date": "2014-06-01",
    "symptoms": {"radiating": True},
    "exam": {"straight_leg_raise": "positive", "dermatomal_sensory_loss": True},
    "requests": [{"id": "r1", "treatment": "consultation with a pain management specialist", "region": "lumbar",
                  "planned_procedure": "TFESI", "reason": "to perform a lumbar epidural"}],
}


def test_a_consult_for_a_procedure_is_judged_by_the_procedures_criteria(evaluator: Evaluator) -> None:
    result = _judge(evaluator, CONSULT_FOR_ESI)
    assert (result.treatment, result.judged_as) == ("consultation", "epidural_steroid_injection")
    assert set(_applied(result)) == {"mtus_2009_esi_initial"}
    assert {f.criteria_set for f in result.findings} == {"mtus_2009_esi_initial"}
    assert result.rationale.startswith(
        "The consultation with a pain management specialist is requested for a planned epidural steroid injection"
    )
    # The same consult with no procedure in view is a referral, judged by ACOEM Ch. 7.
    plain = {**CONSULT_FOR_ESI, "requests": [{**CONSULT_FOR_ESI["requests"][0], "planned_procedure": None}]}
    referral = _judge(evaluator, plain)
    assert (set(_applied(referral)), referral.judged_as) == ({"acoem_2004_consultation"}, None)
    assert referral.prediction == "overturn"


def test_a_consult_for_a_repeat_procedure_is_judged_as_a_repeat(evaluator: Evaluator) -> None:
    payload = {**CONSULT_FOR_ESI, "history": {"injections": [{"treatment": "TFESI", "region": "lumbar",
                                                               "date": "2014-01-10", "relief_pct": 20}]}}
    result = _judge(evaluator, payload)
    assert "mtus_2009_esi_repeat" in _applied(result)
    assert not {"mtus_2009_esi_initial", "acoem_2004_consultation"} & set(_applied(result))
    assert result.prediction == "uphold"


def test_a_planned_procedure_without_criteria_leaves_the_visit_to_its_own(evaluator: Evaluator) -> None:
    payload = {"request_date": "2014-06-01", "functional_status": {"surgical_candidate": True},
               "requests": [{"id": "r1", "treatment": "spine surgery consultation", "planned_procedure": "laminectomy"}]}
    result = _judge(evaluator, payload)
    assert (set(_applied(result)), result.judged_as) == ({"acoem_2004_consultation"}, None)


def test_an_unknown_planned_procedure_names_the_field(evaluator: Evaluator) -> None:
    payload = {**CONSULT_FOR_ESI, "requests": [{**CONSULT_FOR_ESI["requests"][0], "planned_procedure": "zzqx"}]}
    with pytest.raises(UnknownTreatmentError, match=r"requests\[0\]\.planned_procedure"):
        evaluator.evaluate(Case.model_validate(payload), as_of=dt.date(2014, 6, 1), source="case.yaml")


UNPAGED = """\
id: my_set
title: A regulation
source: MTUS
document: Acupuncture Medical Treatment Guidelines
edition: acupuncture_2007
effective_from: 2007-06-15
citation: {section: "9792.24.1(c)", unpaginated: true, url: "https://www.dir.ca.gov/t8/9792_24_1.html"}
topic: acupuncture.test
applies_to: {treatments: [acupuncture]}
confidence: Q
summary: A set cited by subdivision.
criteria:
  - id: visits
    title: Six or fewer
    when: {op: lte, path: request.visits, value: 6, ask: "The number of treatments requested"}
    messages: {met: ok, unmet: too many, missing: not stated}
"""


def test_an_unpaginated_citation_loads_and_says_so(catalog: TreatmentCatalog, evaluator: Evaluator) -> None:
    cs = load_set(UNPAGED, source="my_set.yaml", stem="my_set", catalog=catalog)
    assert cs.citation.unpaginated and not cs.citation.pages
    acupuncture = _judge(evaluator, {"request_date": "2014-06-01",
                                     "requests": [{"id": "r1", "treatment": "acupuncture", "visits": 6}]})
    assert acupuncture.findings[0].citation.endswith("9792.24.1(c)(1), unpaginated [acupuncture_2007]")


@pytest.mark.parametrize(
    ("citation", "message"),
    [
        ('{section: "9792.24.1(c)"}', "a MTUS citation names its pages"),
        ('{section: "9792.24.1(c)", unpaginated: true}', "an unpaginated citation gives the url"),
        ('{section: "9792.24.1(c)", pages: [3], unpaginated: true, url: "https://x.test"}',
         "a citation with pages is not unpaginated"),
    ],
)
def test_a_paged_source_needs_pages_or_an_honest_unpaginated_mark(
    catalog: TreatmentCatalog, citation: str, message: str
) -> None:
    text = UNPAGED.replace(
        'citation: {section: "9792.24.1(c)", unpaginated: true, url: "https://www.dir.ca.gov/t8/9792_24_1.html"}',
        f"citation: {citation}",
    )
    assert text != UNPAGED
    with pytest.raises(CriteriaLoadError) as raised:
        load_set(text, source="my_set.yaml", stem="my_set", catalog=catalog)
    assert any(message in p for p in raised.value.problems), raised.value.problems
