"""`imrcheck evaluate` on the real letters, and its usage errors."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli_support import run_cli
from engine.backtest import Skip
from engine.backtest.inputs import LetterJob, iter_jobs
from engine.letters import parse_letter_file


def test_every_item_of_the_shared_letters_is_reported_with_its_actual_and_predicted_outcome(
        shared_letters: Path, evaluate_json: Callable[..., Any]) -> None:
    report = evaluate_json(str(shared_letters))
    letters = sorted(p for p in shared_letters.iterdir() if p.suffix == ".txt")
    expected = [(str(p), n, item.title, item.decision)
                for p in letters for n, item in enumerate(parse_letter_file(p).items, start=1)]
    rows = report["item_rows"]
    assert [(r["source"], r["item"], r["title"], r["actual"]) for r in rows] == expected
    assert report["letters"] == len(letters) and report["items"] == len(expected) and report["skipped"] == []
    for row in rows:
        assert row["predicted"] in ("upheld", "overturned")
        assert row["agree"] is (row["actual"] == row["predicted"])
        assert row["basis"] in ("criteria", "companion", "no_criteria")
    confusion = report["metrics"]["confusion"]
    assert sum(confusion["upheld"].values()) == sum(r["actual"] == "upheld" for r in rows)
    assert confusion["upheld"]["overturned"] + confusion["overturned"]["upheld"] == report["disagreements_total"]


def test_the_table_lists_every_shared_item(shared_letters: Path) -> None:
    out = run_cli("evaluate", str(shared_letters), expect=0).stdout
    for path in sorted(shared_letters.glob("*.txt")):
        for item in parse_letter_file(path).items:
            assert item.title.split()[0] in out
    assert "Confusion matrix" in out and "always uphold" in out


def test_csv_has_a_header_and_one_row_per_item(shared_letters: Path, tmp_path: Path, evaluate_json: Callable[..., Any]) -> None:
    target = tmp_path / "items.csv"
    run_cli("evaluate", str(shared_letters), "--format", "csv", "--out", str(target), expect=0)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    report = evaluate_json(str(shared_letters))
    assert len(rows) == report["items"]
    assert [(r["source"], r["actual"], r["predicted"]) for r in rows] == [
        (r["source"], r["actual"], r["predicted"]) for r in report["item_rows"]]
    assert rows[0]["agree"] in ("yes", "no")


def test_markdown_has_every_section(shared_letters: Path) -> None:
    out = run_cli("evaluate", str(shared_letters), "--format", "markdown", expect=0).stdout
    for heading in ("# imrcheck back-test", "## Confusion matrix", "## Per treatment category", "## Per criteria set",
                    "## Items", "## Disagreements", "## Skipped"):
        assert heading in out


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli("evaluate", str(tmp_path / "nowhere"), expect=2)
    assert "nowhere: no such file or folder" in run.stderr


def test_nothing_readable_exits_2_and_lists_why(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Not a letter at all.\n", encoding="utf-8")
    run = run_cli("evaluate", str(tmp_path), "--format", "json", expect=2)
    # A short message naming each input and why, not a report of zeros (issue 16).
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        f"imrcheck: {tmp_path / 'a.txt'}: not an IMR Final Determination Letter: none of the section headings of a "
        "known layout was found",
        "imrcheck: no letter or record could be read",
    ]


def test_an_empty_folder_is_listed_as_skipped(tmp_path: Path, shared_letters: Path, evaluate_json: Callable[..., Any]) -> None:
    (tmp_path / "empty").mkdir()
    report = evaluate_json(str(shared_letters), str(tmp_path / "empty"))
    assert report["skipped"] == [{"source": str(tmp_path / "empty"), "reason": "the folder holds no .txt or .pdf letters"}]


def test_resume_needs_details(shared_letters: Path) -> None:
    run = run_cli("evaluate", str(shared_letters), "--resume", expect=2)
    assert "--resume" in run.stderr


def test_bad_criteria_and_dates_are_usage_errors(shared_letters: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\n", encoding="utf-8")
    assert "bad.yaml" in run_cli("evaluate", str(shared_letters), "--criteria", str(bad), expect=2).stderr
    run_cli("evaluate", str(shared_letters), "--as-of", "yesterday", expect=2)
    run_cli("evaluate", str(shared_letters), "--workers", "0", expect=2)


def test_as_of_is_passed_to_the_evaluation(shared_letters: Path, evaluate_json: Callable[..., Any]) -> None:
    report = evaluate_json(str(shared_letters), "--as-of", "2014-06-01")
    assert {r["as_of"] for r in report["item_rows"]} == {"2014-06-01"}


def test_help_explains_that_skipped_letters_still_exit_0() -> None:
    out = run_cli("evaluate", "--help", expect=0).stdout
    assert "skipped" in out and "Exit codes" in out


def test_companions_count_under_their_basis_not_as_criteria(shared_letters: Path, evaluate_json: Callable[..., Any]) -> None:
    report = evaluate_json(str(shared_letters))
    companions = [r for r in report["item_rows"] if r["basis"] == "companion"]
    assert all("/" in name for name in report["per_criterion"])
    if companions:
        assert report["per_criteria_set"]["(companion)"]["items"] == sum(not r["criteria_sets"] for r in companions)


def test_an_unreadable_sub_folder_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "b_locked"
    locked.mkdir()
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr("engine.backtest.inputs.os.scandir", scandir)
    jobs = list(iter_jobs([tmp_path]))
    assert jobs == [LetterJob(str(tmp_path / "a.txt")), Skip(source=str(locked), reason="the folder cannot be read: Permission denied")]
