"""uvicorn's h11 protocol with a deadline for reading each request: slow clients are dropped.

uvicorn times out idle keep-alive connections, but not a request that trickles in: a client sending
one byte every few seconds, or half its headers, or half its body, holds a connection (and a task
waiting for the body) for ever. Here every request must arrive whole, headers and body, within
`timeout` seconds of its first byte (or of the connection opening); otherwise the connection is
closed. The time the engine then takes to answer is not counted: the deadline ends with the body.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_TIMEOUT = 10.0  # seconds: a case or a letter upload from this machine arrives in milliseconds


class DeadlineH11Protocol(H11Protocol):
    timeout: float = DEFAULT_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self._between_requests():
            self._arm()  # the first byte of the next request on a kept-alive connection
        super().data_received(data)
        if self.cycle is not None and not self.cycle.more_body:
            self._disarm()  # the request is whole: what follows is the server's time, not the client's

    def on_response_complete(self) -> None:
        self._disarm()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.logger.info("closed a connection whose request did not arrive within %.0f s", self.timeout)
            self.transport.close()


def deadline_protocol(timeout: float) -> type[DeadlineH11Protocol]:
    """The protocol class to give uvicorn (`http=`), with this deadline per request."""
    return type("DeadlineH11Protocol", (DeadlineH11Protocol,), {"timeout": timeout})
