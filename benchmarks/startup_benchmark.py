"""CPU time of a start: `imrcheck check examples/<one>.yaml` beside a bare interpreter importing pydantic and PyYAML.

    .venv/bin/python benchmarks/startup_benchmark.py              # 7 runs of each, medians
    .venv/bin/python benchmarks/startup_benchmark.py --runs 15
    .venv/bin/python benchmarks/startup_benchmark.py --instructions   # counted by valgrind, not timed

It prints figures; it asserts nothing (speed is measured here, never in tests; the import boundary
that keeps a start fast is a test, tests/test_cli_process.py). Both commands run as fresh processes,
interleaved, in the same run, and the CPU time (user + system, from the kernel's accounting of the
child) is what is compared, so the ratio holds on a shared, noisy machine better than either time.
Targets (issue 14): check at most 0.35 s of CPU, or at most 3x the bare interpreter. The floor, a
typer command validating the same file with one pydantic model (startup_floor.py), shows how much of
that is the stack's own (typer, pydantic's model machinery) and how much is imrcheck's.

`--instructions` counts the instructions each command executes instead (valgrind's callgrind, one
run each, about a minute in all; valgrind is a Debian package, not a dependency of the project). The
count does not depend on the load of the machine: it repeats to a few parts in a thousand, where
CPU times on a shared machine swing by a tenth, so it is the figure to compare two versions by.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "xray_without_red_flag.yaml"
BARE = [sys.executable, "-c", "import pydantic, yaml"]
CHECK = [str(Path(sys.executable).with_name("imrcheck")), "check", str(EXAMPLE)]
FLOOR = [sys.executable, str(ROOT / "benchmarks" / "startup_floor.py"), "check", str(EXAMPLE)]


def cpu_seconds(command: list[str]) -> float:
    """User + system CPU of one run of `command` as a child process (its output discarded)."""
    # getrusage, not os.times(): the latter counts in clock ticks (10 ms), a tenth of what is measured.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions(command: list[str], env: Mapping[str, str] | None = None, cwd: Path = ROOT) -> int:
    """Instructions one run of `command` executes, counted by callgrind (bytecode written and read, as
    an installed command does)."""
    environment = {k: v for k, v in (os.environ if env is None else env).items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                          capture_output=True, text=True, check=False, cwd=cwd, env=environment)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no count for {' '.join(command[:3])}...: {done.stderr[-500:]}")
    return int(found.group(1))


def count_instructions() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("startup_benchmark: --instructions needs valgrind (Debian: apt-get install valgrind)")
    subprocess.run(CHECK, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)  # warm caches
    bare, floor, check = instructions(BARE), instructions(FLOOR), instructions(CHECK)
    print(f"bare interpreter importing pydantic and PyYAML: {bare / 1e6:,.0f} M instructions")
    print(f"a typer command validating the YAML with one pydantic model (startup_floor.py): {floor / 1e6:,.0f} M "
          f"= {floor / bare:.2f}x bare")
    print(f"imrcheck check {EXAMPLE.relative_to(ROOT)}: {check / 1e6:,.0f} M instructions")
    print(f"ratio check / bare: {check / bare:.2f}x (target: at most 3x); check / floor: {check / floor:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (medians are reported)")
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind instead of timing")
    args = parser.parse_args()
    if args.instructions:
        count_instructions()
        return
    cpu_seconds(CHECK)  # a first run warms the file cache and writes any bytecode
    bare, floor, check = [], [], []
    for _ in range(args.runs):
        bare.append(cpu_seconds(BARE))
        floor.append(cpu_seconds(FLOOR))
        check.append(cpu_seconds(CHECK))
    bare_s, floor_s, check_s = statistics.median(bare), statistics.median(floor), statistics.median(check)
    print(f"bare interpreter importing pydantic and PyYAML: {bare_s:.3f} s CPU (median of {args.runs})")
    print(f"a typer command validating the YAML with one pydantic model (startup_floor.py): {floor_s:.3f} s CPU "
          f"= {floor_s / bare_s:.2f}x bare")
    print(f"imrcheck check {EXAMPLE.relative_to(ROOT)}: {check_s:.3f} s CPU (median of {args.runs})")
    print(f"ratio check / bare: {check_s / bare_s:.2f}x (target: at most 3x, or at most 0.35 s); "
          f"check / floor: {check_s / floor_s:.2f}x")


if __name__ == "__main__":
    main()
