"""Strict loading of criteria-set files: every problem is reported with file and line.

Loading checks what pydantic cannot: each path exists in the case model (with a "did you mean"
hint), the operator fits the kind of fact, collection leaves say how to pick a record, filter
fields and message placeholders exist, treatments are in the catalog, ids are unique across the
pack and each file's stem is its id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from engine.catalog import TreatmentCatalog
from engine.criteria.schema import CriteriaSet, Leaf, Select, Term, iter_leaves
from engine.errors import CriteriaLoadError
from engine.models import Request
from engine.operators import OPERATORS
from engine.paths import PathError, ResolvedPath, resolve_path, resolve_path_in
from engine.resources import load_yaml_with_lines, strip_lines

REQUEST_REF = "$request."
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(?:\?[^}]*)?\}")
# Bundled data files beside the criteria sets that are not sets: the treatment catalog and the
# opioid conversion table (engine/morphine.py).
NOT_CRITERIA_SETS = frozenset({"catalog.yaml", "opioid_conversion.yaml"})
_PICK_KINDS = {"sum": "number", "max": "number", "min": "number", "any": "bool", "all": "bool"}


@dataclass(frozen=True)
class LoadedSet:
    criteria_set: CriteriaSet
    source: str  # the file it came from, for messages


def _line_of(raw: Any, loc: Iterable[Any]) -> int | None:
    line = raw.get("__line__") if isinstance(raw, dict) else None
    node = raw
    for key in loc:
        if (isinstance(node, dict) and key in node) or (isinstance(node, list) and isinstance(key, int) and key < len(node)):
            node = node[key]
        else:
            continue  # a union tag in pydantic's location, not a key of the file
        if isinstance(node, dict) and "__line__" in node:
            line = node["__line__"]
    return line


def _where(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line else source


def _plain_loc(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("all", "any", "not", "op") or isinstance(p, int)]
    return ".".join(parts) or "(top level)"


def parse_set(text: str, source: str) -> tuple[CriteriaSet, Any]:
    try:
        raw = load_yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise CriteriaLoadError([f"{at}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(raw, dict):
        raise CriteriaLoadError([f"{source}: a criteria file holds one mapping (id, title, criteria, ...)"])
    try:
        return CriteriaSet.model_validate(strip_lines(raw)), raw
    except ValidationError as exc:
        problems = [
            f"{_where(source, _line_of(raw, err['loc']))}: {_plain_loc(err['loc'])}: {err['msg']}"
            for err in exc.errors()
        ]
        raise CriteriaLoadError(problems) from None


class _Checker:
    def __init__(self, source: str, raw: Any, catalog: TreatmentCatalog) -> None:
        self.source = source
        self.raw = raw
        self.catalog = catalog
        self.problems: list[str] = []

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(f"{_where(self.source, line)}: {message}")

    def check(self, cs: CriteriaSet, stem: str) -> None:
        top = self.raw.get("__line__")
        if stem != cs.id:
            self.add(top, f"the file name must be the set's id: rename to {cs.id}.yaml or set id: {stem}")
        for treatment in cs.applies_to.treatments:
            if treatment not in self.catalog:
                hint = self.catalog.suggest(treatment.replace("_", " "))
                self.add(top, f"applies_to names unknown treatment {treatment!r}" + (f"; close: {hint}" if hint else ""))
        for i, criterion in enumerate(cs.criteria):
            raw_criterion = self.raw["criteria"][i]
            for leaf, raw_leaf in zip(iter_leaves(criterion.when), _raw_leaves(raw_criterion["when"]), strict=True):
                self.check_leaf(leaf, raw_leaf.get("__line__"), f"criterion {criterion.id!r}")

    def check_leaf(self, leaf: Leaf, line: int | None, where: str) -> None:
        try:
            resolved = resolve_path(leaf.path)
        except PathError as exc:
            self.add(line, f"{where}: path {exc}")
            return
        kind = self.check_reference(leaf.path, resolved, leaf.select, line, where)
        for term in leaf.plus:
            self.check_term(term, line, where)
        if leaf.plus and kind != "number":
            self.add(line, f"{where}: 'plus' adds numbers; {leaf.path!r} is not a number")
        op = OPERATORS[leaf.op]
        if op.absent_is == "unmet" and resolved.root != "request":
            self.add(line, f"{where}: operator {leaf.op!r} is for what the request states; "
                           f"use 'exists' for {leaf.path!r}")
        if kind is not None and kind not in op.accepts:
            self.add(line, f"{where}: operator {leaf.op!r} does not apply to {leaf.path!r} ({kind}); "
                           f"it applies to {', '.join(sorted(op.accepts))}")
        picks_a_value = leaf.select is None or leaf.select.pick in ("latest", "earliest")
        names_values = op.arg in ("scalar", "scalars")
        allowed = resolved.leaf.allowed if resolved.leaf is not None and picks_a_value and names_values else None
        if allowed:
            values = leaf.value if isinstance(leaf.value, list) else [leaf.value] if leaf.value is not None else []
            for v in values:
                if str(v) not in allowed:
                    self.add(line, f"{where}: {v!r} is not a value {leaf.path!r} can hold; it holds {', '.join(allowed)}")
        self.check_placeholders(leaf, resolved, line, where)

    def check_term(self, term: Term, line: int | None, where: str) -> None:
        try:
            resolved = resolve_path(term.path)
        except PathError as exc:
            self.add(line, f"{where}: plus path {exc}")
            return
        kind = self.check_reference(term.path, resolved, term.select, line, where)
        if kind not in (None, "number"):
            self.add(line, f"{where}: 'plus' adds numbers; {term.path!r} is not a number")

    def check_reference(self, path: str, resolved: ResolvedPath, select: Select | None, line: int | None,
                        where: str) -> str | None:
        """The kind of value the reference yields, or None after reporting a problem."""
        if resolved.records is None:
            if select is not None:
                self.add(line, f"{where}: {path!r} is not a collection; remove 'select'")
                return None
            assert resolved.leaf is not None
            return resolved.leaf.kind
        if select is None:
            self.add(line, f"{where}: {path!r} crosses a collection; add select.pick "
                           "(latest, earliest, count, sum, max, min, any, all)")
            return None
        self.check_select(select, resolved.records, line, where)
        if select.pick == "count":
            if resolved.after:
                self.add(line, f"{where}: pick 'count' counts records; end the path at the collection")
                return None
            return "number"
        if not resolved.after or resolved.leaf is None:
            self.add(line, f"{where}: pick {select.pick!r} needs a field after the collection in {path!r}")
            return None
        if select.pick in ("latest", "earliest"):
            if "date" not in resolved.records.model_fields:
                self.add(line, f"{where}: pick {select.pick!r} needs dated records")
            return resolved.leaf.kind
        wanted = _PICK_KINDS[select.pick]
        if resolved.leaf.kind != wanted:
            self.add(line, f"{where}: pick {select.pick!r} needs a {wanted} field; {path!r} is {resolved.leaf.kind}")
            return None
        return wanted

    def check_select(self, select: Select, records: type[BaseModel], line: int | None, where: str) -> None:
        if select.within_days is not None and "date" not in records.model_fields:
            self.add(line, f"{where}: within_days needs dated records")
        for key, value in select.where.items():
            try:
                resolve_path_in(records, tuple(key.split(".")))
            except PathError as exc:
                self.add(line, f"{where}: select.where {exc}")
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and v.startswith(REQUEST_REF):
                    field = v[len(REQUEST_REF):]
                    if field not in Request.model_fields:
                        self.add(line, f"{where}: select.where refers to unknown request field {field!r}")

    def check_placeholders(self, leaf: Leaf, resolved: ResolvedPath, line: int | None, where: str) -> None:
        for name in PLACEHOLDER.findall(leaf.ask):
            head, _, rest = name.partition(".")
            if head == "value" and not rest:
                continue
            if head == "item" and resolved.records is not None and leaf.select is not None:
                if leaf.select.pick not in ("latest", "earliest"):
                    self.add(line, f"{where}: {{item.…}} needs pick latest or earliest")
                    continue
                target: type[BaseModel] = resolved.records
            elif head == "request":
                target = Request
            else:
                self.add(line, f"{where}: unknown placeholder {{{name}}} in ask (use item., request. or value)")
                continue
            try:
                resolve_path_in(target, tuple(rest.split(".")))
            except PathError as exc:
                self.add(line, f"{where}: placeholder {{{name}}}: {exc}")


def _raw_leaves(raw_node: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(raw_node, dict):
        return
    for key in ("all", "any"):
        if key in raw_node:
            for child in raw_node[key]:
                yield from _raw_leaves(child)
            return
    if "not" in raw_node:
        yield from _raw_leaves(raw_node["not"])
        return
    yield raw_node


def load_set(text: str, *, source: str, stem: str, catalog: TreatmentCatalog) -> CriteriaSet:
    cs, raw = parse_set(text, source)
    checker = _Checker(source, raw, catalog)
    checker.check(cs, stem)
    if checker.problems:
        raise CriteriaLoadError(checker.problems)
    return cs


def iter_criteria_files(root: Traversable | Path) -> Iterator[Traversable | Path]:
    """Every criteria-set file under `root`, in a stable order (the catalog and tables are not sets)."""
    entries = sorted(root.iterdir(), key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir():
            yield from iter_criteria_files(entry)
        elif entry.name.endswith(".yaml") and entry.name not in NOT_CRITERIA_SETS:
            yield entry
