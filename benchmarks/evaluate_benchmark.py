"""Throughput and memory of `imrcheck check` and `imrcheck evaluate`, beside raw durable-rules.

    .venv/bin/python benchmarks/evaluate_benchmark.py                  # 10,000 and 100,000 letters
    .venv/bin/python benchmarks/evaluate_benchmark.py --sizes 2000     # a quick look

It prints figures; it asserts nothing (speed is measured here, never in tests). Every rate is printed
beside the raw durable-rules rate for the same facts measured in the same run: on a shared, noisy
machine the absolute rates move, their ratio much less.

1. check: requests evaluated per second over the bundled examples; then the very same durable calls
   (the facts and events each evaluation posted, captured once) replayed straight through the adapter.
2. letters: parse + extract + predict per second in this process over a sample of the corpus, with
   the same raw-durable replay.
3. evaluate: the real command (`imrcheck evaluate DIR --format json`) over generated corpora of each
   size, with 1 and 2 workers: letters per second, and the peak resident memory of the main process
   and of the largest worker (sampled from /proc), so 10k beside 100k shows whether memory is flat.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.backtest.predict import predict_letter
from engine.backtest.synthetic import write_corpus
from engine.case_io import load_case_file
from engine.catalog import load_catalog
from engine.criteria.pack import load_pack
from engine.durable_adapter import DurableEngine, Fired, Json
from engine.errors import ImrcheckError
from engine.evaluate import Evaluator
from engine.letters import parse_letter_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 3.0
LETTER_SAMPLE = 1500


class RecordingEngine(DurableEngine):
    """The adapter, noting every call so that the same facts can be replayed raw."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Sequence[Json], Sequence[Json]]] = []

    def run(self, name: str, events: Sequence[Json] = (), facts: Sequence[Json] = ()) -> list[Fired]:
        self.calls.append((name, events, facts))
        return super().run(name, events=events, facts=facts)


def _replay(calls: list[tuple[str, Sequence[Json], Sequence[Json]]], repeat: int) -> tuple[float, int]:
    """Seconds to post `calls` `repeat` times straight to durable (through the adapter); facts posted."""
    engine = DurableEngine()
    started = time.perf_counter()
    for _ in range(repeat):
        for name, events, facts in calls:
            engine.run(name, events=events, facts=facts)
    return time.perf_counter() - started, repeat * sum(len(e) + len(f) for _, e, f in calls)


def bench_check() -> dict[str, Any]:
    cases = [load_case_file(p) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    pack, catalog = load_pack(), load_catalog()
    evaluator = Evaluator(pack, catalog)
    for case in cases:  # compile and register every ruleset before timing
        evaluator.evaluate(case)
    rounds, requests, started = 0, 0, time.perf_counter()
    while time.perf_counter() - started < SAMPLE_SECONDS:
        for case in cases:
            requests += len(evaluator.evaluate(case).requests)
        rounds += 1
    check_seconds = time.perf_counter() - started
    recorder = RecordingEngine()
    recording = Evaluator(pack, catalog, engine=recorder)
    for case in cases:
        recording.evaluate(case)
    raw_seconds, facts = _replay(recorder.calls, rounds)
    return {
        "requests": requests, "seconds": check_seconds, "requests_per_second": requests / check_seconds,
        "raw_durable_seconds": raw_seconds, "raw_facts_per_second": facts / raw_seconds,
        "raw_sessions_per_second": rounds * len(recorder.calls) / raw_seconds,
        "durable_share": raw_seconds / check_seconds,
    }


def bench_letters(folder: Path, sample: int) -> dict[str, Any]:
    paths = sorted(folder.rglob("*.txt"))[:sample]
    pack, catalog = load_pack(), load_catalog()
    evaluator = Evaluator(pack, catalog)
    recorder = RecordingEngine()
    recording = Evaluator(pack, catalog, engine=recorder)

    def one_pass(judge: Evaluator) -> int:
        done = 0
        for path in paths:
            try:
                predict_letter(parse_letter_file(path), judge, None)
                done += 1
            except ImrcheckError:  # the corpus holds files that are no letters, on purpose
                continue
        return done

    one_pass(recording)
    started = time.perf_counter()
    letters = one_pass(evaluator)
    seconds = time.perf_counter() - started
    raw_seconds, facts = _replay(recorder.calls, 1)
    return {"files": len(paths), "letters": letters, "seconds": seconds, "letters_per_second": len(paths) / seconds,
            "raw_durable_seconds": raw_seconds, "raw_facts_per_second": facts / raw_seconds,
            "durable_share": raw_seconds / seconds}


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def bench_evaluate(folder: Path, files: int, workers: int, out: Path) -> dict[str, Any]:
    imrcheck = Path(sys.executable).with_name("imrcheck")
    command = [str(imrcheck), "evaluate", str(folder), "--format", "json", "--out", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main_peak, worker_peak = 0, 0
    while process.poll() is None:
        main_peak = max(main_peak, _rss_kb(process.pid))
        worker_peak = max([worker_peak, *(_rss_kb(c) for c in _children(process.pid))])
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        said = process.stderr.read().decode()[-2000:] if process.stderr else ""
        raise SystemExit(f"imrcheck evaluate exited {process.returncode}: {said}")
    # Every file written is read (the report lists at most 10,000 skips, so count from the corpus).
    report = json.loads(out.read_text(encoding="utf-8"))
    return {"workers": workers, "files": files, "letters": report["letters"], "items": report["items"],
            "seconds": seconds, "letters_per_second": files / seconds, "main_peak_rss_mb": main_peak / 1024,
            "worker_peak_rss_mb": worker_peak / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="corpus sizes (letters)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures: dict[str, Any] = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus", flush=True)
    figures["check"] = check = bench_check()
    print(f"check: {check['requests_per_second']:.0f} requests/s; raw durable, same facts: "
          f"{check['raw_facts_per_second']:.0f} facts/s, {check['raw_sessions_per_second']:.0f} sessions/s; "
          f"durable is {check['durable_share']:.0%} of check time", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="imrcheck-bench-"))
    try:
        figures["evaluate"] = []
        for size in args.sizes:
            folder = scratch / f"corpus-{size}"
            started = time.perf_counter()
            stats = write_corpus(folder, size, seed=size)
            print(f"corpus of {size}: {stats.letters} letters, {len(stats.bad)} not letters, "
                  f"written in {time.perf_counter() - started:.0f} s", flush=True)
            if "letters" not in figures:
                figures["letters"] = letters = bench_letters(folder, LETTER_SAMPLE)
                print(f"parse+extract+predict in process: {letters['letters_per_second']:.0f} letters/s; durable is "
                      f"{letters['durable_share']:.0%} of that time ({letters['raw_facts_per_second']:.0f} raw facts/s)",
                      flush=True)
            for workers in args.workers:
                run = bench_evaluate(folder, stats.files, workers, scratch / f"report-{size}-{workers}.json")
                run["size"] = size
                figures["evaluate"].append(run)
                print(f"evaluate {size} files, {workers} worker(s): {run['seconds']:.1f} s, "
                      f"{run['letters_per_second']:.0f} letters/s, main peak RSS {run['main_peak_rss_mb']:.0f} MB, "
                      f"worker peak RSS {run['worker_peak_rss_mb']:.0f} MB", flush=True)
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
