"""Phrase families the end-to-end summaries (tests/e2e) showed the extractor did not read, each with its
negated or look-alike form: what a summary documents for the criteria must reach the case."""

from __future__ import annotations

from typing import Any

import pytest

from engine.extract import extract_case
from engine.models import Case


def _case(summary: str, title: str = "Repeat lumbar epidural steroid injection") -> Case:
    return extract_case(summary, [title]).case


def _get(case: Case, path: str) -> Any:
    value: Any = case
    for part in path.split("."):
        if value is None:
            return None
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    return value


@pytest.mark.parametrize(
    ("summary", "path", "expected"),
    [
        # Relief stated after the date, with its duration in words.
        ("He had a lumbar epidural steroid injection on 1/10/2014 and reported 70% relief lasting eight weeks.",
         "history.injections.0.relief_pct", 70.0),
        ("He had a lumbar epidural steroid injection on 1/10/2014 and reported 70% relief lasting eight weeks.",
         "history.injections.0.relief_weeks", 8.0),
        ("She had an epidural injection on 2/2/2014 with 60% relief that lasted about two months.",
         "history.injections.0.relief_weeks", 8.6),
        ("She had an epidural injection on 2/2/2014. After the injection her function improved.",
         "history.injections.0.functional_improvement", True),
        ("She had an epidural injection on 2/2/2014. After the injection she reduced her Norco from 4 to 2 a day.",
         "history.injections.0.medication_reduction", True),
        ("She had an epidural injection on 2/2/2014 with no relief.", "history.injections.0.relief_weeks", None),
        # An injection history stated empty; a named kind alone does not empty it.
        ("She has had no prior injections.", "history.injections", ()),
        ("She has not had any injections.", "history.injections", ()),
        ("She has had no prior epidural injections.", "history.injections", None),
    ],
)
def test_injection_outcomes_and_an_empty_history(summary: str, path: str, expected: Any) -> None:
    assert _get(_case(summary), path) == expected


@pytest.mark.parametrize(
    ("summary", "months"),
    [
        ("She has had low back pain for the past two years.", 24.0),
        ("He has had neck pain for the last 14 months after a fall.", 14.0),
        ("He developed low back pain radiating to the right leg three weeks ago.", 0.7),
        ("Her symptoms began 10 days ago.", 0.3),
        ("She reports a 6-month history of low back pain.", 6.0),
        ("She has had no pain for two weeks.", None),
        ("She had 70% pain relief for 10 weeks after the block.", None),
        ("Her pain was treated with physical therapy for 6 weeks.", None),
        ("Low back pain is rated 7/10.", None),
    ],
)
def test_how_long_the_symptoms_have_lasted(summary: str, months: float | None) -> None:
    assert _get(_case(summary), "symptoms.duration_months") == months


@pytest.mark.parametrize(
    ("summary", "flag", "present"),
    [
        ("She has a history of breast cancer treated in 2010.", "cancer_history", True),
        ("She has no history of breast cancer.", "cancer_history", False),
        ("She reports unexplained weight loss.", "constitutional_symptoms", True),
    ],
)
def test_red_flags_in_their_common_forms(summary: str, flag: str, present: bool) -> None:
    assert (flag in (_case(summary, "MRI of the lumbar spine").red_flags or ())) is present


@pytest.mark.parametrize(
    ("summary", "studies"),
    [
        ("No imaging of the lumbar spine has been done since the injury.", 0),
        ("She has had no prior MRI.", 0),
        ("He has never had imaging.", 0),
        ("An MRI of the lumbar spine on 1/5/2014 was unremarkable.", 1),
        ("An MRI is planned.", None),
    ],
)
def test_a_study_history_stated_empty(summary: str, studies: int | None) -> None:
    found = _case(summary, "MRI of the lumbar spine").studies
    assert (None if found is None else len(found)) == studies


@pytest.mark.parametrize(
    ("summary", "failed"),
    [
        ("Physical therapy, chiropractic care and NSAIDs gave only minimal relief.", True),
        ("Stretching, physical therapy, NSAIDs and a muscle relaxant gave little relief.", True),
        ("Physical therapy provided no benefit.", True),
        ("Physical therapy gave excellent relief.", None),
        ("She has not had physical therapy with minimal relief.", None),
    ],
)
def test_conservative_care_that_gave_little_relief(summary: str, failed: bool | None) -> None:
    assert _get(_case(summary, "TENS unit"), "history.conservative_care_failed") is failed


@pytest.mark.parametrize(
    ("summary", "visits"),
    [
        ("He completed 16 chiropractic visits for the low back.", 16),
        ("She completed twelve physical therapy sessions.", 12),
        ("She completed 6 sessions of physical therapy with improved function.", 6),
        ("She had chiropractic care in 2012.", None),
    ],
)
def test_visits_counted_before_the_therapy_name(summary: str, visits: int | None) -> None:
    assert _get(_case(summary, "Chiropractic 6 visits"), "history.therapy_courses.0.visits") == visits


@pytest.mark.parametrize(
    ("title", "weeks"),
    [
        ("Cyclobenzaprine 7.5mg 1 PO TID #30", 1.4),
        ("Cyclobenzaprine 7.5mg 1 PO TID #90", 4.3),
        ("Cyclobenzaprine 7.5mg at bedtime for 2 weeks", 2.0),
        ("Naproxen 550mg x 14 days", 2.0),
        ("Cyclobenzaprine 7.5mg #30", None),  # no directions: how long it lasts is not stated
    ],
)
def test_how_long_a_prescription_lasts(title: str, weeks: float | None) -> None:
    assert _case("She has low back pain.", title).requests[0].duration_weeks == weeks


@pytest.mark.parametrize(
    ("summary", "discussed"),
    [
        ("The risks of oral steroids and their modest expected benefit were discussed with him.", True),
        ("We discussed the risks and benefits with her and she wishes to proceed.", True),
        ("The risks of the medication were not discussed.", False),
        ("The risks of opioids were discussed with him.", None),  # about another treatment
        ("She has low back pain.", None),
    ],
)
def test_risks_discussed_for_the_request_they_name(summary: str, discussed: bool | None) -> None:
    assert _case(summary, "Medrol dosepak").requests[0].risks_discussed is discussed


@pytest.mark.parametrize(
    ("sentence", "documented"),
    [
        ("The 4 A's were documented at each visit.", True),
        ("The four A's of opioid monitoring were addressed.", True),
        ("There is no documentation of the four A's.", False),
        ("The 4 A's were not documented.", False),
        ("The guideline asks for the 4 A's.", None),
    ],
)
def test_the_four_as_cover_all_four_domains(sentence: str, documented: bool | None) -> None:
    case = _case(f"He takes Norco 10/325 mg three times a day. {sentence}", "Norco 10/325mg #90")
    monitoring = _get(case, "history.medications.0.monitoring")
    values = {None if monitoring is None else getattr(monitoring, field) for field in (
        "analgesia_documented", "activities_of_daily_living_documented", "adverse_effects_documented",
        "aberrant_behavior_assessed")}
    assert values == {documented}


@pytest.mark.parametrize(
    ("sentence", "field", "value"),
    [
        ("No aberrant behavior was noted.", "aberrant_behavior_found", False),
        ("Early refills were found on a CURES report.", "aberrant_behavior_found", True),
    ],
)
def test_opioid_monitoring_phrases(sentence: str, field: str, value: bool) -> None:
    case = _case(f"He takes Norco 10/325 mg three times a day. {sentence}", "Norco 10/325mg #90")
    assert getattr(_get(case, "history.medications.0.monitoring"), field) is value


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("A urine drug screen on 6/2/2014 was consistent with the prescribed medication.", True),
        ("Urine drug screen consistent.", True),
        ("A urine drug screen on 6/2/2014 was inconsistent, positive for cocaine.", False),
    ],
)
def test_urine_drug_screen_phrases(sentence: str, value: bool) -> None:
    case = _case(f"He takes Norco 10/325 mg three times a day. {sentence}", "Norco 10/325mg #90")
    assert _get(case, "history.urine_drug_screens.0.consistent") is value


@pytest.mark.parametrize(
    ("summary", "taken"),
    [
        ("She has taken cyclobenzaprine since 2012.", True),
        ("She has not taken cyclobenzaprine before.", False),
        ("Cyclobenzaprine was requested.", False),
    ],
)
def test_a_medication_she_has_taken(summary: str, taken: bool) -> None:
    meds = _case(summary, "Cyclobenzaprine 7.5mg 1 PO TID #30").history
    names = [m.drug for m in (meds.medications or ())] if meds is not None else []
    assert ("cyclobenzaprine" in names) is taken


@pytest.mark.parametrize(
    ("summary", "field", "value"),
    [
        ("There is progressive weakness of the left leg.", "progressive_neurologic_deficit", True),
        ("Her numbness is getting worse.", "progressive_neurologic_deficit", True),
        ("There is no progressive neurologic deficit.", "progressive_neurologic_deficit", False),
        ("She reports worsening low back pain.", "progressive_neurologic_deficit", None),
        ("He has new weakness of ankle dorsiflexion.", "new_neurologic_deficit", True),
        ("There is new-onset foot drop on the left.", "new_neurologic_deficit", True),
        ("There is no new neurologic deficit.", "new_neurologic_deficit", False),
        ("Possible new weakness of the left leg.", "new_neurologic_deficit", None),
    ],
)
def test_new_or_progressing_neurologic_findings(summary: str, field: str, value: bool | None) -> None:
    assert _get(_case(summary, "MRI of the lumbar spine"), f"exam.{field}") is value


def test_trigger_point_injections_given_are_injection_records_with_their_own_date() -> None:
    case = _case("She had a lumbar epidural steroid injection on 1/2/2014 with 60% relief for 8 weeks and three trigger "
                 "point injections on 3/3/2014 with no relief. Trigger point injections were requested again.",
                 "Trigger point injections x3")
    injections = case.history.injections if case.history is not None else None
    assert injections is not None
    assert [(i.treatment, str(i.date), i.relief_pct) for i in injections] == [
        ("epidural_steroid_injection", "2014-01-02", 60.0), ("trigger_point_injection", "2014-03-03", 0.0)]


def test_trigger_point_injections_not_given_are_not_records() -> None:
    for summary in ("Trigger point injections were requested.", "She has never had trigger point injections."):
        history = _case(summary, "Trigger point injections x3").history
        assert history is None or history.injections is None
