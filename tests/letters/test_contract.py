"""The JSON contract of a parsed letter: its exact keys and values."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from pydantic import ValidationError

from engine.letters import Citation, Layout, Letter, LetterItem, parse_letter_text, to_contract

Read = Callable[[str], str]

LETTER_KEYS = {"source", "layout", "header", "reviewer", "clinical_summary", "items", "truncated", "warnings"}
ITEM_KEYS = {
    "title",
    "decision",
    "original_request",
    "ur_certified",
    "treatment",
    "category",
    "mapped",
    "claims_administrator_guideline",
    "reviewer_guideline",
    "reviewer_based_on_mtus",
    "citations",
    "rationale",
    "warnings",
}
CITATION_KEYS = {"source", "document", "chapter", "section", "pages"}


def test_contract_shape_and_values(fixture_text: Read) -> None:
    contract = to_contract(parse_letter_text(fixture_text("synthetic_header_layout.txt"), source="letters/a.txt"))
    assert set(contract) == LETTER_KEYS
    assert contract["source"] == "letters/a.txt"
    assert contract["layout"] == "maximus_2014_header"
    assert contract["header"] == {
        "case_number": "CM14-0009001",
        "date_assigned": "2014-12-08",
        "date_of_injury": "2012-03-14",
        "decision_date": "2015-01-20",
        "ur_denial_date": "2014-11-25",
        "application_received": "2014-12-02",
    }
    assert contract["reviewer"] == {
        "specialty": "Physical Medicine & Rehabilitation",
        "subspecialty": None,
        "licensure": ["California", "Nevada"],
    }
    assert [set(item) for item in contract["items"]] == [ITEM_KEYS] * 3
    first = contract["items"][0]
    assert first["decision"] == "upheld"
    assert first["treatment"] == "epidural_steroid_injection"
    assert first["category"] == "injection"
    assert first["citations"] == [
        {
            "source": "MTUS",
            "document": "Chronic Pain Medical Treatment Guidelines",
            "chapter": None,
            "section": "Epidural Steroid Injections",
            "pages": [46],
        }
    ]
    assert set(first["citations"][0]) == CITATION_KEYS
    assert contract["items"][2]["mapped"] is False
    assert contract["items"][2]["treatment"] is None
    # The contract is plain JSON, and survives a round trip unchanged.
    assert json.loads(json.dumps(contract)) == contract


def test_models_are_closed_and_frozen() -> None:
    with pytest.raises(ValidationError):
        Citation.model_validate({"source": "MTUS", "volume": 2})
    with pytest.raises(ValidationError):
        Citation.model_validate({"source": "Wikipedia"})
    item = LetterItem(title="MRI", decision="upheld")
    with pytest.raises(ValidationError):
        item.title = "CT"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        LetterItem.model_validate({"title": "MRI", "decision": "denied"})
    letter = Letter(source="x", layout=Layout.NOTICE_2013, items=[item])
    assert to_contract(letter)["items"][0]["citations"] == []
