"""Synthetic fixtures (written for this project): negation, dates, sentences, requests."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import ExtractionError
from engine.extract import extract_case, split_sentences
from engine.extract.dates import find_dates, parse_date
from engine.extract.negation import assertion, attributed
from engine.models import Case

TITLE = ["Physical therapy 8 visits for the lumbar spine"]


def case_of(summary: str, titles: list[str] = TITLE) -> Case:
    return extract_case(summary, titles).case


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9/26/2013", dt.date(2013, 9, 26)),
        ("4-20-15", dt.date(2015, 4, 20)),
        ("November 16, 2010", dt.date(2010, 11, 16)),
        ("12/15/13", dt.date(2013, 12, 15)),
        ("6/29/00", dt.date(2000, 6, 29)),
        ("12/31/99", dt.date(1999, 12, 31)),
        ("Sept. 3, 2012", dt.date(2012, 9, 3)),
        ("2/30/2014", None),
        ("8/10", None),
        ("5/325", None),
    ],
)
def test_date_forms(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_dates_inside_text_do_not_take_fractions() -> None:
    found = find_dates("Pain 8/10 on 4-20-15, Norco 5/325mg since November 16, 2010.")
    assert [d.value for d in found] == [dt.date(2015, 4, 20), dt.date(2010, 11, 16)]


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        ("There is no evidence of radiculopathy.", "radiculopathy", "negated"),
        ("The patient denies numbness.", "numbness", "negated"),
        ("Home exercise was not documented.", "Home exercise", "negated"),
        ("Low back pain without radiation.", "radiation", "negated"),
        ("Negative for saddle anesthesia.", "saddle anesthesia", "negated"),
        ("No fever, but numbness in the foot.", "numbness", "affirmed"),
        ("Rule out disc herniation.", "disc herniation", "uncertain"),
        ("Numbness was reportedly present.", "Numbness", "affirmed"),
        ("Numbness is present, it was acknowledged.", "Numbness", "affirmed"),
    ],
)
def test_assertion(sentence: str, word: str, expected: str) -> None:
    start = sentence.index(word)
    assert assertion(sentence, start, start + len(word)) == expected


def test_attribution_is_still_asserted() -> None:
    assert attributed("The applicant was on Norco, it was acknowledged.")
    case = case_of("The applicant has reportedly undergone physical therapy.")
    assert case.history is not None and case.history.therapy_courses is not None


def test_negated_facts_are_documented_negative() -> None:
    case = case_of(
        "The patient denies numbness. Pain does not radiate, without radiation to the legs. "
        "No home exercise program was noted. There are no red flags. Strength is normal. "
        "No official report was provided."
    )
    assert case.symptoms is not None and case.symptoms.numbness is False and case.symptoms.radiating is False
    assert case.history is not None and case.history.home_exercise is False
    assert case.red_flags == ()
    assert case.exam is not None and case.exam.motor_weakness is False


def test_unmentioned_facts_stay_undocumented() -> None:
    case = case_of("The patient complains of low back pain.")
    assert (case.symptoms, case.exam, case.history, case.studies, case.red_flags, case.work_status) == (
        None, None, None, None, None, None,
    )


def test_relief_words_and_percentages() -> None:
    case = case_of(
        "She had a prior lumbar epidural steroid injection at L4-5 with 60% relief for 8 weeks. "
        "He underwent two previous epidural injections with good pain relief."
    )
    assert case.history is not None and case.history.injections is not None
    first, *rest = case.history.injections
    assert (first.relief_pct, first.relief_weeks, first.levels, first.region) == (60.0, 8.0, ("L4-L5",), "lumbar")
    assert [i.relief_pct for i in rest] == [None, None]


def test_planned_treatment_is_not_history() -> None:
    case = case_of("A lumbar epidural steroid injection was requested. Physical therapy was sought.")
    assert case.history is None


def test_physical_therapy_unknown_amount_and_visit_count() -> None:
    case = case_of("Treatment to date includes physical therapy (unknown amount) and 12 sessions of acupuncture.")
    assert case.history is not None and case.history.therapy_courses is not None
    assert [(c.treatment, c.visits) for c in case.history.therapy_courses] == [
        ("physical_therapy", None), ("acupuncture", 12),
    ]


@pytest.mark.parametrize(
    ("summary", "status"),
    [
        ("He remains on temporary total disability.", "off_work"),
        ("He is temporarily totally disabled.", "off_work"),
        ("Work status: TTD.", "off_work"),
        ("The applicant was placed off work.", "off_work"),
        # "Not working" gives no reason (laid off, retired, placed off work): not the same as off work.
        ("She is not working.", "not_working_other"),
        ("She returned to full duty.", "full_duty"),
        ("He is back on regular duty.", "full_duty"),
        ("Currently on modified duty.", "modified_duty"),
        ("She returned to work with restrictions.", "modified_duty"),
        # Permanent and stationary is a medical-legal status; it says nothing about working.
        ("He is permanent and stationary.", None),
        ("He is permanent and stationary and remains on temporary total disability.", "off_work"),
        # The last statement wins: summaries run from older notes to newer ones.
        ("In March she was on modified duty. In June she was placed off work.", "off_work"),
    ],
)
def test_work_status_forms(summary: str, status: str | None) -> None:
    assert case_of(summary).work_status == status


def test_glued_sentences_split_with_spans() -> None:
    text = 'Knee pain.Medical reports reviewed. Missed a visit due to "ride".2 view X-rays were done. Dr. Lee saw him.'
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Knee pain.", "Medical reports reviewed.", 'Missed a visit due to "ride".', "2 view X-rays were done.",
        "Dr. Lee saw him.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    ("title", "fields"),
    [
        ("Re-review selective nerve root block, left L5 and S1",
         {"treatment": "epidural_steroid_injection", "region": "lumbar", "side": "left", "levels": ("L5", "S1")}),
        ("PHYSICAL THERAPY 12 VISITS FOR THE LUMBAR", {"treatment": "physical_therapy", "visits": 12, "region": "lumbar"}),
        ("Norco 5/325mg 1 PO BID prn pain", {"drug": "hydrocodone", "dose_mg": 5.0, "doses_per_day": 2.0}),
        ("Repeat cervical transforaminal ESI C5-6",
         {"repeat": True, "region": "cervical", "approach": "transforaminal", "levels": ("C5-C6",)}),
    ],
)
def test_request_titles(title: str, fields: dict[str, object]) -> None:
    request = case_of("Low back pain.", [title]).requests[0]
    assert {k: getattr(request, k) for k in fields} == fields


# How therapy titles state a schedule (written for this project in the forms the archive's titles use).
@pytest.mark.parametrize(
    ("title", "fields"),
    [
        ("Physical therapy three times a week for two weeks for the neck",
         {"visits": 6, "frequency_per_week": 3.0, "weeks": 2.0}),
        ("Acupuncture, 1 to 2 times per week for 4 weeks", {"visits": 8, "frequency_per_week": 2.0, "weeks": 4.0}),
        ("Six physical therapy visits for the low back", {"visits": 6, "frequency_per_week": None}),
        ("Four sessions of physical therapy two times a week times 2 weeks",
         {"visits": 4, "frequency_per_week": 2.0, "weeks": 2.0}),
        ("Twelve physical therapy sessions, three times weekly, for the elbow", {"visits": 12, "frequency_per_week": 3.0}),
        ("Acupuncture sessions for the low back #6", {"visits": 6}),
        ("Post-operative physical therapy, times 12", {"visits": 12}),
        ("Physical therapy sessions, 12", {"visits": 12}),
        ("Chiropractic treatment twice a week for 3 weeks", {"visits": 6, "frequency_per_week": 2.0}),
        ("Physical therapy 3 visits per week for 2 weeks", {"visits": 6, "frequency_per_week": 3.0, "weeks": 2.0}),
        ("Physical therapy 2x/week x 4 weeks", {"visits": 8, "weeks": 4.0}),
        ("Acupuncture one time a week for six weeks", {"visits": 6, "frequency_per_week": 1.0}),
        ("Physical therapy 2 times 8", {"visits": None}),
        ("Physical therapy for the low back", {"visits": None, "frequency_per_week": None, "weeks": None}),
    ],
)
def test_therapy_schedules_in_titles(title: str, fields: dict[str, object]) -> None:
    request = case_of("Low back pain.", [title]).requests[0]
    assert {k: getattr(request, k) for k in fields} == fields


@pytest.mark.parametrize(
    ("title", "repeat"),
    [
        ("Additional physical therapy for the neck, 6 visits", True),
        ("Continuation of chiropractic care, 6 visits", True),
        ("Repeat MRI of the lumbar spine", True),
        ("Physical therapy for the neck, 6 visits", None),
        ("MRI of the lumbar spine", None),
    ],
)
def test_a_title_that_continues_care_is_a_repeat(title: str, repeat: bool | None) -> None:
    assert case_of("Low back pain.", [title]).requests[0].repeat is repeat


def test_unknown_titles_are_left_out_with_their_ids_kept() -> None:
    extraction = extract_case("Low back pain.", ["Gold-plated chair", "Physical therapy"])
    assert [r.id for r in extraction.case.requests] == ["r2"]
    assert any("Gold-plated chair" in n for n in extraction.notes)


@pytest.mark.parametrize(("summary", "titles"), [("", TITLE), ("Low back pain.", ["Gold-plated chair"]), ("x\x00y", TITLE)])
def test_unreadable_input_is_an_extraction_error(summary: str, titles: list[str]) -> None:
    with pytest.raises(ExtractionError):
        extract_case(summary, titles)
