"""`imrcheck serve [--host 127.0.0.1] [--port 8000] [--criteria DIR]`: the local web app and JSON API.

uvicorn is the server because FastAPI (chosen for typed pydantic bodies, the same models as the
case files, and an OpenAPI description for free) runs on it; it is started here with its access
log (method, path and status only: bodies are never logged) and without a Server header.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.common import EXIT_BAD_INPUT, fail_message
from engine.errors import ImrcheckError

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
) -> None:
    """Run the local web app: build a draft request, check letters, and the JSON API (docs/serve.md)."""
    import uvicorn

    from engine.server import create_app

    if not is_loopback(host):
        fail_message(
            f"WARNING: listening on {host}, not on this machine only. Anyone who can reach this address can send "
            "and read cases, which hold health information, with no login and no encryption. "
            "Use --host 127.0.0.1 unless this network is meant to see them."
        )
    try:
        app = create_app(criteria_dir=criteria, max_body_bytes=max_body, max_upload_bytes=max_upload)
    except ImrcheckError as exc:
        fail_message(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    uvicorn.run(app, host=host, port=port, server_header=False, date_header=False, proxy_headers=False,
                log_level="info", access_log=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
