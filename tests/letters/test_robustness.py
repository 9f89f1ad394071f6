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


# Big inputs must cost time in proportion to their size: a pattern that backtracks would make ten
# times the text cost a hundred times the time. Measured as a ratio of CPU times in one run (never
# a wall-clock limit: the machines are shared), the best of a few tries each.
SCALE = 10
LINEAR_ENOUGH = 3 * SCALE


def _cpu(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return max(best, 1e-3)


def _parse_quietly(text: str) -> None:
    with contextlib.suppress(LetterParseError):
        parse_letter_text(text)


def _cost_ratio(make: Callable[[int], str]) -> float:
    small, large = make(1), make(SCALE)
    return _cpu(lambda: _parse_quietly(large)) / _cpu(lambda: _parse_quietly(small))


def test_random_text_costs_in_proportion_to_its_size() -> None:
    generator = random.Random(20240611)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " " * 20 + "\n" * 3
    text = "".join(generator.choices(alphabet, k=1_000_000))
    assert _cost_ratio(lambda scale: text[: 100_000 * scale]) < LINEAR_ENOUGH


def _noisy_letter(fixture_text: Read, size: int) -> str:
    generator = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "-:.,()/ " * 6
    noise = "".join(generator.choices(alphabet, k=size))
    lines = "\n".join(noise[start : start + 90] for start in range(0, len(noise), 90))
    return (
        fixture_text("synthetic_header_layout.txt")
        .replace("This invented worker", lines + "\nThis invented worker")
        .replace("Decision rationale: The guideline allows", "Decision rationale: " + lines + "\nThe guideline allows")
        .replace("MAXIMUS guideline: The Expert", "MAXIMUS guideline: " + noise + " The Expert")
    )


def test_noise_inside_a_letter_costs_in_proportion_and_keeps_its_items(fixture_text: Read) -> None:
    assert len(parse_letter_text(_noisy_letter(fixture_text, 330_000)).items) == 3
    assert _cost_ratio(lambda scale: _noisy_letter(fixture_text, 33_000 * scale)) < LINEAR_ENOUGH


def test_one_long_line_costs_in_proportion_to_its_length() -> None:
    def line(scale: int) -> str:
        return "Decision based on Non-MTUS Citation Official Disability Guidelines " + "a-( " * (25_000 * scale)

    assert _cost_ratio(line) < LINEAR_ENOUGH


def test_a_long_real_shaped_letter_costs_in_proportion(fixture_text: Read) -> None:
    # The same letter's items many times over, one long decisions section.
    text = fixture_text("synthetic_header_layout.txt")
    issues = text[text.index("IMR ISSUES, DECISIONS AND RATIONALES") :]
    body = issues.split("\n", 1)[1]
    assert len(parse_letter_text(text + body * 40).items) == 3 * 41
    assert _cost_ratio(lambda scale: text + body * (4 * scale)) < LINEAR_ENOUGH


def test_a_parser_bug_surfaces_as_a_letter_error_without_letter_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, source: str) -> Letter:
        raise ValueError(f"cannot handle {text!r}")

    monkeypatch.setattr(letters_api, "build_letter", broken)
    with pytest.raises(LetterParseError) as caught:
        parse_letter_text("Employee: Jane Doe", source="a.txt")
    assert str(caught.value) == "a.txt: the letter could not be parsed (internal error ValueError; please report it)"
