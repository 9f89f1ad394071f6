"""The generated corpus: the parser reads back exactly the decisions it was written with."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from engine.backtest.predict import predict_letter
from engine.backtest.synthetic import generate, letter, not_a_letter
from engine.errors import LetterParseError
from engine.evaluate import Evaluator
from engine.letters import parse_letter_file, parse_letter_text


def test_generated_letters_parse_to_the_decisions_they_were_written_with() -> None:
    rng = random.Random(3)
    for number in range(60):
        generated = letter(rng, number)
        assert isinstance(generated.text, str)
        parsed = parse_letter_text(generated.text, source=generated.name)
        assert tuple(item.decision for item in parsed.items) == generated.decisions
        assert tuple(item.mapped for item in parsed.items) == generated.mapped
        assert parsed.header.case_number is not None and parsed.header.case_number.endswith(f"-{number:07d}")
        assert parsed.clinical_summary.startswith(("This invented worker", "The injured worker is a made-up"))


def test_the_same_seed_gives_the_same_corpus_and_about_nine_in_ten_upheld() -> None:
    first = list(generate(400, seed=5, bad_share=0.05))
    assert first == list(generate(400, seed=5, bad_share=0.05))
    decisions = [d for g in first for d in g.decisions]
    assert 0.8 < decisions.count("upheld") / len(decisions) < 0.97
    bad = [g for g in first if not g.is_letter]
    assert 5 <= len(bad) <= 40


def test_the_files_that_are_no_letters_are_refused_by_the_reader(tmp_path: Path) -> None:
    rng = random.Random(1)
    for number in range(8):
        generated = not_a_letter(rng, number)
        path = tmp_path / generated.name
        if isinstance(generated.text, bytes):
            path.write_bytes(generated.text)
        else:
            path.write_text(generated.text, encoding="utf-8")
        with pytest.raises(LetterParseError):
            parse_letter_file(path)


def test_documented_items_are_predicted_overturned_and_the_others_upheld(evaluator: Evaluator) -> None:
    """The generator's supportive sentences document every criterion its items' sets ask for, so the
    whole pipeline (parse → extract → evaluate) predicts a documented item overturned. An item left
    undocumented is upheld unless the other items' sentences happen to document it too (an NSAID taken
    and a "#30, three a day" title are a documented short muscle-relaxant course): a small share."""
    rng = random.Random(11)
    documented: list[str] = []
    undocumented: list[str] = []
    for number in range(300):
        generated = letter(rng, number)
        assert isinstance(generated.text, str)
        if not any(generated.mapped):
            continue
        unit = predict_letter(parse_letter_text(generated.text, source=generated.name), evaluator, None)
        for row in unit.items:
            # The strict verdict: every criterion documented and met. The prediction may still overturn an
            # undocumented item when its score reaches the threshold; that is the score's job, tested elsewhere.
            outcome = f"{row.verdict}: {row.title} {row.deciding}"
            (documented if generated.documented[row.item - 1] else undocumented).append(outcome)
    overturned = [o for o in documented if o.startswith("overturned")]
    print(f"documented items predicted overturn: {len(overturned)}/{len(documented)}")
    assert len(documented) >= 50
    assert len(overturned) >= 0.8 * len(documented), [o for o in documented if not o.startswith("overturned")]
    wrongly = [o for o in undocumented if o.startswith("overturned")]
    print(f"undocumented items predicted overturn: {len(wrongly)}/{len(undocumented)}")
    assert len(wrongly) <= 0.02 * len(undocumented), wrongly
