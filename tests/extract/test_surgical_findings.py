"""What a surgery is judged on, read from summaries written for this project: the lesion a study
shows (and whether it is one repaired early, instability, arthritis), examination signs of the
lesion, and the items of a letter requested for its surgery (linked to it as companions)."""

from __future__ import annotations

import pytest

from engine.extract import extract_case
from engine.models import Case, Study


def case_of(summary: str, titles: list[str]) -> Case:
    return extract_case(summary, titles).case


def only_study(case: Case) -> Study:
    assert case.studies is not None
    [study] = case.studies
    return study


@pytest.mark.parametrize(
    ("sentence", "lesion", "early", "instability", "arthritis"),
    [
        ("An MRI of the left shoulder on 3/2/2016 showed a full-thickness tear of the supraspinatus tendon.",
         True, True, None, None),
        ("A shoulder MRI dated 3/2/2016 revealed a partial thickness tear of the infraspinatus.", True, None, None, None),
        ("Right knee MRI (4/5/2016) showed a tear of the posterior horn of the medial meniscus.", True, None, None, None),
        ("The right knee MRI on 4/5/2016 demonstrated medial compartment osteoarthritis and a degenerative meniscal tear.",
         True, None, None, True),
        ("Lumbar MRI dated 1/9/2016 showed grade 1 spondylolisthesis at L4-5 with severe foraminal stenosis.",
         True, None, True, None),
        ("An MRI of the shoulder on 3/2/2016 showed tendinosis without a tear.", None, None, None, None),
        ("X-rays of the wrist on 5/6/2016 showed no fracture.", None, None, None, None),
        ("An MRI of the shoulder on 3/2/2016 showed a possible labral tear.", None, None, None, None),
    ],
)
def test_study_lesion_facts(sentence: str, lesion: bool | None, early: bool | None, instability: bool | None,
                            arthritis: bool | None) -> None:
    study = only_study(case_of(f"The worker was injured at work. {sentence}", ["Shoulder arthroscopy"]))
    assert (study.surgical_lesion, study.early_repair_lesion, study.spinal_instability, study.osteoarthritis) == (
        lesion, early, instability, arthritis)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On exam there was apprehension with abduction and external rotation.", True),
        ("The examination showed a positive McMurray test and joint line tenderness.", True),
        ("Exam revealed positive Tinel's and Phalen's signs at the wrist.", True),
        ("The knee was stable with no locking or giving way.", None),
        ("Examination showed tenderness over the lateral epicondyle.", None),
    ],
)
def test_structural_signs(sentence: str, expected: bool | None) -> None:
    case = case_of(f"The worker was injured at work. {sentence}", ["Knee arthroscopy"])
    assert (case.exam.structural_signs if case.exam is not None else None) is expected


def test_weakness_in_one_muscle_group_is_not_undone_by_full_strength_in_another() -> None:
    case = case_of("The worker hurt her shoulder at work. Abduction strength was 4/5. Internal rotation strength was 5/5.",
                   ["Rotator cuff repair"])
    assert case.exam is not None and case.exam.motor_weakness is True


def test_diagnosed_fracture_and_complete_tear_are_grouped() -> None:
    case = case_of("The diagnoses include a distal radius fracture and a complete rupture of the biceps tendon.",
                   ["Open reduction internal fixation"])
    assert case.diagnoses is not None
    assert [d.group for d in case.diagnoses] == ["fracture_dislocation", "complete_tear"]


def test_items_requested_for_a_surgery_follow_it() -> None:
    case = case_of(
        "The worker has a torn rotator cuff.",
        ["Right shoulder arthroscopy with rotator cuff repair", "Associated surgical service: Cold therapy for one week",
         "Pre-operative CBC", "Post-op sling", "Assistant PA", "Naproxen 500mg #60"],
    )
    links = {r.treatment: r.companion_of for r in case.requests}
    assert links == {"arthroscopy": None, "cold_therapy_unit": "r1", "laboratory_test": "r1", "brace_orthosis": "r1",
                     "surgical_assistant": "r1", "nsaid": None}


def test_a_post_op_item_without_a_surgery_in_the_letter_stands_alone() -> None:
    case = case_of("The worker had shoulder surgery last year.", ["Post-op sling", "Pre-operative medical clearance"])
    assert [r.companion_of for r in case.requests] == [None, None]


@pytest.mark.parametrize(
    ("sentence", "tear", "ottawa"),
    [
        ("His right knee gives way and there is locking.", True, None),
        ("Examination of the knee showed a positive McMurray's test and a 2+ effusion.", True, True),
        ("He went to the emergency room as he was unable to bear weight on the right knee.", None, True),
        ("A right knee MRI showed a small effusion.", None, None),
        ("The knee had no effusion and a negative Lachman test.", None, None),
        ("The shoulder gives way with overhead reaching.", None, None),
    ],
)
def test_knee_exam_signs(sentence: str, tear: bool | None, ottawa: bool | None) -> None:
    case = case_of(f"The worker was injured at work. {sentence}", ["Knee MRI"])
    exam = case.exam
    assert ((exam.meniscus_or_ligament_tear_suspected, exam.ottawa_knee_finding) if exam is not None else (None, None)) == (
        tear, ottawa)


@pytest.mark.parametrize(
    ("sentence", "compromise"),
    [
        ("A lumbar MRI on 1/18/2017 showed a foraminal disc protrusion contacting the exiting left L5 nerve root.", True),
        ("A cervical MRI on 2/1/2016 showed a C6-7 protrusion abutting the right C7 nerve root.", True),
        ("A lumbar MRI on 1/18/2017 showed a disc bulge without contacting the nerve roots.", False),
    ],
)
def test_a_disc_touching_a_root_is_nerve_root_compromise(sentence: str, compromise: bool) -> None:
    study = only_study(case_of(f"The worker was injured at work. {sentence}", ["EMG of the lower extremities"]))
    assert study.nerve_root_compromise is compromise


@pytest.mark.parametrize(
    ("title", "weeks", "quantity"),
    [
        ("Associated surgical service: Cold therapy for one week", 1.0, None),
        ("Cryotherapy unit, seven day use", 1.0, None),
        ("Standard wheelchair for a 2 month rental", 8.57, None),
        ("Cold therapy unit x 14 days", 2.0, None),
        ("Cold therapy unit", None, None),
    ],
)
def test_how_long_equipment_is_asked_for(title: str, weeks: float | None, quantity: int | None) -> None:
    [request] = case_of("The worker is to have surgery.", [title]).requests
    assert (request.weeks, request.quantity) == (weeks, quantity)


def test_a_disc_extrusion_is_a_surgical_lesion() -> None:
    study = only_study(case_of("The worker hurt his back. A lumbar MRI on 11/25/2016 showed a right L4-5 disc "
                               "extrusion filling the lateral recess.", ["Spine surgery consultation"]))
    assert study.surgical_lesion is True and study.early_repair_lesion is None


@pytest.mark.parametrize(
    ("sentence", "helped"),
    [
        ("The worker reports that chiropractic treatments have helped.", True),
        ("She reported chiropractic therapy had decreased her pain from 8/10 to 5/10.", True),
        ("Treatment has included physical therapy, which did not help.", False),
        ("He has had physical therapy with minimal relief.", False),
        ("Treatment has included physical therapy and medication.", None),
    ],
)
def test_whether_a_course_of_therapy_helped(sentence: str, helped: bool | None) -> None:
    case = case_of(f"The worker hurt her neck at work. {sentence}", ["MRI of the cervical spine"])
    assert case.history is not None and case.history.therapy_courses is not None
    assert case.history.therapy_courses[0].helped is helped
