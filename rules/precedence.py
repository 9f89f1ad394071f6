"""The medical evidence search sequence (8 CCR 9792.21.1): which criteria sets judge a request.

A set applies when no other candidate on the same topic has a better (lower) tier: the MTUS
(tier 1) governs, ACOEM and ODG (tier 2) are used where the MTUS is silent, other sources (tier 3)
after them. A set that declares it fills gaps in a candidate set applies beside it instead of
competing with it.

This was first written as a durable-rules join (`candidate a`, none of `candidate b` with the same
topic and a lower tier). That join crashed durable's C core with a segmentation fault,
intermittently and depending on what the process had run before (seen here, 2026-11-23), so the
selection is a plain function; the decision ruleset (rules/decision.py) stays in durable-rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    set_id: str
    topic: str
    tier: int
    fills_gaps_in: tuple[str, ...] = ()


def winners(candidates: Sequence[Candidate]) -> set[str]:
    ids = {c.set_id for c in candidates}

    def topic(c: Candidate) -> str:
        return f"{c.topic}+fills:{c.set_id}" if ids.intersection(c.fills_gaps_in) else c.topic

    best: dict[str, int] = {}
    for c in candidates:
        best[topic(c)] = min(best.get(topic(c), c.tier), c.tier)
    return {c.set_id for c in candidates if c.tier == best[topic(c)]}
