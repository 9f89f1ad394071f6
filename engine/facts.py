"""Reading the fact a criterion leaf names from a case, with the evidence of what was read.

This module only *finds* values (and picks a record from a collection); it never compares them
with a threshold: that is durable-rules' job (engine.compiler). A value of None means the records
do not document the fact.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import BaseModel

from engine.criteria.loader import REQUEST_REF
from engine.criteria.schema import Leaf, Select
from engine.derived import DERIVED_FACTS
from engine.models import Case, Request
from engine.paths import ResolvedPath, read, resolve_path


class Observation(NamedTuple):
    """What a leaf read. A named tuple: as immutable as a frozen dataclass, and built for every leaf of
    every evaluation at half its cost."""

    value: Any
    evidence: tuple[tuple[str, Any], ...]  # (field as a path a person can find, value read)
    item: BaseModel | None = None  # the record picked by latest/earliest, for message placeholders
    # For a leaf with `plus`: the total when every added collection the records never mention counts
    # as none (what a leaf's `if_silent: absent` reads); None when the leaf's own fact is missing.
    without_silent: Any = None


@dataclass(frozen=True)
class Scope:
    case: Case
    request: Request
    as_of: dt.date
    primary_prediction: str | None = None  # for a companion: its primary's predicted outcome


def observe(leaf: Leaf, scope: Scope) -> Observation:
    first = _observe_reference(leaf.path, leaf.select, scope)
    if not leaf.plus:
        return first
    total, evidence = first.value, list(first.evidence)
    partial = first.value
    for term in leaf.plus:
        extra = _observe_reference(term.path, term.select, scope)
        evidence.extend(extra.evidence)
        total = None if total is None or extra.value is None else total + extra.value
        if extra.value is None and _never_mentioned(term.path, scope):
            continue
        partial = None if partial is None or extra.value is None else partial + extra.value
    return Observation(total, tuple(evidence), first.item, partial)


def observer(leaf: Leaf) -> tuple[Callable[[Scope], Observation], Observation | None]:
    """`observe(leaf, scope)` with the leaf's path resolved once: an evaluator observes every leaf of
    every case, and most leaves read one field of the case or the request, or pick from records that
    most cases do not have. An undocumented field, or records not there at all, read as one shared
    Observation per leaf, returned beside the reader (None where the leaf has no such reading)."""
    path, select = leaf.path, leaf.select
    resolved = resolve_path(path)
    if leaf.plus or resolved.root == "derived":
        return functools.partial(observe, leaf), None
    on_request = resolved.root == "request"
    steps = resolved.before[1:] if on_request else resolved.before
    if resolved.records is not None and select is not None:
        no_records = Observation(None, ((".".join(resolved.before), None),))  # as _pick says it

        def pick(scope: Scope) -> Observation:
            collection = read(scope.request if on_request else scope.case, steps)
            if collection is None:
                return no_records
            return _pick(path, resolved, collection, select, scope)

        return pick, no_records
    undocumented = Observation(None, ((path, None),))

    def read_field(scope: Scope) -> Observation:
        value = read(scope.request if on_request else scope.case, steps)
        if value is None:
            return undocumented
        value = _plain(value)
        return Observation(value, ((path, value),))

    return read_field, undocumented


def _never_mentioned(path: str, scope: Scope) -> bool:
    """Whether the records behind a term are not mentioned at all (not: mentioned without the value)."""
    resolved = resolve_path(path)
    if resolved.root in ("derived", "request") or resolved.records is None:
        return False
    return read(scope.case, resolved.before) is None


def _observe_reference(path: str, select: Select | None, scope: Scope) -> Observation:
    resolved = resolve_path(path)
    if resolved.root == "derived":
        derived = DERIVED_FACTS[resolved.before[1]].compute(scope.case, scope.request, scope.primary_prediction)
        return Observation(derived.value, derived.evidence)
    start: Any = scope.request if resolved.root == "request" else scope.case
    steps = resolved.before[1:] if resolved.root == "request" else resolved.before
    value = read(start, steps)
    if resolved.records is None or select is None:
        return Observation(_plain(value), ((path, _plain(value)),))
    return _pick(path, resolved, value, select, scope)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@functools.lru_cache(maxsize=1024)  # filter keys and paths come from the criteria: a small, fixed set
def _steps(key: str) -> tuple[str, ...]:
    return tuple(key.split("."))


def _matches(record: BaseModel, key: str, wanted: Any, request: Request) -> bool:
    expected = [wanted] if not isinstance(wanted, list) else wanted
    resolved_expected = []
    against_request = False
    for e in expected:
        if isinstance(e, str) and e.startswith(REQUEST_REF):
            against_request = True
            e = getattr(request, e[len(REQUEST_REF):])
            if e is None:
                return True  # the request does not say, so this filter cannot narrow
        resolved_expected.append(e)
    actual = read(record, _steps(key))
    # Compared with the request, a record that does not state the field is kept: records rarely
    # restate the region of every earlier injection, and dropping it would hide the history the
    # criterion is about. A literal filter (group: crps) needs the record to say so.
    if actual is None:
        return against_request
    return actual in resolved_expected


def _pick(path: str, resolved: ResolvedPath, collection: Any, select: Select, scope: Scope) -> Observation:
    where = ".".join(resolved.before)
    if collection is None:
        return Observation(None, ((where, None),))
    filters = select.where.items()
    if filters:
        indexed = [(i, r) for i, r in enumerate(collection)
                   if all(_matches(r, k, v, scope.request) for k, v in filters)]
    else:
        indexed = list(enumerate(collection))
    undated_in_window = False
    if select.within_days is not None:
        kept = []
        for i, r in indexed:
            when = getattr(r, "date", None)
            if when is None:
                undated_in_window = True
            elif 0 <= (scope.as_of - when).days <= select.within_days:
                kept.append((i, r))
        indexed = kept
    if select.pick == "count":
        count = None if undated_in_window else len(indexed)
        return Observation(count, ((f"{where} (matching records)", count),))
    if select.pick in ("latest", "earliest"):
        if not indexed:
            return Observation(None, ((f"{where} (no matching record)", None),))
        i, record = _latest_or_earliest(indexed, select.pick == "latest")
        value = _plain(read(record, resolved.after))
        return Observation(value, ((f"{where}[{i}].{'.'.join(resolved.after)}", value),), record)
    values = [(i, _plain(read(r, resolved.after))) for i, r in indexed]
    evidence = tuple((f"{where}[{i}].{'.'.join(resolved.after)}", v) for i, v in values)
    plain = [v for _, v in values]
    if select.pick == "sum":
        total = None if undated_in_window or any(v is None for v in plain) else sum(plain)
        return Observation(total, evidence or ((where, total),))
    if select.pick in ("max", "min"):
        known = [v for v in plain if v is not None]
        if not known or any(v is None for v in plain):
            return Observation(None, evidence or ((where, None),))
        return Observation(max(known) if select.pick == "max" else min(known), evidence)
    if select.pick == "any":
        if any(v is True for v in plain):
            return Observation(True, evidence)
        unknown = undated_in_window or any(v is None for v in plain)
        return Observation(None if unknown else False, evidence or ((where, "none matching"),))
    # "all": nothing to judge is not documented, rather than vacuously true
    if not plain or any(v is None for v in plain):
        return Observation(None if not any(v is False for v in plain) else False, evidence or ((where, None),))
    return Observation(all(plain), evidence)


def _latest_or_earliest(indexed: list[tuple[int, BaseModel]], latest: bool) -> tuple[int, BaseModel]:
    """Dated records by date; when any is undated, the order listed stands for the order given."""
    if all(getattr(r, "date", None) is not None for _, r in indexed):
        ordered = sorted(indexed, key=lambda ir: (ir[1].date, ir[0]))  # type: ignore[attr-defined]
    else:
        ordered = indexed
    return ordered[-1] if latest else ordered[0]
