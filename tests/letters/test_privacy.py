"""No name, address, claim number or date of birth survives parsing; letter text is never logged."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.letters import parse_letter_text, privacy, to_contract
from engine.letters.privacy import REDACTED, collect_identifiers

Read = Callable[[str], str]

PERSONAL = ("Jane", "Doe", "12345", "01/02/1960", "1960", "42 Sample Lane", "Springfield")


def test_synthetic_header_leaves_no_personal_data_in_the_json(fixture_text: Read) -> None:
    output = json.dumps(to_contract(parse_letter_text(fixture_text("synthetic_header_layout.txt"))))
    for value in PERSONAL:
        assert value not in output
    # The identifiers that appeared in the summary were struck out, not the sentences around them.
    assert f"Ms. {REDACTED} reports aching low back pain" in output
    assert f"Her date of birth is {REDACTED} and her claim is {REDACTED}." in output
    # The IMR case number is the review's own reference, published with each letter: kept.
    assert '"case_number": "CM14-0009001"' in output


def test_unredacted_notice_keeps_no_names_address_or_claim_number(fixture_text: Read) -> None:
    output = json.dumps(to_contract(parse_letter_text(fixture_text("notice_2013.txt"))))
    for value in ("John", "Example", "Placeholder", "ABC-778899", "95800"):
        assert value not in output


def test_providers_named_in_documents_reviewed_are_dropped(fixture_text: Read) -> None:
    output = json.dumps(to_contract(parse_letter_text(fixture_text("synthetic_documents_reviewed_layout.txt"))))
    assert "Alan" not in output
    assert "Example" not in output
    assert "P.O. Box" not in output


def test_identifiers_inside_item_text_are_struck_out() -> None:
    header = "Employee: Jane Doe\nClaim Number: 12345\nDate of Birth: 01/02/1960\nSSN: 123-45-6789\n"
    body = (
        "HOW THE IMR FINAL DETERMINATION WAS MADE\nThe expert reviewer is Board Certified in Surgery.\n"
        "CLINICAL CASE SUMMARY\nMs. Doe (DOB: 01/02/1960, claim #12345) saw Dr. Carl Sample.\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\nMRI of the knee for Jane Doe: Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS for claim 12345.\n"
        "MAXIMUS guideline: Decision based on MTUS ACOEM Chapter 13 Page(s): 341.\n"
        "Decision rationale: Jane has no red flags; SSN 123-45-6789 noted. Not medically necessary.\n"
    )
    letter = parse_letter_text(header + body)
    assert letter.clinical_summary == f"Ms. {REDACTED} (DOB: {REDACTED}, claim #{REDACTED}) saw Dr. {REDACTED}."
    item = letter.items[0]
    assert item.title == f"MRI of the knee for {REDACTED}"
    assert item.claims_administrator_guideline == f"Decision based on MTUS for claim {REDACTED}."
    assert item.rationale == f"{REDACTED} has no red flags; SSN {REDACTED} noted. Not medically necessary."


def test_only_personal_header_fields_are_collected() -> None:
    identifiers = collect_identifiers(
        [
            "Case Number: CM14-0000005 Employee Name: Ann Q. Roe Claim #: XY-99",
            "Date of Injury: 03/14/2012 Provider Name: Valley Pain Clinic",
        ]
    )
    assert identifiers.values == frozenset({"Ann Q. Roe", "XY-99", "Valley Pain Clinic"})
    # Single words are struck out only for a person's name, so "Pain" stays usable elsewhere.
    assert identifiers.name_tokens == frozenset({"Ann", "Roe"})


def test_parsing_logs_nothing(fixture_text: Read, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        parse_letter_text(fixture_text("synthetic_header_layout.txt"))
    assert caplog.records == []


_LABEL_PIECES = st.sampled_from(["Employee Name", "APPLICANT", "claim #", "Claims No.", "D.O.B.", "dob", "Date of Birth",
                                 "Case Number", "IMR case number", "Provider's name", "Employer", "Address", "Insurer",
                                 "name", "Mr", ":", "#", " ", "  ", "x", "Doe", "12/01/2016", ",", "\u212a", "\u017f"])


@settings(max_examples=400)
@given(pieces=st.lists(_LABEL_PIECES, max_size=14))
def test_header_fields_are_read_as_the_case_folding_pattern_reads_them(pieces: list[str]) -> None:
    """A line lower-cased and matched case-sensitively gives the fields of the case-folding pattern."""
    line = "".join(pieces)
    matches = list(privacy._FIELD.finditer(line))
    expected = []
    for position, found in enumerate(matches):
        end = matches[position + 1].start() if position + 1 < len(matches) else len(line)
        expected.append((found.group(0).rstrip(":# ").strip(), line[found.end() : end].strip(" ,;"), found.lastgroup or "other"))
    assert privacy.labelled_fields(line) == expected
