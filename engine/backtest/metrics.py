"""Agreement metrics for back-testing: pure functions over a 2×2 confusion matrix.

The positive class is *overturned* (the rarer outcome, the one a requester hopes for). Every figure is
`None` where it is undefined (no items, no predicted overturns, …) rather than a made-up 0 or 1.

Balanced accuracy is the mean recall over the classes *present* among the actual decisions: with both
classes it is (recall of upheld + recall of overturned) / 2; where only one class occurs (a treatment
category whose every item was upheld) it is the recall of that class, so it still says how often that
class was recognised; with no items it is `None`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Decision = Literal["upheld", "overturned"]
DECISIONS: tuple[Decision, Decision] = ("upheld", "overturned")


@dataclass(frozen=True)
class Confusion:
    """Counts of (actual, predicted) pairs; `upheld_overturned` is actual upheld, predicted overturned."""

    upheld_upheld: int = 0
    upheld_overturned: int = 0
    overturned_upheld: int = 0
    overturned_overturned: int = 0

    @classmethod
    def of(cls, pairs: Mapping[tuple[Decision, Decision], int]) -> Confusion:
        """From counts keyed by (actual, predicted)."""
        return cls(**{f"{a}_{p}": n for (a, p), n in pairs.items()})

    def __add__(self, other: Confusion) -> Confusion:
        mine, theirs = self.as_flat(), other.as_flat()
        return Confusion(**{k: mine[k] + theirs[k] for k in mine})

    def as_flat(self) -> dict[str, int]:
        return {
            "upheld_upheld": self.upheld_upheld,
            "upheld_overturned": self.upheld_overturned,
            "overturned_upheld": self.overturned_upheld,
            "overturned_overturned": self.overturned_overturned,
        }

    def as_nested(self) -> dict[str, dict[str, int]]:
        """actual → predicted → count (the JSON contract's `confusion`)."""
        return {
            "upheld": {"upheld": self.upheld_upheld, "overturned": self.upheld_overturned},
            "overturned": {"upheld": self.overturned_upheld, "overturned": self.overturned_overturned},
        }

    @property
    def total(self) -> int:
        return self.upheld_upheld + self.upheld_overturned + self.overturned_upheld + self.overturned_overturned

    @property
    def actual_upheld(self) -> int:
        return self.upheld_upheld + self.upheld_overturned

    @property
    def actual_overturned(self) -> int:
        return self.overturned_upheld + self.overturned_overturned

    @property
    def correct(self) -> int:
        return self.upheld_upheld + self.overturned_overturned

    def always_uphold(self) -> Confusion:
        """The same actual decisions, every one predicted upheld: the naive baseline."""
        return Confusion(upheld_upheld=self.actual_upheld, overturned_upheld=self.actual_overturned)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def accuracy(c: Confusion) -> float | None:
    return _ratio(c.correct, c.total)


def recall_upheld(c: Confusion) -> float | None:
    return _ratio(c.upheld_upheld, c.actual_upheld)


def overturn_recall(c: Confusion) -> float | None:
    return _ratio(c.overturned_overturned, c.actual_overturned)


def overturn_precision(c: Confusion) -> float | None:
    return _ratio(c.overturned_overturned, c.overturned_overturned + c.upheld_overturned)


def overturn_f1(c: Confusion) -> float | None:
    precision, recall = overturn_precision(c), overturn_recall(c)
    if precision is None or recall is None:
        return None
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def balanced_accuracy(c: Confusion) -> float | None:
    recalls = [r for r in (recall_upheld(c), overturn_recall(c)) if r is not None]
    return sum(recalls) / len(recalls) if recalls else None


def figures(c: Confusion) -> dict[str, object]:
    """Every figure of one confusion matrix, keyed as in the JSON contract."""
    return {
        "accuracy": accuracy(c),
        "balanced_accuracy": balanced_accuracy(c),
        "overturn_precision": overturn_precision(c),
        "overturn_recall": overturn_recall(c),
        "uphold_recall": recall_upheld(c),
        "overturn_f1": overturn_f1(c),
        "confusion": c.as_nested(),
    }
