"""Structured cases that carry their actual outcomes: a JSONL file (one record a line) or a YAML list.

    {"source": "CM14-0000001", "case": {<a case, as `imrcheck check` reads it>},
     "outcomes": {"r1": "upheld", "r2": "overturned"},
     "reviewer_guidelines": {"r1": "MTUS Chronic Pain Medical Treatment Guidelines, ESIs, page 46"}}

Reading yields each record's raw data with its line number; validation happens where the record is
predicted (in a worker), so a bad record becomes one skipped entry naming its line and field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.backtest.metrics import Decision
from engine.backtest.outcomes import Skip
from engine.case_io import (
    CASE_FIELDS,
    MAX_NESTING,
    describe_location,
    json_problem,
    line_too_long,
    load_json,
    nesting_depth,
    read_text_file,
)
from engine.errors import CaseValidationError, ImrcheckError
from engine.models import Case
from engine.resources import LineLoader, UniqueKeys, YamlAliasError, load_yaml_with_lines, strip_lines

JSONL_SUFFIXES = (".jsonl",)
YAML_SUFFIXES = (".yaml", ".yml")
RECORD_SUFFIXES = JSONL_SUFFIXES + YAML_SUFFIXES
# A record is a case of a few kilobytes; a far longer line is not one.
MAX_RECORD_CHARS = 1_000_000


class CaseRecord(BaseModel):
    """One case with the reviewer's actual decision on each of its requests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Annotated[str, Field(min_length=1, description="Where the case came from, e.g. the IMR case number")]
    case: Case
    outcomes: Annotated[dict[str, Decision], Field(min_length=1, description="request id → upheld | overturned")]
    reviewer_guidelines: dict[str, str] = Field(
        default_factory=dict, description="request id → the guideline the reviewer cited, as the letter words it"
    )

    @model_validator(mode="after")
    def _ids_are_requests(self) -> CaseRecord:
        ids = {r.id for r in self.case.requests}
        for field, keys in (("outcomes", self.outcomes), ("reviewer_guidelines", self.reviewer_guidelines)):
            unknown = sorted(set(keys) - ids)
            if unknown:
                raise ValueError(f"{field} names {', '.join(unknown)}, which the case does not request "
                                 f"(its requests: {', '.join(sorted(ids))})")
        return self


@dataclass(frozen=True)
class RecordJob:
    """A record as read, not yet validated; `input` is `<file>:<line>`."""

    input: str
    data: Any


def validate_record(data: Any, unit: str) -> CaseRecord:
    if not isinstance(data, dict):
        raise CaseValidationError(f"a record is a mapping with source, case and outcomes, not {type(data).__name__}",
                                  source=unit)
    try:
        return CaseRecord.model_validate(data)
    except ValidationError as exc:
        problems = [f"{describe_location(e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
        raise CaseValidationError("; ".join(problems), source=unit, problems=problems) from None


RECORD_FIELDS = CASE_FIELDS | frozenset(CaseRecord.model_fields)


class _RecordLoader(UniqueKeys, LineLoader):
    known_keys = RECORD_FIELDS


class _Seen:
    """The sources and case ids met so far in one file: a record repeating one would be counted twice."""

    def __init__(self) -> None:
        self.first: dict[tuple[str, str], str] = {}

    def repeated(self, data: Any, unit: str) -> Skip | None:
        # Only a valid record claims its source and case id: a broken copy is reported for what is wrong
        # with it (by the worker that validates it again), and does not hide a later good record.
        try:
            record = validate_record(data, unit)
        except ImrcheckError:
            return None
        for field, value in (("source", record.source), ("case_id", record.case.case_id)):
            if isinstance(value, str) and value:
                earlier = self.first.setdefault((field, value), unit)
                if earlier != unit:
                    return Skip(source=unit, reason=f"{field} repeats that of the record at {earlier}; "
                                                    "each case is counted once, so this one is left out")
        return None


def _job(data: Any, unit: str, seen: _Seen) -> RecordJob | Skip:
    """A record as read, or the reason it is left out (nested beyond any case, or a repeat)."""
    if nesting_depth(data) > MAX_NESTING:
        return Skip(source=unit, reason=f"the record nests lists and mappings more than {MAX_NESTING} levels deep; "
                                        "a case nests fewer than ten")
    return seen.repeated(data, unit) or RecordJob(unit, data)


def _jsonl(path: Path) -> Iterator[RecordJob | Skip]:
    seen = _Seen()
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            unit = f"{path}:{number}"
            if not line.strip():
                continue
            if len(line) > MAX_RECORD_CHARS:
                yield Skip(source=unit, reason=f"line {number} is longer than {MAX_RECORD_CHARS:,} characters; not a record")
                continue
            try:
                data = load_json(line)
            except json.JSONDecodeError as exc:
                yield Skip(source=unit, reason=f"line {number}, column {exc.colno}: not valid JSON ({exc.msg})")
                continue
            except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply for the JSON reader
                yield Skip(source=unit, reason=f"line {number}: {json_problem(exc, RECORD_FIELDS)}")
                continue
            yield _job(data, unit, seen)


def _yaml(path: Path) -> Iterator[RecordJob | Skip]:
    try:
        text = read_text_file(path, what="record file", limit=200 * 1024 * 1024)
        long_line = line_too_long(text, MAX_RECORD_CHARS)
        if long_line is not None:  # refused before parsing, as a .jsonl line of that length is
            yield Skip(source=str(path), reason=f"line {long_line[0]} is longer than {MAX_RECORD_CHARS:,} characters; "
                                                "not a record file")
            return
        loaded = load_yaml_with_lines(text, _RecordLoader)
    except ImrcheckError as exc:
        yield Skip(source=str(path), reason=exc.message)
        return
    except YamlAliasError as exc:
        yield Skip(source=str(path), reason=str(exc))
        return
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}: " if mark else ""
        yield Skip(source=str(path), reason=f"{where}not valid YAML ({exc.problem or 'cannot be parsed'})")
        return
    except Exception:  # yaml's other errors, and recursion or huge numbers in hostile input
        yield Skip(source=str(path), reason="cannot be read as YAML")
        return
    records = loaded if isinstance(loaded, list) else [loaded]
    seen = _Seen()
    for index, record in enumerate(records, start=1):
        line = record.get("__line__") if isinstance(record, dict) else None
        unit = f"{path}:{line}" if line else f"{path}#record {index}"
        try:
            yield _job(strip_lines(record), unit, seen)
        except RecursionError:
            yield Skip(source=unit, reason="the record is nested too deeply to be a case")


def read_records(path: Path) -> Iterator[RecordJob | Skip]:
    """Each record of a JSONL or YAML record file, or a Skip for a line or a file that cannot be one."""
    if not path.is_file():
        yield Skip(source=str(path), reason="no such file" if not path.exists() else "not a regular file")
        return
    try:
        yield from (_jsonl(path) if path.suffix.lower() in JSONL_SUFFIXES else _yaml(path))
    except OSError as exc:
        yield Skip(source=str(path), reason=f"cannot be read: {exc.strerror or type(exc).__name__}")
