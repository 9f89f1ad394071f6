"""Strict loading of criteria-set files: every problem is reported with file and line.

Loading checks what pydantic cannot: each path exists in the case model (with a "did you mean"
hint), the operator fits the kind of fact, collection leaves say how to pick a record, filter
fields and message placeholders exist, treatments are in the catalog, no key is written twice
and each file's stem is its id (ids across files are the pack's concern).

Every problem of a file is collected, not just the first: the set's fields, each criterion and each
leaf are validated on their own, so one mistake does not hide another, and each problem names the
line of the key to change.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from engine.catalog import TreatmentCatalog
from engine.criteria.schema import (
    MAX_CONDITION_DEPTH,
    MAX_CRITERIA_PER_SET,
    MAX_LEAVES_PER_SET,
    AppliesTo,
    CriteriaSet,
    Criterion,
    Leaf,
    Select,
    Term,
)
from engine.errors import CriteriaLoadError
from engine.models import Request
from engine.operators import OPERATORS
from engine.paths import PathError, ResolvedPath, resolve_path, resolve_path_in
from engine.resources import YamlAliasError, load_yaml_with_nodes, strip_lines

REQUEST_REF = "$request."
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(?:\?[^}]*)?\}")
# Bundled data files beside the criteria sets that are not sets: the treatment catalog and the
# opioid conversion table (engine/morphine.py).
NOT_CRITERIA_SETS = frozenset({"catalog.yaml", "drugs.yaml", "opioid_conversion.yaml", "scoring.yaml"})
_PICK_KINDS = {"sum": "number", "max": "number", "min": "number", "any": "bool", "all": "bool"}


_TAGS = ("all", "any", "not", "op")
Loc = tuple[Any, ...]  # a place in the file: mapping keys and list indexes


class _Lines:
    """Where each key and item of the file is, so a problem names the line to change."""

    def __init__(self, text: str, root: yaml.Node | None = None) -> None:
        self.text = text
        if root is not None:  # already composed while loading: the file is parsed once
            self.__dict__["root"] = root

    @functools.cached_property
    def root(self) -> yaml.Node | None:
        # Composing builds no Python objects; libyaml does it in a fraction of the time the loading took.
        return yaml.compose(self.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    def repeated_keys(self) -> Iterator[tuple[int, str, int]]:
        """(line, key, line of its first use) for each key written twice in one mapping: YAML keeps the last."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                first: dict[str, int] = {}
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode):
                        line = key.start_mark.line + 1
                        if key.value in first:
                            yield line, key.value, first[key.value]
                        first.setdefault(key.value, line)
                    stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)

    def at(self, loc: Loc) -> int | None:
        """The line of `loc` (keys and indexes), or of the nearest enclosing node when the file lacks it."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            found = _child(node, key)
            if found is not None:
                line, node = found
        return line


def _without_tags(loc: Iterable[Any]) -> Loc:
    """Pydantic's location with the union tags taken out, leaving only keys and indexes of the file."""
    kept: list[Any] = []
    tag_next = False
    for key in loc:
        if tag_next and key in _TAGS:
            tag_next = False
            continue
        # A condition follows `when`, `not` and each item of `all` / `any`; its union tag comes next.
        tag_next = key in ("when", "not") or (isinstance(key, int) and bool(kept) and kept[-1] in ("all", "any"))
        kept.append(key)
    return tuple(kept)


def _child(node: yaml.Node | None, key: Any) -> tuple[int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                at = v if isinstance(v, yaml.MappingNode | yaml.SequenceNode) and v.flow_style is False else k
                return at.start_mark.line + 1, v
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item = node.value[key]
        return item.start_mark.line + 1, item
    return None


def _where(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line else source


def _unknown_operator(name: Any) -> str:
    close = difflib.get_close_matches(str(name), list(OPERATORS), n=2, cutoff=0.5)
    hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
    return f"unknown operator {name!r}; {hint}the operators are {', '.join(OPERATORS)}"


def _read_yaml(text: str, source: str) -> tuple[dict[str, Any], yaml.Node | None]:
    """The file as a mapping with line markers, and its composed document when reusable (see
    `load_yaml_with_nodes`); a file YAML cannot read is one problem (parsing stops there)."""
    try:
        raw, root = load_yaml_with_nodes(text)
    except YamlAliasError as exc:
        raise CriteriaLoadError([f"{source}: {exc}"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise CriteriaLoadError([f"{at}: not valid YAML ({exc.problem or exc})"]) from None
    except yaml.YAMLError as exc:  # the reader's errors: a character YAML does not allow (a binary file)
        raise CriteriaLoadError([f"{source}: not a YAML text file ({str(exc).splitlines()[0]})"]) from None
    except RecursionError:
        raise CriteriaLoadError([f"{source}: nested too deeply to be a criteria file (conditions nest at most "
                                 f"{MAX_CONDITION_DEPTH} levels)"]) from None
    if raw is None:
        raise CriteriaLoadError([f"{source}: the file is empty; a criteria file holds one mapping (id, title, criteria, ...)"])
    if not isinstance(raw, dict):
        raise CriteriaLoadError([f"{source}: a criteria file holds one mapping (id, title, criteria, ...)"])
    return raw, root


def _stand_in() -> Criterion:
    """Takes the place of criteria that did not validate, so the set's own fields are still checked."""
    return Criterion.model_validate({
        "id": "stand_in", "title": "stand in",
        "when": {"op": "exists", "path": "request.treatment", "ask": "stands in for criteria with problems"},
        "messages": {"met": "-", "unmet": "-", "missing": "-"},
    })


class _Checker:
    """Collects every problem of one file: each part is validated on its own, so one mistake does not
    hide the others (a bad field in one criterion still lets the other criteria's paths be checked)."""

    def __init__(self, source: str, raw: dict[str, Any], lines: _Lines, catalog: TreatmentCatalog) -> None:
        self.source = source
        self.raw = raw
        self.lines = lines
        self.catalog = catalog
        self._found: list[tuple[int, str]] = []
        self._too_deep: set[int] = set()  # criteria whose conditions nest beyond the limit: not walked further
        self._oversized = False  # too many criteria or leaves: none is checked further

    @property
    def problems(self) -> list[str]:
        """Every problem, in the order of the file's lines."""
        ordered = sorted(self._found, key=lambda found: found[0])
        return [f"{_where(self.source, line or None)}: {message}" for line, message in ordered]

    def add(self, at: Loc | int, message: str) -> None:
        """A problem at a line, or at a place in the file (keys and indexes; the nearest existing node's line)."""
        self._found.append(((at if isinstance(at, int) else self.lines.at(at)) or 0, message))

    def add_invalid(self, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> None:
        for err in exc.errors():
            at = _without_tags((*prefix, *err["loc"]))
            place = ".".join(str(p) for p in at)
            if err["type"] == "literal_error" and at[-1:] == ("op",):
                message = _unknown_operator(err["input"])
            else:
                message = err["msg"].removeprefix("Value error, ")
            self.add(at, f"{place}: {message}" if place else message)

    def check(self, stem: str) -> CriteriaSet | None:
        """The set when the file has no problem at all; every problem is in `problems` either way."""
        for line, key, first in self.lines.repeated_keys():
            self.add(line, f"{key!r} is written twice in the same mapping (first on line {first}); YAML would keep only this one")
        cs = self.validate_set(self.validate_criteria())
        set_id = self.raw.get("id")
        if isinstance(set_id, str) and stem != set_id:
            self.add(("id",), f"the file name must be the set's id: rename to {set_id}.yaml or set id: {stem}")
        self.check_treatments()
        raw_criteria = self.raw.get("criteria")
        for i, raw_criterion in enumerate(raw_criteria if isinstance(raw_criteria, list) else []):
            if not self._oversized and i not in self._too_deep:
                self.check_criterion(i, raw_criterion)
        return cs if not self._found else None

    def validate_criteria(self) -> list[Criterion] | None:
        """The criteria that validate, each on its own; None when `criteria` is not a list of them."""
        raw_criteria = self.raw.get("criteria")
        if not isinstance(raw_criteria, list) or not raw_criteria:
            return None
        if not self.within_limits(raw_criteria):
            return []  # the set's own fields are still checked, beside a stand-in
        valid = []
        for i, raw_criterion in enumerate(raw_criteria):
            if i in self._too_deep:
                continue
            try:
                valid.append(Criterion.model_validate(strip_lines(raw_criterion)))
            except ValidationError as exc:
                self.add_invalid(exc, ("criteria", i))
        return valid

    def within_limits(self, raw_criteria: list[Any]) -> bool:
        """Whether the set is small enough to check further: bounded criteria and leaves, shallow conditions.
        An oversized set is refused before any of it is validated, compiled or evaluated."""
        if len(raw_criteria) > MAX_CRITERIA_PER_SET:
            self.add(("criteria",), f"criteria: {len(raw_criteria):,} criteria; a set holds at most "
                                    f"{MAX_CRITERIA_PER_SET} (split the guideline into several sets)")
            self._oversized = True
            return False
        leaves = 0
        for i, raw_criterion in enumerate(raw_criteria):
            when = raw_criterion.get("when") if isinstance(raw_criterion, dict) else None
            depth, count = _condition_shape(when)
            leaves += count
            if depth > MAX_CONDITION_DEPTH:
                self._too_deep.add(i)
                self.add(("criteria", i, "when"), f"criteria.{i}.when: conditions nest more than {MAX_CONDITION_DEPTH} "
                                                  "levels deep; write the condition flatter")
        if leaves > MAX_LEAVES_PER_SET:
            self.add(("criteria",), f"criteria: {leaves:,} conditions in all; a set holds at most {MAX_LEAVES_PER_SET}")
            self._oversized = True
            return False
        return True

    def validate_set(self, criteria: list[Criterion] | None) -> CriteriaSet | None:
        data = strip_lines(self.raw)
        if criteria is not None:  # otherwise pydantic reports the missing or malformed list
            data["criteria"] = criteria or [_stand_in()]
        try:
            return CriteriaSet.model_validate(data)
        except ValidationError as exc:
            self.add_invalid(exc)
            return None

    def check_treatments(self) -> None:
        try:
            applies_to = AppliesTo.model_validate(strip_lines(self.raw.get("applies_to")))
        except ValidationError:
            return  # reported with the set's fields
        for i, treatment in enumerate(applies_to.treatments):
            if treatment not in self.catalog:
                close = dict.fromkeys(self.catalog.resolve(name).id for name in self.catalog.suggest(treatment.replace("_", " ")))
                hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
                self.add(("applies_to", "treatments", i), f"applies_to names unknown treatment {treatment!r}{hint}")

    def check_criterion(self, index: int, raw_criterion: Any) -> None:
        if not isinstance(raw_criterion, dict):
            return  # reported by validate_criteria
        name = raw_criterion.get("id")
        where = f"criterion {name!r}" if isinstance(name, str) else f"criterion {index + 1}"
        for at, raw_leaf in _raw_leaves(raw_criterion.get("when"), ("criteria", index, "when")):
            try:
                leaf = Leaf.model_validate(strip_lines(raw_leaf))
            except ValidationError:
                continue  # reported by validate_criteria
            self.check_leaf(leaf, at, where)

    def check_leaf(self, leaf: Leaf, at: Loc, where: str) -> None:
        try:
            resolved = resolve_path(leaf.path)
        except PathError as exc:
            self.add((*at, "path"), f"{where}: path {exc}")
            return
        kind = self.check_reference(leaf.path, resolved, leaf.select, at, where)
        for i, term in enumerate(leaf.plus):
            self.check_term(term, (*at, "plus", i), where)
        if leaf.plus and kind != "number":
            self.add((*at, "plus"), f"{where}: 'plus' adds numbers; {leaf.path!r} is not a number")
        op = OPERATORS[leaf.op]
        if op.absent_is == "unmet" and resolved.root != "request":
            self.add((*at, "op"), f"{where}: operator {leaf.op!r} is for what the request states; "
                           f"use 'exists' for {leaf.path!r}")
        if kind is not None and kind not in op.accepts:
            self.add((*at, "op"), f"{where}: operator {leaf.op!r} does not apply to {leaf.path!r} ({kind}); "
                           f"it applies to {', '.join(sorted(op.accepts))}")
        picks_a_value = leaf.select is None or leaf.select.pick in ("latest", "earliest")
        names_values = op.arg in ("scalar", "scalars")
        allowed = resolved.leaf.allowed if resolved.leaf is not None and picks_a_value and names_values else None
        if allowed:
            values = leaf.value if isinstance(leaf.value, list) else [leaf.value] if leaf.value is not None else []
            for v in values:
                if str(v) not in allowed:
                    self.add((*at, "value"), f"{where}: {v!r} is not a value {leaf.path!r} can hold; it holds {', '.join(allowed)}")
        self.check_placeholders(leaf, resolved, at, where)

    def check_term(self, term: Term, at: Loc, where: str) -> None:
        try:
            resolved = resolve_path(term.path)
        except PathError as exc:
            self.add((*at, "path"), f"{where}: plus path {exc}")
            return
        kind = self.check_reference(term.path, resolved, term.select, at, where)
        if kind not in (None, "number"):
            self.add((*at, "path"), f"{where}: 'plus' adds numbers; {term.path!r} is not a number")

    def check_reference(self, path: str, resolved: ResolvedPath, select: Select | None, at: Loc,
                        where: str) -> str | None:
        """The kind of value the reference yields, or None after reporting a problem."""
        if resolved.records is None:
            if select is not None:
                self.add((*at, "select"), f"{where}: {path!r} is not a collection; remove 'select'")
                return None
            assert resolved.leaf is not None
            return resolved.leaf.kind
        if select is None:
            self.add((*at, "path"), f"{where}: {path!r} crosses a collection; add select.pick "
                           "(latest, earliest, count, sum, max, min, any, all)")
            return None
        self.check_select(select, resolved.records, at, where)
        if select.pick == "count":
            if resolved.after:
                self.add((*at, "path"), f"{where}: pick 'count' counts records; end the path at the collection")
                return None
            return "number"
        if not resolved.after or resolved.leaf is None:
            self.add((*at, "path"), f"{where}: pick {select.pick!r} needs a field after the collection in {path!r}")
            return None
        if select.pick in ("latest", "earliest"):
            if "date" not in resolved.records.model_fields:
                self.add((*at, "select", "pick"), f"{where}: pick {select.pick!r} needs dated records")
            return resolved.leaf.kind
        wanted = _PICK_KINDS[select.pick]
        if resolved.leaf.kind != wanted:
            self.add((*at, "select", "pick"), f"{where}: pick {select.pick!r} needs a {wanted} field; {path!r} is {resolved.leaf.kind}")
            return None
        return wanted

    def check_select(self, select: Select, records: type[BaseModel], at: Loc, where: str) -> None:
        if select.within_days is not None and "date" not in records.model_fields:
            self.add((*at, "select", "within_days"), f"{where}: within_days needs dated records")
        for key, value in select.where.items():
            try:
                resolve_path_in(records, tuple(key.split(".")))
            except PathError as exc:
                self.add((*at, "select", "where", key), f"{where}: select.where {exc}")
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and v.startswith(REQUEST_REF):
                    field = v[len(REQUEST_REF):]
                    if field not in Request.model_fields:
                        self.add((*at, "select", "where", key), f"{where}: select.where refers to unknown request field {field!r}")

    def check_placeholders(self, leaf: Leaf, resolved: ResolvedPath, at: Loc, where: str) -> None:
        for name in PLACEHOLDER.findall(leaf.ask):
            head, _, rest = name.partition(".")
            if head == "value" and not rest:
                continue
            if head == "item" and resolved.records is not None and leaf.select is not None:
                if leaf.select.pick not in ("latest", "earliest"):
                    self.add((*at, "ask"), f"{where}: {{item.…}} needs pick latest or earliest")
                    continue
                target: type[BaseModel] = resolved.records
            elif head == "request":
                target = Request
            else:
                self.add((*at, "ask"), f"{where}: unknown placeholder {{{name}}} in ask (use item., request. or value)")
                continue
            try:
                resolve_path_in(target, tuple(rest.split(".")))
            except PathError as exc:
                self.add((*at, "ask"), f"{where}: placeholder {{{name}}}: {exc}")


def _condition_shape(raw_node: Any) -> tuple[int, int]:
    """(depth, leaves) of a condition tree as written, counted without recursion and stopping once too deep."""
    depth = leaves = 0
    stack: list[tuple[Any, int]] = [(raw_node, 1)]
    while stack and depth <= MAX_CONDITION_DEPTH:
        node, level = stack.pop()
        if not isinstance(node, dict):
            continue
        depth = max(depth, level)
        children = next((node[key] for key in ("all", "any") if key in node), None)
        if children is not None:
            stack.extend((child, level + 1) for child in (children if isinstance(children, list) else []))
        elif "not" in node:
            stack.append((node["not"], level + 1))
        else:
            leaves += 1
    return depth, leaves


def _raw_leaves(raw_node: Any, at: Loc = ()) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """The leaves of a condition tree as written, each with its place in the file (malformed nodes yield nothing)."""
    if not isinstance(raw_node, dict):
        return
    for key in ("all", "any"):
        if key in raw_node:
            children = raw_node[key] if isinstance(raw_node[key], list) else []
            for i, child in enumerate(children):
                yield from _raw_leaves(child, (*at, key, i))
            return
    if "not" in raw_node:
        yield from _raw_leaves(raw_node["not"], (*at, "not"))
        return
    yield at, raw_node


def load_set(text: str, *, source: str, stem: str, catalog: TreatmentCatalog) -> CriteriaSet:
    """One criteria file, strictly: raises CriteriaLoadError listing every problem found in it."""
    raw, root = _read_yaml(text, source)
    checker = _Checker(source, raw, _Lines(text, root), catalog)
    cs = checker.check(stem)
    if cs is None:
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
