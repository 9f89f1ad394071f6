"""Answers outside what any record could hold: a date in year 1 or 9999, relief lasting 10^29 weeks.

The case model checks each field's type and its own range (a percentage is 0-100); here every date
and number in a case, and every answer to the questionnaire, is checked against bounds no clinical
record reaches, so such a value is marked at its field (a 422 at its path) instead of being judged.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import Any

from engine.server.problems import Loc, Problem

EARLIEST = dt.date(1900, 1, 1)  # older than any claimant's records
LATEST = dt.date(2100, 12, 31)
LARGEST = 1_000_000  # no count, dose, week or visit number in a case comes near it


def _problem(value: Any) -> str | None:
    if isinstance(value, dt.date) and not EARLIEST <= value <= LATEST:
        return f"not a plausible date: records fall between {EARLIEST.year} and {LATEST.year}"
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and (not math.isfinite(value) or abs(value) > LARGEST):
        return f"not a plausible number: at most {LARGEST:,}"
    return None


def _walk(value: Any, loc: Loc) -> Iterator[Problem]:
    problem = _problem(value)
    if problem is not None:
        yield Problem(loc=loc, msg=problem, type="implausible")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, (*loc, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, (*loc, index))


def case_problems(case_data: Mapping[str, Any]) -> list[Problem]:
    """Implausible values in a case (its `model_dump()`), at their paths under `body`."""
    return list(_walk(case_data, ("body",)))


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def answer_problems(request_date: dt.date | None, answers: Mapping[str, Any]) -> list[Problem]:
    """Implausible values among the questionnaire's request date and its answers (dates arrive as text)."""
    problems = list(_walk(request_date, ("body", "request_date")))
    for qid, answer in answers.items():
        values = answer if isinstance(answer, list) else [answer]
        for value in values:
            problem = _problem(_as_date(value))
            if problem is not None:
                problems.append(Problem(loc=("body", "answers", qid), msg=problem, type="implausible"))
                break
    return problems
