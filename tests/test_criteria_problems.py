"""The loader lists every problem of a criteria file, each at the line to change, and never crashes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from user_criteria import USER_SET, USER_SET_ID, changed, write_set

from engine.catalog import TreatmentCatalog
from engine.criteria.loader import load_set
from engine.criteria.pack import load_pack
from engine.criteria.schema import CriteriaSet
from engine.errors import CriteriaLoadError
from engine.operators import OPERATORS

SOURCE = f"{USER_SET_ID}.yaml"
WHERE = re.compile(rf"^{re.escape(SOURCE)}(:\d+){{1,2}}: \S")


def _problems(text: str, catalog: TreatmentCatalog) -> list[str]:
    with pytest.raises(CriteriaLoadError) as raised:
        load_set(text, source=SOURCE, stem=USER_SET_ID, catalog=catalog)
    return raised.value.problems


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_the_user_set_loads(catalog: TreatmentCatalog) -> None:
    cs = load_set(USER_SET, source=SOURCE, stem=USER_SET_ID, catalog=catalog)
    assert cs.criteria[0].id == "trial_first"


def test_schema_and_case_model_problems_are_reported_together_in_line_order(catalog: TreatmentCatalog) -> None:
    text = changed(("confidence: U", "confidence: maybe"), ("path: request.weeks", "path: request.wekes"),
                   ("path: request.postsurgical", "path: request.post_surgical"), ("{met: A month's trial is planned., ", "{"))
    problems = _problems(text, catalog)
    assert problems == [
        f"{SOURCE}:{_line(text, 'confidence:')}: confidence: Input should be 'C', 'Q' or 'U'",
        f"{SOURCE}:{_line(text, 'request.wekes')}: criterion 'trial_first': path 'request.wekes' is not a case field; "
        "did you mean 'request.weeks' or 'request.levels'?",
        f"{SOURCE}:{_line(text, 'request.post_surgical')}: criterion 'trial_first': path 'request.post_surgical' is not "
        "a case field; did you mean 'request.postsurgical'?",
        f"{SOURCE}:{_line(text, 'messages:')}: criteria.0.messages.met: Field required",
    ]


def test_a_bad_leaf_does_not_hide_its_siblings_or_other_criteria(catalog: TreatmentCatalog) -> None:
    second = """  - id: second
    title: Second criterion
    when: {op: exists, path: exam.straight_leg_rase, ask: "The straight-leg raise result"}
    messages: {met: a, unmet: b, missing: c}
"""
    text = changed(("op: gte", "op: gtee")) + second
    problems = _problems(text, catalog)
    assert len(problems) == 2, problems
    assert problems[0] == (f"{SOURCE}:{_line(text, 'op: gtee')}: criteria.0.when.all.0.op: unknown operator 'gtee'; "
                           f"did you mean 'gte' or 'gt'? the operators are {', '.join(OPERATORS)}")
    assert problems[1].startswith(f"{SOURCE}:{_line(text, 'straight_leg_rase')}: criterion 'second': path "
                                  "'exam.straight_leg_rase' is not a case field")


def test_set_fields_are_checked_even_when_every_criterion_is_broken(catalog: TreatmentCatalog) -> None:
    text = changed(("source: other", "source: MTUS"), ("title: A trial", "titel: A trial"), ("[tens_unit]", "[tens]"))
    problems = _problems(text, catalog)
    assert f"{SOURCE}:1: a MTUS citation names its pages" in problems  # a rule over several fields: the set's line
    assert f"{SOURCE}:{_line(text, 'titel:')}: criteria.0.titel: Extra inputs are not permitted" in problems
    assert any(p.startswith(f"{SOURCE}:{_line(text, 'treatments:')}: applies_to names unknown treatment 'tens'")
               for p in problems)


def test_the_file_name_problem_points_at_the_id(catalog: TreatmentCatalog) -> None:
    with pytest.raises(CriteriaLoadError) as raised:
        load_set("# my own version\n" + USER_SET, source="other.yaml", stem="other", catalog=catalog)
    assert raised.value.problems == [
        "other.yaml:2: the file name must be the set's id: rename to clinic_tens_trial.yaml or set id: other"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"{SOURCE}: the file is empty"),
        ("# only a comment\n", f"{SOURCE}: the file is empty"),
        ("id: a\x00b\n", f"{SOURCE}: not a YAML text file (unacceptable character #x0000"),
        ("- one\n- two\n", f"{SOURCE}: a criteria file holds one mapping"),
        ("id: [open\n", f"{SOURCE}:2:1: not valid YAML"),
    ],
)
def test_files_that_are_not_criteria_mappings(catalog: TreatmentCatalog, text: str, message: str) -> None:
    assert _problems(text, catalog)[0].startswith(message)


@pytest.mark.parametrize(
    "shape",
    ["criteria: {id: x}", "criteria: [just text]", "criteria: []", "applies_to: [tens_unit]", "citation: 7"],
)
def test_malformed_shapes_are_problems_not_crashes(catalog: TreatmentCatalog, shape: str) -> None:
    key = shape.split(":")[0]
    kept = [line for line in USER_SET.split("\n") if not line.startswith(f"{key}:")]
    if key == "criteria":
        kept = kept[: next(i for i, line in enumerate(kept) if line.startswith("  - id:"))]
    problems = _problems("\n".join(kept) + "\n" + shape + "\n", catalog)
    assert problems and all(WHERE.match(p) for p in problems), problems


@pytest.mark.parametrize(
    "shape",
    ["when: {all: 5}", "when: {any: [1, 2]}", "when: {not: [op, exists]}", "when: just words", "when: {all: [{not: 3}]}"],
)
def test_malformed_trees_are_problems_not_crashes(catalog: TreatmentCatalog, shape: str) -> None:
    start, end = USER_SET.index("    when:\n"), USER_SET.index("    messages:")
    problems = _problems(USER_SET[:start] + "    " + shape + "\n" + USER_SET[end:], catalog)
    assert problems and all(WHERE.match(p) for p in problems), problems


@settings(max_examples=60, deadline=None)
@given(line=st.integers(min_value=0, max_value=USER_SET.count("\n") - 1),
       replacement=st.sampled_from(["", "x", "- 1", "{", "]", "op: gte", "  - 3", "when: null", ": :", "    all: []"]))
def test_any_line_replaced_gives_a_set_or_problems_with_file_and_line(catalog: TreatmentCatalog, line: int,
                                                                     replacement: str) -> None:
    lines = USER_SET.split("\n")
    lines[line] = replacement
    try:
        load_set("\n".join(lines), source=SOURCE, stem=USER_SET_ID, catalog=catalog)
    except CriteriaLoadError as exc:
        assert exc.problems and all(WHERE.match(p) or p.startswith(f"{SOURCE}: ") for p in exc.problems), exc.problems


def test_a_user_set_may_fill_gaps_in_a_bundled_set(tmp_path: Path) -> None:
    text = changed(("topic: tens.clinic_purchase", "topic: tens.clinic_purchase\nfills_gaps_in: [mtus_2009_tens]"))
    write_set(tmp_path, text)
    pack = load_pack([tmp_path])
    assert pack.get(USER_SET_ID).fills_gaps_in == ("mtus_2009_tens",)
    assert isinstance(pack.get("mtus_2009_tens"), CriteriaSet)


def test_a_key_written_twice_is_a_problem_not_a_silent_overwrite(catalog: TreatmentCatalog) -> None:
    text = changed(("          value: 4\n", "          value: 4\n          value: 40\n"))
    assert _problems(text, catalog) == [
        f"{SOURCE}:{_line(text, 'value: 40')}: 'value' is written twice in the same mapping "
        f"(first on line {_line(text, 'value: 4')}); YAML would keep only this one"]
