"""Field paths into the case model: checked when criteria load, read when a case is evaluated.

A path is dotted field names from the case (`exam.straight_leg_raise`), from the request being
judged (`request.visits`), or a derived fact computed from several fields
(`derived.morphine_equivalent_mg_per_day`, engine/derived.py). At most one step may cross a collection of records
(`history.injections.relief_pct`); such a leaf must say how to pick from the collection.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import types
import typing
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from engine.derived import DERIVED_FACTS, DERIVED_ROOT
from engine.models import Case, Request
from engine.operators import FactKind

REQUEST_ROOT = "request"


@dataclass(frozen=True)
class FieldType:
    """What a field holds, as far as criteria care."""

    kind: FactKind | Literal["model", "records"]
    allowed: tuple[str, ...] | None = None  # the closed vocabulary of a Literal field, or of list items
    model: type[BaseModel] | None = None  # for "model" and "records"
    # The model's own annotation of the field (with its bounds), for validating answers to it;
    # None for a derived fact.
    annotation: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class ResolvedPath:
    root: Literal["case", "request", "derived"]
    before: tuple[str, ...]  # steps up to and including the collection (or the whole path)
    after: tuple[str, ...]  # steps inside each record of the collection
    records: type[BaseModel] | None  # the record model when the path crosses a collection
    leaf: FieldType | None  # None when the path ends at the collection itself (for `count`)


class PathError(ValueError):
    pass


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def field_type(annotation: Any) -> FieldType:
    annotation = _unwrap(annotation)
    origin = get_origin(annotation)
    if origin is Literal:
        return FieldType("text", allowed=tuple(str(a) for a in get_args(annotation)))
    if origin is tuple:
        item = _unwrap(get_args(annotation)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return FieldType("records", model=item)
        allowed = tuple(str(a) for a in get_args(item)) if get_origin(item) is Literal else None
        return FieldType("list", allowed=allowed)
    if annotation is bool:
        return FieldType("bool")
    if annotation in (int, float):
        return FieldType("number")
    if annotation is dt.date:
        return FieldType("date")
    if annotation is str:
        return FieldType("text")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return FieldType("model", model=annotation)
    raise TypeError(f"unsupported field annotation {annotation!r}")  # a model change we must handle


def _step(model: type[BaseModel], name: str, walked: str) -> FieldType:
    fields = model.model_fields
    if name not in fields:
        close = difflib.get_close_matches(name, list(fields), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(f'{walked}{c}') for c in close)}?" if close else ""
        raise PathError(f"{(walked + name)!r} is not a case field{hint}")
    annotation = fields[name].annotation
    return replace(field_type(annotation), annotation=annotation)


@functools.cache  # a pure function of the path; evaluation asks for the same few paths every case
def resolve_path(path: str) -> ResolvedPath:
    """Check `path` against the case model and say what it reaches; PathError with a hint if not."""
    steps = tuple(path.split("."))
    if not path or any(not s for s in steps):
        raise PathError(f"{path!r} is not a dotted field path")
    if steps[0] == DERIVED_ROOT:
        return _resolve_derived(path, steps[1:])
    root: Literal["case", "request"] = "request" if steps[0] == REQUEST_ROOT else "case"
    model: type[BaseModel] = Request if root == "request" else Case
    walk = steps[1:] if root == "request" else steps
    if root == "case" and walk[0] == "requests":
        raise PathError("criteria read the request being judged as 'request.<field>', not 'requests'")
    prefix = f"{REQUEST_ROOT}." if root == "request" else ""
    before: list[str] = [*steps[:1]] if root == "request" else []
    records: type[BaseModel] | None = None
    leaf: FieldType | None = None
    for i, name in enumerate(walk):
        if leaf is not None and leaf.kind != "model":
            raise PathError(f"{prefix}{name!r} goes past a field that holds a value, not more fields")
        leaf = _step(model, name, prefix)
        (before if records is None else []).append(name)
        prefix += name + "."
        if leaf.kind == "records":
            if records is not None:
                raise PathError(f"{path!r} crosses two collections; criteria may cross only one")
            assert leaf.model is not None
            records, model = leaf.model, leaf.model
            rest = walk[i + 1 :]
            if not rest:
                return ResolvedPath(root, tuple(before), (), records, None)
            inner = resolve_path_in(records, rest, prefix)
            return ResolvedPath(root, tuple(before), rest, records, inner)
        if leaf.kind == "model":
            assert leaf.model is not None
            model = leaf.model
    assert leaf is not None
    if leaf.kind == "model":
        raise PathError(f"{path!r} names a group of fields; name one of: {', '.join(model.model_fields)}")
    return ResolvedPath(root, tuple(before), (), None, leaf)


def _resolve_derived(path: str, names: tuple[str, ...]) -> ResolvedPath:
    name = ".".join(names)
    if name not in DERIVED_FACTS:
        close = difflib.get_close_matches(name, list(DERIVED_FACTS), n=3, cutoff=0.5)
        known = close or sorted(DERIVED_FACTS)
        raise PathError(f"{path!r} is not a derived fact; {'did you mean' if close else 'known'}: "
                        f"{', '.join(f'{DERIVED_ROOT}.{k}' for k in known)}")
    return ResolvedPath("derived", (DERIVED_ROOT, name), (), None, FieldType(DERIVED_FACTS[name].kind))


def resolve_path_in(model: type[BaseModel], steps: tuple[str, ...], prefix: str = "") -> FieldType:
    leaf: FieldType | None = None
    for name in steps:
        leaf = _step(model, name, prefix)
        prefix += name + "."
        if leaf.kind == "model":
            assert leaf.model is not None
            model = leaf.model
        elif leaf.kind == "records":
            raise PathError(f"{prefix.rstrip('.')!r} crosses a second collection; criteria may cross only one")
    assert leaf is not None
    if leaf.kind == "model":
        raise PathError(f"{prefix.rstrip('.')!r} names a group of fields, not a value")
    return leaf


def read(obj: Any, steps: tuple[str, ...]) -> Any:
    """Follow `steps` through nested models; None as soon as any step is not documented."""
    for name in steps:
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj
