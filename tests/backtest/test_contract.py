"""The JSON report is a stable contract: these keys and types (more may be added, none removed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.backtest.synthetic import CorpusStats

Number = (int, float)
FIGURES = ("accuracy", "balanced_accuracy", "overturn_precision", "overturn_recall", "uphold_recall", "overturn_f1")
GROUP = {"items": int, "overturned": int, "accuracy": Number, "balanced_accuracy": Number,
         "baseline_accuracy": Number, "baseline_balanced_accuracy": Number}
ROW = {"source": str, "item": int, "title": str, "treatment": str, "category": str, "actual": str, "predicted": str,
       "agree": bool, "basis": str, "as_of": str, "criteria_sets": list, "deciding": list, "our_guideline": list,
       "reviewer_guideline": (str, type(None)), "same_guideline": (bool, type(None)),
       "probability": (Number, type(None)), "verdict": (str, type(None)), "findings": list, "contradicted": list,
       "moved_by": list, "leaves": list}


def _figures(block: dict[str, Any]) -> None:
    for key in FIGURES:
        assert block[key] is None or isinstance(block[key], Number), key
    assert set(block["confusion"]) == {"upheld", "overturned"}
    for row in block["confusion"].values():
        assert set(row) == {"upheld", "overturned"} and all(isinstance(n, int) for n in row.values())


def _typed(block: dict[str, Any], shape: dict[str, Any]) -> None:
    for key, kind in shape.items():
        value = block[key]
        assert value is None or isinstance(value, kind), (key, value)


def test_the_report_keeps_its_keys_and_types(corpus: tuple[Path, CorpusStats], evaluate_json: Callable[..., Any]) -> None:
    report = evaluate_json(str(corpus[0]))
    assert {"letters", "items", "skipped", "metrics", "baseline", "per_category", "disagreements"} <= set(report)
    assert isinstance(report["letters"], int) and isinstance(report["items"], int)
    assert report["skipped"] and all(set(s) == {"source", "reason"} for s in report["skipped"])
    assert all(isinstance(v, str) for s in report["skipped"] for v in s.values())
    _figures(report["metrics"])
    _figures(report["baseline"])
    assert report["per_category"]
    assert set(report["basis"]) == {"criteria", "companion", "no_criteria"}
    assert sum(report["basis"].values()) == report["items"]
    assert sum(g["no_criteria"] for g in report["per_category"].values()) == report["basis"]["no_criteria"]
    rows = (*report["disagreements"], *report["item_rows"])
    assert {r["basis"] for r in rows} <= {"criteria", "companion", "no_criteria"}
    assert all((r["probability"] is None) == (r["basis"] == "companion") for r in rows)
    for group in (*report["per_category"].values(), *report["per_criteria_set"].values()):
        assert set(GROUP) <= set(group)
        _typed(group, GROUP)
    assert report["disagreements"]
    for row in (*report["disagreements"], *report["item_rows"]):
        assert set(ROW) <= set(row)
        _typed(row, ROW)
    for name, figures in report["per_criterion"].items():
        assert "/" in name and set(figures) == {"items", "agreed", "disagreed", "accuracy"}
    assert set(report["guideline"]) == {"same", "different", "unknown"}
    assert isinstance(report["disagreements_total"], int) and isinstance(report["skipped_total"], int)
