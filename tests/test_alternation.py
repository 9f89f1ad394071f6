"""The prefix-tree alternation finds exactly what a longest-first flat alternation finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.alternation import any_of, longest_first
from engine.catalog import load_catalog

# Few letters, so that names share prefixes and texts contain them often.
_NAME = st.text(alphabet="abAB -/", min_size=1, max_size=6)
_TEXT = st.text(alphabet="abAB -/x.", max_size=40)


def _flat(names: list[str]) -> str:
    return "(?:" + "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True)) + ")"


def _matches(source: str, text: str, flags: int) -> list[tuple[tuple[int, int], str]]:
    pattern = re.compile(r"(?<![\w-])(" + source + r")(?![\w-])", flags)
    return [(m.span(), m.group(1)) for m in pattern.finditer(text)]


@settings(max_examples=400)
@given(names=st.lists(_NAME, min_size=1, max_size=8), texts=st.lists(_TEXT, min_size=1, max_size=4), fold=st.booleans())
def test_same_matches_as_the_flat_alternation(names: list[str], texts: list[str], fold: bool) -> None:
    flags = re.IGNORECASE if fold else 0
    tree = longest_first(names, ignore_case=fold)
    for text in [*texts, " ".join(names), "-".join(names) + " " + "/".join(reversed(names))]:
        assert _matches(tree, text, flags) == _matches(_flat(names), text, flags)


def test_a_longer_name_wins_where_both_match() -> None:
    pattern = re.compile("(" + longest_first(["medrol", "medrol dosepak", "med"]) + ")")
    assert [m.group(1) for m in pattern.finditer("medrol dosepak, medrol, medic")] == ["medrol dosepak", "medrol", "med"]


def test_a_shorter_name_is_found_when_the_longer_one_fails_what_follows() -> None:
    pattern = re.compile(r"(" + longest_first(["norco", "norco 10"]) + r")(?![\w-])")
    assert [m.group(1) for m in pattern.finditer("norco 10mg and norco 10 daily")] == ["norco", "norco 10"]


def test_names_outside_ascii_fall_back_to_the_flat_alternation() -> None:
    assert longest_first(["\u212aetamine", "ketamine"], ignore_case=True) == "(?:ketamine|\u212aetamine)"


def test_no_names_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one name"):
        longest_first([])


def test_the_catalog_drug_names_match_as_before() -> None:
    catalog = load_catalog()
    names = [n for t in catalog.treatments.values() for n in (*t.synonyms, *t.brands)]
    text = " ".join(names) + " " + ", ".join(n.upper() for n in reversed(names)) + " non-" + names[0] + "-x"
    assert _matches(longest_first(names, ignore_case=True), text, re.I) == _matches(_flat(names), text, re.I)


def test_any_of_keeps_each_patterns_own_flags() -> None:
    combined = any_of(re.compile("cures"), re.compile("adverse", re.IGNORECASE))
    assert combined.search("ADVERSE effects") is not None
    assert combined.search("CURES report") is None
    assert combined.search("cures report") is not None


def test_any_of_refuses_a_back_reference() -> None:
    with pytest.raises(ValueError, match="back-reference"):
        any_of(re.compile(r"(a)\1"))
