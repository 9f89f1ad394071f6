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
from engine.criteria.schema import PLUS_TERMS, absent_value
from engine.facts import Observation
from engine.logic import Status
from engine.results import Finding

Run = Callable[[list[dict[str, Any]]], Mapping[str, Status]]


def read_as(leaves: Sequence[CompiledLeaf], strict: Mapping[str, Status], observed: Sequence[Observation],
            run: Run, as_of: Any, *, presume_absent: bool = True) -> Mapping[str, Status]:
    """Each leaf's outcome once its silent-record rule is applied; `run` decides presumed values in the
    set's own ruleset (the same rules that decided the strict outcome); `observed` is in the order of
    `leaves`. A total with `plus` terms is
    presumed with the terms the records never mention as none: the requested visits alone, when no
    earlier therapy is mentioned. `presume_absent` is false for a request that says it repeats or
    continues earlier care: the request itself then tells of the earlier care a silence would deny.
    Where no rule changes an outcome (most sets, most cases), `strict` itself is returned."""
    out: dict[str, Status] | None = None
    presumed: list[dict[str, Any]] = []
    for cl, obs in zip(leaves, observed, strict=True):
        if strict[cl.key] != "missing":
            continue
        if cl.leaf.if_silent == "neutral":
            if out is None:
                out = dict(strict)
            out[cl.key] = "met"
        elif cl.leaf.if_silent == "absent" and presume_absent:
            value = absent_value(cl.leaf)
            if value == PLUS_TERMS:
                value = obs.without_silent
            if value is not None:
                presumed.append({"leaf": cl.key, "v": cl.measure(value, as_of)})
    if presumed:
        out = {**(strict if out is None else out), **run(presumed)}
    return strict if out is None else out


def contradicted(finding: Finding) -> bool:
    """Whether the records show the criterion unmet: unmet as read because of a documented value or a
    presumption from silence (30 visits asked with no earlier therapy is still beyond 24), and not
    something the request could still cure by stating it (a `stated` leaf left unstated: a reason for
    repeat imaging, exceptional factors)."""
    if finding.status_as_read != "unmet":
        return False
    leaves = [leaf for leaf in finding.leaves if leaf.status_as_read == "unmet"]
    unstated = [leaf for leaf in leaves if leaf.status == "unmet" and leaf.observed is None]
    return bool(leaves) and not unstated
