"""Each letter layout, from fixtures written for this project (invented cases, no real people)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from engine.letters import Citation, Layout, LetterHeader, Reviewer, parse_letter_text

CPMTG = "Chronic Pain Medical Treatment Guidelines"
UNMAPPED = "the title names no treatment in the catalog; the item is kept unmapped"

Read = Callable[[str], str]


def test_header_layout_letter_fields(fixture_text: Read) -> None:
    letter = parse_letter_text(fixture_text("synthetic_header_layout.txt"), source="header.txt")
    assert letter.source == "header.txt"
    assert letter.layout is Layout.MAXIMUS_2014_HEADER
    assert letter.header == LetterHeader(
        case_number="CM14-0009001",
        date_assigned=date(2014, 12, 8),
        date_of_injury=date(2012, 3, 14),
        decision_date=date(2015, 1, 20),
        ur_denial_date=date(2014, 11, 25),
        application_received=date(2014, 12, 2),
    )
    assert letter.reviewer == Reviewer(specialty="Physical Medicine & Rehabilitation", licensure=["California", "Nevada"])
    assert letter.warnings == []


def test_header_layout_summary_is_rejoined_and_mended(fixture_text: Read) -> None:
    summary = parse_letter_text(fixture_text("synthetic_header_layout.txt")).clinical_summary
    assert summary.startswith("This invented worker is a 51-year-old warehouse clerk who strained the low back")
    assert summary.endswith("Her medical history is otherwise unremarkable. A follow-up visit was planned.")
    assert "a small disc protrusion at L4-L5 without stenosis." in summary
    assert "Her medication list includes a non-steroidal anti-inflammatory drug." in summary
    # The running header and page number of page 2 never reach the text.
    assert "Page 1 of 3" not in summary
    assert "CM14" not in summary


def test_header_layout_items(fixture_text: Read) -> None:
    items = parse_letter_text(fixture_text("synthetic_header_layout.txt")).items
    assert [(item.title, item.decision, item.treatment, item.category, item.mapped) for item in items] == [
        (
            "LUMBAR EPIDURAL STEROID INJECTION AT LEFT L4-L5 UNDER FLUOROSCOPIC GUIDANCE",
            "upheld",
            "epidural_steroid_injection",
            "injection",
            True,
        ),
        ("Physical therapy, six additional visits for the lumbar spine", "overturned", "physical_therapy", "rehabilitation", True),
        ("Recliner chair for home use", "upheld", None, None, False),
    ]
    first, second, third = items
    assert first.claims_administrator_guideline == (
        "Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections (ESIs) Page(s): 46."
    )
    assert first.reviewer_guideline == ("Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections Page(s): 46.")
    assert first.citations == [Citation(source="MTUS", document=CPMTG, section="Epidural Steroid Injections", pages=[46])]
    # The rationale runs over the page break; the page's header and number are gone from it.
    assert first.rationale == (
        "The guideline supports an epidural injection when radiculopathy is documented by examination and "
        "corroborated by imaging, and when the pain has not responded to conservative treatment. Here the "
        "examination is suggestive, but the imaging shows a small protrusion without nerve root compromise, and "
        "there is no electrodiagnostic testing. The records also do not describe a home exercise program. "
        "Therefore, the request is not medically necessary."
    )
    assert second.claims_administrator_guideline == (
        "The Claims Administrator did not base their decision on the MTUS. Decision based on Non-MTUS Citation "
        "Official Disability Guidelines (ODG), Low Back Chapter, Physical therapy"
    )
    assert second.claims_administrator_citations == [
        Citation(source="ODG", document="Official Disability Guidelines", section="Low Back Chapter, Physical therapy")
    ]
    assert second.citations == [Citation(source="MTUS", document=CPMTG, section="Physical Medicine", pages=[98, 99])]
    assert second.reviewer_based_on_mtus is True
    assert second.rationale.endswith("Therefore, the request is medically necessary.")
    assert third.citations == [
        Citation(source="ACOEM", document="ACOEM 2nd Edition (2004)", section="Low Back Complaints", pages=[299, 300, 301])
    ]
    assert third.claims_administrator_citations == [
        Citation(source="ACOEM", document="ACOEM Practice Guidelines", chapter="12", pages=[301])
    ]
    assert third.reviewer_based_on_mtus is False
    assert third.rationale.startswith("Neither the guideline nor the Medi-Cal criteria list furniture")
    assert [item.warnings for item in items] == [[], [], [UNMAPPED]]


def test_documents_reviewed_layout(fixture_text: Read) -> None:
    letter = parse_letter_text(fixture_text("synthetic_documents_reviewed_layout.txt"))
    assert letter.layout is Layout.MAXIMUS_DOCUMENTS_REVIEWED
    assert letter.header == LetterHeader(case_number="CM14-0004321")
    assert letter.reviewer == Reviewer(specialty="Orthopedic Surgery", licensure=["California"])
    assert letter.clinical_summary.startswith("The injured worker is an invented 44-year-old delivery driver")
    assert letter.clinical_summary.endswith("Magnetic resonance imaging of the right knee and cyclobenzaprine were requested.")
    mri, relaxant = letter.items
    assert (mri.title, mri.decision, mri.treatment, mri.category) == (
        "Magnetic resonance imaging of the right knee",
        "overturned",
        "mri",
        "diagnostic_imaging",
    )
    acoem = "the ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 13, Knee Complaints, pages 341-343, which are part of the MTUS."
    assert mri.claims_administrator_guideline == acoem
    assert mri.reviewer_guideline == acoem
    assert mri.citations == [
        Citation(source="MTUS", document="ACOEM 2nd Edition (2004)", chapter="13", section="Knee Complaints", pages=[341, 342, 343])
    ]
    assert mri.rationale.startswith("The guideline supports imaging of the knee when mechanical symptoms")
    assert mri.rationale.endswith("Both are documented here. The request is medically necessary.")
    assert (relaxant.title, relaxant.decision, relaxant.treatment) == ("Cyclobenzaprine 7.5 mg #90", "upheld", "muscle_relaxant")
    assert relaxant.reviewer_guideline == (
        "the Chronic Pain Medical Treatment Guidelines, Muscle relaxants (for pain), pages 63-66, which are part of the MTUS."
    )
    assert relaxant.citations == [Citation(source="MTUS", document=CPMTG, section="Muscle relaxants (for pain)", pages=[63, 64, 65, 66])]
    assert relaxant.rationale.endswith("no spasm is documented. The request is not medically necessary.")
    assert [item.warnings for item in letter.items] == [[], []]


def test_medical_professional_review_layout(fixture_text: Read) -> None:
    letter = parse_letter_text(fixture_text("medical_professional_review.txt"))
    assert letter.layout is Layout.MEDICAL_PROFESSIONAL_REVIEW
    assert letter.header == LetterHeader(case_number="CM15-0007777")
    assert letter.reviewer == Reviewer(specialty="Physical Medicine and Rehabilitation", licensure=["California"])
    assert letter.clinical_summary.startswith("The injured worker is an invented 38-year-old assembler")
    assert letter.clinical_summary.endswith("with no stomach upset reported.")
    acupuncture, naproxen = letter.items
    assert (acupuncture.title, acupuncture.decision, acupuncture.treatment) == (
        "Acupuncture, six sessions for the neck",
        "upheld",
        "acupuncture",
    )
    # A title that wraps onto a second line under ISSUE AT DISPUTE.
    assert (naproxen.title, naproxen.decision, naproxen.treatment) == (
        "Naproxen sodium 550 mg, sixty tablets",
        "overturned",
        "nsaid",
    )
    assert acupuncture.claims_administrator_guideline is None
    assert acupuncture.reviewer_guideline == (
        "MTUS Acupuncture Medical Treatment Guidelines, 8 CCR 9792.24.1. The guideline applies because acupuncture was requested."
    )
    assert acupuncture.citations == [
        Citation(source="MTUS", document="Acupuncture Medical Treatment Guidelines"),
        Citation(source="MTUS", document="California Code of Regulations, Title 8", section="9792.24.1"),
    ]
    assert naproxen.citations == [Citation(source="MTUS", document=CPMTG, section="NSAIDs", pages=[67, 68])]
    assert acupuncture.rationale == (
        "The guideline allows further acupuncture only when functional improvement follows the earlier treatments. "
        "Twelve sessions brought no documented change. The request is not medically necessary."
    )
    assert naproxen.rationale.startswith("The guideline supports an anti-inflammatory at the lowest effective dose")
    assert naproxen.rationale.endswith("Both are documented. The request is medically necessary.")
    assert [item.warnings for item in letter.items] == [[], []]


def test_notice_2013_layout(fixture_text: Read) -> None:
    letter = parse_letter_text(fixture_text("notice_2013.txt"))
    assert letter.layout is Layout.NOTICE_2013
    assert letter.header == LetterHeader(
        case_number="CM13-0005555", date_of_injury=date(2011, 2, 11), ur_denial_date=date(2013, 7, 30),
        application_received=date(2013, 8, 5),
    )
    assert letter.reviewer == Reviewer(specialty="Internal Medicine", subspecialty="Rheumatology", licensure=["California", "Arizona"])
    assert letter.clinical_summary == (
        "The injured worker is an invented 60-year-old cook with chronic low back pain and obesity. Mr. [redacted] "
        "reports pain of 7/10 that limits standing. A home TENS trial is not documented. Land exercise is limited by "
        "knee pain, and a pool program was requested."
    )
    tens, aquatic = letter.items
    assert (tens.title, tens.decision, tens.treatment, tens.category) == (
        "Transcutaneous electrical nerve stimulation unit, thirty-day rental",
        "upheld",
        "tens_unit",
        "durable_medical_equipment",
    )
    assert tens.citations == [Citation(source="MTUS", document=CPMTG, section="Transcutaneous electrotherapy", pages=[114, 115, 116])]
    assert tens.rationale.endswith("No such program is described. The request is not medically necessary.")
    assert (aquatic.title, aquatic.decision, aquatic.treatment) == ("Aquatic therapy, eight sessions", "overturned", "aquatic_therapy")
    assert aquatic.claims_administrator_guideline == (
        "the Official Disability Guidelines (ODG), Low Back Chapter, Aquatic therapy, which is not part of the MTUS."
    )
    assert aquatic.claims_administrator_citations == [
        Citation(source="ODG", document="Official Disability Guidelines", section="Low Back Chapter, Aquatic therapy")
    ]
    assert aquatic.citations == [Citation(source="MTUS", document=CPMTG, section="Aquatic therapy", pages=[22])]
    assert aquatic.reviewer_based_on_mtus is True
    assert [item.warnings for item in letter.items] == [[], []]


def test_notice_2013_without_its_explanations_keeps_the_listed_determinations(fixture_text: Read) -> None:
    text = fixture_text("notice_2013.txt")
    cut = text[: text.index("IMR DECISION(S) AND RATIONALE(S)")]
    letter = parse_letter_text(cut)
    assert [(item.title, item.decision) for item in letter.items] == [
        ("a transcutaneous electrical nerve stimulation unit, thirty-day rental", "upheld"),
        ("eight sessions of aquatic therapy", "overturned"),
    ]
    assert letter.items[0].rationale == ""
    assert letter.items[0].warnings == ["no guidelines or rationale were found for this determination; the letter may be cut off"]


def test_notice_2013_flags_a_decision_that_disagrees_with_the_list(fixture_text: Read) -> None:
    text = fixture_text("notice_2013.txt").replace(
        "eight sessions of aquatic\ntherapy is medically necessary", "eight sessions of aquatic\ntherapy is not medically necessary"
    )
    aquatic = parse_letter_text(text).items[1]
    assert aquatic.decision == "overturned"
    assert aquatic.warnings == ["the decision here differs from the list of determinations at the top of the notice"]


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("synthetic_header_layout.txt", Layout.MAXIMUS_2014_HEADER),
        ("synthetic_documents_reviewed_layout.txt", Layout.MAXIMUS_DOCUMENTS_REVIEWED),
        ("medical_professional_review.txt", Layout.MEDICAL_PROFESSIONAL_REVIEW),
        ("notice_2013.txt", Layout.NOTICE_2013),
    ],
)
def test_layout_is_recognised_without_blank_lines_or_with_them(fixture_text: Read, name: str, layout: Layout) -> None:
    text = fixture_text(name)
    dense = "\n".join(line for line in text.splitlines() if line.strip())
    airy = "\n\n".join(text.splitlines())
    assert parse_letter_text(dense) == parse_letter_text(airy)
    assert parse_letter_text(dense).layout is layout


@pytest.fixture
def letter_without_header(fixture_text: Read) -> str:
    """A 2014 letter without a header block: the fixture with its header lines taken away."""
    text = fixture_text("synthetic_header_layout.txt")
    return text[text.index(" HOW THE IMR FINAL DETERMINATION WAS MADE") :]


def test_without_header_block_the_layout_is_the_plain_2014_one(letter_without_header: str) -> None:
    letter = parse_letter_text(letter_without_header)
    assert letter.layout is Layout.MAXIMUS_2014
    # Only the running page header still names the case.
    assert letter.header == LetterHeader(case_number="CM14-0009001")
    assert len(letter.items) == 3


def test_a_quoted_ur_determination_does_not_make_a_2013_notice(letter_without_header: str) -> None:
    text = letter_without_header.replace(
        "This invented worker", "Utilization review has determined the request for an MRI is not medically necessary. This invented worker"
    )
    assert parse_letter_text(text).layout is Layout.MAXIMUS_2014


def test_the_notice_is_recognised_by_its_determinations_alone(fixture_text: Read) -> None:
    text = fixture_text("notice_2013.txt").replace("Notice of Independent Medical Review Determination", "")
    letter = parse_letter_text(text)
    assert letter.layout is Layout.NOTICE_2013
    assert [item.decision for item in letter.items] == ["upheld", "overturned"]


def test_header_fields_make_the_header_variant(letter_without_header: str) -> None:
    letter = parse_letter_text("Case Number: CM14-0000002\nDate Assigned: 1/5/2015\n" + letter_without_header)
    assert letter.layout is Layout.MAXIMUS_2014_HEADER
    assert letter.header == LetterHeader(case_number="CM14-0000002", date_assigned=date(2015, 1, 5))
