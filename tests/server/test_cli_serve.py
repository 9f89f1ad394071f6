"""`imrcheck serve`'s options: loopback by default, a loud warning otherwise, bad criteria refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from cli_support import run_cli
from engine.cli.serve import is_loopback


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.org", False),
])
def test_loopback_hosts_are_recognised(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What uvicorn.run was asked to do (the real server is started by the other tests in this folder)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    return calls


def test_the_default_is_loopback_without_a_server_header(started: list[dict[str, Any]]) -> None:
    run = run_cli("serve", expect=0)
    [call] = started
    assert (call["host"], call["port"], call["server_header"]) == ("127.0.0.1", 8000, False)
    assert "WARNING" not in run.stderr


def test_a_non_loopback_host_is_warned_about_loudly(started: list[dict[str, Any]]) -> None:
    run = run_cli("serve", "--host", "0.0.0.0", "--port", "8123", expect=0)
    assert started[0]["host"] == "0.0.0.0"
    assert "WARNING: listening on 0.0.0.0" in run.stderr
    assert "health information" in run.stderr


def test_a_missing_criteria_folder_is_refused(started: list[dict[str, Any]], tmp_path: Path) -> None:
    run = run_cli("serve", "--criteria", str(tmp_path / "nowhere"), expect=2)
    assert "no such criteria file or folder" in run.stderr
    assert started == []


def test_criteria_given_are_loaded_into_the_app(started: list[dict[str, Any]], tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "guideline_criteria" / "mtus_2009" / "mtus_2009_esi_repeat.yaml"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    run_cli("serve", "--criteria", str(mine), expect=0)
    pack = started[0]["app"].state.evaluator.pack
    assert pack.sources["mtus_2009_esi_repeat"] == str(mine / source.name)
