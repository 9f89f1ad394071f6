"""The --details file: one JSON line per input, written and flushed as each finishes.

An interrupted run keeps every line it finished; `--resume` reads them back (folding them into the
metrics), cuts off a last line the interruption left half-written, and appends what is left to do.
Results are written in input order, so the file of a resumed run equals that of an uninterrupted one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from engine.backtest.inputs import input_key
from engine.backtest.outcomes import UnitResult
from engine.errors import InputError


class DetailsWriter:
    def __init__(self, path: Path, *, append: bool) -> None:
        try:
            self._handle: IO[str] = path.open("a" if append else "w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot be written: {exc.strerror or type(exc).__name__}", source=path) from None

    def write(self, unit: UnitResult) -> None:
        if unit.input_key is None:
            unit = unit.model_copy(update={"input_key": input_key(unit.input)})
        self._handle.write(unit.model_dump_json() + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def replay(path: Path) -> Iterator[UnitResult]:
    """The finished results a details file holds, in order; a last line left half-written is cut off.

    A whole line that is not a result means the file is not a --details file (or was edited): it is
    refused before anything is cut or appended (the run stops there), so a file named by mistake is
    never damaged."""
    if not path.exists():
        return
    good_end = 0
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.endswith(b"\n"):
                    break  # the write the interruption cut short: that input is done again
                try:
                    unit = UnitResult.model_validate_json(raw)
                except ValidationError:
                    raise InputError(f"line {number} is not a result of `imrcheck evaluate`, so this is not a --details "
                                     "file to resume; name the file of the interrupted run, or a new file without --resume",
                                     source=path) from None
                good_end += len(raw)
                yield unit
        with path.open("r+b") as handle:
            handle.truncate(good_end)
    except OSError as exc:
        raise InputError(f"cannot be read back for --resume: {exc.strerror or type(exc).__name__}", source=path) from None
