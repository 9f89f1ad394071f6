"""ASGI middleware that keeps requests small, foreign pages out and errors quiet.

`HostCheck` answers only requests whose `Host` names this server: a page on another site can make
the browser resolve its own name to 127.0.0.1 (DNS rebinding) and then read the answers, but its
requests still carry that other name.

`BodyLimit` refuses an over-size body with 413 before reading it whole: a declared Content-Length
over the limit is refused at once, and a body sent without one (chunked) is counted while it
streams. `Envelope` adds the security headers to every response and turns any exception nothing
else handled into a plain 500, logging only its type: exception messages can quote the case or the
letter (pydantic's do), and uvicorn would print them with the traceback.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Callable, Iterable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOG = logging.getLogger("imrcheck.server")


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a body passes its limit; an HTTPException so FastAPI re-raises it
    as it is (it turns any other error while reading a body into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit:,} bytes")


async def send_problem(send: Send, status: int, loc: list[str | int], msg: str) -> None:
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": json.dumps({"detail": [{"loc": loc, "msg": msg}]}).encode()})


class BodyLimit:
    """Caps every request body; `limit_for(path)` gives the cap (uploads get a larger one)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await send_problem(send, 400, ["header", "content-length"], "the Content-Length header is not a number")
                return
            if int(declared) > limit:
                await send_problem(send, 413, ["body"], str(BodyTooLarge(limit).detail))
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def host_name(header: bytes) -> str:
    """The name in a Host header, without its port and brackets, lower-cased ('' when unreadable)."""
    text = header.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1:text.find("]")] if "]" in text else ""
    name, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    return name if not port or port.isdigit() else ""


class HostCheck:
    """Refuses (400) a request whose Host header is missing or names anything but this server.

    `hosts` are the names it answers to: the loopback names and the address it listens on. Listening
    on every address (0.0.0.0, ::), any IP literal is this machine's business, never a DNS name."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        names = {h.strip("[]").lower() for h in hosts}
        self.any_address = bool(names & {"0.0.0.0", "::"})
        self.names = frozenset(names | set(LOOPBACK_HOSTS))

    def allows(self, name: str) -> bool:
        if name in self.names:
            return True
        if not self.any_address:
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.allows(host_name(dict(scope["headers"]).get(b"host", b""))):
            # The value sent is not repeated: say what is answered to instead.
            await send_problem(send, 400, ["header", "host"],
                               f"the Host header does not name this server; use http://{sorted(self.names)[0]}:<port>/")
            return
        await self.app(scope, receive, send)


# The pages load nothing from anywhere but this server (the machine may be offline and cases are
# health information), and nothing is cached: every response may hold a case.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
     b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class Envelope:
    """The outermost guard: every response gets SECURITY_HEADERS, and an unhandled exception becomes a
    500 naming no content, logged by its type only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def wrapped(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        except BodyTooLarge as exc:
            # Raised outside FastAPI's handlers (a page or static route reading a body).
            if not started:
                await send_problem(wrapped, 413, ["body"], str(exc.detail))
        except Exception as exc:
            LOG.error("internal error %s on %s %s", type(exc).__name__, scope.get("method"), scope.get("path"))
            if not started:
                await send_problem(wrapped, 500, [], f"internal error ({type(exc).__name__}); the server log names it")
