"""A gated pattern (engine.alternation.Gated) answers exactly as the pattern it gates, everywhere."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

import engine.extract
import engine.letters
from engine.alternation import Gated, gated, required_clauses
from engine.backtest.synthetic import generate
from engine.errors import ImrcheckError
from engine.extract import split_sentences
from engine.letters import parse_letter_text


def _answers(pattern: re.Pattern[str] | Gated, text: str) -> tuple[object, ...]:
    found = pattern.search(text)
    cut = len(text) // 2  # a window that ends early sees an end of text the whole text does not have
    return (
        None if (m := pattern.search(text, 1, cut)) is None else m.span(),
        [m.span() for m in pattern.finditer(text, 0, cut)],
        None if (m := pattern.match(text, cut)) is None else m.span(),
        None if found is None else (found.span(), found.groups()),
        [(m.span(), m.groups()) for m in pattern.finditer(text)],
        pattern.sub("#", text),
        pattern.findall(text),
        None if (m := pattern.match(text)) is None else m.span(),
        None if (m := pattern.fullmatch(text)) is None else m.span(),
    )


# Patterns over few letters, with scoped case rules, so that texts hold their words often.
_SOURCE = st.lists(st.sampled_from(["ab", "Ba", "b", "(?:a|bb)", "(?i:AB)", "a+", "(?:ba)?", "|", "[ab]", r"\b", " ", "(?-i:Ab)",
                                    "[^b]", "[A-C]", "(?<!a)", "(?=b)", r"\w", "$", "(a)\\1"]),
                   min_size=1, max_size=7).map("".join)
_TEXT = st.text(alphabet="abAB x", max_size=30)


@settings(max_examples=600)
@given(source=_SOURCE, texts=st.lists(_TEXT, min_size=1, max_size=3), fold=st.booleans())
def test_a_gated_pattern_answers_as_the_pattern(source: str, texts: list[str], fold: bool) -> None:
    try:
        compiled = re.compile(source, re.IGNORECASE if fold else 0)
    except re.error:
        return
    gate = Gated(compiled)
    for text in texts:
        assert _answers(gate, text) == _answers(compiled, text), (source, text)
        assert _answers(gate, text) == _answers(compiled, text)  # asked again: the remembered answers


def test_the_groups_of_a_sequence_are_all_required() -> None:
    duration = re.compile(r"\b(?:pain|ache)\b[^.]{0,40}\bfor \d+ (?:days?|weeks?)\b", re.IGNORECASE)
    assert set(required_clauses(duration)) == {(True, frozenset({"pain", "ache"})), (True, frozenset({"day", "week"})),
                                               (True, frozenset({"for "})), (True, frozenset({" "}))}
    gate = Gated(duration)
    assert not gate.may_match("pain for several months")  # a symptom word, but no unit of time
    assert gate.may_match("back PAIN for 3 weeks")
    assert gate.search("back PAIN for 3 weeks") is not None


def test_a_scoped_case_rule_is_lower_cased_and_the_rest_kept_as_written() -> None:
    assert required_clauses(re.compile(r"\b(?:(?i:Trigger point)|TPI)\b")) == ((True, frozenset({"trigger point", "tpi"})),)
    assert set(required_clauses(re.compile(r"TENS(?i: unit)"))) == {(True, frozenset({" unit"})), (False, frozenset({"TENS"}))}
    assert not gated(r"TENS(?i: unit)").may_match("tens UNIT")
    assert gated(r"TENS(?i: unit)").search("TENS UNIT") is not None


def test_text_outside_ascii_is_always_searched() -> None:
    assert gated("k", re.IGNORECASE).search("\u212a") is not None  # the Kelvin sign folds to k


def _gates() -> Iterator[tuple[str, Gated]]:
    for package in (engine.extract, engine.letters):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                if isinstance(value, Gated):
                    yield f"{module.__name__}.{name}", value


def test_every_gated_pattern_of_the_reader_answers_as_its_pattern_on_generated_letters() -> None:
    gates = dict(_gates())
    assert len(gates) >= 40
    texts: list[str] = []
    for generated in generate(150, seed=14):
        try:
            letter = parse_letter_text(generated.text, source="generated.txt")
        except ImrcheckError:
            continue
        texts.extend(s.flat for s in split_sentences(letter.clinical_summary))
        texts.extend(item.title for item in letter.items)
        texts.extend(item.reviewer_guideline or "" for item in letter.items)
    assert len(texts) > 500
    for name, gate in gates.items():
        for text in texts:
            assert _answers(gate, text) == _answers(gate.compiled, text), (name, text)


