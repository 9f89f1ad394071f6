"""Errors as the API returns them: 4xx with `{"detail": [{"loc": [...], "msg": "..."}]}`.

FastAPI's own validation errors have that shape but also echo the offending input back; the
handlers here keep only the location, the message and the error type, and take out of every message
any text value the body held (`shape.quiet`), so a response (and anything that logs responses)
never carries case contents: an error says which field and what is wrong, not what the field held.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from engine.server.shape import SUBMITTED, quiet

Loc = tuple[str | int, ...]


class Problem(BaseModel):
    """One thing wrong with a request, at a field path."""

    model_config = ConfigDict(frozen=True)

    loc: Loc
    msg: str
    type: str = "value_error"
    suggestions: tuple[str, ...] | None = None


class ProblemList(BaseModel):
    """The body of every 4xx and 5xx response."""

    detail: tuple[Problem, ...]


class ApiError(Exception):
    """Raised by an endpoint to answer with these problems and this status."""

    def __init__(self, status: int, problems: Sequence[Problem]) -> None:
        self.status = status
        self.problems = tuple(problems)
        super().__init__(f"{status}: {len(self.problems)} problem(s)")

    @classmethod
    def one(cls, status: int, loc: Loc, msg: str, **extra: Any) -> ApiError:
        return cls(status, [Problem(loc=loc, msg=msg, **extra)])


def _response(status: int, problems: Sequence[Problem]) -> JSONResponse:
    payload = ProblemList(detail=tuple(problems)).model_dump(mode="json", exclude_none=True)
    return JSONResponse(payload, status_code=status)


def _quieted(request: Request, problems: Sequence[Problem]) -> list[Problem]:
    submitted: frozenset[str] = request.scope.get("state", {}).get(SUBMITTED, frozenset())
    return [problem.model_copy(update={"msg": quiet(problem.msg, submitted)}) for problem in problems]


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _response(exc.status, _quieted(request, exc.problems))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        msg = str(error.get("msg", "invalid"))
        loc = tuple(error.get("loc", ()))
        kind = str(error.get("type", "value_error"))
        if kind == "json_invalid":
            reason = (error.get("ctx") or {}).get("error")
            msg = f"the body is not valid JSON ({reason} at character {error['loc'][-1]})" if reason else msg
        elif kind == "extra_forbidden":
            # The unknown name is the client's text: say where, not what it was.
            loc, msg = loc[:-1], "a field this object does not have (see the schema at /openapi.json)"
        problems.append(Problem(loc=loc, msg=msg, type=kind))
    return _response(422, _quieted(request, problems))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    where: Loc = ("body",) if exc.status_code == 413 else ("path",) if exc.status_code in (404, 405) else ()
    return _response(exc.status_code, [Problem(loc=where, msg=str(exc.detail), type=f"http_{exc.status_code}")])


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
