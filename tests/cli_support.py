"""One helper around typer's CliRunner: run a command, check its exit code, return its output."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner

from engine.cli import app


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, expect: int) -> Run:
    # A wide terminal, so table cells are not wrapped mid-word in assertions.
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    run = Run(result.exit_code, result.stdout, result.stderr)
    assert result.exit_code == expect, f"exit {result.exit_code} != {expect}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert "Traceback" not in run.stdout + run.stderr
    return run
