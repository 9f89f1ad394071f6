"""Reading silent records as a reviewer does: each leaf's `if_silent` rule applied to its strict outcome.

The strict outcome (met / unmet / missing) is what the records document; it drives the strict verdict
and the checklist. The outcome *as read* applies the leaf's rule where the records are silent: a fact
presumed `absent` is decided again by durable-rules with the value that means none (no earlier
imaging mentioned → zero earlier studies), a `neutral` fact no longer counts against the request
(`met`), and the default, `against`, leaves it missing. The score reads the outcomes as read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine.compiler import CompiledLeaf
from engine.criteria.schema import absent_value
from engine.logic import Status

Run = Callable[[list[dict[str, Any]]], Mapping[str, Status]]


def read_as(leaves: Sequence[CompiledLeaf], strict: Mapping[str, Status], run: Run, as_of: Any) -> dict[str, Status]:
    """Each leaf's outcome once its silent-record rule is applied; `run` decides presumed values in the
    set's own ruleset (the same rules that decided the strict outcome)."""
    out = dict(strict)
    presumed: list[dict[str, Any]] = []
    for cl in leaves:
        if strict[cl.key] != "missing":
            continue
        if cl.leaf.if_silent == "neutral":
            out[cl.key] = "met"
        elif cl.leaf.if_silent == "absent":
            presumed.append({"leaf": cl.key, "v": cl.measure(absent_value(cl.leaf), as_of)})
    if presumed:
        out.update(run(presumed))
    return out
