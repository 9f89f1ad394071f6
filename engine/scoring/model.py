"""Scoring a request: the category's base rate plus points for each criterion met, unmet or undocumented.

The model is a logistic one written as review "criteria points": the log-odds that IMR overturns
the denial start at the base rate of the treatment's category; every finding adds the points of
its status as silent records are read (engine/silent.py), shared by all criteria
(`status_points`), and, where the development letters showed a criterion to matter on its own,
that criterion's points (`criteria`); a request no criteria set covers adds `no_criteria` instead.
P(overturn) = 1 / (1 + e^-points). Every part is data in `guideline_criteria/scoring.yaml`,
fitted by `engine.scoring.fit`; the threshold that turns the probability into a prediction is
compared by the decision ruleset (rules/decision.py).
"""

# No `from __future__ import annotations` (a faster start: see engine/models.py).

import functools
import math
from collections.abc import Iterable, Mapping

from pydantic import ConfigDict, Field, field_validator

from engine.logic import Status
from engine.resources import load_bundled_table
from engine.trusted import Trusted

SCORING_FILE = "scoring.yaml"
DEFAULT_CATEGORY = "_default"
STATUSES: tuple[Status, ...] = ("met", "unmet", "missing")


class _Frozen(Trusted):
    # The model comes from the installation's cache (load_bundled_table) and its results are built
    # by `trusted`: validators are built on a first parse or dump only.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class StatusPoints(_Frozen):
    met: float = 0.0
    unmet: float = 0.0
    missing: float = 0.0

    def of(self, status: Status) -> float:
        return float(getattr(self, status))


class Fit(_Frozen):
    """How the weights were obtained, so anyone can reproduce and judge them."""

    command: str
    items: int
    overturned: int
    regularization: dict[str, float] = Field(default_factory=dict)
    figures: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)


class ScoringModel(_Frozen):
    threshold: float = Field(gt=0, lt=1)  # overturn when P(overturn) reaches this
    # For an item no criteria set covers: its category's more likely outcome unless set otherwise.
    no_criteria_threshold: float = Field(default=0.5, gt=0, lt=1)
    categories: dict[str, float]  # log-odds of overturn per treatment category; `_default` for the rest
    status_points: StatusPoints
    no_criteria: float = 0.0
    all_met_as_read: float = 0.0  # every criterion met once silent records are read (engine/silent.py)
    criteria: dict[str, StatusPoints] = Field(default_factory=dict)  # "<set>/<criterion>" → points
    fit: Fit | None = None

    @field_validator("categories")
    @classmethod
    def _has_default(cls, value: dict[str, float]) -> dict[str, float]:
        if DEFAULT_CATEGORY not in value:
            raise ValueError(f"needs a {DEFAULT_CATEGORY!r} entry for categories the development letters did not show")
        return value

    @property
    def threshold_points(self) -> float:
        """The threshold as log-odds, the scale the points add up on."""
        return math.log(self.threshold / (1 - self.threshold))

    def score(self, category: str, findings: Iterable[tuple[str, Status]], *, has_criteria: bool) -> "Score":
        """The points of one request: `findings` are ("<set>/<criterion>", status as read)."""
        base = self.categories.get(category, self.categories[DEFAULT_CATEGORY])
        parts: list[Contribution] = []
        findings = list(findings)
        if has_criteria and findings and all(status == "met" for _, status in findings):
            parts.append(Contribution.trusted(name="every criterion met as the records are read",
                                              points=self.all_met_as_read))
        if not has_criteria:
            parts.append(Contribution.trusted(name="no criteria set covers this treatment", points=self.no_criteria))
        # Built trusted: every number here is a float of this validated model, every name a str.
        shared = self.status_points
        specific_points = self.criteria
        for name, status in findings:
            points = getattr(shared, status)
            specific = specific_points.get(name)
            points = points + (getattr(specific, status) if specific is not None else 0.0)
            # Shared per (criterion, status, points); a zero is built anew, as 0.0 and -0.0 are equal keys.
            parts.append(_contribution(name, status, points) if points else
                         Contribution.trusted(name=f"{name}: {status}", points=points))
        return Score.trusted(base=base, contributions=tuple(parts))


@functools.lru_cache(maxsize=4096)  # criteria × statuses: shared between requests (results are immutable)
def _contribution(name: str, status: Status, points: float) -> "Contribution":
    return Contribution.trusted(name=f"{name}: {status}", points=points)


class Contribution(_Frozen):
    name: str
    points: float


class Score(_Frozen):
    """The log-odds of overturn and the parts that make it up (the explanation's 'moved by')."""

    base: float
    contributions: tuple[Contribution, ...]

    @property
    def points(self) -> float:
        return self.base + sum(c.points for c in self.contributions)

    @property
    def probability(self) -> float:
        return 1 / (1 + math.exp(-self.points))

    def movers(self, limit: int = 3) -> tuple[Contribution, ...]:
        """The parts that moved the score most, largest first."""
        moved = [c for c in self.contributions if abs(c.points) >= 0.005]
        return tuple(sorted(moved, key=lambda c: -abs(c.points))[:limit])


def load_scoring() -> ScoringModel:
    """The bundled weights (`guideline_criteria/scoring.yaml`)."""
    return load_bundled_table(ScoringModel, SCORING_FILE)


def base_rates(model: ScoringModel) -> Mapping[str, float]:
    """Each category's base rate as a probability (for documentation and the no-criteria explanation)."""
    return {k: 1 / (1 + math.exp(-v)) for k, v in model.categories.items()}
