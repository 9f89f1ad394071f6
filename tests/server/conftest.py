"""A real `imrcheck serve` for the session, and one with tiny size limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server.server_support import SMALL_BODY, SMALL_UPLOAD, Server, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve") / "server.log")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve-small") / "server.log",
                           "--max-body", str(SMALL_BODY), "--max-upload", str(SMALL_UPLOAD))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def impatient_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that drops a request not arrived whole within one second."""
    running = start_server(tmp_path_factory.mktemp("serve-impatient") / "server.log", "--client-timeout", "1")
    try:
        yield running
    finally:
        running.stop()
