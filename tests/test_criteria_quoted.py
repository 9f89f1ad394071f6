"""Issue 13, point 4: confidence marks earned from real letters. A criterion citing the letters
whose reviewers quote its threshold (`quoted_in`) is marked Q or C, and each cited case number is a
letter of the public archive beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.criteria.pack import CriteriaPack
from engine.criteria.schema import Criterion

ARCHIVE = Path(__file__).resolve().parent.parent.parent / "shared" / "imr_archive" / "pdf"


def _quoted(pack: CriteriaPack) -> dict[str, tuple[str, ...]]:
    return {f"{cs.id}/{c.id}": c.quoted_in for cs in pack.sets.values() for c in cs.criteria if c.quoted_in}


def test_quoted_criteria_are_marked_q_or_c(pack: CriteriaPack) -> None:
    quoted = _quoted(pack)
    assert len(quoted) >= 15
    for cs in pack.sets.values():
        for c in cs.criteria:
            if c.quoted_in:
                assert c.confidence in ("Q", "C"), f"{cs.id}/{c.id}"


def test_a_quoted_criterion_cannot_be_left_unverified() -> None:
    data = {"id": "x", "title": "x", "when": {"op": "exists", "path": "request.visits", "ask": "visits requested"},
            "messages": {"met": "m", "unmet": "u", "missing": "s"}, "confidence": "U", "quoted_in": ["CM16-0235869"]}
    with pytest.raises(ValidationError, match="confidence Q or C"):
        Criterion.model_validate(data)
    with pytest.raises(ValidationError, match="quoted_in"):
        Criterion.model_validate({**data, "confidence": "Q", "quoted_in": ["letter 004"]})


@pytest.mark.skipif(not ARCHIVE.is_dir(), reason="the IMR letter archive (../shared/imr_archive/pdf) is not beside the repository")
def test_every_cited_case_number_is_an_archive_letter(pack: CriteriaPack) -> None:
    letters = {p.stem for p in ARCHIVE.glob("*.pdf")}
    for where, cases in _quoted(pack).items():
        assert set(cases) <= letters, where
