"""Cross-validated figures of the whole prediction, as `imrcheck evaluate` makes it, per development set:
`python -m engine.scoring.pipeline_cv PATH...`.

`engine.scoring.fit` reports the score's own cross-validated figures (companions left out). A user sees
more than the score: companions follow their primary, and rules decide some items outright. Here each
set's scored items get out-of-fold probabilities (weights fitted on the other folds of that set, letters
never split, with the shipped penalties and threshold) and go through the same decision as `evaluate`;
companions keep the prediction that follows their primary (their primaries in the development letters
are decided by rules, which have no weights). The rules themselves were written after reading the
development letters, so only the separately held sample tests them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from engine.backtest.outcomes import UnitResult
from engine.backtest.run import run_backtest
from engine.backtest.worker import Settings
from engine.scoring import fit
from engine.scoring.model import load_scoring


def figures(path: Path) -> dict[str, float | int | None]:
    model = load_scoring()
    regularization = model.fit.regularization if model.fit is not None else {}
    examples: list[fit.Example] = []
    companions: list[tuple[bool, bool]] = []  # (actually overturned, predicted overturned)

    def take(unit: UnitResult) -> None:
        for row in unit.items:
            if row.basis == "companion":
                companions.append((row.actual == "overturned", row.predicted == "overturned"))
            else:
                examples.append(fit.example_of(path.name, row))

    run_backtest([path], Settings(), listeners=[take])
    probs = fit.out_of_fold(examples, regularization.get("status", 1.0), regularization.get("criterion", 5.0))
    outcomes = [(bool(e.overturned), fit.predicted_overturn(e, p, model.threshold)) for e, p in zip(examples, probs, strict=True)]
    outcomes += companions
    tp = sum(a and p for a, p in outcomes)
    fn = sum(a and not p for a, p in outcomes)
    tn = sum(not a and not p for a, p in outcomes)
    fp = sum(not a and p for a, p in outcomes)
    over = round(tp / (tp + fn), 3) if tp + fn else None
    under = round(tn / (tn + fp), 3) if tn + fp else None
    present = [r for r in (over, under) if r is not None]
    return {"items": len(outcomes), "overturned": tp + fn, "true_overturn": tp, "false_overturn": fp,
            "balanced_accuracy": round(sum(present) / len(present), 3) if present else None,
            "overturn_recall": over, "uphold_recall": under}


def main(argv: Sequence[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not paths or any(not p.exists() for p in paths):
        print("usage: python -m engine.scoring.pipeline_cv PATH... (development letter folders)", file=sys.stderr)
        return 2
    keys = ("items", "overturned", "true_overturn", "false_overturn", "balanced_accuracy", "overturn_recall",
            "uphold_recall")
    print("| set | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for path in paths:
        f = figures(path)
        print(f"| {path} | " + " | ".join("–" if f[k] is None else str(f[k]) for k in keys) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
