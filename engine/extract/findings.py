"""Pattern rules for the claimant, injury, diagnoses, work status, symptoms and red flags (the
examination is read in `exam`).

Each rule reads sentences (their whitespace-folded `flat` text), records evidence, and returns
plain values; `extract_case` assembles and validates the Case. When a fact is stated more than
once, the last statement wins (summaries run from older to newer notes).
"""

from __future__ import annotations

import re
from typing import Any

from engine.alternation import Keywords, any_of, gated
from engine.extract.dates import find_dates
from engine.extract.evidence import Recorder
from engine.extract.negation import affirmed, assertion
from engine.extract.sentences import Sentence
from engine.extract.vocab import COUNT, DISPUTE, count_value, levels_in, region_of_levels, regions_in, side_in
from engine.models import DiagnosisGroup, WorkStatus

_AGE_SEX = gated(r"\b(\d{1,3})[- ]years?[- ]old\b(?:\s(female|male|woman|man|gentleman|lady))?", re.I)
_INJURY = gated(r"\b(?:date of injury|DOI|injur(?:y|ed)|(?:was|were|got) hurt|claim)\b", re.IGNORECASE)
_MECHANISM = gated(
    r"\bmechanism of (?:the )?injury (?:is|was)\s(?:from\s|due to\s)?([^.;]{3,120})"
    r"|\b(?:injur(?:ed|y)|hurt)\b[^.;]{0,60}?\b(?:while|when|after) ([^.;]{3,120})",
    re.IGNORECASE,
)
# Reviewers' ways of naming what is treated: "diagnoses include ...", "diagnosis that include ...",
# "is undergoing treatment for ...", "was being treated for the diagnosis of ...", "initial diagnosis ...".
_DIAGNOSIS = gated(
    r"\b(?:diagnos[ie]s (?:that |which )?(?:of|include|includes|included|are|is|was|were)|diagnosed with|diagnoses \("
    r"|diagnosis \(|(?:initial|working|final|admitting|primary) diagnos[ie]s(?: (?:of|was|is))?"
    r"|(?:undergoing|receiving) treatments? for(?: (?:the )?diagnos[ie]s of)?"
    r"|(?:being )?treated for(?: (?:the )?diagnos[ie]s of)?(?= (?:[\w'-]+ ){0,6}?(?:pain|strain|sprain|syndrome|"
    r"disorder|disease|radiculopathy|radiculitis|contusion|tear|fracture|injury|stenosis|protrusion|herniation|"
    r"tendinitis|tendonitis|arthritis|osteoarthritis|cervicalgia|lumbago|dorsalgia|spondylosis)\b))\s?",
    re.IGNORECASE,
)
# "The applicant had a disc herniation at L4-L5 causing ...": a diagnosis the summary states as a
# finding, outside any sentence about a study (a study's findings stay with the study).
_STATED_FINDING = gated(
    r"\b(?:had|has|have|with) (?:an? )?((?:[a-z]+ ){0,2}?(?:disc (?:herniation|protrusion|extrusion)|herniated "
    r"(?:disc|nucleus pulposus)|(?:central|foraminal|spinal) stenosis)(?: at [LCTS]\d{1,2}(?:\s?-\s?[LCTS]?\d{1,2})?)?)",
    re.IGNORECASE,
)
_STUDY_WORDS = re.compile(
    r"\b(?:MRI|CT|x-?rays?|radiographs?|EMG|NCV|NCS|imaging|scan|shows|showed|revealed|reveals|demonstrated)\b", re.I
)
_SURGICAL_HISTORY = re.compile(r"^(?:history of|status post|s/p|post)\b", re.IGNORECASE)
_GROUP_WORDS: tuple[tuple[str, DiagnosisGroup], ...] = (
        (r"radiculopathy", "radiculopathy"),
        (r"radiculitis|neuritis|neuralgia|sciatica", "neuralgia_neuritis_radiculitis"),
        (r"complex regional pain|crps|reflex sympathetic", "crps"),
        (r"disc displacement|disc herniation|herniated|disc bulge|disc protrusion|degenerative disc", "disc_disorder"),
        (r"spondylolisthesis|spondylolysis|pars defect", "spondylolisthesis"),
        (r"spondylosis", "spondylosis"),
        (r"facet arthropathy|facet syndrome", "facet_arthropathy"),
        (r"stenosis", "spinal_stenosis"),
        (r"sprain|strain", "sprain_strain"),
        (r"myalgia|myositis|myofascial", "myalgia_myositis"),
        (r"fibromyalgia", "fibromyalgia"),
        (r"carpal tunnel", "carpal_tunnel"),
        (r"osteoarthritis", "osteoarthritis"),
        (r"tendinitis|tendonitis|tendinopathy|tendinosis|tenosynovitis|de ?Quervain'?s disease", "tendinopathy"),
        (r"decompression|fusion|laminectomy|discectomy|post-?operative|post-?surgical|failed back", "post_surgical"),
        (r"depression|depressive|anxiety|adjustment disorder", "depression_anxiety"),
        (r"full[- ]?thickness(?: \w+){0,3} tear|complete(?: \w+){0,2} (?:tear|rupture)|rupture", "complete_tear"),
        (r"fracture|dislocation", "fracture_dislocation"),
)
_GROUPS = tuple((re.compile(rf"\b(?:{words})", re.IGNORECASE), group) for words, group in _GROUP_WORDS)
_WORK_WORDS: tuple[tuple[str, WorkStatus], ...] = (
        (r"modified duty|modified duties|modified work|light duty|restricted duty|working with restrictions|return(?:ed)? "
         r"to work with restrictions|work status (?:is |was )?(?:described as )?modified", "modified_duty"),
        (r"off work|off of work|(?:total temporary|temporary total|totally temporarily|temporarily totally) disab\w+"
         r"|TTD|unable to work|work status (?:is |of )?(?:off|TTD)", "off_work"),
        (r"not working|not currently working|unemployed|laid off|terminated", "not_working_other"),
        (r"full duty|regular duty|regular work|full work duty|working full time|usual and customary (?:work|duties)"
         r"|without restrictions", "full_duty"),
        (r"retired", "retired"),
)
_WORK = tuple((re.compile(rf"\b(?:{words})\b", re.IGNORECASE), status) for words, status in _WORK_WORDS)
_PAIN = gated(
    r"(?<![\d/.])(\d{1,2}(?:\.\d)?)\s?/\s?10(?![\d/])"
    # "rated at 5 out of 10", "rated 1 on a 10-point scale", "7 on a scale of 0 to 10"
    r"|(?<![\d/.-])(\d{1,2}(?:\.\d)?) (?:out of|of) (?:10|ten)\b"
    r"|(?<![\d/.-])(\d{1,2}(?:\.\d)?) on (?:an? )?(?:0-10|0 to 10|10-point|ten-point|1-10|scale of (?:0|1) to 10)\b",
    re.IGNORECASE,
)
_RADIATION = gated(
    r"\b(?:radiat\w{0,6}|shooting (?:down|into)|radicular (?:pain|symptoms|complaints)|sciatica)", re.IGNORECASE
)
_NUMB = gated(r"\b(?:numbness|numb|paresthesias?|tingling)\b", re.IGNORECASE)
_NO_RED_FLAGS = re.compile(r"\b(?:no|without|denies|negative for) (?:\w+ ){0,2}red flags?\b", re.IGNORECASE)
_RED_FLAGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{words})\b", re.IGNORECASE), flag)
    for words, flag in (
        (r"cauda equina", "cauda_equina"),
        (r"saddle an(?:a)?esthesia", "saddle_anesthesia"),
        (r"(?:bowel or )?bladder (?:dysfunction|incontinence)|urinary (?:retention|incontinence)", "bladder_dysfunction"),
        (r"history of (?:[a-z]+ ){0,2}(?:cancer|malignancy|carcinoma)|(?:prior|previous|treated) (?:[a-z]+ )?cancer",
         "cancer_history"),
        (r"progressive neurologic(?:al)? deficit", "progressive_neurologic_deficit"),
        (r"unexplained weight loss|night sweats", "constitutional_symptoms"),
    )
)


def claimant(sentences: list[Sentence], rec: Recorder) -> dict[str, Any] | None:
    for sentence in sentences:
        match = _AGE_SEX.search(sentence.flat)
        if match is None or not 14 <= int(match.group(1)) <= 110:
            continue
        found: dict[str, Any] = {"age": int(match.group(1))}
        rec.add("claimant.age", found["age"], sentence)
        if match.group(2):
            found["sex"] = "female" if match.group(2).lower() in ("female", "woman", "lady") else "male"
            rec.add("claimant.sex", found["sex"], sentence)
        return found
    return None


def injury(sentences: list[Sentence], rec: Recorder, regions: list[str]) -> dict[str, Any] | None:
    found: dict[str, Any] = {}
    for sentence in sentences:
        flat = sentence.flat
        if "date" not in found and not DISPUTE.search(flat):
            dates = find_dates(flat)
            for trigger in _INJURY.finditer(flat):
                near = [d for d in dates if 0 <= d.start - trigger.end() <= 30 or 0 <= trigger.start() - d.end <= 6]
                if near:
                    found["date"] = near[0].value
                    rec.add("injury.date", near[0].value, sentence)
                    break
        mechanism = _MECHANISM.search(flat)
        if "mechanism" not in found and mechanism is not None:
            found["mechanism"] = (mechanism.group(1) or mechanism.group(2)).strip()
            rec.add("injury.mechanism", found["mechanism"], sentence)
    if regions:
        # The injured regions are the diagnoses' regions: their evidence is the diagnoses' sentences.
        found["regions"] = tuple(dict.fromkeys(regions))
        for item in [e for e in rec.items if re.fullmatch(r"diagnoses\[\d+\]\.region", e.field)]:
            rec.items.append(item.model_copy(update={"field": "injury.regions", "value": list(found["regions"])}))
    return found or None


def _split_diagnoses(text: str) -> list[str]:
    parts: list[str] = []
    for chunk in re.split(r",\s|;\s", text):
        pieces = chunk.split(" and ")
        merged: list[str] = []
        for piece in pieces:
            if merged and _SURGICAL_HISTORY.match(merged[-1].strip()):
                merged[-1] += " and " + piece
            else:
                merged.append(piece)
        parts.extend(p.strip(" .") for p in merged)
    return [p for p in parts if 2 < len(p) <= 200]


def _diagnosis_texts(flat: str) -> list[str]:
    """The diagnoses a sentence lists, or the structural finding it states without naming a study."""
    match = _DIAGNOSIS.search(flat)
    if match is not None:
        rest = flat[match.end() :]
        if flat[match.end() - 2 : match.end()].strip().endswith("("):
            rest = rest[: _closing(rest)]
        return _split_diagnoses(rest.rstrip(". "))
    finding = _STATED_FINDING.search(flat)
    if finding is not None and not _STUDY_WORDS.search(flat) and assertion(flat, *finding.span(1)) == "affirmed":
        return [finding.group(1)]
    return []


def diagnoses(sentences: list[Sentence], rec: Recorder) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = []
    for sentence in sentences:
        flat = sentence.flat
        if DISPUTE.search(flat) and _DIAGNOSIS.search(flat) is None:
            continue
        for text in _diagnosis_texts(flat):
            if any(d["text"].lower() == text.lower() for d in found):
                continue
            index = len(found)
            item: dict[str, Any] = {"text": text}
            group = next((g for pattern, g in _GROUPS if pattern.search(text)), None)
            region = next(iter(regions_in(text)), None) or region_of_levels(levels_in(text))
            if group is not None:
                item["group"] = group
            if region is not None:
                item["region"] = region
            for key, value in item.items():
                rec.add(f"diagnoses[{index}].{key}", value, sentence)
            found.append(item)
    return found or None


def _closing(text: str) -> int:
    depth = 1
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index
    return len(text)


_WORK_KEYWORDS = Keywords(*(pattern for pattern, _ in _WORK))


def work_status(sentences: list[Sentence], rec: Recorder) -> WorkStatus | None:
    status: WorkStatus | None = None
    for sentence in sentences:
        if not _WORK_KEYWORDS.may_match(sentence.flat, sentence.lowered):  # no status pattern can match
            continue
        hits = [(m.start(), s) for pattern, s in _WORK for m in pattern.finditer(sentence.flat) if affirmed(sentence.flat, m)]
        if hits:
            status = max(hits)[1]
            rec.add("work_status", status, sentence)
    return status


# How long the pain has lasted: "low back pain for the past two years", "leg pain that began three
# weeks ago", "a 14-month history of neck pain". Read only in a sentence about pain or symptoms.
_SYMPTOM_WORDS = r"(?:pain|symptoms?|complaints?|sciatica|spasms?)"
_DURATION = gated(
    rf"\b{_SYMPTOM_WORDS}\b[^.;]{{0,70}}?\b(?:for|over|during|in) (?:the |about |approximately |nearly |more than )?"
    rf"(?:past |last |previous |preceding )?{COUNT}\s(days?|weeks?|months?|years?)\b(?! ago)"
    rf"|\b{_SYMPTOM_WORDS}\b[^.;]{{0,70}}?\b(?:began|started|developed|arose|came on|since)\b[^.;]{{0,40}}?\b{COUNT}\s"
    rf"(days?|weeks?|months?|years?) ago\b"
    rf"|\b(?:began|started|developed)\b[^.;]{{0,60}}?\b{_SYMPTOM_WORDS}\b[^.;]{{0,60}}?\b{COUNT}\s(days?|weeks?|months?|years?)"
    rf" ago\b"
    rf"|\b{COUNT}[- ](day|week|month|year)[- ]history of (?:[\w-]+ ){{0,3}}?{_SYMPTOM_WORDS}\b",
    re.IGNORECASE,
)
# Between the symptom and its duration: relief or a treatment means the duration is theirs ("70% pain
# relief for 10 weeks", "pain managed with therapy for 6 weeks").
_NOT_THE_SYMPTOM = re.compile(
    r"\b(?:relie\w*|improve\w*|benefit\w*|better|resolv\w*|free|medications?|meds|therapy|sessions?|injections?|"
    r"blocks?|treat\w*|taking|takes|taken|used|using|prescribed|work(?:ed|ing)?|duty)\b",
    re.IGNORECASE,
)
_MONTHS_PER = {"day": 1 / 30.4, "week": 1 / 4.35, "month": 1.0, "year": 12.0}


def _duration_months(flat: str) -> float | None:
    """Months of symptoms the sentence states, or None (also when the statement is negated)."""
    for match in _DURATION.finditer(flat):
        groups = [g for g in match.groups() if g is not None]
        number, unit = count_value(groups[0]), groups[1].lower().rstrip("s")
        if _NOT_THE_SYMPTOM.search(match.group(0)) is not None:
            continue
        if number is not None and affirmed(flat, match):
            return round(number * _MONTHS_PER[unit], 1)
    return None


_SYMPTOM_KEYWORDS = Keywords(_DURATION, _PAIN, _RADIATION, _NUMB)


def symptoms(sentences: list[Sentence], rec: Recorder) -> dict[str, Any] | None:
    found: dict[str, Any] = {}
    for sentence in sentences:
        flat = sentence.flat
        if not _SYMPTOM_KEYWORDS.may_match(flat, sentence.lowered):  # none of the patterns below can match
            continue
        months = _duration_months(flat)
        if months is not None:
            found["duration_months"] = months
            rec.add("symptoms.duration_months", months, sentence)
        for match in _PAIN.finditer(flat):
            score = float(next(g for g in match.groups() if g is not None))
            if score <= 10:
                found["pain_score"] = score
                rec.add("symptoms.pain_score", found["pain_score"], sentence)
        for match in _RADIATION.finditer(flat):
            found["radiating"] = affirmed(sentence.flat, match)
            rec.add("symptoms.radiating", found["radiating"], sentence)
            side = side_in(flat[match.end() : match.end() + 50]) if found["radiating"] else None
            if side is None and found["radiating"] and re.search(r"\b(?:extremities|legs|arms)\b", flat[match.end() :]):
                side = "bilateral"
            if side is not None:
                found["radiation_side"] = side
                rec.add("symptoms.radiation_side", side, sentence)
        for match in _NUMB.finditer(flat):
            found["numbness"] = affirmed(sentence.flat, match)
            rec.add("symptoms.numbness", found["numbness"], sentence)
    return found or None


# One pass over each sentence for any red flag or its absence before the flag-by-flag patterns.
_ANY_RED_FLAG = any_of(*(p for p, _ in _RED_FLAGS), _NO_RED_FLAGS)
_RED_FLAG_KEYWORDS = Keywords(*(p for p, _ in _RED_FLAGS), _NO_RED_FLAGS)


def red_flags(sentences: list[Sentence], rec: Recorder) -> list[str] | None:
    flags: list[str] | None = None
    for sentence in sentences:
        if not _RED_FLAG_KEYWORDS.may_match(sentence.flat, sentence.lowered) or _ANY_RED_FLAG.search(sentence.flat) is None:
            continue
        if _NO_RED_FLAGS.search(sentence.flat):
            flags = flags or []
            rec.add("red_flags", [], sentence)
        for pattern, flag in _RED_FLAGS:
            match = pattern.search(sentence.flat)
            if match is not None and affirmed(sentence.flat, match):
                flags = [*(flags or []), flag] if flag not in (flags or []) else flags
                rec.add("red_flags", flag, sentence)
    return flags
