"""The five speed figures of issue 14, before and after a change, measured in one run.

    .venv/bin/python benchmarks/speed_ab.py --before main                 # all five, 3 rounds
    .venv/bin/python benchmarks/speed_ab.py --before HEAD~4 --only startup workers --rounds 5
    .venv/bin/python benchmarks/speed_ab.py --before main --only startup --rounds 1 --instructions

The tree at `--before` (any git ref) is exported to a scratch folder; every measurement then runs
as a fresh process from each tree's sources (PYTHONPATH), the two sides alternating round by round,
so load from other work on a shared machine weighs on both alike. Each figure is the median of the
rounds; the last column is after / before (for a rate) or before / after (for a cost), so above 1
is faster. It prints figures and asserts nothing.

1. pipeline: parse + extract + predict, letters per CPU second, on text letters held in memory: the
   real text letters beside the repo (the seed letters and the real decisions without their
   rationale), and, apart, 600 generated letters (longer, and more items per letter).
2. pdf: CPU ms per letter by stage (text layer, parse, extract, predict with its extraction) over
   ../shared/imr_archive/pdf, and `imrcheck evaluate` on that folder: letters per CPU second of the
   whole command, start-up included.
3. engine: the engine / raw durable-rules on the same facts (cases from the real text letters).
4. startup: CPU of `imrcheck check examples/<one>.yaml`, and its ratio to a bare interpreter that
   imports pydantic and PyYAML, and to the floor of the stack (benchmarks/startup_floor.py: a typer
   command validating the file with one pydantic model).
5. workers: `imrcheck evaluate` over a generated corpus with 1 and 2 workers: wall seconds, CPU
   seconds, two workers / one by wall, and what two free cores allow by CPU (2 x CPU1 / CPU2).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from compare_outputs import export
from startup_benchmark import BARE, EXAMPLE, FLOOR, instructions

from engine.backtest.synthetic import generate, write_corpus

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PDF_FOLDER = SHARED / "imr_archive" / "pdf"
TEXT_FOLDERS = (SHARED / "letters", SHARED / "real_decisions" / "letters" / "blind")
LAUNCH = "import sys; from engine.cli import main; sys.argv[0] = 'imrcheck'; main()"
MEASURES = ("pipeline", "pdf", "engine", "startup", "workers")


def _env(tree: Path) -> dict[str, str]:
    # Bytecode is written (a scratch tree's __pycache__, or the checkout's, which git ignores): a start
    # that compiled every module would measure the compiler, not the code. Each side keeps its bundled
    # data cache in a folder of its own, which other installations on the machine (another checkout,
    # a worktree) cannot prune between rounds: the user's cache keeps the newest few entries only.
    cache = Path(tempfile.gettempdir()) / "imrcheck-ab-cache" / hashlib.sha256(str(tree).encode()).hexdigest()[:12]
    env = {**os.environ, "PYTHONPATH": str(tree), "IMRCHECK_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # set on some machines (this one): it would make every start compile
    return env


def _timed(command: list[str], tree: Path, cwd: Path) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds (the process and everything it waited for) and stdout of one run."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=_env(tree), capture_output=True, check=False)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])}... exited {done.returncode}: {done.stderr.decode()[-1500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def _probe(measure: str, folder: Path, tree: Path, cwd: Path) -> dict[str, Any]:
    _, _, out = _timed([sys.executable, str(ROOT / "benchmarks" / "probe.py"), measure, str(folder)], tree, cwd)
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def _cli(args: list[str], tree: Path, cwd: Path) -> tuple[float, float]:
    wall, cpu, _ = _timed([sys.executable, "-c", LAUNCH, *args], tree, cwd)
    return wall, cpu


def one_round(tree: Path, only: set[str], scratch: Path, corpus: Path, texts: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    if "pipeline" in only:
        for kind in ("real", "generated"):
            figures[f"pipeline {kind} letters/s"] = _probe("pipeline", texts / kind, tree, scratch)["letters_per_second"]
    if "pdf" in only and PDF_FOLDER.is_dir():
        found = _probe("pdf", PDF_FOLDER, tree, scratch)
        for stage, ms in found["ms_per_letter"].items():
            figures[f"pdf {stage} ms/letter"] = ms
        figures["pdf in process letters/s"] = found["letters_per_second"]
        _, cpu = _cli(["evaluate", str(PDF_FOLDER), "--format", "json"], tree, scratch)
        figures["pdf evaluate letters/CPU s (with start)"] = found["letters"] / cpu
    if "engine" in only:
        figures["engine / raw durable"] = _probe("engine", TEXT_FOLDERS[1], tree, scratch)["engine_over_raw"]
    if "startup" in only:
        _, bare, _ = _timed(BARE, tree, scratch)
        _, floor, _ = _timed(FLOOR, tree, scratch)
        _, check = _cli(["check", str(EXAMPLE)], tree, scratch)
        figures["check CPU s"], figures["check / bare"], figures["check / floor"] = check, check / bare, check / floor
    if "workers" in only:
        report = scratch / "report.json"
        for workers in (1, 2):
            wall, cpu = _cli(["evaluate", str(corpus), "--format", "json", "--out", str(report),
                              "--workers", str(workers)], tree, scratch)
            figures[f"workers={workers} wall s"], figures[f"workers={workers} CPU s"] = wall, cpu
        figures["2 workers / 1, wall"] = figures["workers=1 wall s"] / figures["workers=2 wall s"]
        figures["2 workers / 1, by CPU"] = 2 * figures["workers=1 CPU s"] / figures["workers=2 CPU s"]
    return figures


def _print_instructions(sides: dict[str, Path], scratch: Path) -> None:
    """The start-up figures counted in instructions (startup_benchmark.py --instructions), each side once."""
    if shutil.which("valgrind") is None:
        print("instructions: not counted, valgrind is not installed (Debian: apt-get install valgrind)")
        return
    commands = {"bare": BARE, "floor": FLOOR, "check": [sys.executable, "-c", LAUNCH, "check", str(EXAMPLE)]}
    counted = {label: {name: instructions(command, _env(tree), scratch) for name, command in commands.items()}
               for label, tree in sides.items()}
    print(f"{'start-up, instructions (one run)':44} {'before':>10} {'after':>10} {'gain':>7}")
    figures = {label: {"check M instructions": c["check"] / 1e6, "check / bare, instructions": c["check"] / c["bare"],
                       "check / floor, instructions": c["check"] / c["floor"]} for label, c in counted.items()}
    for name, before in figures["before"].items():
        after = figures["after"][name]
        print(f"{name:44} {before:10.3f} {after:10.3f} {before / after:6.2f}x")


_HIGHER_IS_BETTER = ("letters/s", "letters/CPU s", "2 workers / 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="main", help="git ref to compare with (default: main)")
    parser.add_argument("--after", help="git ref to measure instead of this tree as it is (so it can be edited meanwhile)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=MEASURES, default=list(MEASURES))
    parser.add_argument("--corpus", type=int, default=3000, help="generated files for the workers measure")
    parser.add_argument("--json", type=Path, help="also write every round's figures here")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the start-up's instructions with valgrind, once a side: a figure the load of "
                             "the machine does not move (about a minute a side)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="imrcheck-ab-"))
    try:
        sides = {"before": export(args.before, scratch / "before"),
                 "after": export(args.after, scratch / "after") if args.after else ROOT}
        texts = scratch / "texts"
        (texts / "generated").mkdir(parents=True)
        (texts / "real").mkdir()
        for generated in generate(600, seed=3):
            if generated.is_letter:
                (texts / "generated" / generated.name).write_text(str(generated.text), encoding="utf-8")
        for folder in TEXT_FOLDERS:
            for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
                shutil.copy(path, texts / "real" / f"{folder.parent.name}-{path.name}")
        corpus = scratch / "corpus"
        if "workers" in args.only:
            write_corpus(corpus, args.corpus, seed=args.corpus)
        for tree in sides.values():  # bytecode written and the pack cache filled, for both sides alike
            _cli(["check", str(EXAMPLE)], tree, scratch)
            _cli(["evaluate", str(texts), "--format", "json"], tree, scratch)
        rounds: dict[str, list[dict[str, float]]] = defaultdict(list)
        print(f"before = {args.before}, after = {args.after or 'this tree'}; {args.rounds} rounds, sides alternating",
              flush=True)
        for number in range(args.rounds):
            for label, tree in (sides.items() if number % 2 == 0 else reversed(sides.items())):
                rounds[label].append(one_round(tree, set(args.only), scratch, corpus, texts))
            print(f"round {number + 1} done, load average {os.getloadavg()[0]:.1f}", flush=True)
        print(f"{'figure (median of rounds)':44} {'before':>10} {'after':>10} {'gain':>7}")
        for name in rounds["after"][0]:
            before = statistics.median(r[name] for r in rounds["before"])
            after = statistics.median(r[name] for r in rounds["after"])
            better = any(k in name for k in _HIGHER_IS_BETTER)
            gain = after / before if better else before / after
            print(f"{name:44} {before:10.3f} {after:10.3f} {gain:6.2f}x")
        if args.instructions:
            _print_instructions(sides, scratch)
        if args.json:
            args.json.write_text(json.dumps(rounds, indent=2) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
