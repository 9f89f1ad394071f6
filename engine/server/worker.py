"""One dedicated thread for every call into the rules engine.

durable-rules is not thread-safe and never releases the interpreter lock while it runs. FastAPI
would run sync endpoints on a pool of threads, so every engine call (evaluating a case, building a
questionnaire, parsing and predicting a letter) goes through this one-thread executor instead: calls
run one at a time, always on the same thread, in the order they arrive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class EngineWorker:
    """Runs engine work one call at a time on a single thread owned by the app."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imrcheck-engine")

    def submit(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work` on the engine thread and wait for it (for start-up code outside the event loop)."""
        return self._executor.submit(work, *args, **kwargs).result()

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work` on the engine thread without blocking the event loop while it waits its turn."""
        return await asyncio.wrap_future(self._executor.submit(work, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
