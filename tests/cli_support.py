"""One helper around typer's CliRunner: run a command, check its exit code, return its output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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


ENVELOPE_KEYS = {"schema_version", "tool", "results", "errors"}


def envelope_of(stdout: str) -> dict[str, Any]:
    """The JSON envelope every `--format json` prints, checked for its shape."""
    document: dict[str, Any] = json.loads(stdout)
    assert set(document) == ENVELOPE_KEYS, sorted(document)
    assert document["schema_version"] == "1"
    assert isinstance(document["results"], list) and isinstance(document["errors"], list)
    return document


def only_result(stdout: str) -> dict[str, Any]:
    """The one result of a one-input `--format json` run."""
    results = envelope_of(stdout)["results"]
    assert len(results) == 1, f"{len(results)} results"
    result: dict[str, Any] = results[0]
    return result
