"""Guideline statements to structured citations."""

from __future__ import annotations

import pytest

from engine.letters.citations import based_on_mtus, parse_citations
from engine.letters.models import Citation

CPMTG = "Chronic Pain Medical Treatment Guidelines"
ODG = "Official Disability Guidelines"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 76-80.",
            [Citation(source="MTUS", document=CPMTG, section="Opioids", pages=[76, 77, 78, 79, 80])],
        ),
        (
            "Decision based on Non-MTUS Citation ACOEM Guidelines, Chapter 7, page 127",
            [Citation(source="ACOEM", document="ACOEM Practice Guidelines", chapter="7", pages=[127])],
        ),
        (
            "Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-178, 181.",
            [
                Citation(
                    source="MTUS",
                    document="ACOEM Practice Guidelines",
                    chapter="8",
                    section="Neck and Upper Back Complaints",
                    pages=[177, 178, 181],
                )
            ],
        ),
        (
            "Decision based on MTUS Postsurgical Treatment Guidelines Knee Page(s): 24.",
            [Citation(source="MTUS", document="Postsurgical Treatment Guidelines", section="Knee", pages=[24])],
        ),
        (
            "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Pain Chapter, Opioids",
            [Citation(source="ODG", document=ODG, section="Pain Chapter, Opioids")],
        ),
        (
            "Decision based on Non-MTUS Citation http://www.example.org/criteria.htm",
            [Citation(source="other", section="http://www.example.org/criteria.htm")],
        ),
        (
            "Decision based on Non-MTUS Citation Medi-Cal Manual of Criteria, Chapter 12",
            [Citation(source="other", section="Medi-Cal Manual of Criteria, Chapter 12")],
        ),
        (
            # Section numbers with a decimal point are not page numbers.
            "Decision based on MTUS Chronic Pain Treatment Guidelines Functional restoration, 9792.20(e) Page(s): 7.",
            [
                Citation(source="MTUS", document=CPMTG, section="Functional restoration", pages=[7]),
                Citation(source="MTUS", document="California Code of Regulations, Title 8", section="9792.20(e)"),
            ],
        ),
        ("", []),
        ("Decision based on", []),
    ],
)
def test_parse_citations(text: str, expected: list[Citation]) -> None:
    assert parse_citations(text) == expected


def test_the_same_citation_twice_is_listed_once() -> None:
    text = (
        "Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 76. "
        "Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 76."
    )
    assert parse_citations(text) == [Citation(source="MTUS", document=CPMTG, section="Opioids", pages=[76])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 76.", True),
        (
            "The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS Citation "
            "Official Disability Guidelines (ODG), Low Back",
            False,
        ),
        ("The Expert Reviewer did not base their decision on the MTUS.", False),
        ("", None),
        (None, None),
    ],
)
def test_based_on_mtus(text: str | None, expected: bool | None) -> None:
    assert based_on_mtus(text, parse_citations(text)) is expected
