"""The facts criteria leaves read, as references a question can be keyed on, with their answer types.

A leaf reads its `path` (through `select` when it crosses a collection) and each `plus` term. Two
leaves read the same fact when path, record filter and time window agree: they become one question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import TypeAdapter

from engine.criteria.schema import Leaf, Pick, Scalar, Select
from engine.derived import DERIVED_FACTS, DERIVED_ROOT
from engine.models import NonNegInt
from engine.paths import field_type, resolve_path
from engine.questionnaire.model import AnswerType

Where = tuple[tuple[str, Scalar | tuple[Scalar, ...]], ...]


@dataclass(frozen=True)
class FactRef:
    path: str
    pick: Pick | None
    where: Where
    within_days: int | None

    @property
    def key(self) -> tuple[str, Where, int | None]:
        """What makes two reads the same fact: latest and max of one record field are one answer."""
        return self.path, self.where, self.within_days

    @property
    def counts(self) -> bool:
        return self.pick == "count"

    @property
    def collection(self) -> str | None:
        """The collection the path crosses (`history.injections`), None for a plain field."""
        resolved = resolve_path(self.path)
        return ".".join(resolved.before) if resolved.records is not None else None

    @property
    def inside(self) -> tuple[str, ...]:
        """The steps inside each record (`relief_pct`), empty for a count."""
        return resolve_path(self.path).after

    def where_dict(self) -> dict[str, Scalar | list[Scalar]]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.where}


def reference(path: str, select: Select | None) -> FactRef:
    if select is None or resolve_path(path).records is None:
        return FactRef(path, None, (), None)
    where: Where = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in select.where.items()))
    return FactRef(path, select.pick, where, select.within_days)


def read_fields(path: str, select: Select | None) -> list[tuple[str, Select | None]]:
    """The case fields a path makes the criteria read: itself, or for a derived fact (computed, never
    documented as such) the fields it is computed from, which are what a person can answer. A field
    across a collection (each current opioid's dose) is asked of one record of those the fact reads:
    the questionnaire documents the regimen's main entry; a case file can list more."""
    if resolve_path(path).root != DERIVED_ROOT:
        return [(path, select)]
    fact = DERIVED_FACTS[path.split(".", 1)[1]]
    fields: list[tuple[str, Select | None]] = []
    for read in fact.reads:
        resolved = resolve_path(read)
        collection = ".".join(resolved.before) if resolved.records is not None else None
        where = dict(fact.record_filters.get(collection, {})) if collection is not None else {}
        fields.append((read, Select(pick="latest", where=where) if collection is not None else None))
    return fields


def leaf_refs(leaf: Leaf) -> list[FactRef]:
    """Every fact a leaf reads: its path first, then its `plus` terms."""
    terms = [(leaf.path, leaf.select), *((t.path, t.select) for t in leaf.plus)]
    return [reference(read, how) for path, select in terms for read, how in read_fields(path, select)]


def field_annotation(path: str) -> Any:
    """The case model's annotation of the field a path ends at (a count of records is a whole number)."""
    leaf = resolve_path(path).leaf
    return NonNegInt if leaf is None else leaf.annotation


def _holds_int(annotation: Any) -> bool:
    if get_origin(annotation) is None:
        return annotation is int
    return any(_holds_int(a) for a in get_args(annotation) if a is not type(None))


def answer_type(path: str) -> tuple[AnswerType, tuple[str, ...] | None]:
    """The answer type and allowed values of the fact a path names."""
    annotation = field_annotation(path)
    kind = field_type(annotation)
    if kind.kind == "bool":
        return "boolean", None
    if kind.kind == "number":
        return ("integer" if _holds_int(annotation) else "number"), None
    if kind.kind == "date":
        return "date", None
    if kind.kind == "list":
        return "list", kind.allowed
    return ("choice", kind.allowed) if kind.allowed else ("text", None)


def answer_adapter(path: str) -> TypeAdapter[Any]:
    """Validates one answer exactly as the case model would (ranges, allowed values, dates)."""
    return TypeAdapter(field_annotation(path))
