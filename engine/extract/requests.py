"""Requested items from the letter's disputed item titles.

"Re-review selective nerve root block, left L5 and S1" → epidural_steroid_injection, lumbar,
left, levels L5 and S1; "PHYSICAL THERAPY 12 VISITS FOR THE LUMBAR" → 12 visits, lumbar;
"Norco 5/325mg 1 PO BID prn pain" → opioid, hydrocodone 5 mg, at most twice a day (see drugs.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from engine.alternation import gated
from engine.catalog import TreatmentCatalog
from engine.extract.evidence import Recorder
from engine.extract.negation import assertion, undocumented
from engine.extract.sentences import Sentence
from engine.extract.vocab import COUNT, DISPUTE, count_value, levels_in, region_of_levels, regions_in, side_in
from engine.prescription_text import drug_fields

_PREFIX = re.compile(r"^\s*(?:re-?review(?: of)?|retrospective(?: request for)?|request for)[\s:]+", re.IGNORECASE)
_VISITS = re.compile(rf"\b{COUNT}\s?(?:visits|sessions|treatments)\b(?!\s?(?:a|per)\s?week)|\bx\s?(\d{{1,3}})\b(?!\s?(?:weeks?|days?))",
                     re.IGNORECASE)
# How therapy titles state the number of visits besides "12 visits": a count word at the start that a
# visits word follows ("Six physical therapy visits", "Four sessions of ..."), or a count after the
# visits word, "times" or "#" ("sessions, 12", "times 6", "#6").
_LEADING_VISITS = re.compile(rf"^\s*(?:additional\s+)?{COUNT}\b(?=[^,;()]*\b(?:visits|sessions|treatments)\b)", re.IGNORECASE)
_TRAILING_VISITS = re.compile(r"(?:\b(?:visits|sessions|treatments)\s*,?\s*|\btimes\s|#\s?)(\d{1,2})\b(?!\s?(?:weeks?|days?|mg|%))",
                              re.IGNORECASE)
# "three times a week", "1 to 2 times per week", "2-3x/week", "twice a week", "three times weekly": the
# larger number of a range, as the request allows that many.
_FREQUENCY = re.compile(
    rf"\b(?:{COUNT}\s?(?:-|to)\s?)?{COUNT}\s?(?:x|times?|visits)\s?(?:a\s|per\s|/\s?)?(?:week|wk)s?\b|\b{COUNT}\s?(?:x|times?)\s?weekly\b"
    r"|\b(twice|once)\s(?:a\s|per\s)?week|\b(twice|once)\sweekly\b",
    re.IGNORECASE)
_DURATION_WEEKS = re.compile(rf"\b(?:x|for|times|over)\s?{COUNT}\s?weeks?\b", re.IGNORECASE)
_ONCE_TWICE = {"once": 1, "twice": 2}
# "2 times 8": a frequency and a length without their units, too ambiguous to count.
_TIMES_BY = re.compile(r"\d\s?times\s\d", re.IGNORECASE)
_QUANTITY = re.compile(rf"^\s*{COUNT}\s|\bx\s?(\d{{1,2}})\b", re.IGNORECASE)
# How long equipment is asked for: "for one week", "seven day use", "2 month rental", "x 14 days".
_DURATION = re.compile(r"\s*-?\s*(?:day|days|week|weeks|month|months)\b", re.IGNORECASE)
_DURATION_OF = re.compile(rf"\b{COUNT}[- ](day|week|month)s?\b", re.IGNORECASE)
_WEEKS_PER = {"day": 1 / 7, "week": 1.0, "month": 30 / 7}
_APPROACH = re.compile(r"\b(transforaminal|interlaminar|caudal)\b", re.IGNORECASE)
_REPEAT = re.compile(r"\brepeat\b", re.IGNORECASE)
# A title that asks to go on with care already given ("additional physical therapy", "continuation of
# therapy") says the worker has had it: the request is a repeat, whatever the summary mentions.
_CONTINUES = re.compile(r"\b(?:repeat|additional|continued|continuation|continue|further|extension|extend)\b", re.IGNORECASE)


# "for 2 weeks", "x 14 days", "30-day supply" in a prescription title.


def requests(
    titles: Sequence[str],
    catalog: TreatmentCatalog,
    sentences: list[Sentence],
    prior_injections: int,
    rec: Recorder,
    certified: Sequence[str | None] | None = None,
) -> list[dict[str, Any]]:
    """One request per title that names a known treatment, with id r<N> from its position; where
    utilization review certified part of the same treatment (`certified`, beside the titles), the
    request records what it certified."""
    found: list[dict[str, Any]] = []
    around_surgery: set[str] = set()  # the ids of items requested for the surgery ("post-op sling")
    for number, raw in enumerate(titles, start=1):
        title = _PREFIX.sub("", raw.strip())
        match = catalog.match_title(title)
        if match is None:
            rec.note(f"title {number} {raw.strip()!r} names no treatment in the catalog; it is left out")
            continue
        treatment = catalog.get(match.treatment_id)
        request: dict[str, Any] = {"id": f"r{number}", "treatment": treatment.id}
        levels = levels_in(title)
        region = next(iter(regions_in(title)), None) or region_of_levels(levels)
        if region is not None:
            request["region"] = region
        side = side_in(re.sub(r"\b[LRS]\d{1,2}\b", " ", title))
        if side is not None:
            request["side"] = side
        if levels:
            request["levels"] = levels
        approach = _APPROACH.search(title)
        if approach is not None and treatment.category == "injection":
            request["approach"] = approach.group(1).lower()
        if treatment.category == "rehabilitation":
            request.update(_therapy_schedule(title))
        elif treatment.category == "pharmaceutical":
            request.update(drug_fields(title, match.matched_text))
        else:
            quantity = _QUANTITY.search(title)
            value = count_value(quantity.group(1) or quantity.group(2)) if quantity else None
            if value is not None and not _DURATION.match(title, quantity.end() if quantity else 0):
                request["quantity"] = value
            if treatment.category == "durable_medical_equipment" and (weeks := _duration_weeks(title)) is not None:
                request["weeks"] = weeks
        repeated_injection = treatment.id == "epidural_steroid_injection" and (_REPEAT.search(title) or prior_injections > 0)
        if repeated_injection or (treatment.category != "pharmaceutical" and _CONTINUES.search(title)):
            request["repeat"] = True
        part = certified[number - 1] if certified is not None and number <= len(certified) else None
        same = catalog.match_title(part) if part else None
        # Only a part of the same treatment: a different procedure certified beside it (the fixation of a
        # fracture, not the nerve release requested with it) leaves this request whole.
        if part and same is not None and same.treatment_id == treatment.id:
            request["ur_certified"] = part.strip()[:500]
        found.append(request)
        if treatment.category != "surgery" and _AROUND_SURGERY.search(title):
            around_surgery.add(request["id"])
    _risks_discussed(found, sentences, catalog, rec)
    _link_companions(found, catalog, around_surgery)
    if treatment_plan := _planned(found, sentences, catalog, rec):
        for request, planned in treatment_plan:
            request["planned_procedure"] = planned
    return found


# "The risks of oral steroids and their modest benefit were discussed with him", "we discussed the
# risks and benefits of the injection": the request's risks were discussed (negated: not discussed).
_RISKS = gated(
    r"\brisks?\b[^.;]{0,80}?\b(?:discussed|reviewed|explained|went over)\b"
    r"|\b(?:discussed|reviewed|explained|counsell?ed (?:him|her|them) (?:on|about))\s(?:[\w-]+\s){0,3}?risks?\b",
    re.IGNORECASE,
)


_NOT = re.compile(r"\b(?:not|never)\b", re.IGNORECASE)


def _risks_discussed(found: list[dict[str, Any]], sentences: list[Sentence], catalog: TreatmentCatalog, rec: Recorder) -> None:
    """Risks discussed, for the requests whose treatment the sentence names (or every request when it names none)."""
    for sentence in sentences:
        flat = sentence.flat
        if DISPUTE.search(flat):
            continue
        match = _RISKS.search(flat)
        if match is None:
            continue
        found_as = assertion(flat, match.start(), match.end())
        if found_as == "uncertain":
            continue
        # The negation may sit inside the phrase ("the risks ... were not discussed").
        value = not (found_as == "negated" or _NOT.search(match.group(0)) or undocumented(flat, match.start(), match.end()))
        named = catalog.match_title(flat)
        for index, request in enumerate(found):
            if named is None or named.treatment_id == request["treatment"]:
                request["risks_discussed"] = value
                rec.add(f"requests[{index}].risks_discussed", value, sentence)


def _link_companions(found: list[dict[str, Any]], catalog: TreatmentCatalog, around_surgery: set[str]) -> None:
    """Link each companion to its primary: by the catalog (fluoroscopy serves an injection, an assistant
    surgeon a surgery), or by the title's own words for an item requested for a surgery in the same
    letter ("Associated surgical service: cold therapy", "Pre-operative CBC", "Post-op sling"), which
    IMR reviewers judge with the surgery: not necessary when the surgery is not."""
    surgery = next((r for r in found if catalog.get(r["treatment"]).category == "surgery"), None)
    for request in found:
        primaries = catalog.get(request["treatment"]).companion_of
        primary = next((r for r in found if r["treatment"] in primaries and r is not request), None)
        if primary is None and request["id"] in around_surgery:
            primary = surgery
        if primary is not None:
            request["companion_of"] = primary["id"]
            for key in ("region", "side", "levels"):
                if key not in request and key in primary:
                    request[key] = primary[key]


_AROUND_SURGERY = re.compile(
    r"\b(?:associated surgical service|pre-?op(?:erative)?|post-?op(?:erative)?|post-?surgical|peri-?operative)\b", re.I
)
_PLANNED = gated(
    r"\b(?:requested for|referred for|for consideration of|to consider|evaluation for|consult(?:ation)? for)\s"
    r"(?:an?\s|the\s)?(?:possible\s)?(?:repeat\s)?([a-z][a-z -]{2,60})",
    re.IGNORECASE,
)


def _planned(
    found: list[dict[str, Any]], sentences: list[Sentence], catalog: TreatmentCatalog, rec: Recorder
) -> list[tuple[dict[str, Any], str]]:
    """A consultation or visit requested for a procedure ("... for consideration of a repeat ESI")."""
    visits = [r for r in found if catalog.get(r["treatment"]).category == "evaluation_management"]
    if not visits:
        return []
    for sentence in sentences:
        for match in _PLANNED.finditer(sentence.flat):
            named = catalog.match_title(match.group(1))
            if named is not None and named.category in ("injection", "surgery") and named.start == 0:
                region = next(iter(regions_in(match.group(1))), None)
                for request in visits:
                    index = found.index(request)
                    rec.add(f"requests[{index}].planned_procedure", named.treatment_id, sentence)
                    # The visit is for the planned procedure's region when its title names none.
                    if region is not None and "region" not in request:
                        request["region"] = region
                        rec.add(f"requests[{index}].region", region, sentence)
                return [(r, named.treatment_id) for r in visits]
    return []


def _duration_weeks(title: str) -> float | None:
    """The weeks of use or rental a title states, if any ("seven day use" is one week)."""
    match = _DURATION_OF.search(title)
    count = count_value(match.group(1)) if match is not None else None
    if match is None or count is None:
        return None
    return round(count * _WEEKS_PER[match.group(2).lower()], 2)


def _therapy_schedule(title: str) -> dict[str, float | int]:
    """Visits, visits a week and weeks as a therapy title states them; the visits follow from the
    frequency and the weeks when the title gives no count ("three times a week for two weeks" is six)."""
    found: dict[str, float | int] = {}
    visits = _visit_count(title)
    if visits is not None:
        found["visits"] = visits
    per_week = _frequency(title)
    weeks = _DURATION_WEEKS.search(title)
    if per_week is not None:
        found["frequency_per_week"] = float(per_week)
    if weeks is not None and (count := count_value(weeks.group(1))) is not None:
        found["weeks"] = float(count)
    if "visits" not in found and per_week is not None and "weeks" in found:
        found["visits"] = int(per_week * found["weeks"])
    return found


def _visit_count(title: str) -> int | None:
    stated = _VISITS.search(title)
    if stated is not None:
        return count_value(stated.group(1) or stated.group(2))
    leading = _LEADING_VISITS.search(title)
    if leading is not None:
        return count_value(leading.group(1))
    trailing = _TRAILING_VISITS.search(title)
    if trailing is not None and not _TIMES_BY.search(title):
        return int(trailing.group(1))
    return None


def _frequency(title: str) -> int | None:
    match = _FREQUENCY.search(title)
    if match is None:
        return None
    low, high, weekly, word, word_weekly = match.groups()
    if word or word_weekly:
        return _ONCE_TWICE[(word or word_weekly).lower()]
    value = count_value(high or weekly or low or "")
    return value if value is not None and 0 < value <= 7 else None
