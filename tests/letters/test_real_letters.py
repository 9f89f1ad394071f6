"""The three real letters in ../shared/letters, parsed exactly.

Only the parts the tests must pin are written here (titles, guidelines, the first and last words
of each text); the letters themselves stay outside the repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from engine.letters import Citation, Layout, Letter, LetterItem, parse_letter_file

CPMTG = "Chronic Pain Medical Treatment Guidelines"
ODG = "Official Disability Guidelines"


@dataclass(frozen=True)
class Expected:
    title: str
    treatment: str
    category: str
    claims_administrator: str
    reviewer: str
    citations: list[Citation]
    based_on_mtus: bool
    rationale_start: str
    rationale_end: str
    decision: str = "upheld"


@dataclass(frozen=True)
class ExpectedLetter:
    file: str
    specialty: str
    subspecialty: str | None
    summary_start: str
    summary_end: str
    items: list[Expected] = field(default_factory=list)


LETTER_000 = ExpectedLetter(
    file="000_07a1284434190ced.txt",
    specialty="Emergency Medicine",
    subspecialty=None,
    summary_start="Patient with reported date of injury on 9/26/2013. Mechanism of injury",
    summary_end="It approved norco but modified the prescription to #60tablets.",
    items=[
        Expected(
            title="Consultation with a pain management specialist",
            treatment="consultation",
            category="evaluation_management",
            claims_administrator="The Claims Administrator did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation ACOEM Guidelines, Chapter 7, page 127",
            reviewer="Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections(ESI) Page(s): 46.",
            citations=[Citation(source="MTUS", document=CPMTG, section="Epidural Steroid Injections", pages=[46])],
            based_on_mtus=True,
            rationale_start="Since consultation for pain specialist is for epidural steroid injection,",
            rationale_end="As such, this request is not medically necessary.",
        ),
        Expected(
            title="Transportation to and from the doctor's offices and procedures",
            treatment="medical_transportation",
            category="transportation",
            claims_administrator="The Claims Administrator did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation Department of Health Care Services - California website, Criteria for Medical "
            "Transportation",
            # The address's hyphen is real ("medi-cal" is a folder on the site): kept, no space.
            reviewer="The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS "
            "Citation ttp://www.dhcs.ca.gov/services/medi-cal/Documents/ManCriteria_32_MedTrans.htm",
            citations=[
                Citation(
                    source="DHCS",
                    document="California Department of Health Care Services",
                    section="ttp://www.dhcs.ca.gov/services/medi-cal/Documents/ManCriteria_32_MedTrans.htm",
                )
            ],
            based_on_mtus=False,
            rationale_start="MTUS Chronic pain and ACOEM Guidelines do have any sections",
            rationale_end="therefore, this request is not medically necessary.",
        ),
        Expected(
            title="Two radiographs of the lumbar spine",
            treatment="xray",
            category="diagnostic_imaging",
            claims_administrator="Decision based on MTUS ACOEM Chapter 12 Low Back Complaints.",
            reviewer="Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 304, 309.",
            citations=[
                Citation(
                    source="MTUS",
                    document="ACOEM Practice Guidelines",
                    chapter="12",
                    section="Low Back Complaints",
                    pages=[304, 309],
                )
            ],
            based_on_mtus=True,
            rationale_start='As per ACOEM Guidelines, imaging studies should be ordered in event of "red flag"',
            rationale_end="Therefore, this request is not medically necessary.",
        ),
        Expected(
            title="Norco 5/325mg 1 PO BID prn pain",
            treatment="opioid",
            category="pharmaceutical",
            claims_administrator="Decision based on MTUS Chronic Pain Treatment Guidelines Opioids.",
            reviewer="Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 76.",
            citations=[Citation(source="MTUS", document=CPMTG, section="Opioids", pages=[76])],
            based_on_mtus=True,
            rationale_start="Norco is acetaminophen and hydrocodone, an opioid.",
            rationale_end="this request for Norco is not medically necessary.",
        ),
        Expected(
            title="Medrol dosepak",
            treatment="oral_corticosteroid",
            category="pharmaceutical",
            claims_administrator="The Claims Administrator did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back",
            reviewer="The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS "
            "Citation Official Disability Guidelines (ODG), Low Back Complaints - Thoracic or Lumbar, Corticosteroids",
            citations=[Citation(source="ODG", document=ODG, section="Low Back Complaints - Thoracic or Lumbar, Corticosteroids")],
            based_on_mtus=False,
            rationale_start="MTUS Chronic pain or ACOEM Guidelines do not adequately address this issue.",
            rationale_end="the medical records reviewed, this request is not medically necessary.",
        ),
    ],
)

_ESI_CLAIMS = "Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections (ESIs) Page(s): 46."
_ESI_CITATION = Citation(source="MTUS", document=CPMTG, section="Epidural Steroid Injections", pages=[46])

LETTER_001 = ExpectedLetter(
    file="001_738a60def2c8b426.txt",
    specialty="Occupational Medicine",
    subspecialty=None,
    # The double space (a redacted name) is folded to one.
    summary_start="The applicant is a represented employee who has filed a claim for chronic low back pain",
    summary_end="it was suggested that the applicant consult a spine surgeon to consider a lumbar fusion surgery.",
    items=[
        Expected(
            title="Re-review selective nerve root block, left L5 and S1",
            treatment="epidural_steroid_injection",
            category="injection",
            claims_administrator=_ESI_CLAIMS,
            reviewer="Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections Topic, 9792.20(f) Page(s): 46.",
            citations=[
                _ESI_CITATION,
                Citation(source="MTUS", document="California Code of Regulations, Title 8", section="9792.20(f)"),
            ],
            based_on_mtus=True,
            rationale_start="As noted on page 46 of the MTUS Chronic Pain Medical Treatment Guidelines, however,",
            rationale_end="over the course of the claim. Therefore, the request is not medically necessary.",
        ),
        Expected(
            title="Re-review guided fluoroscopy, left L5 and S1",
            treatment="fluoroscopy",
            category="procedure_support",
            claims_administrator=_ESI_CLAIMS,
            reviewer="Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections Topic. Page(s): 46.",
            citations=[_ESI_CITATION],
            based_on_mtus=True,
            rationale_start="While page 46 of the MTUS Chronic Pain Medical Treatment Guidelines does suggest",
            rationale_end="request for associated fluoroscopy is likewise not medically necessary.",
        ),
        Expected(
            title="Re-review sedation",
            treatment="sedation",
            category="procedure_support",
            claims_administrator="The Claims Administrator did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation Official Disability Guidelines ()DG) Pain, Epidural Steroid Injections (ESIs)",
            reviewer="Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections Topic Page(s): 46.",
            citations=[_ESI_CITATION],
            based_on_mtus=True,
            rationale_start="This is a derivative or a companion request, one which accompanies the primary request",
            rationale_end="the derivative or companion request for sedation is likewise not medically necessary..",
        ),
    ],
)

LETTER_004 = ExpectedLetter(
    file="004_1601b313b08aa036.txt",
    specialty="Anesthesiology",
    subspecialty="Pain Management",
    summary_start="According to the records made available for review, this is a 48-year-old female",
    summary_end="a plan for follow up visit with the anesthesiologist for consideration of a repeat epidural steroid injection.",
    items=[
        Expected(
            title="FOLLOW-UP VISIT WITH ANESTHESIOLOGIST FOR THE LUMBAR",
            treatment="office_visit",
            category="evaluation_management",
            claims_administrator="The Claims Administrator did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation American College of Occupational and Environmental Medicine (ACOEM), 2nd Edition, "
            "(2004) Independent Medical Examinations and Consultations; Low Back Complaints, page(s) 127",
            reviewer="The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS "
            "Citation American College of Occupational and Environmental Medicine (ACOEM), 2nd Edition, (2004) "
            "Independent Medical Examinations and Consultations; Low Back Complaints, page(s) 127, 300; Official "
            "Disability Guidelines (ODG) Pain Chapter; Low Back Chapter, Office visits;",
            citations=[
                Citation(
                    source="ACOEM",
                    document="ACOEM 2nd Edition (2004)",
                    section="Independent Medical Examinations and Consultations; Low Back Complaints",
                    pages=[127, 300],
                ),
                Citation(source="ODG", document=ODG, section="Pain Chapter; Low Back Chapter, Office visits"),
            ],
            based_on_mtus=False,
            rationale_start="MTUS reference to ACOEM guidelines state that the occupational health practitioner",
            rationale_end="the request for follow-up visit with Anesthesiologist for the lumbar spine is not medically necessary.",
        ),
        Expected(
            title="PHYSICAL THERAPY 12 VISITS FOR THE LUMBAR",
            treatment="physical_therapy",
            category="rehabilitation",
            claims_administrator="Decision based on MTUS Chronic Pain Treatment Guidelines Section on physical medicine.",
            reviewer="Decision based on MTUS Chronic Pain Treatment Guidelines Section on physical medicine "
            "Page(s): 98. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low Back Chapter, "
            "Physical therapy (PT.)",
            citations=[
                Citation(source="MTUS", document=CPMTG, section="physical medicine", pages=[98]),
                Citation(source="ODG", document=ODG, section="Low Back Chapter, Physical therapy"),
            ],
            based_on_mtus=True,
            rationale_start="MTUS Chronic Pain Medical Treatment Guidelines support a brief course of physical medicine",
            rationale_end="the request for physical therapy 12 visits for the lumbar spine is not medically necessary.",
        ),
    ],
)

LETTERS = [LETTER_000, LETTER_001, LETTER_004]


def _parse(folder: Path, expected: ExpectedLetter) -> Letter:
    return parse_letter_file(folder / expected.file)


@pytest.mark.parametrize("expected", LETTERS, ids=lambda letter: letter.file)
def test_letter_level_fields(real_letters: Path, expected: ExpectedLetter) -> None:
    letter = _parse(real_letters, expected)
    assert letter.layout is Layout.MAXIMUS_2014
    assert letter.reviewer.specialty == expected.specialty
    assert letter.reviewer.subspecialty == expected.subspecialty
    assert letter.reviewer.licensure == ["California"]
    assert letter.clinical_summary.startswith(expected.summary_start)
    assert letter.clinical_summary.endswith(expected.summary_end)
    assert letter.warnings == []
    assert [item.title for item in letter.items] == [item.title for item in expected.items]


def _item_cases() -> list[tuple[ExpectedLetter, int]]:
    return [(letter, index) for letter in LETTERS for index in range(len(letter.items))]


@pytest.mark.parametrize(
    ("letter", "index"),
    _item_cases(),
    ids=[f"{letter.file[:3]}-{letter.items[index].title[:30]}" for letter, index in _item_cases()],
)
def test_each_item_exactly(real_letters: Path, letter: ExpectedLetter, index: int) -> None:
    expected = letter.items[index]
    item: LetterItem = _parse(real_letters, letter).items[index]
    assert item.title == expected.title
    assert item.decision == expected.decision
    assert (item.treatment, item.category, item.mapped) == (expected.treatment, expected.category, True)
    assert item.claims_administrator_guideline == expected.claims_administrator
    assert item.reviewer_guideline == expected.reviewer
    assert item.citations == expected.citations
    assert item.reviewer_based_on_mtus is expected.based_on_mtus
    assert item.rationale.startswith(expected.rationale_start)
    assert item.rationale.endswith(expected.rationale_end)
    assert "  " not in item.rationale
    assert item.warnings == []


def test_letter_000_keeps_real_hyphens_and_dashes(real_letters: Path) -> None:
    letter = _parse(real_letters, LETTER_000)
    # "Services -" ends a line with a spaced dash, not a hyphenated word.
    assert letter.items[1].claims_administrator_guideline is not None
    assert "Health Care Services - California website" in letter.items[1].claims_administrator_guideline
    assert "L4-L5 dermatomes" in letter.clinical_summary


def test_letter_001_joins_first_time_across_lines(real_letters: Path) -> None:
    letter = _parse(real_letters, LETTER_001)
    assert "a repeat request or a first-time request." in letter.clinical_summary
    assert "a disc herniation at L4-L5 causing" in letter.clinical_summary
