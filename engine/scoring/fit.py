"""Fitting the scoring weights on development letters: `python -m engine.scoring.fit PATH... --out FILE`.

Every disputed item of the letters (or case records) under PATH is predicted as `imrcheck evaluate`
does; its category and its findings' statuses are the only inputs (never the letter's identity or
wording). A regularised logistic regression (engine/scoring/logistic.py) gives the points; rare
criteria are left out and the specific ones shrink toward 0 harder than the shared status points.
The penalties are chosen by cross-validation grouped by letter (no letter is ever in the fold that
scores it), and the threshold on the out-of-fold probabilities: the best balanced accuracy that keeps
uphold recall at least `--min-uphold-recall`. The weights written are fitted on every item; the report
gives the cross-validated figures beside the fitted ones and a calibration table.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from engine.backtest.outcomes import ItemRow, UnitResult
from engine.backtest.run import run_backtest
from engine.backtest.worker import Settings
from engine.scoring import logistic
from engine.scoring.model import DEFAULT_CATEGORY, STATUSES, Fit, ScoringModel, StatusPoints

FOLDS = 5
NO_CRITERIA_THRESHOLD: float = ScoringModel.model_fields["no_criteria_threshold"].default
MIN_SUPPORT = 5  # a criterion-specific weight needs this many items with that status
CATEGORY_PENALTY = 2.0
GRID = tuple((status, specific) for status in (1.0, 3.0) for specific in (5.0, 15.0, 40.0))
CALIBRATION_BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


@dataclass(frozen=True)
class Example:
    dataset: str
    group: str  # the letter: folds never split one
    category: str
    covered: bool
    findings: tuple[tuple[str, str], ...]
    overturned: int
    contradicted: bool = False  # a criterion the records show unmet: the decision rules uphold
    strictly_met: bool = False  # every criterion met without reading silences: the rules overturn
    partly_certified: bool = False  # the rest of a request UR certified in part: the rules uphold it

    @property
    def all_met(self) -> bool:
        """Every criterion met (strictly): the decision rules overturn whatever the score."""
        return self.strictly_met

    @property
    def all_met_as_read(self) -> bool:
        """Every criterion met once silences are read by their rules (the findings are as read): the
        decision rules overturn whatever the score (rules/decision.py, every_criterion_met_as_read)."""
        return self.covered and bool(self.findings) and all(status == "met" for _, status in self.findings)


def example_of(dataset: str, row: ItemRow) -> Example:
    findings = tuple((text.rsplit(": ", 1)[0], text.rsplit(": ", 1)[1]) for text in row.findings)
    return Example(dataset=dataset, group=row.source, category=row.category, covered=row.basis != "no_criteria",
                   findings=findings, overturned=int(row.actual == "overturned"), contradicted=bool(row.contradicted),
                   strictly_met=row.verdict == "overturned" and row.basis == "criteria",
                   partly_certified=row.partly_certified)


def collect(paths: Sequence[Path]) -> list[Example]:
    """Every item of every development set, predicted as `evaluate` does (companions follow their
    primary, so they teach the score nothing and are left out)."""
    examples: list[Example] = []
    for path in paths:
        def take(unit: UnitResult, name: str = path.name) -> None:
            examples.extend(example_of(name, row) for row in unit.items if row.basis != "companion")
        run_backtest([path], Settings(), listeners=[take])
    return examples


def features(example: Example) -> dict[str, float]:
    row: dict[str, float] = {f"cat:{example.category}": 1.0}
    if not example.covered:
        row["no_criteria"] = 1.0
    elif example.all_met_as_read:
        row["all_met_as_read"] = 1.0
    counts = Counter(status for _, status in example.findings)
    for status in STATUSES:
        if counts[status]:
            row[f"status:{status}"] = float(counts[status])
    for name, said in example.findings:
        row[f"crit:{name}:{said}"] = 1.0
    return row


def penalties(rows: Sequence[Mapping[str, float]], status_penalty: float, specific_penalty: float) -> dict[str, float]:
    support = Counter(k for row in rows for k in row)
    out: dict[str, float] = {}
    for name, n in support.items():
        if name.startswith("cat:"):
            out[name] = CATEGORY_PENALTY
        elif name.startswith("crit:"):
            if n >= MIN_SUPPORT:
                out[name] = specific_penalty
        else:
            out[name] = status_penalty
    return out


def signs(penalty: Mapping[str, float]) -> dict[str, int]:
    """Points that must read as the guideline does: a criterion met never counts against the request,
    one unmet or undocumented never for it (the criterion-specific adjustments of `missing` are free)."""
    out = {"all_met_as_read": 1}
    for name in penalty:
        if name.endswith(":met"):
            out[name] = 1
        elif name.endswith(":unmet") or name == "status:missing":
            out[name] = -1
    return out


def _folds(examples: Sequence[Example]) -> list[int]:
    """Fold of each example: letters dealt round-robin, those with an overturned item first, so every
    fold holds some overturns; the order within each kind is by name (reproducible)."""
    groups = sorted({e.group for e in examples},
                    key=lambda g: (not any(e.overturned for e in examples if e.group == g), g))
    fold_of = {g: i % FOLDS for i, g in enumerate(groups)}
    return [fold_of[e.group] for e in examples]


def out_of_fold(examples: Sequence[Example], status_penalty: float, specific_penalty: float) -> list[float]:
    rows = [features(e) for e in examples]
    labels = [e.overturned for e in examples]
    folds = _folds(examples)
    probs = [0.0] * len(examples)
    for k in range(FOLDS):
        train = [i for i, f in enumerate(folds) if f != k]
        penalty = penalties([rows[i] for i in train], status_penalty, specific_penalty)
        weights = logistic.fit([rows[i] for i in train], [labels[i] for i in train], penalty, signs(penalty))
        for i, f in enumerate(folds):
            if f == k:
                probs[i] = logistic.predict(weights, rows[i])
    return probs


def _log_loss(probs: Sequence[float], labels: Sequence[int]) -> float:
    eps = 1e-9
    return -sum(y * math.log(max(p, eps)) + (1 - y) * math.log(max(1 - p, eps))
                for p, y in zip(probs, labels, strict=True)) / len(labels)


def predicted_overturn(e: Example, p: float, threshold: float) -> bool:
    """As rules/decision.py decides: the rest of a request UR certified in part is upheld; every criterion met
    overturns; a documented unmet one upholds; every criterion met as read overturns; else the score against
    the threshold; an uncovered item against the no-criteria threshold."""
    if not e.covered:
        return p >= NO_CRITERIA_THRESHOLD
    if e.partly_certified:
        return False
    if e.all_met:
        return True
    if e.contradicted:
        return False
    return e.all_met_as_read or p >= threshold


def figures(examples: Sequence[Example], probs: Sequence[float], threshold: float) -> dict[str, float | int | None]:
    tp = fn = tn = fp = 0
    for e, p in zip(examples, probs, strict=True):
        predicted = predicted_overturn(e, p, threshold)
        if e.overturned:
            tp, fn = tp + predicted, fn + (not predicted)
        else:
            fp, tn = fp + predicted, tn + (not predicted)
    over = tp / (tp + fn) if tp + fn else None
    under = tn / (tn + fp) if tn + fp else None
    present = [r for r in (over, under) if r is not None]
    return {"items": len(examples), "overturned": tp + fn, "overturn_recall": over, "uphold_recall": under,
            "balanced_accuracy": sum(present) / len(present) if present else None,
            "accuracy": (tp + tn) / len(examples) if examples else None}


def choose_threshold(examples: Sequence[Example], probs: Sequence[float], min_uphold_recall: float,
                     allowed: Callable[[float], bool] = lambda t: True) -> float:
    """The threshold with the best balanced accuracy whose uphold recall stays at least the minimum in every
    development set (or the best balanced accuracy when none does), placed midway between neighbouring
    probabilities; only thresholds `allowed` are considered when any is."""
    cuts = sorted(set(probs))
    candidates = [(a + b) / 2 for a, b in itertools.pairwise(cuts)] or [0.5]
    candidates = [t for t in candidates if allowed(t)] or candidates
    sets = sorted({e.dataset for e in examples})

    def lowest_uphold_recall(t: float) -> float:
        # Every development set must keep the floor, not only their sum: a threshold that buys overturns
        # in one set with false ones in another would not carry to letters like the other.
        recalls = [figures([e for e in examples if e.dataset == name],
                           [p for p, e in zip(probs, examples, strict=True) if e.dataset == name], t)["uphold_recall"]
                   for name in sets]
        return min((float(r) for r in recalls if r is not None), default=1.0)

    def key(t: float) -> tuple[bool, float, float]:
        f = figures(examples, probs, t)
        return (lowest_uphold_recall(t) >= min_uphold_recall, float(f["balanced_accuracy"] or 0.0), t)
    return max(candidates, key=key)


def calibration(examples: Sequence[Example], probs: Sequence[float]) -> list[tuple[str, int, float, float]]:
    table = []
    for low, high in itertools.pairwise(CALIBRATION_BINS):
        inside = [(p, e.overturned) for p, e in zip(probs, examples, strict=True)
                  if low <= p < high or (high == 1.0 and p == 1.0)]
        if inside:
            table.append((f"{low:.2f}–{high:.2f}", len(inside), sum(p for p, _ in inside) / len(inside),
                          sum(y for _, y in inside) / len(inside)))
    return table


def to_model(weights: Mapping[str, float], threshold: float, fit_info: Fit) -> ScoringModel:
    intercept = weights[logistic.INTERCEPT]
    categories = {DEFAULT_CATEGORY: intercept}
    categories.update({k[4:]: intercept + v for k, v in weights.items() if k.startswith("cat:")})
    specific: dict[str, dict[str, float]] = {}
    for key, value in weights.items():
        if key.startswith("crit:"):
            name, status = key[5:].rsplit(":", 1)
            specific.setdefault(name, {})[status] = value
    return ScoringModel(
        threshold=threshold, categories={k: round(v, 4) for k, v in sorted(categories.items())},
        status_points=StatusPoints(**{s: round(weights.get(f"status:{s}", 0.0), 4) for s in STATUSES}),
        no_criteria=round(weights.get("no_criteria", 0.0), 4),
        all_met_as_read=round(weights.get("all_met_as_read", 0.0), 4),
        criteria={k: StatusPoints(**{s: round(x, 4) for s, x in v.items()}) for k, v in sorted(specific.items())},
        fit=fit_info,
    )


def _per_set(examples: Sequence[Example], probs: Sequence[float], threshold: float) -> dict[str, dict[str, float | int | None]]:
    out = {"all": figures(examples, probs, threshold)}
    for name in sorted({e.dataset for e in examples}):
        chosen = [i for i, e in enumerate(examples) if e.dataset == name]
        out[name] = figures([examples[i] for i in chosen], [probs[i] for i in chosen], threshold)
    return out


def run(paths: Sequence[Path], min_uphold_recall: float, command: str,
        keep: Sequence[str] = ()) -> tuple[ScoringModel, str]:
    """Fit on `paths`; `keep` names development sets (folder names) whose every item the shipped weights
    must predict as its reviewer decided (the seed letters the tests pin): only thresholds that do
    are considered, when any does."""
    examples = collect(paths)
    labels = [e.overturned for e in examples]
    tried = {(s, c): out_of_fold(examples, s, c) for s, c in GRID}
    (status_penalty, specific_penalty), oof = min(tried.items(), key=lambda kv: _log_loss(kv[1], labels))
    rows = [features(e) for e in examples]
    penalty = penalties(rows, status_penalty, specific_penalty)
    weights = logistic.fit(rows, labels, penalty, signs(penalty))
    fitted = [logistic.predict(weights, r) for r in rows]
    kept = [i for i, e in enumerate(examples) if e.dataset in keep]

    def keeps(t: float) -> bool:
        return all(predicted_overturn(examples[i], fitted[i], t) == bool(examples[i].overturned) for i in kept)

    threshold = round(choose_threshold(examples, oof, min_uphold_recall, keeps), 4)
    cv_figures, fit_figures = _per_set(examples, oof, threshold), _per_set(examples, fitted, threshold)
    info = Fit(command=command, items=len(examples), overturned=sum(labels),
               regularization={"category": CATEGORY_PENALTY, "status": status_penalty, "criterion": specific_penalty,
                               "min_support": MIN_SUPPORT, "folds": FOLDS},
               figures={**{f"cross_validated {k}": v for k, v in cv_figures.items()},
                        **{f"fitted {k}": v for k, v in fit_figures.items()}})
    model = to_model(weights, threshold, info)
    return model, report(model, cv_figures, fit_figures, calibration(examples, oof), _log_loss(oof, labels))


def _cell(value: object) -> str:
    return "–" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def report(model: ScoringModel, cv: Mapping[str, Mapping[str, object]], fitted: Mapping[str, Mapping[str, object]],
           table: Iterable[tuple[str, int, float, float]], loss: float) -> str:
    keys = ("items", "overturned", "balanced_accuracy", "overturn_recall", "uphold_recall", "accuracy")
    lines = [f"Threshold P(overturn) ≥ {model.threshold} (out-of-fold log-loss {loss:.3f}).", "",
             "| figures | set | " + " | ".join(keys) + " |", "|---|---|" + "---|" * len(keys)]
    for kind, data in (("cross-validated", cv), ("fitted", fitted)):
        for name, f in data.items():
            lines.append(f"| {kind} | {name} | " + " | ".join(_cell(f[k]) for k in keys) + " |")
    lines += ["", "| P(overturn), out of fold | items | mean predicted | observed overturned |", "|---|---|---|---|"]
    lines += [f"| {b} | {n} | {p:.3f} | {o:.3f} |" for b, n, p, o in table]
    return "\n".join(lines)


HEADER = """\
# Scoring weights: P(overturn) = 1 / (1 + e^-points), points = the category's log-odds + the points of
# each finding (status_points for its status, plus criteria["<set>/<criterion>"] where one was fitted),
# or no_criteria where no set covers the treatment. Fitted by engine/scoring/fit.py; do not edit by
# hand, re-run the command in `fit.command` after the criteria or the extractor change.
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.scoring.fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="development letters or folders (with decisions)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the weights (YAML)")
    parser.add_argument("--report", type=Path, help="also write the Markdown figures and calibration table here")
    parser.add_argument("--min-uphold-recall", type=float, default=0.85)
    parser.add_argument("--keep", action="append", default=[], type=Path,
                        help="a development set (one of PATH) whose every item must stay predicted as decided")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"fit: no such path: {', '.join(missing)}", file=sys.stderr)
        return 2
    command = "python -m engine.scoring.fit " + " ".join(
        [*(str(p) for p in args.paths), "--out", str(args.out), "--min-uphold-recall", str(args.min_uphold_recall),
         *(f"--keep {k}" for k in args.keep)])
    model, text = run(args.paths, args.min_uphold_recall, command, keep=[k.name for k in args.keep])
    data = model.model_dump(mode="json", exclude_defaults=False)
    args.out.write_text(HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    if args.report is not None:
        args.report.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
