"""Dates in the forms the letters use: 9/26/2013, 12/15/13, 6/29/00, 4-20-15, November 16, 2010.

Two-digit years pivot at the extraction year: a year that would land in the future is last
century (6/29/00 is 2000, 12/31/99 is 1999). Impossible dates (2/30/2014) are not dates.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from engine.alternation import gated

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Numeric: month, day, year with one separator kind (/ or -), not part of a longer number or a
# fraction such as 8/10 or 5/325mg (a day is at most two digits, a year two or four).
_NUMERIC = gated(r"(?<![\d/\-.])(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/\-])")
_WRITTEN = gated(rf"\b({_MONTH_NAMES})\.?\s(\d{{1,2}})(?:st|nd|rd|th)?,?\s(\d{{4}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    value: dt.date
    start: int
    end: int


def _year(text: str, today: dt.date) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000
        if year > today.year:
            year -= 100
    return year


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_DIGIT = re.compile(r"\d")


def find_dates(text: str, *, today: dt.date | None = None) -> list[FoundDate]:
    """Every date in `text`, in order of position."""
    if _DIGIT.search(text) is None:  # every date form has digits: most sentences stop here
        return []
    return list(_find_dates(text, today or dt.date.today()))


# Several readers ask for the dates of the same sentence; the answer depends only on the text and
# the day, and FoundDate is frozen, so it is computed once.
@functools.lru_cache(maxsize=4096)
def _find_dates(text: str, today: dt.date) -> tuple[FoundDate, ...]:
    found: list[FoundDate] = []
    for match in _NUMERIC.finditer(text):
        value = _make(_year(match.group(4), today), int(match.group(1)), int(match.group(3)))
        if value is not None and 1900 <= value.year <= today.year + 1:
            found.append(FoundDate(value, match.start(), match.end()))
    for match in _WRITTEN.finditer(text):
        value = _make(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
        if value is not None and 1900 <= value.year <= today.year + 1:
            found.append(FoundDate(value, match.start(), match.end()))
    return tuple(sorted(found, key=lambda d: d.start))


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date | None:
    """The date `text` is (surrounding whitespace allowed), or None."""
    found = find_dates(text.strip(), today=today)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text.strip()):
        return found[0].value
    return None


# Sentences whose dates are not the date of a visit: the injury, studies, procedures, the dispute.
_NOT_A_VISIT = gated(
    r"\b(?:injury|injured|DOI|MRI|CT|x-?rays?|EMG|NCV|scan|imaging|injections?|blocks?|ESIs?|surgery|fusion|"
    r"utilization review|claims administrator|independent medical review|UR)\b",
    re.IGNORECASE,
)


_VISIT = gated(
    r"^(?:on|in|as of|during|at)\b|\b(?:progress note|office (?:visit|note)|visit|evaluation|re-?evaluation|follow-?up|"
    r"examination|seen|evaluated|reported|noted|placed)\b",
    re.IGNORECASE,
)


def visit_dates(texts: list[str], *, today: dt.date | None = None) -> list[dt.date | None]:
    """The visit each sentence reports on: the last date of the latest sentence, up to and including
    it, that dates a visit ("On June 19, 2014, the applicant reported ..." dates what follows). A
    date of a surgery, study or injury is not a visit's date."""
    current: dt.date | None = None
    out: list[dt.date | None] = []
    for text in texts:
        found = find_dates(text, today=today)
        if found and _VISIT.search(text) is not None and _NOT_A_VISIT.search(text) is None:
            current = found[-1].value
        out.append(current)
    return out
