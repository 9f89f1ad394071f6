"""Throughput and memory of `imrcheck check` and `imrcheck evaluate`, beside raw durable-rules.

    .venv/bin/python benchmarks/evaluate_benchmark.py                  # 10,000 and 100,000 letters
    .venv/bin/python benchmarks/evaluate_benchmark.py --sizes 2000     # a quick look
    .venv/bin/python benchmarks/evaluate_benchmark.py --sizes --letters ../shared/imr_archive/pdf

It prints figures; it asserts nothing (speed is measured here, never in tests). Every engine figure
is printed beside raw durable-rules on the same facts measured in the same run, passes of the two
alternating, in CPU seconds of this process: on a shared machine the absolute rates move, the ratio
much less. `evaluate` runs are wall time (with 2 workers, wall time is the point) and CPU time.

Raw durable-rules is the floor any engine built on it pays: the durable calls an evaluation made
(captured once), their messages stamped and made JSON values before any clock starts, then posted
with durable's own `post_batch` / `assert_facts` to the process's host and each session deleted.

1. check: requests evaluated per second over the bundled examples, and engine / raw durable.
2. letters: parse + extract + predict per second in this process over a sample of a folder (the
   generated corpus, and any `--letters` folder of real .txt or .pdf letters), then engine / raw
   durable on the cases those letters gave.
3. evaluate: the real command (`imrcheck evaluate DIR --format json`) over generated corpora of each
   size, with 1 and 2 workers: letters per second, CPU seconds (the command and its workers), the
   peak resident memory of the main process and of the largest worker (sampled from /proc), so 10k
   beside 100k shows whether memory is flat; and two workers / one, by wall clock and by CPU.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from engine.backtest.predict import letter_date, predict_letter
from engine.backtest.synthetic import write_corpus
from engine.case_io import load_case_file
from engine.catalog import load_catalog
from engine.criteria.pack import load_pack
from engine.durable_adapter import DurableEngine, Fired, Json, to_json_value
from engine.errors import ImrcheckError
from engine.evaluate import Evaluator
from engine.extract import extract_case
from engine.letters import parse_letter_file
from engine.models import Case

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


def _plain_json(message: Json, sid: str, n: int) -> Json:
    return {**{k: to_json_value(v) for k, v in message.items()}, "sid": sid, "seq": n}


class _Replay:
    """The same calls posted to durable-rules itself: the floor any engine on durable pays for them.

    The messages are stamped with their session and sequence (and made JSON values) before any clock
    starts; a pass only posts each session to the process's host (durable's own `post_batch` /
    `assert_facts`, its JSON and its action callbacks) and deletes it: no adapter code runs."""

    def __init__(self, calls: list[tuple[str, Sequence[Json], Sequence[Json]]]) -> None:
        self.host = DurableEngine().host
        self.facts = sum(len(e) + len(f) for _, e, f in calls)
        self.sessions = len(calls)
        self.prepared = []
        for n, (name, events, facts) in enumerate(calls):
            sid = f"raw{n}"
            self.prepared.append((name, sid, [_plain_json(f, sid, i) for i, f in enumerate(facts)],
                                  [_plain_json(e, sid, i) for i, e in enumerate(events)]))

    def one_pass(self) -> float:
        host, sink = self.host, []
        host.sink = sink
        started = time.process_time()
        for name, sid, facts, events in self.prepared:
            if facts:
                host.assert_facts(name, facts)
            if events:
                host.post_batch(name, events)
            host.delete_state(name, sid)
        seconds = time.process_time() - started
        host.sink = None
        return seconds


def _interleaved(engine_pass: Callable[[], float], raw_pass: Callable[[], float]) -> tuple[float, float, int]:
    """CPU seconds of the engine and of raw durable over the same work, passes alternating for about
    SAMPLE_SECONDS. CPU time of this process (`time.process_time`), not wall time: on a shared machine
    the time spent waiting for a core is not counted, and what load remains (caches) hits both alike."""
    engine_seconds = raw_seconds = 0.0
    rounds = 0
    while engine_seconds + raw_seconds < SAMPLE_SECONDS or rounds < 3:
        engine_seconds += engine_pass()
        raw_seconds += raw_pass()
        rounds += 1
    return engine_seconds, raw_seconds, rounds


Judged = tuple[Case, dt.date | None, str | None]  # a case, the date it is judged as of, its source


def engine_and_raw(judged: Sequence[Judged]) -> tuple[Callable[[], float], _Replay]:
    """A pass of the engine over `judged` (CPU seconds), and the same facts ready to post to raw
    durable-rules: the engine's calls are recorded once, which also compiles and registers every ruleset."""
    pack, catalog = load_pack(), load_catalog()
    recorder = RecordingEngine()
    recording, evaluator = Evaluator(pack, catalog, engine=recorder), Evaluator(pack, catalog)
    for case, when, source in judged:
        recording.evaluate(case, as_of=when, source=source)

    def engine_pass() -> float:
        started = time.process_time()
        for case, when, source in judged:
            evaluator.evaluate(case, as_of=when, source=source)
        return time.process_time() - started

    return engine_pass, _Replay(recorder.calls)


def bench_check() -> dict[str, Any]:
    cases = [load_case_file(p) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    engine_pass, replay = engine_and_raw([(case, None, None) for case in cases])
    requests_per_pass = sum(len(case.requests) for case in cases)  # one result per request
    check_seconds, raw_seconds, rounds = _interleaved(engine_pass, replay.one_pass)
    return {
        "requests": rounds * requests_per_pass, "seconds": check_seconds,
        "requests_per_second": rounds * requests_per_pass / check_seconds,
        "raw_durable_seconds": raw_seconds, "raw_facts_per_second": rounds * replay.facts / raw_seconds,
        "raw_sessions_per_second": rounds * replay.sessions / raw_seconds,
        "durable_share": raw_seconds / check_seconds, "engine_over_raw_durable": check_seconds / raw_seconds,
    }


def bench_letters(folder: Path, sample: int, pattern: str = "*.txt") -> dict[str, Any]:
    """parse + extract + predict per second over a sample of `folder`, then the engine alone on the
    cases those letters gave, interleaved with raw durable-rules on the same facts."""
    paths = sorted(folder.rglob(pattern))[:sample]
    catalog = load_catalog()
    evaluator = Evaluator(load_pack(), catalog)
    judged: list[Judged] = []

    def one_pass(keep: bool) -> int:
        done = 0
        for path in paths:
            try:
                letter = parse_letter_file(path)
                predict_letter(letter, evaluator, None)
            except ImrcheckError:  # the corpus holds files that are no letters, on purpose
                continue
            done += 1
            if keep:
                titles = [item.title for item in letter.items]
                with contextlib.suppress(ImrcheckError):  # a letter none of whose titles is in the catalog
                    case = extract_case(letter.clinical_summary, titles, case_id=path.stem, catalog=catalog).case
                    judged.append((case, letter_date(letter), letter.source))
        return done

    one_pass(keep=True)  # warms the patterns and rulesets, and keeps the cases for the engine alone
    started = time.process_time()
    letters = one_pass(keep=False)
    seconds = time.process_time() - started
    # The raw side replays the calls of these very cases (the letters' predictions also read what UR
    # certified, which these cases leave out), so both sides judge the same facts.
    engine_pass, replay = engine_and_raw(judged)
    engine_seconds, raw_seconds, _ = _interleaved(engine_pass, replay.one_pass)
    return {"files": len(paths), "letters": letters, "seconds": seconds, "letters_per_second": len(paths) / seconds,
            "engine_seconds": engine_seconds, "raw_durable_seconds": raw_seconds,
            "engine_over_raw_durable": engine_seconds / raw_seconds}


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (from /proc; 0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def bench_evaluate(folder: Path, files: int, workers: int, out: Path) -> dict[str, Any]:
    imrcheck = Path(sys.executable).with_name("imrcheck")
    command = [str(imrcheck), "evaluate", str(folder), "--format", "json", "--out", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main_peak, worker_peak, main_cpu = 0, 0, 0.0
    while process.poll() is None:
        main_peak = max(main_peak, _rss_kb(process.pid))
        worker_peak = max([worker_peak, *(_rss_kb(c) for c in _children(process.pid))])
        main_cpu = max(main_cpu, _cpu_seconds(process.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The command and its workers (reaped by it, so counted in its children's usage).
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if process.returncode != 0:
        said = process.stderr.read().decode()[-2000:] if process.stderr else ""
        raise SystemExit(f"imrcheck evaluate exited {process.returncode}: {said}")
    # Every file written is read (the report lists at most 10,000 skips, so count from the corpus).
    report = json.loads(out.read_text(encoding="utf-8"))
    return {"workers": workers, "files": files, "letters": report["letters"], "items": report["items"],
            "seconds": seconds, "letters_per_second": files / seconds, "cpu_seconds": cpu,
            "main_cpu_seconds_sampled": main_cpu, "main_peak_rss_mb": main_peak / 1024,
            "worker_peak_rss_mb": worker_peak / 1024}


def _print_letters(label: str, letters: dict[str, Any]) -> None:
    print(f"{label}: parse+extract+predict in process: {letters['letters_per_second']:.0f} letters/s; the engine on "
          f"their cases / raw durable on the same facts = {letters['engine_over_raw_durable']:.2f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000],
                        help="corpus sizes (letters); none: only the in-process figures of `check`")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--letters", type=Path, nargs="*", default=[],
                        help="folders of real letters (.txt or .pdf) to measure in process as well")
    args = parser.parse_args()
    figures: dict[str, Any] = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus", flush=True)
    figures["check"] = check = bench_check()
    print(f"check: {check['requests_per_second']:.0f} requests/s; raw durable, same facts: "
          f"{check['raw_facts_per_second']:.0f} facts/s, {check['raw_sessions_per_second']:.0f} sessions/s; "
          f"durable is {check['durable_share']:.0%} of check time; engine / raw durable = "
          f"{check['engine_over_raw_durable']:.2f}x", flush=True)
    for folder in args.letters:
        pattern = "*.pdf" if any(folder.rglob("*.pdf")) else "*.txt"
        figures[f"letters:{folder}"] = real = bench_letters(folder, LETTER_SAMPLE, pattern)
        _print_letters(str(folder), real)
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
                _print_letters("synthetic", letters)
            for workers in args.workers:
                run = bench_evaluate(folder, stats.files, workers, scratch / f"report-{size}-{workers}.json")
                run["size"] = size
                figures["evaluate"].append(run)
                print(f"evaluate {size} files, {workers} worker(s): {run['seconds']:.1f} s, "
                      f"{run['letters_per_second']:.0f} letters/s, CPU {run['cpu_seconds']:.0f} s (main process "
                      f"{run['main_cpu_seconds_sampled']:.0f} s), main peak RSS {run['main_peak_rss_mb']:.0f} MB, "
                      f"worker peak RSS {run['worker_peak_rss_mb']:.0f} MB", flush=True)
            runs = {r["workers"]: r for r in figures["evaluate"] if r["size"] == size}
            if 1 in runs and 2 in runs:
                one, two = runs[1], runs[2]
                # What two workers can reach on two free cores: one worker runs in one process on one
                # core; two workers and the main process share two, so at best they take half their
                # CPU in wall time. Beside it, what this run's wall clock gave on a shared machine.
                reachable = 2 * one["cpu_seconds"] / two["cpu_seconds"]
                print(f"two workers / one at {size}: wall {one['seconds'] / two['seconds']:.2f}x; "
                      f"by CPU, reachable on two free cores {reachable:.2f}x", flush=True)
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
