"""The case-level header fields worth keeping; personal ones are left to privacy.py."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from engine.letters.models import LetterHeader
from engine.letters.privacy import Fields, labelled_fields

_CASE_NUMBER = re.compile(r"CM\d{2}-\d{4,8}", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?!\d)")
_WORDED_DATE = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}", re.IGNORECASE)
_FIELDS = {
    "date assigned": "date_assigned",
    "date of injury": "date_of_injury",
    "decision date": "decision_date",
    "ur denial date": "ur_denial_date",
    "date of ur decision": "ur_denial_date",
    "application received": "application_received",
}
_TWO_DIGIT_YEAR_BASE = 2000


def parse_date(value: str) -> date | str | None:
    """A date from "12/05/2014" (a `date`) or "December 5, 2014" (kept as written); None otherwise."""
    numeric = _NUMERIC_DATE.match(value)
    if numeric is not None:
        month, day, year = (int(part) for part in numeric.groups())
        if year < 100:
            year += _TWO_DIGIT_YEAR_BASE
        try:
            return date(year, month, day)
        except ValueError:
            return None
    worded = _WORDED_DATE.match(value)
    return " ".join(worded.group().split()) if worded else None


def parse_header(lines: Iterable[str], fields: Sequence[Fields] | None = None) -> LetterHeader:
    """Case number and process dates from the lines before the first section (first value wins).

    Line by line first (`fields`, when given, are the lines' `labelled_fields`, already read); then the
    lines joined, for a field whose label or value wrapped onto the next line ("Application" /
    "Received:" / "12/16/2016" in the 2016-17 header block)."""
    kept = list(lines)
    found: dict[str, date | str] = {}
    by_line = list(fields) if fields is not None else [labelled_fields(line) for line in kept]
    for line_fields in [*by_line, labelled_fields(" ".join(line.strip() for line in kept))]:
        for label, value, kind in line_fields:
            if kind != "other":
                continue
            key = " ".join(label.lower().split())
            if key.endswith("case number"):
                case_number = _CASE_NUMBER.match(value)
                if case_number is not None:
                    found.setdefault("case_number", case_number.group().upper())
            elif key in _FIELDS:
                parsed = parse_date(value)
                if parsed is not None:
                    found.setdefault(_FIELDS[key], parsed)
    return LetterHeader.model_validate(found)
