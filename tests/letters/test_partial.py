"""Partial-certification item titles reduced to the part IMR decided (wording made up for the tests)."""

from __future__ import annotations

import pytest

from engine.letters import parse_letter_text
from engine.letters.partial import PartialTitle, split_partial_title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Massage therapy 10 visits was the original request. Massage therapy 4 visits was authorized by the "
            "Claims Administrator. The remaining IMR eligible portion of the original request, Massage therapy 6 visits is",
            PartialTitle("Massage therapy 6 visits", "Massage therapy 10 visits", "Massage therapy 4 visits"),
        ),
        (
            "Gabapentin 300mg #90 was the original request. Gabapentin 300mg #30 was authorized by the Claims "
            "Administrator. The remaining IMR eligible portion of the original request, Gabapentin 300mg #60",
            PartialTitle("Gabapentin 300mg #60", "Gabapentin 300mg #90", "Gabapentin 300mg #30"),
        ),
        (
            "Rental of a cane was the original request. The Claims Administrator authorized a cane for 2 weeks, "
            "leaving the original request IMR eligible. The original request, rental of a cane is",
            PartialTitle("rental of a cane", "Rental of a cane", "a cane for 2 weeks"),
        ),
        ("MRI of the lumbar spine", PartialTitle("MRI of the lumbar spine")),
        # A sentence that only mentions an original request is left whole.
        ("Original request review of MRI", PartialTitle("Original request review of MRI")),
    ],
)
def test_split_partial_title(text: str, expected: PartialTitle) -> None:
    assert split_partial_title(text) == expected


LETTER = """Case Number: CM16-0000001
Date Assigned: 12/01/2016 Date of Injury: 10/02/2016
Decision Date: 01/02/2017 UR Denial Date: 11/20/2016
Priority: Standard Application
Received:
11/25/2016
HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer.
Certification(s)/Specialty: Family Practice
CLINICAL CASE SUMMARY
The worker hurt a knee at work and had therapy.
IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
Knee MRI: Upheld
Claims Administrator guideline: Decision based on MTUS Knee Complaints 2004.
MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004.
Decision rationale: The imaging was not supported, so the request is not medically necessary.
Twelve visits of physical therapy for the knee was the original request. Six visits of physical
therapy for the knee was authorized by the Claims Administrator. The remaining IMR eligible
portion of the original request, Six visits of physical therapy for the knee is: Overturned
Claims Administrator guideline: Decision based on MTUS Chronic Pain 2016.
MAXIMUS guideline: Decision based on MTUS Chronic Pain 2016.
Decision rationale: Further therapy was reasonable here, so the request is medically necessary.
"""


def test_letter_item_keeps_original_request_beside_the_eligible_title() -> None:
    letter = parse_letter_text(LETTER)
    assert [(item.title, item.decision) for item in letter.items] == [
        ("Knee MRI", "upheld"),
        ("Six visits of physical therapy for the knee", "overturned"),
    ]
    second = letter.items[1]
    assert second.original_request == "Twelve visits of physical therapy for the knee"
    assert second.ur_certified == "Six visits of physical therapy for the knee"
    assert second.treatment == "physical_therapy"
    # The rationale of the item before keeps its own last sentence only.
    assert letter.items[0].rationale.endswith("is not medically necessary.")
    assert letter.items[0].original_request is None
    # The application date wraps over three lines in this header block.
    assert letter.header.application_received is not None
    assert letter.header.application_received.isoformat() == "2016-11-25"
