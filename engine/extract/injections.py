"""Epidural and trigger point injections already given, with what followed each: percent relief, how many weeks it
lasted, whether pain medication went down, whether function improved.

"Four prior epidural steroid injections with no relief" is four records, each with 0% relief;
"good pain relief" is relief without a percentage, so `relief_pct` stays undocumented. What
followed may be in the next sentence ("The injection gave 60% relief for 8 weeks and she cut
back on Norco."): a sentence that refers back to "the injection" fills in the last group.
"""

from __future__ import annotations

import re
from typing import Any

from engine.alternation import gated
from engine.extract.dates import find_dates
from engine.extract.evidence import Recorder
from engine.extract.negation import assertion, polarity
from engine.extract.sentences import Sentence
from engine.extract.vocab import COUNT, DISPUTE, PLAN_CUE, count_value, given, levels_in, regions_in, side_in

MAX_INJECTIONS = 20
_ESI = gated(
    r"\b(?:epidural steroid injections?|epidural injections?|ESIs?|selective nerve root blocks?|"
    r"nerve root blocks?|transforaminal (?:epidural )?injections?|epidurals?)\b",
    re.IGNORECASE,
)
# Trigger point injections given: the trigger point criteria ask about the last session (relief,
# its weeks, function, date). A number with them ("three trigger point injections") is how many
# were given in one session, so a mention is one record.
_TPI = gated(r"\b(?:(?i:trigger[- ]point injections?)|TPIs?)\b")
_KINDS = ((_ESI, "epidural_steroid_injection"), (_TPI, "trigger_point_injection"))
_COUNT_BEFORE = re.compile(rf"\b{COUNT}\s(?:prior\s|previous\s|lumbar\s|cervical\s){{0,2}}$", re.IGNORECASE)
_RELIEF = re.compile(
    r"\b(?:with|had|reported|gave|provided)?\W{0,3}(no|without|(\d{1,3})\s?%|good|significant|some|minimal|partial|"
    r"little|moderate|excellent)\W{0,3}(?:pain\s)?relief\b|\b(\d{1,3})\s?% (?:pain )?(?:reduction|improvement) in pain\b"
    r"|\b(\d{1,3})\s?% (?:pain )?(?:reduction|improvement)\b",
    re.IGNORECASE,
)
# "for 8 weeks", "lasting eight weeks", "that lasted about two months".
_WEEKS = re.compile(
    rf"\b(?:for|lasting|lasted|that lasted|which lasted)\s(?:about\s|approximately\s|nearly\s|over\s)?{COUNT}\s(weeks?|months?)\b",
    re.IGNORECASE,
)
_MED_REDUCTION = re.compile(
    r"\b(?:(?:decreased|reduced|reduce|reduction (?:in|of)|decrease (?:in|of)|less|lower|cut (?:back|down)(?: on)?|"
    r"able to (?:reduce|decrease|stop|wean)|weaned(?: off)?|curtail\w*)\s(?:[\w'/-]+\s){0,4}?(?:medications?|meds|"
    r"opioids?|narcotics?|analgesics?|pain pills|Norco|Percocet|tramadol)"
    r"|(?:medications?|meds|opioids?|narcotics?)\s(?:use\s|intake\s|usage\s|requirements?\s|need\s)?(?:was\s|were\s)?"
    r"(?:decreased|reduced|lowered))\b",
    re.IGNORECASE,
)
_FUNCTION = re.compile(
    r"\b(?:functional (?:improvement|benefit|gains?|response)|improved (?:his |her |their )?function(?:ing)?|"
    r"improvement in function(?:ing)?|(?:his |her |their )?function(?:ing)? (?:improved|got better|increased))\b",
    re.IGNORECASE,
)
_BACK_REFERENCE = gated(
    r"\b(?:(?:the|this|that|these|those|each|the last|the prior|the previous) (?:injections?|blocks?|procedures?|ESIs?)"
    r"|post-?(?:injection|procedure))\b",
    re.IGNORECASE,
)


# "She has had no prior injections": the injection history is documented, and empty. Only the
# general statement counts; "no prior epidural injections" says nothing of other kinds.
_NONE = gated(
    r"\b(?:(?:has|had|have) (?:had )?no (?:prior |previous |earlier )?injections|no (?:prior|previous|earlier) injections"
    r"|(?:has|have) (?:not|never) had (?:any )?(?:an )?injections?|denies (?:any )?(?:prior |previous )?injections)\b",
    re.IGNORECASE,
)


def _outcome(text: str) -> dict[str, Any]:
    """Relief, its duration, medication reduction and functional improvement stated in `text`."""
    out: dict[str, Any] = {}
    relief = _RELIEF.search(text)
    if relief is not None:
        word = (relief.group(1) or "").lower()
        if word in ("no", "without"):
            out["relief_pct"] = 0.0
        elif relief.group(2) or relief.group(3) or relief.group(4):
            out["relief_pct"] = min(float(relief.group(2) or relief.group(3) or relief.group(4)), 100.0)
    weeks = _WEEKS.search(text)
    number = count_value(weeks.group(1)) if weeks is not None else None
    if weeks is not None and number is not None:
        out["relief_weeks"] = round(number * (4.3 if weeks.group(2).lower().startswith("m") else 1), 1)
    for key, pattern in (("medication_reduction", _MED_REDUCTION), ("functional_improvement", _FUNCTION)):
        for match in pattern.finditer(text):
            value = polarity(text, match.start(), match.end())
            if value is not None:
                out[key] = value
    return out


def injections(sentences: list[Sentence], rec: Recorder) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = []
    last_group: list[int] = []
    last_sentence = -2
    stated_none = False
    for number, sentence in enumerate(sentences):
        flat = sentence.flat
        if DISPUTE.search(flat):
            continue
        if _NONE.search(flat):
            stated_none = True
            rec.add("history.injections", [], sentence)
            continue
        kinds = {m.start(): treatment for pattern, treatment in _KINDS for m in pattern.finditer(flat)}
        mentions = sorted((m for pattern, _ in _KINDS for m in pattern.finditer(flat)), key=lambda m: m.start())
        mentions = [m for m in mentions if given(flat, m.start(), m.end()) and assertion(flat, m.start(), m.end()) != "negated"]
        if not mentions:
            back = _BACK_REFERENCE.search(flat)
            if last_group and number == last_sentence + 1 and back is not None and PLAN_CUE.search(flat) is None:
                for key, value in _outcome(flat).items():
                    for index in last_group:
                        found[index][key] = value
                        rec.add(f"history.injections[{index}].{key}", value, sentence)
            continue
        ends = [m.start() for m in mentions[1:]] + [len(flat)]
        for match, segment_end in zip(mentions, ends, strict=True):
            record = _record(flat, match, segment_end, kinds[match.start()])
            count = _count(flat, match) if record["treatment"] == "epidural_steroid_injection" else 1
            last_group = list(range(len(found), len(found) + count))
            for index in last_group:
                found.append(dict(record))
                for key, value in record.items():
                    rec.add(f"history.injections[{index}].{key}", value, sentence)
        last_sentence = number
    return found if found or stated_none else None


def _count(flat: str, match: re.Match[str]) -> int:
    count_match = _COUNT_BEFORE.search(flat[max(0, match.start() - 30) : match.start()])
    count = count_value(count_match.group(1)) if count_match else None
    plural = match.group(0).lower().endswith("s") and not match.group(0).lower().endswith("ss")
    return min(count or 1, MAX_INJECTIONS) if count or not plural else 1


def _record(flat: str, match: re.Match[str], segment_end: int, treatment: str) -> dict[str, Any]:
    after = re.split(r"\band (?!S\d)|;|\)", flat[match.end() : min(segment_end, match.end() + 60)])[0]
    record: dict[str, Any] = {"treatment": treatment}
    # What is written just before the mention in the same clause ("a right L4-5 transforaminal ...").
    before = re.split(r"[,;]|\band\b", flat[max(0, match.start() - 40) : match.start()])[-1]
    regions = regions_in(before + match.group(0))
    if regions:
        record["region"] = regions[0]
    levels = levels_in(after) or levels_in(before)
    if levels:
        record["levels"] = levels
    side = side_in(after) or side_in(before)
    if side is not None:
        record["side"] = side
    outcome = _outcome(after)
    # What followed is often stated after the date or the relief, in the same segment ("... on
    # 1/10/2014 and reported 70% relief lasting eight weeks", "... and less Norco since").
    rest = _outcome(flat[match.end() : segment_end])
    outcome.update({k: v for k, v in rest.items() if k in ("medication_reduction", "functional_improvement") or k not in outcome})
    record.update(outcome)
    # The nearest date within reach: "an ESI on 1/2/2014 ... and trigger point injections on 3/3/2014".
    near = [(min(abs(d.start - match.end()), abs(match.start() - d.end)), d.start, d.value) for d in find_dates(flat)]
    dates = sorted(item for item in near if item[0] < 40)
    if dates:
        record["date"] = dates[0][2]
    return record
