"""An interrupted run keeps what it finished; --resume completes it to the same report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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


def test_a_run_resumed_from_another_folder_counts_each_letter_once(tmp_path: Path, evaluate_json: Callable[..., Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The paths are written relative to the folder each run starts in: the details lines record each
    # input resolved, so the second run knows the first one's letters whatever they were called there.
    work = tmp_path / "work"
    write_corpus(work / "corpus", 40, seed=5, bad_share=0.1, shard=20)
    details = tmp_path / "d.jsonl"
    monkeypatch.chdir(work)
    expected = evaluate_json("corpus", "--details", str(details))
    lines = details.read_text(encoding="utf-8").splitlines(keepends=True)
    details.write_text("".join(lines[:15]), encoding="utf-8")  # as if interrupted after 15 inputs

    monkeypatch.chdir(tmp_path)
    resumed = evaluate_json("work/corpus", "--details", str(details), "--resume")
    assert (resumed["letters"], resumed["items"], resumed["metrics"]) == (expected["letters"], expected["items"],
                                                                         expected["metrics"])
    keys = [json.loads(line)["input_key"] for line in details.read_text(encoding="utf-8").splitlines()]
    assert len(keys) == len(set(keys)) == len(lines)


def test_a_details_line_written_before_input_keys_is_matched_by_its_path(tmp_path: Path, shared_letters: Path,
                                                                        evaluate_json: Callable[..., Any]) -> None:
    details = tmp_path / "d.jsonl"
    first = evaluate_json(str(shared_letters), "--details", str(details))
    old_style = [{k: v for k, v in json.loads(line).items() if k != "input_key"}
                 for line in details.read_text(encoding="utf-8").splitlines()]
    details.write_text("".join(json.dumps(line) + "\n" for line in old_style), encoding="utf-8")
    assert evaluate_json(str(shared_letters), "--details", str(details), "--resume") == first
    assert len(details.read_text(encoding="utf-8").splitlines()) == len(old_style)
