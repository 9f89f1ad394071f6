"""Help text: real placeholders, exit codes and an example for every command, pinned by snapshots.

The snapshots in tests/snapshots/help/ are the help as printed at 100 columns. After an intended
change, regenerate them with `IMRCHECK_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_cli_help.py`
and read the diff before committing it.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import pytest
import typer.main
from typer.models import CommandInfo
from typer.testing import CliRunner

from engine.cli import SUBCOMMAND_MODULES, app, app_for

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "help"
COMMANDS = [("check",), ("missing",), ("schema",), ("parse",), ("extract",), ("evaluate",), ("new",), ("serve",),
            ("criteria", "list"), ("criteria", "show"), ("criteria", "validate"), ("criteria", "docs")]


def _help(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    return "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_plain_placeholders_examples_and_exit_codes(command: tuple[str, ...]) -> None:
    text = _help(*command)
    placeholders = re.findall(r"<[a-zA-Z_\[\]|]+>", text)
    assert placeholders == [], f"Python type names as placeholders: {placeholders}"
    assert "Examples:" in text and f"$ imrcheck {' '.join(command)}" in text
    assert "Exit codes:" in text and re.search(r"^\s+2 ", text, re.MULTILINE)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_matches_its_snapshot(command: tuple[str, ...]) -> None:
    snapshot = SNAPSHOTS / f"{'_'.join(command)}.txt"
    text = _help(*command)
    if os.environ.get("IMRCHECK_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}; run with IMRCHECK_UPDATE_SNAPSHOTS=1 once"
    assert text == snapshot.read_text(encoding="utf-8")


def test_the_root_help_lists_version_and_no_color() -> None:
    text = _help()
    assert "--version" in text and "--no-color" in text
    assert re.findall(r"<[a-zA-Z_\[\]|]+>", text) == []


# `imrcheck` builds only the subcommand a run names (a faster start): the narrowed app must say and
# refuse exactly what the whole app does, for help, for misuse, and for runs naming no known command.
RUNS = [[*command, "--help"] for command in COMMANDS] + [
    ["--no-color", "check", "--help"], ["check"], ["check", "--bogus"], ["criteria"], ["criteria", "nope"],
    ["schema", "nope"], ["nope"], [], ["--help"],
]


@pytest.mark.parametrize("args", RUNS, ids=" ".join)
def test_a_run_narrowed_to_its_subcommand_says_what_the_whole_app_says(args: list[str]) -> None:
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    whole = CliRunner().invoke(app, args, env=env)
    narrowed = CliRunner().invoke(app_for(args), args, env=env)
    assert (narrowed.exit_code, narrowed.output) == (whole.exit_code, whole.output)


def test_a_run_builds_only_the_subcommand_it_names() -> None:
    assert set(typer.main.get_command(app_for(["check", "case.yaml"])).commands) == {"check"}  # type: ignore[attr-defined]
    assert set(typer.main.get_command(app_for(["--no-color", "criteria", "list"])).commands) == {"criteria"}  # type: ignore[attr-defined]
    assert app_for(["nope"]) is app and app_for([]) is app and app_for(["--help"]) is app


def test_the_module_map_names_every_subcommand_of_the_whole_app_and_its_module() -> None:
    whole = typer.main.get_command(app)
    assert set(SUBCOMMAND_MODULES) == set(whole.commands)  # type: ignore[attr-defined]
    for name, module in SUBCOMMAND_MODULES.items():
        # The narrowed app of each name holds that subcommand, registered by the module the map names.
        narrowed = app_for([name])
        infos = [*narrowed.registered_commands, *narrowed.registered_groups]
        assert len(infos) == 1, name
        owner, info = importlib.import_module(f"engine.cli.{module}"), infos[0]
        if isinstance(info, CommandInfo):
            assert info.callback is not None and info.callback.__module__ == owner.__name__, name
        else:
            assert info.typer_instance is owner.app, name
