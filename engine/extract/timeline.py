"""How long the symptoms have lasted when the summary never says so in words: from the date of
injury to the request.

Reviewers read the duration of symptoms off the dates ("injured 10-21-16, seen 11-8-16": under a
month), and the imaging and therapy criteria turn on it. The request is dated by the request for
authorization when the summary gives it, else by the last visit the summary dates: not a date in
a sentence about the dispute (utilization review and claims administrator sentences date the
denial, not the care) nor about a study, injection, surgery or the injury (those may be long
before the request, and would understate the duration). A
duration stated in words (`findings.symptoms`) wins over this one.
"""

from __future__ import annotations

import datetime as dt
import re

from engine.alternation import gated
from engine.extract.dates import find_dates
from engine.extract.evidence import Recorder
from engine.extract.sentences import Sentence
from engine.extract.vocab import DISPUTE

_RFA = re.compile(r"\b(?:request for authori[sz]ation|RFA)\b", re.IGNORECASE)
# Sentences about the review itself, in either case ("Utilization Review", "non-certified").
_REVIEW = gated(r"\b(?:utilization review|non-?certif\w*|denied|denial|independent medical review|IMR)\b", re.I)
# What a date may belong to other than a visit ("the injured worker" is every sentence's subject, so
# injury words are not here: the injury's own date is left out by value).
_NOT_CARE = gated(
    r"\b(?:MRI|CT|x-?rays?|radiographs?|EMG|NCV|NCS|electrodiagnostic|scan|imaging|injections?|blocks?|ESIs?|"
    r"surgery|surgeries|fusion|release|arthroscopy|arthroplasty|replacement|urine|screen|toxicology)\b",
    re.IGNORECASE,
)
_DAYS_PER_MONTH = 30.4375


def _request_date(sentences: list[Sentence], injured: dt.date) -> tuple[dt.date, Sentence] | None:
    requested: tuple[dt.date, Sentence] | None = None
    latest: tuple[dt.date, Sentence] | None = None
    for sentence in sentences:
        flat = sentence.flat
        dates = [d for d in find_dates(flat) if d.value > injured]  # find_dates stops at once without a digit
        if not dates:
            continue
        for match in _RFA.finditer(flat):
            near = [d for d in dates if 0 <= d.start - match.end() <= 40]
            if near:
                requested = (near[0].value, sentence)
        # A study's, injection's or surgery's date is not the request's: it may be long before.
        if DISPUTE.search(flat) or _REVIEW.search(flat) or _NOT_CARE.search(flat):
            continue
        last = max(dates, key=lambda d: d.value)
        if latest is None or last.value >= latest[0]:
            latest = (last.value, sentence)
    return requested or latest


def duration_since_injury(sentences: list[Sentence], rec: Recorder, injured: dt.date | None) -> float | None:
    """Months from the injury to the request (one decimal), or None when either date is unknown."""
    if injured is None:
        return None
    found = _request_date(sentences, injured)
    if found is None:
        return None
    months = round((found[0] - injured).days / _DAYS_PER_MONTH, 1)
    rec.add("symptoms.duration_months", months, found[1])
    return months
