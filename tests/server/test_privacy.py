"""Health information stays private: no contents in the server's log, loopback by default, no
external resources, and an internal error names its type only."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from server.server_support import LETTER_FIXTURES, Server, example

from engine.evaluate import Evaluator
from engine.server import create_app
from engine.server.guards import Envelope

MARKERS = ("Zanzibar-7731", "Quetzal-4402", "Obsidian-5519", "Marigold-2290", "Tamarind-8064", "Vermilion-3317")


def _marked_case() -> dict[str, Any]:
    case = example("repeat_esi_missing_relief")
    case["case_id"] = MARKERS[0]
    case["diagnoses"][0]["text"] = f"lumbar radiculopathy {MARKERS[1]}"
    case["injury"] = {"mechanism": f"lifting boxes {MARKERS[2]}"}
    case["requests"][0]["exceptional_factors"] = MARKERS[3]
    return case


def test_no_case_or_letter_content_reaches_the_log(server: Server) -> None:
    case = _marked_case()
    assert server.post_json("/api/check", case).status == 200
    assert server.post_json("/api/missing", case).status == 200
    assert server.post_json("/api/case.yaml", case).status == 200
    bad = {**case, "claimant": {"age": MARKERS[4]}}
    assert server.post_json("/api/check", bad).status == 422
    unknown = {**case, "requests": [{"id": "x", "treatment": MARKERS[5]}]}
    assert server.post_json("/api/check", unknown).status == 422
    assert server.post_json("/api/questionnaire", {"treatment": MARKERS[5]}).status == 422
    letter = (LETTER_FIXTURES / "notice_2013.txt").read_text(encoding="utf-8")
    assert server.upload("notice_2013.txt", letter.encode()).status == 200
    assert server.upload("note.txt", f"Dear {MARKERS[0]}, nothing here is a letter.".encode()).status == 422
    log = server.log()
    assert "POST /api/check" in log and "POST /api/parse" in log  # the log is really being captured
    for marker in MARKERS:
        assert marker not in log
    for line in letter.splitlines():
        if len(line.strip()) > 25:
            assert line.strip() not in log
    assert "Traceback" not in log


def test_the_server_listens_on_loopback_only_by_default(server: Server) -> None:
    assert "Uvicorn running on http://127.0.0.1:" in server.log()


def test_responses_carry_no_server_header_and_a_strict_content_policy(server: Server) -> None:
    for path in ("/", "/letters", "/api/health", "/static/build.js"):
        reply = server.get(path)
        assert reply.status == 200, path
        assert "server" not in reply.headers
        assert reply.headers["cache-control"] == "no-store"
        policy = reply.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert server.get("/docs").status == 404  # the interactive docs would load scripts from a CDN


def test_pages_load_nothing_from_elsewhere(server: Server) -> None:
    for path in ("/", "/letters", "/static/common.js", "/static/build.js", "/static/letters.js", "/static/style.css"):
        text = server.get(path).text
        assert "http://" not in text and "https://" not in text, path


def test_an_internal_error_is_a_quiet_500(caplog: pytest.LogCaptureFixture) -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise ValueError(f"could not read {MARKERS[0]}")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "POST", "path": "/api/check"}
    with caplog.at_level(logging.ERROR, logger="imrcheck.server"), ThreadPoolExecutor(1) as thread:
        # A thread of its own: the browser tests leave an event loop running in this one.
        thread.submit(asyncio.run, Envelope(failing)(scope, receive, send)).result()
    assert sent[0]["status"] == 500
    assert MARKERS[0] not in sent[1]["body"].decode()
    assert "ValueError" in caplog.text and MARKERS[0] not in caplog.text


def test_fastapi_telemetry_stays_off_even_when_the_environment_asks(
        monkeypatch: pytest.MonkeyPatch, evaluator: Evaluator) -> None:
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")
    app = create_app(evaluator=evaluator)
    try:
        # FastAPI keeps its telemetry settings privately; these two are what decide whether it records
        # or exports anything.
        assert app._telemetry["auto_configure"] is False  # type: ignore[attr-defined]
        assert app._native_telemetry.enabled() is False  # type: ignore[attr-defined]
    finally:
        app.state.worker.close()
