"""A generated corpus end to end: every file accounted for, bad ones skipped, workers in order."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_support import run_cli
from engine.backtest import Settings, Summary, UnitResult, run_backtest
from engine.backtest.synthetic import CorpusStats


def test_every_letter_and_item_is_accounted_for(corpus: tuple[Path, CorpusStats], evaluate_json: Callable[..., Any],
                                                tmp_path: Path) -> None:
    folder, stats = corpus
    details = tmp_path / "details.jsonl"
    report = evaluate_json(str(folder), "--details", str(details))
    units = [UnitResult.model_validate_json(line) for line in details.read_text(encoding="utf-8").splitlines()]
    # One details line per file, in the corpus's order (shard folders, then names).
    assert [u.input for u in units] == sorted(str(p) for p in folder.rglob("*.txt"))
    skipped_letters = {s["source"] for s in report["skipped"] if not s["source"].count("#")}
    assert set(stats.bad) <= skipped_letters
    # A letter whose only item names no treatment is read but cannot be predicted: skipped as a whole.
    read_and_predicted = stats.letters - len(skipped_letters - set(stats.bad))
    assert report["letters"] == read_and_predicted
    confusion = report["metrics"]["confusion"]
    assert report["items"] == sum(n for row in confusion.values() for n in row.values())
    item_skips = [s for s in report["skipped"] if "#item" in s["source"]]
    assert all(s["reason"] == "the item's title names no treatment in the catalog" for s in item_skips)
    assert report["items"] + len(item_skips) + _items_in(skipped_letters - set(stats.bad)) == (
        stats.upheld + stats.overturned + stats.unmapped_items)
    assert report["skipped_total"] == len(report["skipped"])


def _items_in(letters: set[str]) -> int:
    return sum(Path(p).read_text(encoding="utf-8").count("MAXIMUS guideline:") for p in letters)


def test_the_report_is_what_the_details_say(corpus: tuple[Path, CorpusStats], tmp_path: Path) -> None:
    folder, _ = corpus
    details = tmp_path / "details.jsonl"
    summary = run_backtest([folder], Settings(), details=details)
    again = Summary()
    for line in details.read_text(encoding="utf-8").splitlines():
        again.add(UnitResult.model_validate_json(line))
    assert again.report() == summary.report()
    rows = [row for line in details.read_text(encoding="utf-8").splitlines() for row in json.loads(line)["items"]]
    assert sum(r["actual"] == "overturned" for r in rows) == summary.report()["baseline"]["confusion"]["overturned"]["upheld"]


def test_two_workers_give_the_same_results_in_the_same_order(corpus: tuple[Path, CorpusStats], tmp_path: Path) -> None:
    folder, _ = corpus
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first = run_backtest([folder], Settings(), details=one)
    second = run_backtest([folder], Settings(), workers=2, details=two)
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    assert first.report() == second.report()


def test_listeners_see_every_result_in_order(corpus: tuple[Path, CorpusStats]) -> None:
    folder, stats = corpus
    seen: list[str] = []
    run_backtest([folder], Settings(), listeners=[lambda unit: seen.append(unit.input)])
    assert len(seen) == stats.files and seen == sorted(seen)


def test_the_terminal_table_shows_the_first_rows_and_says_how_many_there_are(
        corpus: tuple[Path, CorpusStats], evaluate_json: Callable[..., Any]) -> None:
    folder, _ = corpus
    report = evaluate_json(str(folder))
    out = run_cli("evaluate", str(folder), expect=0).stdout
    assert f"Items (the first 50 of {report['items']})" in out
    assert f"Skipped ({report['skipped_total']})" in out
    # Items whose title the catalog does not know are predicted (basis no_criteria), so fewer are skipped.
    if report["skipped_total"] > 20:
        assert f"… and {report['skipped_total'] - 20} more skipped" in out
    else:
        assert "more skipped" not in out
