"""`imrcheck serve [--host 127.0.0.1] [--port 8000] [--criteria DIR]`: the local web app and JSON API.

uvicorn is the server because FastAPI (chosen for typed pydantic bodies, the same models as the
case files, and an OpenAPI description for free) runs on it; it is started here with its access
log (method, path and status only: bodies are never logged) and without a Server header.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.common import EXIT_BAD_INPUT, fail_message
from engine.errors import ImrcheckError

# uvicorn's exit code when the server cannot start (config.STARTUP_FAILURE).
UVICORN_STARTUP_FAILURE = 3
LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; anything but a loopback address exposes health information")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0 picks a free one)")] = 8000,
    criteria: Annotated[Path | None, typer.Option("--criteria", help="A folder (or file) of extra criteria sets")] = None,
    max_body: Annotated[int, typer.Option("--max-body", min=1, help="Largest JSON request body, in bytes")] = 1024 * 1024,
    max_upload: Annotated[int, typer.Option("--max-upload", min=1, help="Largest letter upload, in bytes")] = 20 * 1024 * 1024,
    client_timeout: Annotated[float, typer.Option("--client-timeout", min=0.1, max=3600,
                                                  help="Seconds a request may take to arrive whole (headers and body)")] = 10.0,
) -> None:
    """Run the local web app: build a draft request, check letters, and the JSON API (docs/serve.md)."""
    import uvicorn

    from engine.server import create_app
    from engine.server.http import deadline_protocol

    if not is_loopback(host):
        fail_message(
            f"WARNING: listening on {host}, not on this machine only. Anyone who can reach this address can send "
            "and read cases, which hold health information, with no login and no encryption. "
            "Use --host 127.0.0.1 unless this network is meant to see them."
        )
    try:
        app = create_app(criteria_dir=criteria, max_body_bytes=max_body, max_upload_bytes=max_upload,
                         hosts=(host,))
    except ImrcheckError as exc:
        fail_message(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        uvicorn.run(app, host=host, port=port, server_header=False, date_header=False, proxy_headers=False,
                    log_level="info", access_log=True, http=deadline_protocol(client_timeout))
    except SystemExit as stop:
        # uvicorn logs a failed bind as "[Errno 98] ..." and exits 3; say what it means and what to do.
        problem = _listen_problem(host, port) if stop.code == UVICORN_STARTUP_FAILURE else None
        if problem is None:
            raise
        fail_message(problem)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _listen_problem(host: str, port: int) -> str | None:
    """Why the server cannot listen on host:port, in words; None when it can."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except socket.gaierror:
        return f"cannot listen on {where}: {host!r} is not an address or host name this machine knows; check --host"
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return f"cannot listen on {where}: the port is already in use; choose another --port (0 picks a free one)"
        if exc.errno == errno.EACCES:
            return f"cannot listen on {where}: ports below 1024 need administrator rights; choose another --port"
        if exc.errno == errno.EADDRNOTAVAIL:
            return f"cannot listen on {where}: this machine has no such address; check --host (127.0.0.1 is this machine)"
        return f"cannot listen on {where}: {exc.strerror or 'the address is refused'}; check --host and --port"
    return None


def register(app: typer.Typer) -> None:
    app.command()(serve)
