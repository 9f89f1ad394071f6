"""Surgeries already done: "status post L4-5 fusion on 3/2/2012", "underwent right carpal tunnel
release", "history of prior lumbar decompression and fusion at L5-S1".

A surgery counts only after a past cue (status post, underwent, had, history of, prior); one
considered or requested ("to consider a lumbar fusion", "a spine surgery consultation was sought")
is not history. "No prior surgery" records the history as documented empty.
"""

from __future__ import annotations

import re
from typing import Any

from engine.alternation import gated
from engine.extract.dates import find_dates
from engine.extract.evidence import Recorder
from engine.extract.negation import assertion
from engine.extract.sentences import Sentence
from engine.extract.vocab import DISPUTE, levels_in, region_of_levels, regions_in
from engine.models import Region, SurgeryKind

_NOUN = (
    r"(?:fusion|decompression|laminectomy|laminotomy|hemilaminectomy|discectomy|microdiscectomy|foraminotomy|"
    r"arthrodesis|disc replacement|carpal tunnel release|cubital tunnel release|trigger finger release|"
    r"rotator cuff repair|arthroscopy|acromioplasty|meniscectomy|ACL reconstruction|knee replacement|hip replacement|"
    r"arthroplasty|ORIF|open reduction(?: and)? internal fixation|surgery|surgeries|operation)"
    r"(?!\s(?:consult\w*|evaluation|referral|candidate|was (?:requested|recommended|sought)))"
)
_LEVEL = r"[LCTS]\d{1,2}(?:\s?-\s?[LCTS]?\d{1,2})?"
_PROCEDURE = gated(
    r"\b(?:status post|s/p|underwent|undergone|has had|had|history of|prior|previous|treated with)\s"
    r"(?:(?:an?|the|prior|previous|a prior|two|2)\s){0,2}"
    rf"((?:[\w/-]+\s){{0,4}}?{_NOUN}(?:\s(?:and|with)\s(?:[\w/-]+\s){{0,2}}?{_NOUN})?"
    rf"(?:\s(?:at|of)\s(?:the\s)?(?:{_LEVEL}(?:\s(?:and|&)\s{_LEVEL})?|(?:left|right|bilateral)\s\w+))?)",
    re.IGNORECASE,
)
_NONE = gated(r"\b(?:no (?:prior |previous |past )?(?:surgeries|surgery|surgical history|history of surgery)|"
                   r"has not had (?:any )?surgery|denies (?:any )?(?:prior )?surgery)\b", re.IGNORECASE)


# The surgeries the postsurgical guidelines give a course for, by what the procedure names and where.
_KIND_WORDS: tuple[tuple[str, Region | None, SurgeryKind], ...] = (
    (r"fusion|arthrodesis", "lumbar", "lumbar_fusion"),
    (r"fusion|arthrodesis", "cervical", "cervical_fusion"),
    (r"discectomy|microdiscectomy|laminectomy|laminotomy|hemilaminectomy|decompression", "lumbar",
     "lumbar_discectomy_laminectomy"),
    (r"carpal tunnel release", None, "carpal_tunnel_release"),
    (r"meniscectomy", None, "knee_meniscectomy"),
    (r"ACL reconstruction|ACL repair|anterior cruciate", None, "acl_repair"),
    (r"(?:total )?knee (?:replacement|arthroplasty)|TKA\b", None, "total_knee_arthroplasty"),
)
_KINDS = tuple((re.compile(rf"\b(?:{words})", re.IGNORECASE), region, kind) for words, region, kind in _KIND_WORDS)


def surgery_kind(procedure: str, region: Region | None) -> SurgeryKind | None:
    """The guideline's kind of surgery, when the procedure names one (fusion beats decompression)."""
    for pattern, where, kind in _KINDS:
        if pattern.search(procedure) and where in (None, region):
            return kind
    return None


def surgeries(sentences: list[Sentence], rec: Recorder) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = []
    stated_none = False
    for sentence in sentences:
        flat = sentence.flat
        if DISPUTE.search(flat):
            continue
        if _NONE.search(flat):
            stated_none = True
            rec.add("history.surgeries", [], sentence)
            continue
        for match in _PROCEDURE.finditer(flat):
            if assertion(flat, match.start(), match.end()) != "affirmed":
                continue
            procedure = match.group(1).strip()
            if any(s["procedure"].lower() == procedure.lower() for s in found):
                continue
            item: dict[str, Any] = {"procedure": procedure}
            region = next(iter(regions_in(procedure)), None) or region_of_levels(levels_in(procedure))
            region = region or next(iter(regions_in(flat[match.end() : match.end() + 30])), None)
            if region is not None:
                item["region"] = region
            kind = surgery_kind(procedure, region)
            if kind is not None:
                item["kind"] = kind
            dates = [d for d in find_dates(flat) if 0 <= d.start - match.end() <= 20]
            if dates:
                item["date"] = dates[0].value
            for key, value in item.items():
                rec.add(f"history.surgeries[{len(found)}].{key}", value, sentence)
            found.append(item)
    return found if found or stated_none else None
