"""A real `imrcheck serve` in a subprocess on a free local port, and plain-HTTP calls to it.

The server is the installed command itself (`engine.cli.main`), started with `--port 0` so the
kernel picks a free port; uvicorn's start-up line says which. Its stdout and stderr go to a log
file the privacy tests read.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
LETTER_FIXTURES = REPO / "tests" / "letters" / "fixtures"
SMALL_BODY, SMALL_UPLOAD = 1536, 8192  # the limits of the `small_server` fixture

_RUNNING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
_START = "import sys; from engine.cli import main; sys.argv[0] = 'imrcheck'; main()"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def problems(self) -> list[dict[str, Any]]:
        detail = self.json()["detail"]
        assert isinstance(detail, list), detail
        return detail


class Server:
    def __init__(self, process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
        self.process = process
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_json(self, path: str, payload: Any) -> Reply:
        return self.post_raw(path, json.dumps(payload).encode(), "application/json")

    def post_raw(self, path: str, body: bytes, content_type: str) -> Reply:
        return self.request("POST", path, body, {"Content-Type": content_type})

    def upload(self, filename: str, data: bytes, field: str = "letter", path: str = "/api/parse") -> Reply:
        body, content_type = multipart(field, filename, data)
        return self.post_raw(path, body, content_type)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def start_server(log_path: Path, *options: str, timeout: float = 120) -> Server:
    """Start `imrcheck serve --port 0 OPTIONS`; return once /api/health answers."""
    log = log_path.open("wb")
    process = subprocess.Popen([sys.executable, "-c", _START, "serve", "--port", "0", *options],
                               stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _RUNNING.search(log_path.read_text(encoding="utf-8", errors="replace"))
        if found:
            server = Server(process, int(found.group(1)), log_path)
            if server.get("/api/health").status == 200:
                return server
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=20)
    raise RuntimeError(f"imrcheck serve did not start (exit {process.returncode}):\n{log_path.read_text()}")


def example(name: str) -> dict[str, Any]:
    """An example case file as the JSON a client posts (dates as text)."""
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]
