"""Arbitrary text never raises anything but LetterParseError, and big inputs stay fast."""

from __future__ import annotations

import contextlib
import random
import string
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.letters as letters_api
from engine.letters import Letter, LetterParseError, parse_letter_text
from engine.letters.parser import build_letter

Read = Callable[[str], str]

# Pieces of letter structure, so that generated texts reach the item and citation parsers instead
# of stopping at "not a letter".
FRAGMENTS = [
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "IMR DECISION(S) AND RATIONALE(S)",
    "DOCUMENTS REVIEWED",
    "MEDICAL PROFESSIONAL REVIEW",
    "ISSUE AT DISPUTE:",
    "CASE SUMMARY:",
    "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:",
    "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:",
    "Notice of Independent Medical Review Determination",
    "1. MAXIMUS has determined the request for rest is not medically necessary and appropriate.",
    "1. Knee MRI is medically necessary and appropriate.",
    "The Claims Administrator based its decision on the ACOEM, pages 1-2000",
    "The Expert Reviewer based his/her decision on the",
    "Rationale for the Decision:",
    "Physical therapy: Upheld",
    "MRI:",
    "Overturned",
    "Claims Administrator guideline:",
    "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46-9999.",
    "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) (()) ()DG)",
    "Decision rationale:",
    "Page 1 of 2",
    "Case Number: CM14-0000001 Date Assigned: 99/99/9999",
    "Employee: Jane Doe Claim Number: ",
    "State(s) of Licensure:",
    "Board Certified in",
    "medi-",
    "-",
    "\f",
    "",
]

_fragment = st.sampled_from(FRAGMENTS)
# Two parts structure to one part noise.
_texts = st.lists(st.one_of(_fragment, _fragment, st.text(max_size=40)), max_size=40).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_arbitrary_text_raises_only_letter_parse_errors(text: str) -> None:
    with contextlib.suppress(LetterParseError):
        assert isinstance(parse_letter_text(text), Letter)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_letter_shaped_text_never_trips_the_parser(text: str) -> None:
    # The inner function, without the public guard that turns surprises into LetterParseError:
    # a bug would show here instead of hiding behind "internal error".
    try:
        letter = build_letter(text, "<generated>")
    except LetterParseError:
        return
    assert letter.items
    for item in letter.items:
        assert item.decision in {"upheld", "overturned", None}
        assert all(0 <= page <= 9999 for citation in item.citations for page in citation.pages)


def test_a_megabyte_of_random_text_is_quick() -> None:
    generator = random.Random(20240611)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " " * 20 + "\n" * 3
    text = "".join(generator.choices(alphabet, k=1_000_000))
    started = time.perf_counter()
    with contextlib.suppress(LetterParseError):
        parse_letter_text(text)
    assert time.perf_counter() - started < 10


def test_a_megabyte_of_noise_inside_a_letter_is_quick(fixture_text: Read) -> None:
    generator = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "-:.,()/ " * 6
    noise = "".join(generator.choices(alphabet, k=330_000))
    lines = "\n".join(noise[start : start + 90] for start in range(0, len(noise), 90))
    text = (
        fixture_text("synthetic_header_layout.txt")
        .replace("This invented worker", lines + "\nThis invented worker")
        .replace("Decision rationale: The guideline allows", "Decision rationale: " + lines + "\nThe guideline allows")
        .replace("MAXIMUS guideline: The Expert", "MAXIMUS guideline: " + noise + " The Expert")
    )
    started = time.perf_counter()
    letter = parse_letter_text(text)
    assert time.perf_counter() - started < 10
    assert len(letter.items) == 3


def test_a_megabyte_on_one_line_is_quick() -> None:
    text = "Decision based on Non-MTUS Citation Official Disability Guidelines " + "a-( " * 250_000
    started = time.perf_counter()
    with contextlib.suppress(LetterParseError):
        parse_letter_text(text)
    assert time.perf_counter() - started < 10


def test_a_long_real_shaped_letter_is_quick(fixture_text: Read) -> None:
    # The same letter's items forty times over, one long decisions section.
    text = fixture_text("synthetic_header_layout.txt")
    issues = text[text.index("IMR ISSUES, DECISIONS AND RATIONALES") :]
    body = issues.split("\n", 1)[1]
    started = time.perf_counter()
    letter = parse_letter_text(text + body * 40)
    assert time.perf_counter() - started < 10
    assert len(letter.items) == 3 * 41


def test_a_parser_bug_surfaces_as_a_letter_error_without_letter_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, source: str) -> Letter:
        raise ValueError(f"cannot handle {text!r}")

    monkeypatch.setattr(letters_api, "build_letter", broken)
    with pytest.raises(LetterParseError) as caught:
        parse_letter_text("Employee: Jane Doe", source="a.txt")
    assert str(caught.value) == "a.txt: the letter could not be parsed (internal error ValueError; please report it)"
