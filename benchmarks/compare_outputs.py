"""Outputs byte for byte before and after a change, with the CPU each side took in the same run.

    .venv/bin/python benchmarks/compare_outputs.py                      # this tree against `main`
    .venv/bin/python benchmarks/compare_outputs.py --before HEAD~3 --synthetic 5000

The tree at `--before` (any git ref) is exported to a scratch folder; then both trees run the same
commands as separate processes from their own sources: `imrcheck evaluate DIR --format json --details
FILE` over every letter folder given (by default the real letters beside the repo, when present, and
a generated corpus), and `imrcheck check examples/*.yaml --format json`. The report and the details
(every item of every letter: prediction, basis, criteria sets, deciding findings) must be identical
bytes. A change meant to alter predictions is compared against the ref that already has it.

It prints one line per command with the CPU seconds of each side and their ratio (before / after),
and exits 1 when any output differs. CPU time of the child processes is measured, not wall time, and
the two sides alternate, so load from other work on the machine weighs on both alike.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.backtest.synthetic import write_corpus

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL_FOLDERS = (SHARED / "imr_archive" / "pdf", SHARED / "real_decisions" / "letters" / "blind", SHARED / "letters")
# Runs the CLI of the tree on PYTHONPATH (the source tree, not the installed package).
LAUNCH = "import sys; from engine.cli import main; sys.argv[0] = 'imrcheck'; main()"


@dataclass(frozen=True)
class Side:
    label: str
    tree: Path


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    cpu_seconds: float
    outputs: dict[str, bytes]  # output name -> bytes


def export(ref: str, into: Path) -> Path:
    """The files of `ref` (as committed) in `into`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], check=True,
                             capture_output=True).stdout
    into.mkdir(parents=True)
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(into, filter="data")
    return into


def run(side: Side, args: list[str], scratch: Path, outputs: dict[str, Path]) -> Outcome:
    """One CLI command from `side`'s sources; its CPU seconds and the bytes of stdout and of `outputs`."""
    for path in outputs.values():
        path.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(side.tree), "PYTHONDONTWRITEBYTECODE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", LAUNCH, *args], cwd=scratch, env=env, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = {"stdout": done.stdout, "exit": str(done.returncode).encode()}
    found.update({name: path.read_bytes() if path.exists() else b"<absent>" for name, path in outputs.items()})
    return Outcome(done.returncode, cpu, found)


def compare(name: str, sides: tuple[Side, Side], args: list[str], scratch: Path, outputs: dict[str, Path],
            repeat: int) -> bool:
    cpu = {side.label: 0.0 for side in sides}
    seen: dict[str, dict[str, bytes]] = {}
    for _ in range(repeat):
        for side in sides:
            outcome = run(side, args, scratch, outputs)
            cpu[side.label] += outcome.cpu_seconds
            if side.label in seen and seen[side.label] != outcome.outputs:
                print(f"  {name}: {side.label} gave different outputs on a second run (not deterministic)")
                return False
            seen[side.label] = outcome.outputs
    before, after = (seen[s.label] for s in sides)
    differing = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    digest = hashlib.sha256(b"".join(after[k] for k in sorted(after))).hexdigest()[:12]
    before_cpu, after_cpu = (cpu[s.label] / repeat for s in sides)
    verdict = "identical" if not differing else f"DIFFERENT ({', '.join(differing)})"
    print(f"{name}: {verdict} [{digest}]; CPU before {before_cpu:.2f} s, after {after_cpu:.2f} s, "
          f"before/after {before_cpu / after_cpu:.2f}x", flush=True)
    return not differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="main", help="git ref to compare with (default: main)")
    parser.add_argument("--letters", type=Path, nargs="*", help="letter folders (default: the real ones beside the repo)")
    parser.add_argument("--synthetic", type=int, default=2000, help="letters in the generated corpus (0: none)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side per command (CPU is averaged)")
    args = parser.parse_args()
    folders = [f for f in (args.letters if args.letters is not None else REAL_FOLDERS) if f.is_dir()]
    scratch = Path(tempfile.mkdtemp(prefix="imrcheck-compare-"))
    try:
        sides = (Side("before", export(args.before, scratch / "before")), Side("after", ROOT))
        if args.synthetic:
            write_corpus(scratch / "synthetic", args.synthetic, seed=args.synthetic)
            folders.append(scratch / "synthetic")
        details = scratch / "details.jsonl"
        same = True
        for folder in folders:
            same &= compare(f"evaluate {folder}", sides, ["evaluate", str(folder), "--format", "json", "--details",
                                                          str(details)], scratch, {"details": details}, args.repeat)
        examples = [str(p) for p in sorted((ROOT / "examples").glob("*.yaml"))]
        same &= compare("check examples", sides, ["check", *examples, "--format", "json"], scratch, {}, args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("outputs identical" if same else "OUTPUTS DIFFER", flush=True)
    raise SystemExit(0 if same else 1)


if __name__ == "__main__":
    main()
