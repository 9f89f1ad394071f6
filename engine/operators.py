"""The operator table: every predicate a criterion leaf may use.

Both the criteria schema (which operators exist, what argument each takes, which fact kinds it
accepts) and the compiler (the durable-rules condition for `met` and for `unmet`) read this one
table. A leaf's value is first *measured* (a date becomes days before the request, a list is
padded so that durable's `$iall` is not vacuous), then durable-rules compares it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Json = dict[str, Any]
FactKind = Literal["bool", "number", "text", "date", "list"]
ArgKind = Literal["none", "number", "scalar", "scalars", "range"]

FIELD = "v"
# Prepended to every list fact: durable's `$iall` never matches an empty list, and the sentinel
# can never equal a value a criterion names.
LIST_SENTINEL = "\x00none"


def _cmp(op: str, arg: Any) -> Json:
    return {op: {FIELD: arg}}


def _eq(arg: Any) -> Json:
    return {FIELD: arg}


def _any_eq(values: Sequence[Any]) -> Json:
    return {"$or": [_eq(v) for v in values]} if len(values) > 1 else _eq(values[0])


def _all_ne(values: Sequence[Any]) -> Json:
    return {"$and": [_cmp("$neq", v) for v in values]} if len(values) > 1 else _cmp("$neq", values[0])


def _list_any(values: Sequence[Any]) -> Json:
    inner: Json = {"$or": [{"$i": v} for v in values]} if len(values) > 1 else {"$i": values[0]}
    return {"$iany": {FIELD: inner}}


def _list_none(values: Sequence[Any]) -> Json:
    parts = [{"$neq": {"$i": v}} for v in values]
    inner: Json = {"$and": parts} if len(parts) > 1 else parts[0]
    return {"$iall": {FIELD: inner}}


def _identity(value: Any, as_of: dt.date) -> Any:
    return value


def _days_before(value: Any, as_of: dt.date) -> Any:
    return (as_of - value).days if isinstance(value, dt.date) else value


def _length(value: Any, as_of: dt.date) -> Any:
    return len(value) if isinstance(value, list | tuple) else value


def _padded(value: Any, as_of: dt.date) -> Any:
    return [LIST_SENTINEL, *value] if isinstance(value, list | tuple) else value


@dataclass(frozen=True)
class Operator:
    name: str
    arg: ArgKind
    accepts: frozenset[FactKind]
    phrase: str  # how the docs and explanations read it: "at least {value}"
    met: Callable[[Any], Json]
    unmet: Callable[[Any], Json] | None  # None: a documented value can never fail (e.g. `exists`)
    measure: Callable[[Any, dt.date], Any] = _identity
    # "unmet" only for what the request itself states: a request that does not state its
    # exceptional factors has not stated them, whereas the records not mentioning a fact is missing.
    absent_is: Literal["missing", "unmet"] = "missing"


_ORDERED: frozenset[FactKind] = frozenset({"number"})
_SCALAR: frozenset[FactKind] = frozenset({"number", "text", "bool"})


def _table() -> dict[str, Operator]:
    ops = [
        Operator("eq", "scalar", _SCALAR, "is {value}", _eq, lambda a: _cmp("$neq", a)),
        Operator("ne", "scalar", _SCALAR, "is not {value}", lambda a: _cmp("$neq", a), _eq),
        Operator("gt", "number", _ORDERED, "more than {value}", lambda a: _cmp("$gt", a), lambda a: _cmp("$lte", a)),
        Operator("gte", "number", _ORDERED, "at least {value}", lambda a: _cmp("$gte", a), lambda a: _cmp("$lt", a)),
        Operator("lt", "number", _ORDERED, "less than {value}", lambda a: _cmp("$lt", a), lambda a: _cmp("$gte", a)),
        Operator("lte", "number", _ORDERED, "at most {value}", lambda a: _cmp("$lte", a), lambda a: _cmp("$gt", a)),
        Operator(
            "between", "range", _ORDERED, "between {value[0]} and {value[1]}",
            lambda a: {"$and": [_cmp("$gte", a[0]), _cmp("$lte", a[1])]},
            lambda a: {"$or": [_cmp("$lt", a[0]), _cmp("$gt", a[1])]},
        ),
        Operator("in", "scalars", frozenset({"text", "number"}), "one of {value}", _any_eq, _all_ne),
        Operator("not_in", "scalars", frozenset({"text", "number"}), "none of {value}", _all_ne, _any_eq),
        Operator("is_true", "none", frozenset({"bool"}), "documented as yes", lambda a: _eq(True), lambda a: _eq(False)),
        Operator("is_false", "none", frozenset({"bool"}), "documented as no", lambda a: _eq(False), lambda a: _eq(True)),
        Operator(
            "exists", "none", frozenset({"bool", "number", "text", "date", "list"}), "documented",
            lambda a: {"$ex": {FIELD: 1}}, None,
        ),
        Operator(
            "stated", "none", frozenset({"bool", "number", "text", "date", "list"}), "stated in the request",
            lambda a: {"$ex": {FIELD: 1}}, None, absent_is="unmet",
        ),
        Operator(
            "within_days", "number", frozenset({"date"}), "within {value} days before the request",
            lambda a: _cmp("$lte", a), lambda a: _cmp("$gt", a), _days_before,
        ),
        Operator(
            "older_than_days", "number", frozenset({"date"}), "more than {value} days before the request",
            lambda a: _cmp("$gt", a), lambda a: _cmp("$lte", a), _days_before,
        ),
        Operator(
            "count_gte", "number", frozenset({"list"}), "at least {value} listed",
            lambda a: _cmp("$gte", a), lambda a: _cmp("$lt", a), _length,
        ),
        Operator(
            "count_lte", "number", frozenset({"list"}), "at most {value} listed",
            lambda a: _cmp("$lte", a), lambda a: _cmp("$gt", a), _length,
        ),
        Operator(
            "contains_any", "scalars", frozenset({"list"}), "includes any of {value}",
            _list_any, _list_none, _padded,
        ),
        Operator(
            "contains_none", "scalars", frozenset({"list"}), "includes none of {value}",
            _list_none, _list_any, _padded,
        ),
    ]
    return {op.name: op for op in ops}


OPERATORS: dict[str, Operator] = _table()
