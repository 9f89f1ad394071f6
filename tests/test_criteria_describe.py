"""Criteria in plain words (engine/criteria/describe.py) and the generated reference (docs/criteria.md)."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from conftest import REPO
from engine.catalog import TreatmentCatalog
from engine.criteria import describe
from engine.criteria.docs import MARKDOWN, REGENERATE, escape, render_reference
from engine.criteria.pack import CriteriaPack
from engine.criteria.schema import Criterion, Leaf, Node, Pick, Select, iter_leaves
from engine.operators import OPERATORS

COMMITTED = REPO / "docs" / "criteria.md"
_ARG_EXAMPLES: dict[str, Any] = {"none": None, "number": 3, "scalar": "lumbar", "scalars": ["a_b", "c", "d"], "range": [2, 4]}


def _leaf(**fields: Any) -> Leaf:
    return Leaf.model_validate({"path": "request.visits", "ask": "The number of visits requested", **fields})


def _node(data: dict[str, Any]) -> Node:
    tree = {"id": "c", "title": "t", "messages": {"met": "m", "unmet": "u", "missing": "x"}, "when": data}
    return Criterion.model_validate(tree).when


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_reads_as_words_with_its_value(name: str) -> None:
    op = OPERATORS[name]
    words = describe.condition(_leaf(op=name, value=_ARG_EXAMPLES[op.arg]))
    assert "{" not in words and "}" not in words and "[" not in words
    if op.arg == "number":
        assert "3" in words
    elif op.arg == "scalars":
        assert words.endswith("a b, c or d")


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"op": "gte", "value": 50}, "at least 50"),
        ({"op": "lt", "value": 2.5}, "less than 2.5"),
        ({"op": "between", "value": [2, 4]}, "between 2 and 4"),
        ({"op": "in", "value": ["lumbar", "cervical"]}, "one of lumbar or cervical"),
        ({"op": "eq", "value": True}, "documented as yes"),
        ({"op": "ne", "value": False}, "not documented as no"),
        ({"op": "eq", "value": "positive"}, "is positive"),
        ({"op": "exists"}, "documented"),
        ({"op": "within_days", "value": 30}, "within 30 days before the request"),
        ({"op": "count_lte", "value": 2}, "at most 2 listed"),
    ],
)
def test_conditions_in_words(fields: dict[str, Any], words: str) -> None:
    assert describe.condition(_leaf(**fields)) == words


def test_a_collection_reference_says_how_the_record_is_picked() -> None:
    select = Select(pick="count", where={"treatment": "$request.treatment", "region": "$request.region", "group": "crps"},
                    within_days=365)
    assert describe.reference("history.injections", select) == (
        "history.injections, the number of records where treatment and region match the request and group is crps, "
        "dated within 365 days before the request")
    one = Select(pick="latest", where={"region": "$request.region"})
    assert describe.reference("studies.x", one, MARKDOWN) == "`studies.x`, the latest record where `region` matches the request"
    two = Select(pick="any", where={"injection_type": "$request.approach", "side": "$request.side"})
    assert describe.reference("a.b", two, MARKDOWN) == (
        "`a.b`, yes if any record where `injection_type` and `side` match the request says so")
    assert describe.reference("request.visits", None) == "request.visits"


@pytest.mark.parametrize("pick", get_args(Pick))
def test_every_pick_has_words(pick: str) -> None:
    assert describe.selection(Select.model_validate({"pick": pick})).startswith(("the ", "yes if "))


def test_ask_shows_fallbacks_and_names_the_other_placeholders() -> None:
    assert describe.ask("Relief after the {item.date?most recent} {item.levels} block, {value}") == (
        "Relief after the most recent [levels] block, [value]")


def test_a_leaf_without_a_label_is_named_by_its_path() -> None:
    assert describe.fact(_leaf(op="exists", path="exam.straight_leg_raise")) == "straight leg raise"
    counted = _leaf(op="lte", value=3, path="history.injections", select={"pick": "count"})
    assert describe.fact(counted) == "number of injections"


def test_a_tree_becomes_indented_lines() -> None:
    node = _node({"any": [
        {"op": "is_true", "path": "exam.reflex_change", "label": "reflex change", "ask": "Reflex changes on exam"},
        {"not": {"all": [{"op": "stated", "path": "request.reason", "ask": "The reason for the request"}]}},
    ]})
    lines = [(line.depth, line.text) for line in describe.node_lines(node)]
    assert lines == [
        (0, "any of:"),
        (1, "reflex change: documented as yes"),
        (2, "read from exam.reflex_change"),
        (2, "if not documented, ask for: Reflex changes on exam"),
        (1, "not:"),
        (2, "all of:"),
        (3, "reason: stated in the request"),
        (4, "read from request.reason"),
        (4, "if not stated in the request, ask for: The reason for the request"),
    ]


def test_added_terms_are_listed_under_their_leaf() -> None:
    leaf = _leaf(op="lte", value=18, label="earlier plus requested visits",
                 plus=[{"path": "history.therapy_courses.visits", "select": {"pick": "sum"}}])
    texts = [line.text for line in describe.leaf_lines(leaf, 0)]
    assert texts[:3] == ["earlier plus requested visits: at most 18", "read from request.visits",
                         "plus history.therapy_courses.visits, the total over the records"]


def test_summary_and_lookup(pack: CriteriaPack, catalog: TreatmentCatalog) -> None:
    row = describe.summarize(pack.get("mtus_2009_esi_repeat"), catalog)
    assert row.categories == ("injection",) and row.citation.endswith("p. 46 [mtus_2009]")
    assert describe.find_set(pack, "mtus_2009_esi_repeat") is pack.get("mtus_2009_esi_repeat")
    assert describe.find_set(pack, "no_such_set") is None
    assert describe.suggest_sets(pack, "mtus_2009_esi_repat")[0] == "mtus_2009_esi_repeat"
    assert "mtus_2009_esi_repeat" in describe.suggest_sets(pack, "esi_repeat")
    assert describe.suggest_sets(pack, "zzzz") == []


def test_markdown_escapes_what_would_start_markup() -> None:
    assert escape("a *b* <c> | d_e [f]") == r"a \*b\* \<c\> \| d_e [f]"


def test_reference_is_deterministic_and_covers_every_set(pack: CriteriaPack, catalog: TreatmentCatalog) -> None:
    text = render_reference(pack, catalog)
    assert text == render_reference(pack, catalog)
    anchors = [line for line in text.splitlines() if line.startswith('<a id="')]
    assert sorted(anchors) == sorted(f'<a id="{i}"></a>' for i in pack.sets)
    groups = [line[3:] for line in text.splitlines() if line.startswith("## ") and line != "## Contents"]
    assert groups == [s for s in ("MTUS", "ACOEM", "ODG", "DHCS", "other") if any(cs.source == s for cs in pack.sets.values())]


def test_the_committed_reference_is_current(pack: CriteriaPack, catalog: TreatmentCatalog) -> None:
    current = render_reference(pack, catalog)
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.is_file() else ""
    assert committed == current, f"docs/criteria.md is out of date with the criteria sets; regenerate it with `{REGENERATE}`"


def test_the_reference_renders_each_leaf_as_a_nested_list(pack: CriteriaPack, catalog: TreatmentCatalog) -> None:
    # markdown-it-py comes with rich; it parses CommonMark as GitHub does for lists and code spans.
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(render_reference(pack, catalog))
    leaves = sum(len(iter_leaves(c.when)) for cs in pack.sets.values() for c in cs.criteria)
    assert html.count("<li>read from <code>") == leaves
    assert html.count("<h3>") == len(pack.sets)
    assert html.count('<tr>\n<td><a href="#') == len(pack.sets)
    for cs in pack.sets.values():
        assert f'<a id="{cs.id}"></a>' in html


def test_a_silent_record_rule_is_shown_with_its_reason() -> None:
    reason = "No earlier imaging mentioned is read as none by the reviewers."
    leaf = _leaf(op="lte", value=0, path="studies", select={"pick": "count"}, label="earlier imaging",
                 if_silent="absent", silent_reason=reason)
    texts = [line.text for line in describe.leaf_lines(leaf, 0)]
    assert texts[-1] == f"if the records are silent, a reviewer reads it as none: {reason}"
    default = _leaf(op="lte", value=0, path="studies", select={"pick": "count"})
    assert not any("silent" in line.text for line in describe.leaf_lines(default, 0))
