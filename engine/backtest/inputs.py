"""The PATH arguments as a lazy, ordered stream of jobs: letter files, case records, or what was unreadable.

Directories are walked depth first, each one's entries sorted by name, so the order is the same on
every run and a corpus sharded into sub-folders never has more than one folder's names in memory.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.backtest.outcomes import Skip
from engine.backtest.records import RECORD_SUFFIXES, RecordJob, read_records
from engine.errors import InputError

LETTER_SUFFIXES = (".txt", ".pdf")


@dataclass(frozen=True)
class LetterJob:
    path: str

    @property
    def input(self) -> str:
        return self.path


Job = LetterJob | RecordJob | Skip


def job_input(job: Job) -> str:
    """The key a job's result is filed under in --details (and skipped by --resume)."""
    return job.source if isinstance(job, Skip) else job.input


# A record's input is `<file>:<line>` or `<file>#record <n>` (engine/backtest/records.py).
_RECORD_PLACE = re.compile(r"^(?P<file>.+?)(?P<place>:\d+|#record \d+)$")


def input_key(unit: str) -> str:
    """The input with its file resolved (absolute, symbolic links followed): one letter or record has one key
    however its path was written, so --resume after a run named differently never counts it twice."""
    match = _RECORD_PLACE.match(unit)
    file, place = (match["file"], match["place"]) if match and not Path(unit).exists() else (unit, "")
    try:
        return _resolved(file) + place
    except (OSError, RuntimeError):  # a symbolic-link loop: the path as written is the best key there is
        return unit


def _resolved(file: str) -> str:
    """`os.path.realpath(file)`, with the folder's part resolved once per folder: realpath looks up every
    component of every path, and a back-test of thousands of letters in a few folders spent a large share of
    the main process's time there (issue 14). The same answer: a last component that is not a symbolic link
    (nor "." or "..") is appended to the resolved folder as it is."""
    folder, name = os.path.split(file)
    if name in ("", ".", "..") or os.path.islink(file):
        return os.path.realpath(file)
    return os.path.join(_resolved_folder(os.path.join(os.getcwd(), folder)), name)


@functools.lru_cache(maxsize=256)
def _resolved_folder(folder: str) -> str:  # absolute as written (not normalised: ".." after a link is the link's)
    return os.path.realpath(folder)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except (OSError, RuntimeError):
        return False


def check_outputs_apart(paths: Iterable[Path], outputs: Mapping[str, Path | None]) -> None:
    """Refuse an output (by option name) that is an input of the same run, a letter a named folder would
    read, or another output: writing it would destroy the input, or be read back as one."""
    named = [(option, path) for option, path in outputs.items() if path is not None]
    for index, (option, out) in enumerate(named):
        for other_option, other in named[:index]:
            if _same_file(out, other):
                raise InputError(f"{option} and {other_option} name the same file; give each its own", source=out)
        for path in paths:
            if _same_file(out, path):
                raise InputError(f"{option} names an input of this run; writing there would destroy it, so name "
                                 "another file", source=out)
            if path.is_dir() and (_letter_inside(out, path) or _linked_into(out, path)):
                raise InputError(f"{option} names a letter file inside the input folder {path}; writing there would "
                                 "replace or add a letter, so name a file elsewhere (or not ending .txt/.pdf)", source=out)


def _letter_inside(out: Path, folder: Path) -> bool:
    """Whether `out`, once symbolic links are followed, is a letter the walk of `folder` would read."""
    try:
        real = out.resolve()
        return real.suffix.lower() in LETTER_SUFFIXES and real.is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _linked_into(out: Path, folder: Path) -> bool:
    """Whether `out` is a hard link to a file under `folder` (looked for only when the file has other names)."""
    try:
        info = out.stat()
    except OSError:
        return False
    if info.st_nlink < 2:
        return False
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                other = os.stat(os.path.join(root, name))
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                return True
    return False


def _walk(folder: Path) -> Iterator[Path | Skip]:
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e.name, e.is_dir(), e.is_file()) for e in scan if not e.name.startswith("."))
    except OSError as exc:
        yield Skip(source=str(folder), reason=f"the folder cannot be read: {exc.strerror or type(exc).__name__}")
        return
    for name, is_dir, is_file in entries:
        if is_dir:
            yield from _walk(folder / name)
        elif is_file and os.path.splitext(name)[1].lower() in LETTER_SUFFIXES:
            yield folder / name


def iter_jobs(paths: Iterable[Path]) -> Iterator[Job]:
    """Letters named or found under named folders, and the records of named .jsonl/.yaml files, in order."""
    for path in paths:
        if path.is_dir():
            found = False
            for entry in _walk(path):
                found = True
                yield entry if isinstance(entry, Skip) else LetterJob(str(entry))
            if not found:
                yield Skip(source=str(path), reason="the folder holds no .txt or .pdf letters")
        elif path.suffix.lower() in RECORD_SUFFIXES:
            yield from read_records(path)
        else:
            yield LetterJob(str(path))
