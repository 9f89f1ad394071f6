"""Immutable results of evaluating a case: findings carry their evidence, citation and trace."""

# No `from __future__ import annotations` (a faster start: see engine/models.py).

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import ConfigDict

from engine.logic import Status
from engine.scoring.model import Score
from engine.trusted import Trusted

Prediction = Literal["overturn", "uphold"]
Basis = Literal["criteria", "companion", "no_criteria"]
FlipKind = Literal["document", "threshold", "not_fixable"]


class Result(Trusted):
    # Built by `trusted`, so most starts never validate or dump one: each model builds its validator
    # on first use instead of at import (issue 14).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class LeafResult(Result):
    path: str
    op: str
    threshold: Any = None
    status: Status
    observed: Any = None
    evidence: tuple[str, ...] = ()
    ask: str
    read_as: Status | None = None  # the outcome once the leaf's silent-record rule is applied (None: as status)
    if_silent: str = "against"

    @property
    def status_as_read(self) -> Status:
        return self.read_as or self.status


class Finding(Result):
    criteria_set: str
    criterion: str
    title: str
    status: Status
    read_as: Status | None = None  # the outcome as a reviewer reads silent records (engine/silent.py); the score uses it
    evidence: tuple[str, ...]
    citation: str
    message: str
    confidence: Literal["C", "Q", "U"]
    source: str
    leaves: tuple[LeafResult, ...] = ()

    @property
    def status_as_read(self) -> Status:
        return self.read_as or self.status


class FlipHint(Result):
    """One fact that, documented or brought to its threshold, helps turn an upheld request into overturned.

    `document`: the fact is not documented; `threshold`: documented but short of what is needed;
    `not_fixable`: the request itself is outside what the guideline supports (or no criteria cover
    it), which documentation cannot change."""

    criteria_set: str | None
    criterion: str | None
    path: str | None
    kind: FlipKind
    observed: Any = None
    needed: str
    message: str
    example: Any = None  # a value of the fact that would meet the criterion, where one value does


class SetUse(Result):
    """A criteria set considered for a request, and whether it was applied."""

    criteria_set: str
    edition: str
    applied: bool
    reason: str


class RequestResult(Result):
    id: str
    treatment: str
    treatment_name: str
    category: str
    requested_as: str
    prediction: Prediction  # the likely IMR decision: every criterion met, else the score against the threshold
    basis: Basis
    verdict: Prediction  # the strict verdict: overturn only when every criterion is met (drives `missing`)
    probability: float | None = None  # P(overturn) from the score; None for a companion, which follows its primary
    score: Score | None = None
    companion_of: str | None = None
    findings: tuple[Finding, ...]
    missing_documentation: tuple[str, ...]
    citations: tuple[str, ...]
    rationale: str
    criteria_sets: tuple[SetUse, ...] = ()
    judged_as: str | None = None  # the planned procedure whose criteria judged this visit or consultation
    partly_certified: bool = False  # utilization review certified part of it; the rest waits for the response
    to_overturn: tuple[FlipHint, ...] = ()  # filled for every upheld request; empty when overturned


OUTSIDE_DATES = "applied outside its dates"


def applied_outside_dates(uses: Iterable[SetUse]) -> tuple[str, ...]:
    """The criteria sets that judged a request although its date is outside their dates (the nearest
    clinical edition, where none in force applies): every output says so."""
    return tuple(u.criteria_set for u in uses if u.applied and u.reason.startswith(OUTSIDE_DATES))


class CaseResult(Result):
    case_id: str | None
    source: str | None = None
    as_of: dt.date
    edition: str | None = None
    requests: tuple[RequestResult, ...]

    @property
    def all_overturn(self) -> bool:
        return all(r.prediction == "overturn" for r in self.requests)


def to_contract(result: CaseResult) -> dict[str, Any]:
    """The stable JSON contract of `imrcheck check --format json` (extra keys may be added, never removed)."""
    return {
        "case_id": result.case_id,
        "as_of": result.as_of.isoformat(),
        "edition": result.edition,
        "requests": [
            {
                "id": r.id,
                "treatment": r.treatment,
                "category": r.category,
                "prediction": r.prediction,
                "basis": r.basis,
                "probability": r.probability,
                "verdict": r.verdict,
                "score": _score_contract(r.score),
                "companion_of": r.companion_of,
                "judged_as": r.judged_as,
                "findings": [
                    {
                        "criteria_set": f.criteria_set,
                        "criterion": f.criterion,
                        "status": f.status,
                        "read_as": f.status_as_read,
                        "evidence": list(f.evidence),
                        "citation": f.citation,
                        "message": f.message,
                        "confidence": f.confidence,
                    }
                    for f in r.findings
                ],
                "missing_documentation": list(r.missing_documentation),
                "citations": list(r.citations),
                "rationale": r.rationale,
                "criteria_sets": [s.model_dump() for s in r.criteria_sets],
                "to_overturn": [h.model_dump(mode="json") for h in r.to_overturn],
            }
            for r in result.requests
        ],
    }



def _score_contract(score: Score | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "base_points": round(score.base, 4),
        "points": round(score.points, 4),
        "contributions": [{"name": c.name, "points": round(c.points, 4)} for c in score.contributions],
    }
