"""The prefix-tree alternation finds exactly what a longest-first flat alternation finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.alternation import Keywords, any_of, longest_first, required_words
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


def test_required_words_follow_sequences_branches_and_repeats() -> None:
    assert required_words(re.compile(r"\b(?:straight[- ]leg|SLR)\b", re.IGNORECASE)) == {"straight", "slr"}
    assert required_words(re.compile(r"(?:numb)+nesses")) == {"nesses"}
    assert required_words(re.compile(r"pain(?: score)?")) == {"pain"}
    assert required_words(re.compile(r"\d+/10")) == {"/10"}
    assert required_words(re.compile(r"\d+(?:x)?")) is None  # nothing literal is certain
    assert required_words(re.compile(r"a|\d")) is None  # a branch without a word


def test_keywords_answer_false_only_where_no_pattern_can_match() -> None:
    keywords = Keywords(re.compile(r"\bweak(?:ness)?\b", re.IGNORECASE), re.compile(r"CURES"))
    assert keywords.may_match("Motor WEAKNESS on the left")
    assert keywords.may_match("the CURES report")
    assert not keywords.may_match("the cures report")  # the second pattern minds case
    assert not keywords.may_match("strength is normal")
    assert keywords.may_match("stre\u0131ngth")  # outside ASCII: the patterns are run


def test_a_pattern_without_words_makes_the_prefilter_always_true() -> None:
    assert Keywords(re.compile("weak"), re.compile(r"\d+")).may_match("nothing here")


_PATTERN_TEXT = st.text(alphabet="abAB ?|()+*", max_size=12)


@settings(max_examples=400)
@given(source=_PATTERN_TEXT, text=st.text(alphabet="abAB c", max_size=30), fold=st.booleans())
def test_keywords_never_hide_a_match(source: str, text: str, fold: bool) -> None:
    try:
        pattern = re.compile(source, re.IGNORECASE if fold else 0)
    except re.error:
        return
    if pattern.search(text) is not None:
        assert Keywords(pattern).may_match(text)


def test_the_extractor_prefilters_know_their_words() -> None:
    from engine.extract import exam, findings, function, history, medications, vocab

    prefilters = (findings._WORK_KEYWORDS, findings._SYMPTOM_KEYWORDS, exam._EXAM_KEYWORDS,
                  findings._RED_FLAG_KEYWORDS, function._RULE_KEYWORDS, medications._MONITORING_KEYWORDS,
                  history._MODALITY_KEYWORDS, history._THERAPY_KEYWORDS, vocab._ANY_REGION)
    assert [keywords.always for keywords in prefilters] == [False] * len(prefilters)


# Lower-case names over few letters and digits, with the separators normalized texts keep.
_SCAN_NAME = st.text(alphabet="ab1 /#", min_size=1, max_size=6).filter(lambda n: n.strip() == n and n.strip())
_SCAN_TEXT = st.text(alphabet="ab1 /#x", max_size=40)


@settings(max_examples=400)
@given(names=st.lists(_SCAN_NAME, min_size=1, max_size=8), text=_SCAN_TEXT, pos=st.integers(0, 10))
def test_the_name_scanner_finds_what_the_compiled_pattern_finds(names: list[str], text: str, pos: int) -> None:
    from engine.alternation import NameScanner

    pattern = re.compile(r"(?<![a-z0-9])(" + longest_first(names) + r")(?![a-z0-9])")
    found = pattern.search(text, pos)
    assert NameScanner(names).search(text, pos) == (None if found is None else (found.start(), found.end(), found.group(1)))


def test_the_catalog_scans_short_texts_as_its_pattern_searches_them() -> None:
    """Every catalog name, alone and run together with others and with words that are no names: the
    scanner a short text uses and the compiled pattern a long one uses find the same name at the same place."""
    import random

    from engine.catalog import normalize_name

    catalog = load_catalog()
    names = sorted(catalog._by_name)
    chance = random.Random(14)
    texts = list(names)
    for _ in range(3000):
        parts = [chance.choice(names) if chance.random() < 0.6 else chance.choice(["x", "pt", "of", "guided", "#3", "a1"])
                 for _ in range(chance.randint(1, 4))]
        texts.append("".join(p + chance.choice([" ", "", "/", "-"]) for p in parts))
    for text in texts:
        normalized = normalize_name(text)
        found = catalog._pattern.search(normalized)
        assert catalog._scanner.search(normalized) == (
            None if found is None else (found.start(), found.end(), found.group(1))), normalized


def test_the_name_scanner_starts_at_pos_and_keeps_the_boundaries() -> None:
    from engine.alternation import NameScanner

    scanner = NameScanner(["ab", "ab c", "b"])
    assert scanner.search("ab ab", 3) == (3, 5, "ab")
    assert scanner.search("xab ab c") == (4, 8, "ab c")
    assert scanner.search("abb") is None
    assert scanner.search("a/b") == (2, 3, "b")
