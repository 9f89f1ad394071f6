"""The PATH arguments as a lazy, ordered stream of jobs: letter files, case records, or what was unreadable.

Directories are walked depth first, each one's entries sorted by name, so the order is the same on
every run and a corpus sharded into sub-folders never has more than one folder's names in memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.backtest.outcomes import Skip
from engine.backtest.records import RECORD_SUFFIXES, RecordJob, read_records

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
