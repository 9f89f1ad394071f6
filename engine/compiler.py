"""Compile a criteria set into a durable-rules ruleset (its JSON form; no generated code).

Every leaf becomes three rules over one message `{leaf: KEY, v: VALUE}`: `met` (the operator's
condition holds), `unmet` (the value is documented and the complementary condition holds) and
`missing` (no value). Exactly one fires for each message, so durable-rules decides every
threshold; Python only combines the leaf outcomes with Kleene logic (engine.logic).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.criteria.schema import CriteriaSet, Leaf, iter_leaves
from engine.durable_adapter import ruleset_name
from engine.operators import FIELD, OPERATORS

Json = dict[str, Any]
ACTIONS = ("met", "unmet", "missing")


@dataclass(frozen=True)
class CompiledLeaf:
    key: str
    criterion: str
    leaf: Leaf

    def measure(self, value: Any, as_of: dt.date) -> Any:
        return OPERATORS[self.leaf.op].measure(value, as_of)


@dataclass(frozen=True)
class CompiledSet:
    name: str  # "<set id>@<content hash>": durable rulesets are global by name
    rules: Json
    leaves: tuple[CompiledLeaf, ...]


def _leaf_rules(key: str, leaf: Leaf) -> Json:
    op = OPERATORS[leaf.op]
    tag = {"leaf": key}
    rules: Json = {
        f"{key}_met": {"all": [{"m": {"$and": [tag, {"$ex": {FIELD: 1}}, op.met(leaf.value)]}}], "run": "met"},
        f"{key}_absent": {"all": [{"m": {"$and": [tag, {"$nex": {FIELD: 1}}]}}], "run": op.absent_is},
    }
    if op.unmet is not None:
        rules[f"{key}_unmet"] = {
            "all": [{"m": {"$and": [tag, {"$ex": {FIELD: 1}}, op.unmet(leaf.value)]}}],
            "run": "unmet",
        }
    return rules


def compile_set(criteria_set: CriteriaSet) -> CompiledSet:
    leaves: list[CompiledLeaf] = []
    rules: Json = {}
    for ci, criterion in enumerate(criteria_set.criteria):
        for li, leaf in enumerate(iter_leaves(criterion.when)):
            key = f"c{ci}l{li}"
            leaves.append(CompiledLeaf(key, criterion.id, leaf))
            rules.update(_leaf_rules(key, leaf))
    return CompiledSet(ruleset_name(criteria_set.id, rules), rules, tuple(leaves))

