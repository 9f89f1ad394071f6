"""The three shared letters: the facts the criteria need, found with exact values."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from engine.evaluate import Evaluator
from engine.extract import Extraction, extract_case
from engine.models import PriorInjection, Request, Study, Surgery, TherapyCourse

Cut = Callable[[str], tuple[str, list[str]]]
RATIONALE = "IMR ISSUES, DECISIONS AND RATIONALES"


@pytest.fixture(scope="module")
def extracted(letter: Callable[[str], str], cut_letter: Cut) -> Callable[[str], Extraction]:
    def run(prefix: str) -> Extraction:
        summary, titles = cut_letter(letter(prefix))
        return extract_case(summary, titles, case_id=prefix)

    return run


def test_000_pt_without_visits_mri_without_report_slr_right(extracted: Callable[[str], Extraction]) -> None:
    case = extracted("000").case
    assert case.injury is not None and case.injury.date == dt.date(2013, 9, 26)
    assert case.injury.mechanism == "lifting a bag"
    assert case.work_status == "modified_duty"
    assert case.symptoms is not None and case.symptoms.pain_score == 8.0 and case.symptoms.radiating is True
    assert case.exam is not None
    assert (case.exam.straight_leg_raise, case.exam.straight_leg_raise_side) == ("positive", "right")
    assert case.exam.dermatomal_sensory_loss is True and case.exam.sensory_levels == ("L4", "L5")
    assert case.exam.motor_weakness is False and case.exam.reflex_change is None
    assert case.history is not None
    assert case.history.therapy_courses == (TherapyCourse(treatment="physical_therapy"),)
    assert case.history.medications is None and case.history.injections is None
    assert case.studies is not None
    mri = next(s for s in case.studies if s.modality == "mri")
    assert (mri.region, mri.date, mri.official_report) == ("lumbar", dt.date(2013, 12, 15), False)
    assert Study(modality="xray", region="lumbar") in case.studies
    assert case.red_flags is None
    assert [d.group for d in case.diagnoses or ()] == [
        "disc_disorder", "sprain_strain", "spondylosis", "neuralgia_neuritis_radiculitis", None,
    ]
    assert [(r.id, r.treatment) for r in case.requests] == [
        ("r1", "consultation"), ("r2", "medical_transportation"), ("r3", "xray"), ("r4", "opioid"),
        ("r5", "oral_corticosteroid"),
    ]
    norco = case.request("r4")
    assert (norco.drug, norco.dose_mg, norco.doses_per_day) == ("hydrocodone", 5.0, 2.0)
    assert case.request("r3") == Request(id="r3", treatment="xray", region="lumbar", quantity=2)
    assert case.request("r1").planned_procedure == "epidural_steroid_injection"


def test_000_no_medication_list_is_a_note(extracted: Callable[[str], Extraction]) -> None:
    assert any("no medication list" in note for note in extracted("000").notes)


def test_001_four_esis_no_relief_off_work_repeat(extracted: Callable[[str], Extraction]) -> None:
    case = extracted("001").case
    assert case.injury is not None and case.injury.date == dt.date(2010, 11, 16)
    assert case.work_status == "off_work"
    assert case.history is not None
    assert case.history.injections == (PriorInjection(treatment="epidural_steroid_injection", relief_pct=0),) * 4
    assert case.history.therapy_courses == (TherapyCourse(treatment="physical_therapy", helped=False),)
    assert case.history.tens_trial_done is True
    meds = case.history.medications or ()
    assert [(m.name, m.treatment, m.drug) for m in meds] == [
        ("Voltaren", "nsaid", "diclofenac"), ("Norco", "opioid", "hydrocodone"), ("Soma", "muscle_relaxant", "carisoprodol"),
    ]
    assert case.symptoms is not None and case.symptoms.numbness is True and case.symptoms.pain_score == 8.0
    esi, fluoro, sedation = case.requests
    assert esi == Request(
        id="r1", treatment="epidural_steroid_injection", region="lumbar", side="left", levels=("L5", "S1"), repeat=True
    )
    assert (fluoro.treatment, fluoro.companion_of) == ("fluoroscopy", "r1")
    assert (sedation.treatment, sedation.companion_of) == ("sedation", "r1")


def test_004_one_esi_good_relief_no_percentage(extracted: Callable[[str], Extraction]) -> None:
    case = extracted("004").case
    assert case.claimant is not None and (case.claimant.age, case.claimant.sex) == (48, "female")
    assert case.injury is not None and case.injury.date == dt.date(2000, 6, 29)
    assert case.history is not None
    assert case.history.injections == (PriorInjection(treatment="epidural_steroid_injection", region="lumbar"),)
    assert case.history.therapy_courses == (TherapyCourse(treatment="physical_therapy"),)
    assert case.exam is not None
    assert (case.exam.straight_leg_raise, case.exam.straight_leg_raise_side) == ("positive", "bilateral")
    assert case.exam.dermatomal_sensory_loss is True and case.exam.reflex_change is True
    assert case.symptoms is not None and case.symptoms.radiating is True and case.symptoms.numbness is True
    assert case.work_status is None
    visit, therapy = case.requests
    assert (visit.treatment, visit.region, visit.planned_procedure) == (
        "office_visit", "lumbar", "epidural_steroid_injection",
    )
    assert therapy == Request(id="r2", treatment="physical_therapy", region="lumbar", visits=12)


@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_rationale_is_never_read(
    prefix: str, letter: Callable[[str], str], cut_letter: Cut, without_rationales: Callable[[str], str]
) -> None:
    text = letter(prefix)
    changed = without_rationales(text)
    assert changed != text and len(changed.partition("RATIONALES")[2]) != len(text.partition("RATIONALES")[2])
    original, other = cut_letter(text), cut_letter(changed)
    assert original == other
    first, second = extract_case(*original), extract_case(*other)
    assert first.case == second.case and first.evidence == second.evidence


@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_evidence_spans_are_sentences(prefix: str, letter: Callable[[str], str], cut_letter: Cut) -> None:
    summary, titles = cut_letter(letter(prefix))
    extraction = extract_case(summary, titles)
    assert extraction.evidence
    for item in extraction.evidence:
        assert summary[item.start : item.end] == item.sentence


def test_evidence_names_the_right_sentence(letter: Callable[[str], str], cut_letter: Cut) -> None:
    summary, titles = cut_letter(letter("000"))
    extraction = extract_case(summary, titles)
    [slr] = extraction.for_field("exam.straight_leg_raise")
    assert slr.sentence == "Straight leg positive on R side."
    [report] = extraction.for_field("studies[1].official_report")
    assert report.value is False and "no official report" in report.sentence
    summary, titles = cut_letter(letter("001"))
    relief = extract_case(summary, titles).for_field("history.injections[3].relief_pct")
    assert [e.value for e in relief] == [0.0] and "four prior epidural" in relief[0].sentence


def test_001_root_impingement_without_a_study_is_noted_not_invented(extracted: Callable[[str], Extraction]) -> None:
    """Letter 001 states L5 nerve-root impingement from a disc herniation but names no study: the
    herniation is a diagnosis, no Study is invented (its modality is required), and a note says
    what to add. The ESI criteria then find corroborating imaging missing, which is what it is."""
    extraction = extracted("001")
    assert extraction.case.studies is None
    assert [(d.text, d.group) for d in extraction.case.diagnoses or ()] == [("disc herniation at L4-L5", "disc_disorder")]
    assert any("without the study" in note for note in extraction.notes)


def test_004_surgery_from_the_diagnoses(extracted: Callable[[str], Extraction]) -> None:
    case = extracted("004").case
    assert case.history is not None
    assert case.history.surgeries == (Surgery(procedure="lumbar decompression and fusion at L5-S1", region="lumbar",
                                                   kind="lumbar_fusion"),)


@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_extracted_case_evaluates_to_the_letters_decisions(
    prefix: str, letter: Callable[[str], str], cut_letter: Cut, evaluator: Evaluator
) -> None:
    """End to end: the case extracted from the summary, evaluated on the criteria, predicts what the
    reviewer decided on each item (read from the decision lines here, never by the extractor)."""
    text = letter(prefix)
    decisions = re.findall(r"^[^\n]{3,200}:\s*(Upheld|Overturned)\b", text.partition(RATIONALE)[2], re.MULTILINE)
    result = evaluator.evaluate(extract_case(*cut_letter(text)).case, as_of=dt.date(2014, 12, 1))
    expected = ["uphold" if d == "Upheld" else "overturn" for d in decisions]
    assert [r.prediction for r in result.requests] == expected
