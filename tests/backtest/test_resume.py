"""An interrupted run keeps what it finished; --resume completes it to the same report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_support import run_cli
from engine.backtest.synthetic import write_corpus

KILL_AFTER_LINES = 20


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_a_killed_run_resumes_to_the_report_of_an_uninterrupted_one(tmp_path: Path, evaluate_json: Callable[..., Any]) -> None:
    folder = tmp_path / "corpus"
    stats = write_corpus(folder, 600, seed=11, bad_share=0.05, shard=200)
    whole, cut = tmp_path / "whole.jsonl", tmp_path / "cut.jsonl"
    expected = evaluate_json(str(folder), "--details", str(whole))

    command = [sys.executable, "-c", "from engine.cli import main; main()", "evaluate", str(folder), "--details", str(cut),
               "--format", "json"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _lines(cut) < KILL_AFTER_LINES and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be interrupted"
    finished = _lines(cut)
    assert KILL_AFTER_LINES <= finished < stats.files
    # A write cut short by the kill leaves half a line: resume must drop it and redo that letter.
    with cut.open("ab") as handle:
        handle.write(b'{"input": "half a line')

    resumed = evaluate_json(str(folder), "--details", str(cut), "--resume")
    assert resumed == expected
    assert cut.read_text(encoding="utf-8") == whole.read_text(encoding="utf-8")


def test_resume_with_everything_done_predicts_nothing_again(tmp_path: Path, shared_letters: Path,
                                                            evaluate_json: Callable[..., Any]) -> None:
    details = tmp_path / "d.jsonl"
    first = evaluate_json(str(shared_letters), "--details", str(details))
    before = details.read_text(encoding="utf-8")
    again = evaluate_json(str(shared_letters), "--details", str(details), "--resume")
    assert again == first and details.read_text(encoding="utf-8") == before


def test_without_resume_the_details_file_starts_afresh(tmp_path: Path, shared_letters: Path,
                                                       evaluate_json: Callable[..., Any]) -> None:
    details = tmp_path / "d.jsonl"
    details.write_text("old line\n", encoding="utf-8")
    report = evaluate_json(str(shared_letters), "--details", str(details))
    assert _lines(details) == report["letters"] and "old line" not in details.read_text(encoding="utf-8")


def test_csv_of_a_resumed_run_has_the_rows_of_the_whole_run(tmp_path: Path, shared_letters: Path,
                                                            evaluate_json: Callable[..., Any]) -> None:
    details = tmp_path / "d.jsonl"
    report = evaluate_json(str(shared_letters), "--details", str(details))
    first_letter = details.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    details.write_text(first_letter, encoding="utf-8")  # as if interrupted after the first letter
    target = tmp_path / "items.csv"
    run_cli("evaluate", str(shared_letters), "--details", str(details), "--resume", "--format", "csv", "--out", str(target),
            expect=0)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + report["items"]
