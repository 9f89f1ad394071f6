"""No leak, on real decisions: each of the 117 TX/NY decisions in `../shared/real_decisions`
exists with its rationale (`letters/full`) and without it (`letters/blind`); the extractor reads the
summary and the titles only, so both give the identical case, evidence and notes, and the identical
prediction."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli.extract import summary_and_titles
from engine.errors import ImrcheckError
from engine.evaluate import Evaluator
from engine.extract import extract_case

LETTERS = Path(__file__).resolve().parents[2].parent / "shared" / "real_decisions" / "letters"
NAMES = sorted(p.name for p in (LETTERS / "full").glob("*.txt")) if (LETTERS / "full").is_dir() else []


def _outcome(path: Path, evaluator: Evaluator) -> tuple[str, str]:
    """The extraction (or its error) and the predictions, as comparable text."""
    try:
        extraction = extract_case(*summary_and_titles(path.read_text(encoding="utf-8"), path.name))
    except ImrcheckError as exc:
        return "error: " + exc.message, ""
    result = evaluator.evaluate(extraction.case)
    return extraction.model_dump_json(), repr([(r.id, r.prediction) for r in result.requests])


def test_there_are_117_pairs() -> None:
    if not LETTERS.is_dir():
        pytest.skip(f"the real decisions are not here: {LETTERS} is absent (they live in ../shared beside the repo)")
    assert len(NAMES) == 117
    assert sorted(p.name for p in (LETTERS / "blind").glob("*.txt")) == NAMES


@pytest.mark.parametrize("name", NAMES or [pytest.param("absent", marks=pytest.mark.skip(reason=f"{LETTERS} is absent"))])
def test_letter_with_and_without_its_rationale_gives_the_same_case(name: str, evaluator: Evaluator) -> None:
    full, blind = LETTERS / "full" / name, LETTERS / "blind" / name
    assert full.read_text(encoding="utf-8") != blind.read_text(encoding="utf-8")  # the pair really differs
    assert _outcome(full, evaluator) == _outcome(blind, evaluator)
