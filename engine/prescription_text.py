"""A prescription's text read into fields: dose in mg, doses a day, quantity, weeks of supply; drug
names are the drug table's (`engine/drugs.py`, `guideline_criteria/drugs.yaml`).

Both the letter extractor (item titles, medication lists) and `canonicalize` (a case file's free-text
drug request) read prescriptions through here, so a case typed by hand and one read from a letter
fill the same fields. It lives outside the extractor package so that `check` on a case naming a drug
does not import (and compile) every letter pattern.

Doses a day come from the direction: QD/daily 1, BID/q12h 2, TID/q8h 3, QID/q6h 4, q4h 6. "prn"
(as needed) keeps the scheduled count, read as the most a day ("BID prn" is at most 2), because
that is what a reviewer counts against a dose ceiling; "prn" alone gives no count.
"""

from __future__ import annotations

import re
from typing import Any

from engine.drugs import generic_of, load_drug_table

__all__ = ["dose_mg", "doses_per_day", "drug_fields", "generic_of", "quantity", "supply_weeks"]

_FREQUENCY = {
    "qd": 1, "qday": 1, "daily": 1, "once a day": 1, "once daily": 1, "every day": 1, "qhs": 1, "at bedtime": 1,
    "bid": 2, "twice a day": 2, "twice daily": 2, "q12h": 2, "q12 hours": 2, "every 12 hours": 2,
    "tid": 3, "three times a day": 3, "three times daily": 3, "q8h": 3, "q8 hours": 3, "every 8 hours": 3,
    "qid": 4, "four times a day": 4, "four times daily": 4, "q6h": 4, "q6 hours": 4, "every 6 hours": 4,
    "q4h": 6, "q4 hours": 6, "every 4 hours": 6,
}
_FREQ_RE = re.compile(
    r"(?<![a-z0-9])(" + "|".join(re.escape(k) for k in sorted(_FREQUENCY, key=len, reverse=True)) + r")(?![a-z0-9])",
    re.IGNORECASE,
)
# 5/325mg, 7.5-325mg, 10 mg, 7.5mg; a combination's first number is the opioid (or named drug) strength.
_DOSE = re.compile(r"(?<![\d.])(\d{1,4}(?:\.\d{1,2})?)\s?(?:[/-]\s?\d{1,4}(?:\.\d{1,2})?\s?)?mg\b", re.IGNORECASE)
# "Norco 10/325 #90", "Norco 7.5-325 #90": a strength pair right after the name, without "mg".
_BARE_PAIR = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,2})?)\s?[/-]\s?\d{2,4}(?![\d/])")
_UNITS_PER_DOSE = re.compile(r"mg\s(?:take\s)?([1-4])\s(?:po|tab|tabs|tablets?|caps?|capsules?|pills?)\b", re.I)
_HASH = re.compile(r"#\s?(\d{1,4})\b")


def dose_mg(text: str, after_name: str = "") -> float | None:
    """The strength of one dose in mg ("1 PO" keeps it, "2 tabs" doubles it)."""
    dose = _DOSE.search(text)
    if dose is not None:
        value = float(dose.group(1))
        units = _UNITS_PER_DOSE.search(text)
        return value * int(units.group(1)) if units is not None else value
    pair = _BARE_PAIR.match(after_name)
    return float(pair.group(1)) if pair is not None else None


def doses_per_day(text: str) -> float | None:
    """How many doses a day the direction allows (see the module note on "prn")."""
    frequency = _FREQ_RE.search(text)
    return float(_FREQUENCY[frequency.group(1).lower()]) if frequency is not None else None


def quantity(title: str) -> int | None:
    """The quantity dispensed ("#90"), read after the drug's name so that the "#3" of "Tylenol #3"
    (a product, not a count) is not taken for one."""
    mention = load_drug_table().find(title)
    found = _HASH.search(title, mention.end if mention is not None else 0)
    return int(found.group(1)) if found is not None else None


_SUPPLY = re.compile(r"\b(?:x|for)\s?(\d{1,3})\s?(days?|weeks?)\b|\b(\d{1,3})[- ]day supply\b", re.IGNORECASE)


def supply_weeks(title: str, dispensed: int | None, per_day: float | None) -> float | None:
    """How many weeks the prescription lasts: as the title states it, else the quantity dispensed over
    the doses a day ("#30", three a day: 10 days), which is how a reviewer reads a short course."""
    stated = _SUPPLY.search(title)
    if stated is not None:
        days = int(stated.group(1) or stated.group(3)) * (7 if (stated.group(2) or "").lower().startswith("w") else 1)
        return round(days / 7, 1)
    if dispensed is not None and per_day:
        return round(dispensed / per_day / 7, 1)
    return None


def drug_fields(title: str, matched: str) -> dict[str, Any]:
    """Drug, strength, doses a day, quantity and weeks read from a prescription's text (also how
    `canonicalize` reads a case file's free-text drug request)."""
    fields: dict[str, Any] = {}
    drug = generic_of(matched)
    if drug is not None:
        fields["drug"] = drug
    name = re.search(re.escape(matched.split(" ")[0]), title, re.IGNORECASE) if matched else None
    dose = dose_mg(title, title[name.end() :] if name is not None else "")
    if dose is not None:
        fields["dose_mg"] = dose
    per_day = doses_per_day(title)
    if per_day is not None:
        fields["doses_per_day"] = per_day
    dispensed = quantity(title)
    if dispensed is not None:
        fields["quantity"] = dispensed
    weeks = supply_weeks(title, dispensed, per_day)
    if weeks is not None:
        fields["duration_weeks"] = weeks
    return fields
