"""Criteria sets in plain words, shared by `imrcheck criteria list/show` and the generated reference.

A leaf reads as the fact, the condition and the threshold ("percent relief after the last
injection: at least 50"), then where the fact is read from and what to ask for when the records
do not document it. Trees of all / any / not become indented lines. Rendering differs only in how
code-like tokens (paths, ids) and prose are marked up, which a `Style` decides.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.catalog import TreatmentCatalog
from engine.criteria.loader import REQUEST_REF
from engine.criteria.pack import CriteriaPack
from engine.criteria.schema import CONFIDENCE_WORDS, AllOf, AnyOf, CriteriaSet, Leaf, Node, Select, confidence_counts
from engine.explain import citation_line, say
from engine.operators import OPERATORS

_ASK_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(?:\?([^}]*))?\}")
# How a pick turns the records into one value; {where} is the filter, "where region matches the request".
_PICK_WORDS = {
    "latest": "the latest record{where}",
    "earliest": "the earliest record{where}",
    "count": "the number of records{where}",
    "sum": "the total over the records{where}",
    "max": "the highest value among the records{where}",
    "min": "the lowest value among the records{where}",
    "any": "yes if any record{where} says so",
    "all": "yes if every record{where} says so",
}


@dataclass(frozen=True)
class Style:
    """How code-like tokens and prose are marked up (plain terminal text, Markdown)."""

    code: Callable[[str], str]
    text: Callable[[str], str]


PLAIN = Style(code=str, text=str)


@dataclass(frozen=True)
class Line:
    """One line of a described condition tree: its depth in the tree and its words."""

    depth: int
    text: str


class SetSummary(BaseModel):
    """One row of `imrcheck criteria list` (its JSON contract)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    source: str
    document: str
    edition: str
    effective_from: dt.date
    effective_to: dt.date | None
    treatments: tuple[str, ...]
    categories: tuple[str, ...]
    citation: str
    kind: str
    confidence_counts: dict[str, int]  # criteria marked C, Q and U


def summarize(cs: CriteriaSet, catalog: TreatmentCatalog) -> SetSummary:
    treatments = cs.applies_to.treatments
    return SetSummary(
        id=cs.id, title=cs.title, source=cs.source, document=cs.document, edition=cs.edition,
        effective_from=cs.effective_from, effective_to=cs.effective_to, treatments=treatments,
        categories=tuple(sorted({catalog.get(t).category for t in treatments if t in catalog})),
        citation=citation_line(cs), kind=cs.kind, confidence_counts=confidence_counts(cs),
    )


def find_set(pack: CriteriaPack, name: str) -> CriteriaSet | None:
    """The set with this id or alias, or None."""
    if name in pack.sets:
        return pack.get(name)
    return next((cs for cs in pack.sets.values() if name in cs.aliases), None)


def suggest_sets(pack: CriteriaPack, name: str, limit: int = 3) -> list[str]:
    """Set ids close to a mistyped one: by spelling, else those that contain it."""
    ids = sorted(pack.sets)
    close = difflib.get_close_matches(name, ids, n=limit, cutoff=0.6)
    return close or [i for i in ids if name and name in i][:limit]


def joined(words: Sequence[str], conjunction: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def either(values: Sequence[Any]) -> str:
    """Values as alternatives in words: "a, b or c"."""
    return joined([say(v) for v in values], "or")


def condition(leaf: Leaf) -> str:
    """The operator and threshold in words: "at least 50", "one of lumbar or cervical"."""
    op = OPERATORS[leaf.op]
    value = leaf.value
    if op.arg == "range" and isinstance(value, list):
        return op.phrase.format(value=[say(v) for v in value])
    if op.arg == "scalars" and isinstance(value, list):
        return op.phrase.format(value=either(value))  # "one of a, b or c", "includes none of a or b"
    if op.arg == "scalar" and isinstance(value, bool):
        return f"documented as {say(value)}" if leaf.op == "eq" else f"not documented as {say(value)}"
    if op.arg in ("number", "scalar"):
        return op.phrase.format(value=say(value))
    return op.phrase


def fact(leaf: Leaf) -> str:
    """The fact a leaf reads, as its label says or as its path's last field."""
    if leaf.label:
        return leaf.label
    last = leaf.path.rsplit(".", 1)[-1].replace("_", " ")
    return f"number of {last}" if leaf.select is not None and leaf.select.pick == "count" else last


def selection(select: Select, style: Style = PLAIN) -> str:
    """How a collection becomes one value: "the latest record where treatment and region match the request"."""
    matching = [style.code(k) for k, v in select.where.items() if isinstance(v, str) and v.startswith(REQUEST_REF)]
    literal = [f"{style.code(k)} is {either(v) if isinstance(v, list) else say(v)}"
               for k, v in select.where.items() if not (isinstance(v, str) and v.startswith(REQUEST_REF))]
    conditions = [*literal]
    if matching:
        verb = "matches" if len(matching) == 1 else "match"
        conditions.insert(0, f"{joined(matching, 'and')} {verb} the request")
    words = _PICK_WORDS[select.pick].format(where=" where " + " and ".join(conditions) if conditions else "")
    if select.within_days is not None:
        words += f", dated within {select.within_days} days before the request"
    return words


def reference(path: str, select: Select | None, style: Style = PLAIN) -> str:
    """Where a fact is read: the path, and how a collection is picked from."""
    where = style.code(path)
    return f"{where}, {selection(select, style)}" if select is not None else where


def ask(template: str) -> str:
    """The `ask` text as a reader sees it: `{x?words}` reads as its words, `{item.levels}` as [levels]."""

    def fill(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        return fallback if fallback is not None else f"[{name.rsplit('.', 1)[-1].replace('_', ' ')}]"

    return _ASK_PLACEHOLDER.sub(fill, template)


def leaf_lines(leaf: Leaf, depth: int, style: Style = PLAIN) -> list[Line]:
    lines = [
        Line(depth, style.text(f"{fact(leaf)}: {condition(leaf)}")),
        Line(depth + 1, style.text("read from ") + reference(leaf.path, leaf.select, style)),
    ]
    lines.extend(Line(depth + 1, style.text("plus ") + reference(term.path, term.select, style)) for term in leaf.plus)
    absent = "not stated in the request" if OPERATORS[leaf.op].absent_is == "unmet" else "not documented"
    lines.append(Line(depth + 1, style.text(f"if {absent}, ask for: {ask(leaf.ask)}")))
    return lines


def node_lines(node: Node, depth: int = 0, style: Style = PLAIN) -> list[Line]:
    """A condition tree as indented lines: `all of:` / `any of:` / `not:` above their children."""
    if isinstance(node, Leaf):
        return leaf_lines(node, depth, style)
    if isinstance(node, AllOf | AnyOf):
        head, children = ("all of:", node.all) if isinstance(node, AllOf) else ("any of:", node.any)
        return [Line(depth, style.text(head)), *(line for child in children for line in node_lines(child, depth + 1, style))]
    return [Line(depth, style.text("not:")), *node_lines(node.not_, depth + 1, style)]


def in_force(cs: CriteriaSet) -> str:
    ends = f" until {cs.effective_to.isoformat()}, the day it stops governing" if cs.effective_to else " (no end date)"
    return f"from {cs.effective_from.isoformat()}{ends}"


def confidence(mark: str) -> str:
    return f"{mark} ({CONFIDENCE_WORDS[mark]})"


def applies_to(cs: CriteriaSet, catalog: TreatmentCatalog, style: Style = PLAIN) -> str:
    names = [f"{style.text(catalog.get(t).name)} ({style.code(t)})" if t in catalog else style.code(t)
             for t in cs.applies_to.treatments]
    parts = [", ".join(names)]
    if cs.applies_to.repeat is not None:
        parts.append("repeat requests only" if cs.applies_to.repeat else "first requests only")
    if cs.applies_to.regions:
        parts.append("regions: " + ", ".join(cs.applies_to.regions))
    return "; ".join(parts)
