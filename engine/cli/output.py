"""Where a command's report goes (stdout or `--out FILE`), and what happens when it cannot be written.

A full disk, a closed pipe or a read-only folder is the user's situation, not a bug: it is said as a
write error naming the destination (exit 2), never as "internal error (OSError)".
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import typer

from engine.cli.common import EXIT_BAD_INPUT, fail_message

STDOUT_NAME = "standard output"


def describe_os_error(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    return exc.strerror or type(exc).__name__


def report_write_error(where: str, exc: OSError) -> typer.Exit:
    fail_message(f"{where}: cannot be written ({describe_os_error(exc)})")
    return typer.Exit(EXIT_BAD_INPUT)


def silence_stdout() -> None:
    """Point fd 1 at /dev/null, so the interpreter's own flush at exit cannot fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def refuse_input_as_output(out: Path | None, inputs: list[Path], *, suffixes: tuple[str, ...] = ()) -> None:
    """A report must never overwrite a file this same run reads: one named as an input, or one with an
    input's suffix inside a folder given as input."""
    if out is None or str(out) == "-":
        return
    target = out.resolve()
    for path in inputs:
        if str(path) == "-" or not path.exists():
            continue
        source = path.resolve()
        inside = path.is_dir() and source in target.parents and target.suffix.lower() in suffixes
        if source == target or inside:
            fail_message(f"{out}: is also an input of this run; write the report somewhere else")
            raise typer.Exit(EXIT_BAD_INPUT)


@contextlib.contextmanager
def output(out: Path | None) -> Iterator[IO[str]]:
    """stdout, or the `--out` file (written whole or with a clear write error; never half a traceback)."""
    if out is None:
        try:
            yield sys.stdout
            sys.stdout.flush()
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (`| head`): nothing left to say to it
                silence_stdout()
                raise typer.Exit(EXIT_BAD_INPUT) from None
            silence_stdout()
            raise report_write_error(STDOUT_NAME, exc) from None
        return
    if out.is_dir():
        fail_message(f"{out}: cannot be written (it is a folder; give --out a file name)")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        handle = out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise report_write_error(str(out), exc) from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        raise report_write_error(str(out), exc) from None


def write_report(out: Path | None, text: str) -> None:
    with output(out) as handle:
        handle.write(text)
