"""Worker processes end with the run that started them, even when it is killed outright (issue 17)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.backtest.synthetic import write_corpus

# A hang guard, not a speed assertion: how long to wait for processes to appear or to be gone.
HANG_GUARD_SECONDS = 60

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from Linux /proc")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in _children(stack.pop()):
            found.add(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    """Running and not a zombie (an orphan's zombie waits for whoever adopts it; it holds no memory)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_sigkill_of_evaluate_leaves_no_worker_or_resource_tracker(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_corpus(folder, 400, seed=3, bad_share=0.0, shard=200)
    command = [sys.executable, "-c", "from engine.cli import main; main()", "evaluate", str(folder), "--workers", "2",
               "--format", "json", "--out", str(tmp_path / "report.json")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + HANG_GUARD_SECONDS
        workers: set[int] = set()
        while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
            # Forked or spawned, the workers are the run's children; a spawned pool adds a resource tracker.
            workers = {p for p in _children(process.pid) if "resource_tracker" not in _cmdline(p)}
            time.sleep(0.01)
        assert len(workers) == 2, "the run did not start two workers"
        started = _descendants(process.pid)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while any(_alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = {p: _cmdline(p) for p in started if _alive(p)}
    for pid in survivors:  # never leave them behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert survivors == {}


_START_METHOD = """
from engine.backtest.worker import Settings, _pool_context
print(_pool_context(Settings()).get_start_method())
from engine.catalog import load_catalog
from engine.criteria.pack import load_pack
from engine.evaluate import Evaluator
Evaluator(load_pack(), load_catalog())  # makes this process's durable host
print(_pool_context(Settings()).get_start_method())
"""


@pytest.mark.skipif(sys.platform != "linux", reason="fork is chosen on Linux only")
def test_workers_are_forked_only_before_a_durable_host_exists() -> None:
    done = subprocess.run([sys.executable, "-c", _START_METHOD], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["fork", "spawn"]
