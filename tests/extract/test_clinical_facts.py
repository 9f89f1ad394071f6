"""Synthetic fixtures (written for this project) for opioid monitoring, functional status,
surgeries, trigger points, injection outcomes, other prior care and medication titles."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.extract import extract_case
from engine.models import (
    Case,
    Medication,
    OpioidMonitoring,
    PriorInjection,
    Surgery,
    TherapyCourse,
    TriggerPoints,
    UrineDrugScreen,
)

TITLE = ["Norco 10/325mg 1 PO q6h prn pain"]


def case_of(summary: str, titles: list[str] = TITLE) -> Case:
    return extract_case(summary, titles).case


def only_medication(case: Case) -> Medication:
    assert case.history is not None and case.history.medications is not None
    [medication] = case.history.medications
    return medication


# --- opioid monitoring ------------------------------------------------------------------------


def test_monitoring_documented_in_full() -> None:
    case = case_of(
        "He takes Norco 10/325 three times a day. With Norco his pain drops from 8/10 to 4/10, and the "
        "medication improves his function. He denies side effects. No aberrant behavior has been observed. "
        "A urine drug screen on 3/4/2014 was consistent with his prescriptions. A signed opioid agreement is on file."
    )
    med = only_medication(case)
    assert case.history is not None and case.history.urine_drug_screens == (UrineDrugScreen(consistent=True),)
    assert (med.drug, med.dose_mg, med.doses_per_day, med.current) == ("hydrocodone", 10.0, 3.0, True)
    assert med.side_effects is False
    assert med.monitoring == OpioidMonitoring(
        analgesia_documented=True, adverse_effects_documented=True, aberrant_behavior_assessed=True,
        aberrant_behavior_found=False, pain_agreement=True,
        improved_function=True, improved_pain=True,
    )


def test_no_documentation_of_the_four_domains_is_documented_false() -> None:
    med = only_medication(case_of(
        "The applicant is using Percocet. There is no documentation of analgesia, activities of daily living, "
        "adverse effects or aberrant behavior. There was no documentation of urine drug screening."
    ))
    assert med.drug == "oxycodone" and med.side_effects is None
    # A screen that is not documented says nothing about consistency: left undocumented.
    assert med.monitoring == OpioidMonitoring(
        analgesia_documented=False, activities_of_daily_living_documented=False, adverse_effects_documented=False,
        aberrant_behavior_assessed=False,
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A urine drug screen was done.", {}),
        ("He reports early refills and lost prescriptions.",
         {"aberrant_behavior_assessed": True, "aberrant_behavior_found": True}),
        ("There is no pain contract.", {"pain_agreement": False}),
        ("He has not returned to work.", {"returned_to_work": False}),
        ("She returned to her usual job in May.", {"returned_to_work": True}),
        ("The CURES report was reviewed.", {"aberrant_behavior_assessed": True}),
        ("Pain is 7/10 with medications and 9/10 without.", {"analgesia_documented": True, "improved_pain": True}),
        ("Medications give no pain relief.", {"analgesia_documented": True, "improved_pain": False}),
        ("The medications allow better activities of daily living.",
         {"activities_of_daily_living_documented": True, "improved_function": True}),
    ],
)
def test_monitoring_statements(sentence: str, expected: dict[str, bool]) -> None:
    med = only_medication(case_of("The applicant remains on Norco. " + sentence))
    found = med.monitoring.model_dump(exclude_none=True) if med.monitoring else {}
    assert found == expected


def test_monitoring_without_an_opioid_taken_is_a_note() -> None:
    extraction = extract_case("A signed opioid agreement is on file.", TITLE)
    assert extraction.case.history is None
    assert any("names no opioid" in note for note in extraction.notes)


@pytest.mark.parametrize(
    ("sentence", "consistent"),
    [
        ("An inconsistent urine drug screen was noted.", False),
        ("The UDS was positive for cocaine.", False),
        ("Urine toxicology was appropriate.", True),
        ("A urine drug screen was done.", None),
    ],
)
def test_urine_screens_are_history_records_not_opioid_monitoring(sentence: str, consistent: bool | None) -> None:
    for summary in ("The applicant remains on Norco. " + sentence, sentence):  # with and without an opioid named
        history = case_of(summary).history
        screens = history.urine_drug_screens if history is not None else None
        assert screens == (None if consistent is None else (UrineDrugScreen(consistent=consistent),)), summary


def test_relief_after_an_injection_is_not_analgesia_from_the_drug() -> None:
    case = case_of("She is on Norco. The epidural injection gave 60% relief, and her medication use went down.")
    assert only_medication(case).monitoring is None


def test_a_stopped_medication_is_not_current() -> None:
    case = case_of("He was using Voltaren and Soma. He was asked to stop Soma.")
    assert case.history is not None
    assert [(m.name, m.current) for m in case.history.medications or ()] == [("Voltaren", True), ("Soma", False)]


def test_planned_medication_is_not_taken() -> None:
    assert case_of("Norco was requested for pain. Gabapentin was recommended.").history is None


# --- medication item titles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "drug", "dose", "per_day"),
    [
        ("Norco 5/325mg 1 PO BID prn pain", "hydrocodone", 5.0, 2.0),  # prn: the scheduled count is the most
        ("Percocet 10/325 #90", "oxycodone", 10.0, None),
        ("Ultram 50mg 2 tabs TID", "tramadol", 100.0, 3.0),
        ("Soma 350mg QD", "carisoprodol", 350.0, 1.0),
        ("Flexeril 7.5mg q8h", "cyclobenzaprine", 7.5, 3.0),
        ("Tramadol ER 150mg daily", "tramadol", 150.0, 1.0),
        ("Naproxen 550mg q12h", "naproxen", 550.0, 2.0),
        ("Neurontin 300 mg QID", "gabapentin", 300.0, 4.0),
        ("Oxycodone 5mg q6h", "oxycodone", 5.0, 4.0),
        ("Norco 10/325 prn", "hydrocodone", 10.0, None),  # prn alone gives no count
        ("Medrol dosepak", "methylprednisolone", None, None),
    ],
)
def test_medication_titles(title: str, drug: str, dose: float | None, per_day: float | None) -> None:
    request = case_of("Low back pain.", [title]).requests[0]
    assert (request.drug, request.dose_mg, request.doses_per_day) == (drug, dose, per_day)


def test_title_quantity() -> None:
    assert case_of("Low back pain.", ["Percocet 10/325 #90"]).requests[0].quantity == 90


# --- functional status -------------------------------------------------------------------------


def test_functional_status_stated() -> None:
    case = case_of(
        "She has difficulty with activities of daily living. Functional goals were set. He is not a surgical "
        "candidate. There are psychosocial stressors. She is unable to drive. He is motivated to improve."
    )
    assert case.functional_status is not None
    assert case.functional_status.model_dump(exclude_none=True) == {
        "adl_limitations": True, "functional_goals": True, "surgical_candidate": False, "psychosocial_factors": True,
        "can_use_private_or_public_transport": False, "motivated_to_change": True,
    }


def test_functional_status_negated_and_absent() -> None:
    case = case_of("She is independent in her activities of daily living. No functional goals were documented.")
    assert case.functional_status is not None
    assert (case.functional_status.adl_limitations, case.functional_status.functional_goals) == (False, False)
    assert case_of("Low back pain.").functional_status is None


def test_a_planned_capacity_evaluation_is_not_baseline_testing() -> None:
    assert case_of("A functional capacity evaluation was requested.").functional_status is None


# --- surgeries ---------------------------------------------------------------------------------


def test_surgeries_with_dates_and_regions() -> None:
    case = case_of(
        "She is status post L4-5 fusion on 3/2/2012. She also underwent right carpal tunnel release on "
        "November 16, 2010. A spine surgery consultation was sought."
    )
    assert case.history is not None
    assert case.history.surgeries == (
        Surgery(procedure="L4-5 fusion", region="lumbar", kind="lumbar_fusion", date=dt.date(2012, 3, 2)),
        Surgery(procedure="right carpal tunnel release", region="wrist_hand", kind="carpal_tunnel_release",
                date=dt.date(2010, 11, 16)),
    )


@pytest.mark.parametrize(("text", "kind"), [
    ("He is status post C5-6 fusion.", "cervical_fusion"),
    ("He had a lumbar decompression and fusion at L5-S1.", "lumbar_fusion"),
    ("She underwent an L4-5 microdiscectomy.", "lumbar_discectomy_laminectomy"),
    ("He underwent a right knee partial meniscectomy.", "knee_meniscectomy"),
    ("She had a shoulder arthroscopy.", None),
])
def test_a_surgery_has_the_postsurgical_guidelines_kind_when_it_names_one(text: str, kind: str | None) -> None:
    case = case_of(text)
    assert case.history is not None and case.history.surgeries is not None
    assert case.history.surgeries[0].kind == kind


def test_surgery_considered_or_denied() -> None:
    assert case_of("It was suggested that he see a surgeon to consider a lumbar fusion.").history is None
    case = case_of("She has had no prior surgery.")
    assert case.history is not None and case.history.surgeries == ()


# --- trigger points ----------------------------------------------------------------------------


def test_trigger_points_with_twitch_and_referred_pain() -> None:
    case = case_of("Palpation found three trigger points in the trapezius with a twitch response and referred pain.")
    assert case.exam is not None
    assert case.exam.trigger_points == TriggerPoints(present=True, twitch_response=True, referred_pain=True, count=3)


def test_trigger_points_negated_parts() -> None:
    case = case_of("Trigger points were palpated in the low back without a twitch response or referred pain.")
    assert case.exam is not None
    assert case.exam.trigger_points == TriggerPoints(present=True, twitch_response=False, referred_pain=False)
    case = case_of("There are no trigger points.")
    assert case.exam is not None and case.exam.trigger_points == TriggerPoints(present=False)


def test_requested_trigger_point_injections_are_not_an_exam() -> None:
    assert case_of("Trigger point injections were requested.").exam is None


# --- injection outcomes ------------------------------------------------------------------------


def test_medication_reduction_and_function_after_an_injection() -> None:
    case = case_of(
        "On 3/2/2014 she had a lumbar epidural steroid injection at L4-5 with 60% relief for 8 weeks, "
        "and she was able to reduce her Norco with improved function."
    )
    assert case.history is not None
    assert case.history.injections == (
        PriorInjection(
            treatment="epidural_steroid_injection", region="lumbar", levels=("L4-L5",), date=dt.date(2014, 3, 2),
            relief_pct=60.0, relief_weeks=8.0, medication_reduction=True, functional_improvement=True,
        ),
    )


def test_outcome_in_the_next_sentence_and_negated_reduction() -> None:
    case = case_of(
        "He had two prior epidural injections. The injections gave good relief for 3 months but no reduction in "
        "medication use and no functional improvement."
    )
    assert case.history is not None and case.history.injections is not None
    assert [(i.relief_pct, i.relief_weeks, i.medication_reduction, i.functional_improvement)
            for i in case.history.injections] == [(None, 12.9, False, False)] * 2


def test_failed_to_curtail_opioids_is_no_reduction() -> None:
    case = case_of("The prior epidural injections failed to curtail her use of opioid medications.")
    assert case.history is not None and case.history.injections is not None
    assert [i.medication_reduction for i in case.history.injections] == [False]


# --- other prior care --------------------------------------------------------------------------


def test_other_conservative_care() -> None:
    case = case_of(
        "Treatment to date has included chiropractic care, 6 sessions of acupuncture, a TENS unit and a home "
        "exercise program."
    )
    assert case.history is not None
    assert case.history.therapy_courses == (
        TherapyCourse(treatment="chiropractic"), TherapyCourse(treatment="acupuncture", visits=6),
    )
    assert (case.history.home_exercise, case.history.tens_trial_done) == (True, True)


def test_other_conservative_care_denied_or_planned() -> None:
    case = case_of("There is no home exercise program. A TENS unit was requested. She has not tried acupuncture.")
    assert case.history is not None
    assert (case.history.home_exercise, case.history.tens_trial_done, case.history.therapy_courses) == (
        False, None, None,
    )


# --- a finding stated without its study (letter 001's form) ------------------------------------


def test_nerve_root_impingement_without_a_study_is_a_diagnosis_and_a_note() -> None:
    extraction = extract_case(
        "The applicant had a disc herniation at L4-L5 causing L5 nerve root impingement, it was acknowledged.", TITLE
    )
    case = extraction.case
    # No study is invented: Study.modality is required and the summary names none.
    assert case.studies is None
    assert [(d.text, d.group, d.region) for d in case.diagnoses or ()] == [
        ("disc herniation at L4-L5", "disc_disorder", "lumbar"),
    ]
    assert any("without the study" in note for note in extraction.notes)


def test_nerve_root_impingement_on_a_named_study_is_kept_there() -> None:
    case = case_of("An MRI of the lumbar spine dated 1/5/2014 showed L5 nerve root impingement.")
    assert case.studies is not None and [s.nerve_root_compromise for s in case.studies] == [True]
    assert case.diagnoses is None


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("He had physical therapy with minimal relief.", True),
        ("Pain persists despite chiropractic care and NSAIDs.", True),
        ("She has failed conservative treatment.", True),
        ("Physical therapy helped a great deal.", None),
        ("There has been no physical therapy.", None),
        ("Physical therapy was sought because of minimal relief from rest.", None),
    ],
)
def test_conservative_care_failed(summary: str, expected: bool | None) -> None:
    case = case_of(summary)
    assert (case.history.conservative_care_failed if case.history else None) is expected


def test_first_line_medication_tried_from_the_medications_taken() -> None:
    case = case_of("She was taking naproxen and Norco.")
    assert case.history is not None and case.history.first_line_medication_tried is True
    case = case_of("She was taking Norco.")
    assert case.history is not None and case.history.first_line_medication_tried is None


def test_occupational_and_massage_therapy_courses() -> None:
    case = case_of("She completed occupational therapy and had massage therapy.")
    assert case.history is not None
    assert [c.treatment for c in case.history.therapy_courses or ()] == ["occupational_therapy", "massage_therapy"]
