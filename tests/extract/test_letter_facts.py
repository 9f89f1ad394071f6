"""Extractor against a careful human reading of the three shared letters (`letter_facts.yaml`)
and of held-out summaries written for this project (`heldout_summaries.yaml`).

Every stated fact is its own test (`-k "000 and injury.date"`), so the pass count is the number
of stated facts found; a known miss is a strict xfail. `test_no_false_facts` fails on any fact
the extractor produces that the reading does not state. `recall` gives the figure for the report.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fact_reading import leaves, recall

from engine.extract import extract_case
from engine.models import Case
from engine.resources import load_yaml_with_lines, strip_lines


def _load(name: str) -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = strip_lines(load_yaml_with_lines(Path(__file__).with_name(name).read_text("utf-8")))
    return data


FACTS = _load("letter_facts.yaml")
HELDOUT = _load("heldout_summaries.yaml")
Cut = Callable[[str], tuple[str, list[str]]]


def case_facts(case: Case) -> dict[str, Any]:
    """The facts of an extracted case (request ids are positions, not facts)."""
    found = leaves(case.model_dump(mode="json", exclude_none=True, exclude={"case_id"}))
    return {k: v for k, v in found.items() if not re.fullmatch(r"requests\[\d+\]\.id", k)}


@pytest.fixture(scope="module")
def extracted_facts(letter: Callable[[str], str], cut_letter: Cut) -> Callable[[str], dict[str, Any]]:
    cache: dict[str, dict[str, Any]] = {}

    def facts(prefix: str) -> dict[str, Any]:
        if prefix not in cache:
            cache[prefix] = case_facts(extract_case(*cut_letter(letter(prefix))).case)
        return cache[prefix]

    return facts


@functools.cache
def heldout_facts(name: str) -> dict[str, Any]:
    return case_facts(extract_case(HELDOUT[name]["summary"], HELDOUT[name]["titles"]).case)


def stated_params(table: dict[str, dict[str, Any]]) -> list[Any]:
    """One test per stated fact, id `<letter>::<path>`; a fact under `miss` is a strict xfail."""
    return [
        pytest.param(key, path, value, id=f"{key}::{path}",
                     marks=[pytest.mark.xfail(strict=True, reason=table[key]["miss"][path])]
                     if path in table[key].get("miss", {}) else [])
        for key in table
        for path, value in table[key]["stated"].items()
    ]


def assert_no_false_facts(found: dict[str, Any], stated: dict[str, Any]) -> None:
    _, _, false = recall(found, stated)
    assert false == [], {path: found[path] for path in false}


@pytest.mark.parametrize(("prefix", "path", "value"), stated_params(FACTS))
def test_stated_fact_found(prefix: str, path: str, value: Any, extracted_facts: Callable[[str], dict[str, Any]]) -> None:
    assert extracted_facts(prefix).get(path) == value


@pytest.mark.parametrize("prefix", sorted(FACTS))
def test_no_false_facts(prefix: str, extracted_facts: Callable[[str], dict[str, Any]]) -> None:
    assert_no_false_facts(extracted_facts(prefix), FACTS[prefix]["stated"])


@pytest.mark.parametrize(("name", "path", "value"), stated_params(HELDOUT))
def test_heldout_fact_found(name: str, path: str, value: Any) -> None:
    assert heldout_facts(name).get(path) == value


@pytest.mark.parametrize("name", sorted(HELDOUT))
def test_heldout_no_false_facts(name: str) -> None:
    assert_no_false_facts(heldout_facts(name), HELDOUT[name]["stated"])


def test_recall_counts_misses_and_false_facts() -> None:
    stated = {"a": 1, "b.c": [1, 2], "d[0].e": "x"}
    assert recall({"a": 1, "b.c": [1, 2], "d[0].e": "x"}, stated) == (3, 3, [])
    assert recall({"a": 2, "z": True}, stated) == (0, 3, ["z", "a"])


def test_leaves_flattens_records_and_keeps_plain_lists() -> None:
    assert leaves({"x": {"y": [{"z": 1}, {"z": 2}], "levels": ["L5", "S1"]}}) == {
        "x.y[0].z": 1, "x.y[1].z": 2, "x.levels": ["L5", "S1"],
    }


def test_every_fact_from_the_summary_has_evidence() -> None:
    """Each fact read from a summary names its sentence (requests come from the titles instead)."""
    for name, item in HELDOUT.items():
        extraction = extract_case(item["summary"], item["titles"])
        fields = {e.field for e in extraction.evidence}
        facts = [p for p in case_facts(extraction.case) if not p.startswith("requests")]
        assert facts, name
        unproven = [p for p in facts if p not in fields and re.sub(r"\[\d+\]$", "", p) not in fields]
        assert unproven == [], name
