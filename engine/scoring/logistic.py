"""L2-regularised logistic regression in plain Python (no numpy in the install): Newton's method on
sparse rows, a penalty per feature group so rare, specific criteria shrink toward 0 more than the
shared status points, the intercept unpenalised, and optional signs: a weight that must not be
negative (a criterion met) or positive (a criterion unmet) and comes out the wrong way is held at 0
and the rest refitted (an active-set method), so the points read the way the guideline does."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Row = Mapping[str, float]  # feature name → value (absent = 0)
INTERCEPT = "intercept"


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def predict(weights: Mapping[str, float], row: Row) -> float:
    return _sigmoid(weights.get(INTERCEPT, 0.0) + sum(weights.get(k, 0.0) * v for k, v in row.items()))


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is positive definite with the penalty)."""
    n = len(vector)
    a = [[*row[:], vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        lead = a[col][col]
        for r in range(col + 1, n):
            factor = a[r][col] / lead
            if factor:
                row_r, row_c = a[r], a[col]
                for k in range(col, n + 1):
                    row_r[k] -= factor * row_c[k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (a[r][n] - sum(a[r][k] * x[k] for k in range(r + 1, n))) / a[r][r]
    return x


def fit(rows: Sequence[Row], labels: Sequence[int], penalty: Mapping[str, float],
        signs: Mapping[str, int] | None = None) -> dict[str, float]:
    """Weights minimising log-loss + ½·Σ penalty(f)·w_f², with w_f·signs[f] ≥ 0 where a sign is given;
    `penalty` maps every feature that may get a weight to its strength (features not listed are ignored)."""
    signs = signs or {}
    free = dict(penalty)
    held: set[str] = set()
    while True:
        weights = _newton(rows, labels, free)
        wrong = [k for k, w in weights.items() if signs.get(k, 0) * w < -1e-9]
        if not wrong:
            return {**weights, **dict.fromkeys(held, 0.0)}
        for name in wrong:
            held.add(name)
            del free[name]


def _newton(rows: Sequence[Row], labels: Sequence[int], penalty: Mapping[str, float],
            iterations: int = 25) -> dict[str, float]:
    names = [INTERCEPT, *sorted(penalty)]
    index = {name: i for i, name in enumerate(names)}
    sparse = [[(0, 1.0)] + [(index[k], v) for k, v in row.items() if k in index and v] for row in rows]
    w = [0.0] * len(names)
    positives = sum(labels)
    if 0 < positives < len(labels):
        w[0] = math.log(positives / (len(labels) - positives))
    lam = [0.0] + [penalty[name] for name in names[1:]]
    for _ in range(iterations):
        grad = [lam[i] * w[i] for i in range(len(w))]
        hess = [[0.0] * len(w) for _ in w]
        for i in range(len(w)):
            hess[i][i] = lam[i] + 1e-9
        for feats, y in zip(sparse, labels, strict=True):
            p = _sigmoid(sum(w[j] * v for j, v in feats))
            d, h = p - y, p * (1 - p)
            for j, v in feats:
                grad[j] += d * v
                row = hess[j]
                for k, u in feats:
                    row[k] += h * v * u
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return dict(zip(names, w, strict=True))
