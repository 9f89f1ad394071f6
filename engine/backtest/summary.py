"""Folding results into the report, one input at a time: counters, never a list of every item.

What is listed (skips, disagreements, the first item rows) is capped; the totals always count
everything, and the --details file holds every row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from engine.backtest.metrics import Confusion, Decision, balanced_accuracy, figures
from engine.backtest.metrics import accuracy as accuracy_of
from engine.backtest.outcomes import ItemRow, UnitResult

Pairs = Counter[tuple[Decision, Decision]]

LISTED_ITEMS = 200
LISTED_DISAGREEMENTS = 200
LISTED_SKIPS = 10_000


def group_key(row: ItemRow) -> tuple[str, ...]:
    """The criteria sets an item is counted under: those applied, or its basis when none was."""
    return row.criteria_sets or (f"({'no criteria set' if row.basis == 'base_rate' else row.basis})",)


def _group(pairs: Pairs) -> dict[str, Any]:
    confusion = Confusion.of(pairs)
    baseline = confusion.always_uphold()
    return {
        "items": confusion.total,
        "overturned": confusion.actual_overturned,
        "accuracy": accuracy_of(confusion),
        "balanced_accuracy": balanced_accuracy(confusion),
        "baseline_accuracy": accuracy_of(baseline),
        "baseline_balanced_accuracy": balanced_accuracy(baseline),
    }


class Summary:
    """Running totals of a back-test; `report()` gives the JSON contract at any point."""

    def __init__(self, *, listed_items: int = LISTED_ITEMS, listed_disagreements: int = LISTED_DISAGREEMENTS,
                 listed_skips: int = LISTED_SKIPS) -> None:
        self.limits = (listed_items, listed_disagreements, listed_skips)
        self.letters = 0
        self.pairs: Pairs = Counter()
        self.per_category: dict[str, Pairs] = {}
        self.per_set: dict[str, Pairs] = {}
        self.per_criterion: Counter[tuple[str, bool]] = Counter()
        self.guideline: Counter[str] = Counter()
        self.skipped: list[dict[str, str]] = []
        self.skipped_total = 0
        self.notes: list[dict[str, str]] = []
        self.notes_total = 0
        self.disagreements: list[ItemRow] = []
        self.disagreements_total = 0
        self.rows: list[ItemRow] = []

    def add(self, unit: UnitResult) -> None:
        if unit.read:
            self.letters += 1
        for skip in unit.skipped:
            self.skipped_total += 1
            if len(self.skipped) < self.limits[2]:
                self.skipped.append({"source": skip.source, "reason": skip.reason})
        for note in unit.notes:
            self.notes_total += 1
            if len(self.notes) < self.limits[2]:
                self.notes.append({"source": unit.input, "note": note})
        for row in unit.items:
            self._add_row(row)

    def _add_row(self, row: ItemRow) -> None:
        pair = (row.actual, row.predicted)
        self.pairs[pair] += 1
        self.per_category.setdefault(row.category, Counter())[pair] += 1
        for key in group_key(row):
            self.per_set.setdefault(key, Counter())[pair] += 1
        if row.basis == "criteria":
            for finding in row.deciding:
                self.per_criterion[(finding.rsplit(":", 1)[0], row.agree)] += 1
        self.guideline[{True: "same", False: "different", None: "unknown"}[row.same_guideline]] += 1
        if len(self.rows) < self.limits[0]:
            self.rows.append(row)
        if not row.agree:
            self.disagreements_total += 1
            if len(self.disagreements) < self.limits[1]:
                self.disagreements.append(row)

    @property
    def items(self) -> int:
        return sum(self.pairs.values())

    def _criteria(self) -> dict[str, dict[str, Any]]:
        names = sorted({name for name, _ in self.per_criterion})
        out = {}
        for name in names:
            agreed, total = self.per_criterion[(name, True)], self.per_criterion[(name, True)] + self.per_criterion[(name, False)]
            out[name] = {"items": total, "agreed": agreed, "accuracy": agreed / total}
        return out

    def report(self) -> dict[str, Any]:
        confusion = Confusion.of(self.pairs)
        return {
            "letters": self.letters,
            "items": self.items,
            "skipped": list(self.skipped),
            "skipped_total": self.skipped_total,
            "notes": list(self.notes),
            "notes_total": self.notes_total,
            "metrics": figures(confusion),
            "baseline": figures(confusion.always_uphold()),
            "per_category": {k: _group(v) for k, v in sorted(self.per_category.items())},
            "per_criteria_set": {k: _group(v) for k, v in sorted(self.per_set.items())},
            "per_criterion": self._criteria(),
            "guideline": {k: self.guideline[k] for k in ("same", "different", "unknown")},
            "disagreements": [row.model_dump(mode="json") for row in self.disagreements],
            "disagreements_total": self.disagreements_total,
            "item_rows": [row.model_dump(mode="json") for row in self.rows],
        }
