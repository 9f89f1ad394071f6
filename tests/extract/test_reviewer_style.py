"""How IMR reviewers write their clinical summaries, one phrasing per test (sentences written for this
project in that style): dated findings, treatment lists, pain "out of 10", the duration from the
injury to the request, study reports, counted courses. Each test also shows the phrasing that must
not be read as the fact."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.extract import extract_case
from engine.models import Case

TITLE = ["MRI of the lumbar spine"]


def case_of(summary: str, titles: list[str] = TITLE) -> Case:
    return extract_case(summary, titles).case


# --- pain and symptoms ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "score"), [
    ("Notes dated 3-2-16 indicate pain rated at 4 out of 10.", 4.0),
    ("He rated his back pain 2 on a 10-point scale.", 2.0),
    ("The current pain level was rated 6 of 10.", 6.0),
    ("Pain was 7 on a scale of 0 to 10.", 7.0),
    ("She had 3 out of 4 sessions.", None),
])
def test_pain_in_words(text: str, score: float | None) -> None:
    symptoms = case_of(text).symptoms
    assert (symptoms.pain_score if symptoms else None) == score


def test_radicular_symptoms_are_radiating_pain() -> None:
    symptoms = case_of("He reports back and radicular symptoms in both lower extremities.").symptoms
    assert symptoms is not None and symptoms.radiating is True and symptoms.radiation_side == "bilateral"


# --- diagnoses as reviewers name them ------------------------------------------------------------


@pytest.mark.parametrize(("text", "regions", "groups"), [
    ("The worker is undergoing treatment for lumbar strain and left knee contusion.", {"lumbar", "knee"},
     {"sprain_strain"}),
    ("She was being treated for the diagnosis of back pain.", {"lumbar"}, set()),
    ("He has diagnoses that include cervical radiculopathy; shoulder tendinitis.", {"cervical", "shoulder"},
     {"radiculopathy", "tendinopathy"}),
    ("The applicant was given diagnoses of cubital tunnel syndrome.", {"elbow"}, set()),
    ("Initial diagnosis lumbosacral strain.", {"lumbar"}, {"sprain_strain"}),
    ("He was treated for three weeks with rest.", set(), set()),
])
def test_diagnoses_in_reviewer_phrasing(text: str, regions: set[str], groups: set[str]) -> None:
    diagnoses = case_of(text).diagnoses or ()
    assert {d.region for d in diagnoses if d.region} == regions
    assert {d.group for d in diagnoses if d.group} == groups


def test_an_occupational_claim_dates_the_injury() -> None:
    case = case_of("She has an occupational claim from 11/02/2015 for repetitive trauma.")
    assert case.injury is not None and case.injury.date == dt.date(2015, 11, 2)


# --- duration from the injury to the request -----------------------------------------------------


def test_duration_runs_from_the_injury_to_the_request_for_authorization() -> None:
    case = case_of(
        "He was injured on 1-4-2016. He was seen on 2-1-2016 for back pain. The request for authorization "
        "dated 3-4-2016 asked for an MRI. Utilization review on 3-20-2016 non-certified the request."
    )
    assert case.symptoms is not None and case.symptoms.duration_months == 2.0  # 60 days


def test_without_a_request_date_the_last_visit_counts_never_the_review_or_a_study() -> None:
    case = case_of(
        "He was injured on 1-4-2016. Progress notes dated 2-3-2016 noted back pain. An MRI dated 5-1-2016 "
        "showed a bulge. The original utilization review (6-1-2016) denied the request."
    )
    assert case.symptoms is not None and case.symptoms.duration_months == 1.0  # 30 days


def test_a_stated_duration_wins_and_no_dates_leave_it_undocumented() -> None:
    stated = case_of("He was injured on 1-4-2016. On 6-1-2016 he reported back pain for the past 3 weeks.")
    assert stated.symptoms is not None and stated.symptoms.duration_months == 0.7
    assert case_of("He was injured on 1-4-2016 and has back pain.").symptoms is None


# --- treatment lists -----------------------------------------------------------------------------


def test_a_treatment_list_across_semicolons_is_history() -> None:
    case = case_of("Treatment to date has included chiropractic care; acupuncture and Etodolac.")
    assert case.history is not None
    assert [c.treatment for c in case.history.therapy_courses or ()] == ["chiropractic", "acupuncture"]
    [med] = case.history.medications or ()
    assert (med.drug, med.treatment, med.current) == ("etodolac", "nsaid", None)
    assert case.history.first_line_medication_tried is True


def test_a_drug_prescribed_at_the_visit_is_current_and_a_planned_one_is_not_taken() -> None:
    prescribed = case_of("On 5-2-2016 the applicant reported wrist pain. Naprosyn was prescribed.")
    assert prescribed.history is not None
    assert [(m.drug, m.current) for m in prescribed.history.medications or ()] == [("naproxen", True)]
    planned = case_of("The plan is to consider Naprosyn.")
    assert planned.history is None or planned.history.medications is None


def test_current_medications_are_current() -> None:
    case = case_of("The current medications are Motrin and Flexeril.")
    assert case.history is not None
    assert [(m.drug, m.current) for m in case.history.medications or ()] == [("ibuprofen", True),
                                                                            ("cyclobenzaprine", True)]


def test_therapy_reports_give_the_visits_and_the_dates_of_the_course() -> None:
    case = case_of("The records included 5 physical therapy reports dated 2-1-2016 to 2-26-2016.")
    assert case.history is not None
    [course] = case.history.therapy_courses or ()
    assert (course.treatment, course.visits, course.start_date, course.date) == (
        "physical_therapy", 5, dt.date(2016, 2, 1), dt.date(2016, 2, 26))


def test_counted_postoperative_sessions_were_given_and_requested_ones_were_not() -> None:
    done = case_of("Lumbar fusion in 2014. 12 post-operative PT sessions followed.")
    assert done.history is not None
    [course] = done.history.therapy_courses or ()
    assert (course.treatment, course.visits, course.postsurgical) == ("physical_therapy", 12, True)
    asked = case_of("The physician asked for 12 PT sessions.")
    assert asked.history is None or asked.history.therapy_courses is None


def test_a_therapy_with_its_outcome_was_given() -> None:
    case = case_of("Lumbar strain; physical therapy with reported improvement, then a plateau.")
    assert case.history is not None
    assert [c.treatment for c in case.history.therapy_courses or ()] == ["physical_therapy"]


# --- studies -------------------------------------------------------------------------------------


def test_two_studies_in_one_sentence_share_region_and_date() -> None:
    case = case_of("Previous diagnostic studies include x-rays and CT scan (3-1-2016) of the cervical spine.")
    assert [(s.modality, s.region, s.date) for s in case.studies or ()] == [
        ("xray", "cervical", dt.date(2016, 3, 1)), ("ct", "cervical", dt.date(2016, 3, 1))]


def test_the_study_named_again_is_the_same_study() -> None:
    case = case_of("Prior studies include a CT scan (3-1-2016) of the cervical spine. The CT report showed "
                   "spurring of the thoracic spine.")
    [study] = case.studies or ()
    assert (study.modality, study.region, study.findings) == ("ct", "cervical", "spurring of the thoracic spine")


def test_a_report_heading_is_a_study_done() -> None:
    case = case_of("March 2015 MRI: L4-5 protrusion impinging the right L5 root.")
    [study] = case.studies or ()
    assert (study.modality, study.nerve_root_compromise) == ("mri", True)


def test_an_x_ray_in_the_treatment_list_was_done_but_a_requested_one_was_not() -> None:
    assert [s.modality for s in case_of("Treatment has included x-ray and physical therapy.").studies or ()] == ["xray"]
    assert case_of("An x-ray of the knee was requested.").studies is None


# --- examination and surgery ---------------------------------------------------------------------


def test_straight_leg_raise_side_after_the_sign() -> None:
    exam = case_of("The straight leg raises were positive on the left at 30 degrees.").exam
    assert exam is not None and (exam.straight_leg_raise, exam.straight_leg_raise_side) == ("positive", "left")


@pytest.mark.parametrize("text", [
    "Sensation was intact to light touch and pinprick in all dermatomes of the legs.",
    "He had intact strength and sensation about the hands.",
])
def test_intact_sensation_is_no_sensory_loss(text: str) -> None:
    exam = case_of(text).exam
    assert exam is not None and exam.dermatomal_sensory_loss is False


def test_a_fracture_treated_with_fusion_is_a_lumbar_fusion() -> None:
    case = case_of("An L2 fracture was treated with L1-L3 fusion.")
    assert case.history is not None
    [surgery] = case.history.surgeries or ()
    assert (surgery.region, surgery.kind) == ("lumbar", "lumbar_fusion")


@pytest.mark.parametrize(("text", "weak"), [
    ("Motor strength was normal in both legs.", False),
    ("He had intact strength about the hands.", False),
    ("Strength was 4/5 in the left ankle dorsiflexors.", True),
])
def test_strength_in_reviewer_words(text: str, weak: bool) -> None:
    exam = case_of(text).exam
    assert exam is not None and exam.motor_weakness is weak


def test_a_course_counted_in_words_with_its_outcome_was_given() -> None:
    case = case_of("Six sessions of physical therapy had not proven particularly beneficial.")
    assert case.history is not None
    [course] = case.history.therapy_courses or ()
    assert (course.treatment, course.visits) == ("physical_therapy", 6)
