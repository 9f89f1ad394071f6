"""The API's caps on what one JSON body may hold, checked before the case model reads it.

The body size is capped by `guards.BodyLimit`; inside that megabyte a body could still hold 5,000
requests (one engine call of many seconds), a 500,000-character case id, or arrays nested deep
enough to exhaust the parser's recursion. `JsonShape` reads a JSON body once (it is small), refuses
those with a 422 naming the field (never its value), and hands the same bytes on. It also records the
text values sent, so the error handlers can make sure no message repeats one (`quiet`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.case_io import DuplicateJsonKey, json_problem, load_json
from engine.models import MAX_REQUESTS
from engine.server.guards import send_problem

# MAX_REQUESTS (requested items per case) is the case model's cap, the one limit every command and the
# server share (docs/architecture.md, "Limits"); here it is checked before the body is validated.
MAX_TEXT = 10_000  # characters in any one text value or key: a long free-text note fits, a pasted file does not
MAX_DEPTH = 24  # nesting of objects and lists: a case is six levels deep at most
SUBMITTED = "imrcheck.submitted"  # the scope key holding the text values of the body


def _walk(value: Any, loc: tuple[str | int, ...], depth: int) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(loc, problem) for every cap the value breaks."""
    if depth > MAX_DEPTH:
        yield loc, f"nested more than {MAX_DEPTH} levels deep"
        return
    if isinstance(value, str) and len(value) > MAX_TEXT:
        yield loc, f"longer than {MAX_TEXT:,} characters"
    elif isinstance(value, dict):
        if loc == ("body",) and isinstance(value.get("requests"), list) and len(value["requests"]) > MAX_REQUESTS:
            yield (*loc, "requests"), f"more than {MAX_REQUESTS} requests in one case; split the case"
            return
        for key, item in value.items():
            if len(key) > MAX_TEXT:
                yield loc, f"a field name longer than {MAX_TEXT:,} characters"
                continue
            yield from _walk(item, (*loc, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*loc, index), depth + 1)


def texts(value: Any) -> Iterator[str]:
    """Every text value in a parsed body (not the keys: those are field names and question ids, which
    messages must be free to name; an unknown key is reported without its name by the handlers)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


def quiet(message: str, submitted: frozenset[str]) -> str:
    """The message without any text value the client sent, quoted or bare (a message names the field
    and what is wrong; what the field held stays with the client)."""
    for text in sorted(submitted, key=len, reverse=True):
        # Quoted, any value; bare, only what is long enough not to be an ordinary word of the message.
        for form in (repr(text), json.dumps(text), *((text,) if len(text) >= 6 else ())):
            message = message.replace(form, "(the value sent)")
    return message


class JsonShape:
    """Checks a JSON body against the caps above before the app reads it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        if scope["type"] != "http" or scope["method"] != "POST" or b"json" not in content_type.lower():
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away: there is no one to answer
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            # Every key once: a second `requests` would silently replace the first (and its items with it).
            parsed = load_json(body.decode("utf-8"))
        except RecursionError:
            await send_problem(send, 422, ["body"], f"nested more than {MAX_DEPTH} levels deep")
            return
        except DuplicateJsonKey as exc:
            await send_problem(send, 422, ["body"], json_problem(exc))
            return
        except ValueError:
            parsed = None  # FastAPI reports bad JSON with its position
        problems = list(_walk(parsed, ("body",), 0))
        if problems:
            loc, msg = problems[0]
            await send_problem(send, 422, list(loc), msg)
            return
        scope.setdefault("state", {})[SUBMITTED] = frozenset(texts(parsed))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
