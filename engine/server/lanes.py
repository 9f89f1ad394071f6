"""A second lane for large cases, so one large request never stalls the small ones behind it.

Every engine call runs on the app's one engine thread (durable-rules is not thread-safe, and holds
the interpreter lock while it runs). A case of hundreds of requests holds that thread for a second
or more; a one-item check arriving meanwhile would wait for it. Cases over `LARGE_CASE` requests are
therefore judged in a separate process with its own evaluator (its own durable-rules host: one per
process is the adapter's rule), started on the first large case and reused; small cases, the
questionnaire and letters stay on the engine thread and are answered while a large case runs.
The case goes to the lane (pickled: a plain frozen pydantic model) and the result comes back as the
JSON the endpoint answers with, written in the lane: serialising megabytes of findings on the event
loop would stall it as surely as judging there. An engine refusal comes back as an ImrcheckError.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from engine.errors import ImrcheckError
from engine.models import Case
from engine.report import missing_json
from engine.results import CaseResult, to_contract

LARGE_CASE = 25  # requests: up to this a case is judged in tens of milliseconds on the engine thread

_EVALUATOR: Any = None  # the lane process's own evaluator


def _start(criteria_dir: str | None) -> None:
    global _EVALUATOR
    from engine.catalog import load_catalog
    from engine.criteria.pack import load_pack
    from engine.evaluate import Evaluator

    _EVALUATOR = Evaluator(load_pack((Path(criteria_dir),) if criteria_dir else ()), load_catalog())


Render = Callable[[CaseResult], bytes]  # a module-level function, so it can be sent to the lane


def check_json(result: CaseResult) -> bytes:
    """The JSON of `imrcheck check --format json` (POST /api/check)."""
    return json.dumps(to_contract(result), ensure_ascii=False).encode()


def missing_json_bytes(result: CaseResult) -> bytes:
    """The JSON of `imrcheck missing --format json` (POST /api/missing)."""
    return missing_json([result]).encode()


def _judge(case: Case, as_of: dt.date | None, edition: str | None, render: Render) -> bytes:
    """In the lane process. An engine refusal crosses back as a plain ImrcheckError: its subclasses
    take other constructor arguments, which pickling would lose (and break the pool)."""
    try:
        result: CaseResult = _EVALUATOR.evaluate(case, as_of=as_of, edition=edition)
    except ImrcheckError as exc:
        raise ImrcheckError(exc.message) from None
    return render(result)


class LargeCaseLane:
    """One worker process for large cases, started when the first one arrives."""

    def __init__(self, criteria_dir: Path | None) -> None:
        self._criteria = str(criteria_dir) if criteria_dir is not None else None
        self._pool: ProcessPoolExecutor | None = None

    async def judge(self, case: Case, as_of: dt.date | None, edition: str | None, render: Render) -> bytes:
        if self._pool is None:
            # spawn, not fork: the server's process holds threads (the engine's, the event loop's).
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start, initargs=(self._criteria,))
        return await asyncio.wrap_future(self._pool.submit(_judge, case, as_of, edition, render))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
