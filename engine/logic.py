"""Three-valued (Kleene) logic over findings: met / unmet / missing.

`missing` is unknown, never false: an `all` with a missing part and no unmet part is missing; an
`any` with one met part is met whatever else is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Status = Literal["met", "unmet", "missing"]


def all_of(statuses: Iterable[Status]) -> Status:
    seen = set(statuses)
    if "unmet" in seen:
        return "unmet"
    return "missing" if "missing" in seen else "met"


def any_of(statuses: Iterable[Status]) -> Status:
    seen = set(statuses)
    if "met" in seen:
        return "met"
    return "missing" if "missing" in seen else "unmet"


def negate(status: Status) -> Status:
    return {"met": "unmet", "unmet": "met", "missing": "missing"}[status]  # type: ignore[return-value]
