"""Studies already done and prior treatment: injections, therapy courses, home exercise,
medications, TENS. Only treatments the summary says were given count; planned or disputed
ones ("was requested", "were sought", utilization review sentences) do not."""

from __future__ import annotations

import re
from typing import Any

from engine.catalog import TreatmentCatalog
from engine.extract.dates import find_dates
from engine.extract.evidence import Recorder
from engine.extract.negation import assertion
from engine.extract.sentences import Sentence
from engine.extract.vocab import COUNT, DISPUTE, count_value, given, levels_in, regions_in, side_in

MAX_INJECTIONS = 20
_MODALITIES = (
    (re.compile(r"\b(?:MRI|magnetic resonance)", re.IGNORECASE), "mri"),
    (re.compile(r"\b(?:CT|CAT scan|computed tomography)\b"), "ct"),
    (re.compile(r"\b(?:x-?rays?|radiographs?|films)\b", re.IGNORECASE), "xray"),
    (re.compile(r"\b(?:EMG|NCV|NCS|electrodiagnostic|nerve conduction)", re.IGNORECASE), "emg_ncs"),
    (re.compile(r"\bbone scan\b", re.IGNORECASE), "bone_scan"),
)
_STUDY_DONE = re.compile(r"\b(?:dated|done|showed|shows|revealed|reveals|demonstrated|performed|obtained)\b", re.I)
_SHOWS = re.compile(r"\b(?:shows|showed|revealed|reveals|demonstrated|demonstrates)\s(.{3,300})", re.IGNORECASE)
_ROOT = re.compile(r"\bnerve root (?:impingement|compression|compromise|encroachment)|\bimpinging\b", re.I)
_OFFICIAL = re.compile(r"\bofficial (?:report|read|reading)\b|\bformal report\b", re.IGNORECASE)
_ESI = re.compile(
    r"\b(?:epidural steroid injections?|epidural injections?|ESIs?|selective nerve root blocks?|"
    r"nerve root blocks?|transforaminal (?:epidural )?injections?|epidurals?)\b",
    re.IGNORECASE,
)
_COUNT_BEFORE = re.compile(rf"\b{COUNT}\s(?:prior\s|previous\s|lumbar\s|cervical\s){{0,2}}$", re.IGNORECASE)
_RELIEF = re.compile(
    r"\b(?:with|had|reported|gave|provided)?\W{0,3}(no|without|(\d{1,3})\s?%|good|significant|some|minimal|partial|"
    r"little|moderate|excellent)\W{0,3}(?:pain\s)?relief\b",
    re.IGNORECASE,
)
_WEEKS = re.compile(r"\bfor\s(\d{1,2})\s(weeks?|months?)\b", re.IGNORECASE)
_THERAPIES = (
    (re.compile(r"\b(?:physical therapy|PT|physiotherapy)\b"), "physical_therapy"),
    (re.compile(r"\bchiropractic\w*|\bchiropractor\b", re.IGNORECASE), "chiropractic"),
    (re.compile(r"\bacupuncture\b", re.IGNORECASE), "acupuncture"),
    (re.compile(r"\b(?:aquatic|pool) therapy\b", re.IGNORECASE), "aquatic_therapy"),
)
_VISITS_BEFORE = re.compile(r"\b(\d{1,3}) (?:sessions|visits|treatments) of $", re.IGNORECASE)
_VISITS_AFTER = re.compile(r"^\W{0,3}(?:x\s?|for\s)?(\d{1,3})\s?(?:sessions|visits|treatments)?\b", re.IGNORECASE)
_FUNCTION = re.compile(r"\b(?:functional (?:improvement|benefit|gains?)|improved function)\b", re.IGNORECASE)
_HEP = re.compile(r"\bhome exercises?(?: program)?\b|\bHEP\b", re.IGNORECASE)
_TENS = re.compile(r"\bTENS\b|\btranscutaneous electrical nerve stimulation\b")
_NO_MEDS = re.compile(r"\bno (?:current )?medications? list\b|\bmedications? (?:list )?(?:was|were) not provided\b", re.I)
_USING = re.compile(
    r"\b(?:using|uses|taking|takes|prescribed|(?:was|is|were|are|been|remains?) on|medications? (?:include|includes|"
    r"are|list)|continue[sd]?)\b",
    re.IGNORECASE,
)
DRUGS = {
    "norco": "hydrocodone", "vicodin": "hydrocodone", "lortab": "hydrocodone", "percocet": "oxycodone",
    "oxycontin": "oxycodone", "roxicodone": "oxycodone", "ultram": "tramadol", "ultracet": "tramadol",
    "dilaudid": "hydromorphone", "voltaren": "diclofenac", "motrin": "ibuprofen", "advil": "ibuprofen",
    "naprosyn": "naproxen", "anaprox": "naproxen", "mobic": "meloxicam", "celebrex": "celecoxib",
    "soma": "carisoprodol", "flexeril": "cyclobenzaprine", "fexmid": "cyclobenzaprine", "robaxin": "methocarbamol",
    "zanaflex": "tizanidine", "skelaxin": "metaxalone", "neurontin": "gabapentin", "lyrica": "pregabalin",
    "medrol": "methylprednisolone", "prilosec": "omeprazole", "protonix": "pantoprazole", "lidoderm": "lidocaine",
    "cymbalta": "duloxetine", "elavil": "amitriptyline", "ambien": "zolpidem",
}


def studies(sentences: list[Sentence], rec: Recorder) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = []
    last_sentence = -2
    for number, sentence in enumerate(sentences):
        flat = sentence.flat
        if DISPUTE.search(flat):
            continue
        hits = [(m, modality) for pattern, modality in _MODALITIES for m in pattern.finditer(flat)]
        done = [(m, modality) for m, modality in hits if _STUDY_DONE.search(flat) and given_study(flat, m)]
        if done and not any(s["modality"] == done[0][1] and s.get("_n") == number for s in found):
            match, modality = done[0]
            index = len(found)
            study: dict[str, Any] = {"modality": modality, "_n": number}
            regions = regions_in(flat[match.end() : match.end() + 40]) or regions_in(flat)
            dates = find_dates(flat)
            if regions:
                study["region"] = regions[0]
            if dates:
                study["date"] = dates[0].value
            found.append(study)
            for key, value in study.items():
                if not key.startswith("_"):
                    rec.add(f"studies[{index}].{key}", value, sentence)
            last_sentence = number
        elif found and number == last_sentence + 1 and not hits:
            # A sentence right after a study that speaks of it ("it shows ...", "no official report").
            last_sentence = number
        else:
            continue
        study = found[-1]
        index = len(found) - 1
        shows = _SHOWS.search(flat)
        if shows is not None:
            # A later sentence about the same study ("it shows ...") is more specific: it wins.
            study["findings"] = shows.group(1).rstrip(". ")
            rec.add(f"studies[{index}].findings", study["findings"], sentence)
        for match in _ROOT.finditer(flat):
            study["nerve_root_compromise"] = assertion(flat, match.start(), match.end()) == "affirmed"
            rec.add(f"studies[{index}].nerve_root_compromise", study["nerve_root_compromise"], sentence)
        for match in _OFFICIAL.finditer(flat):
            study["official_report"] = assertion(flat, match.start(), match.end()) == "affirmed"
            rec.add(f"studies[{index}].official_report", study["official_report"], sentence)
    for study in found:
        study.pop("_n", None)
    return found or None


def given_study(flat: str, match: re.Match[str]) -> bool:
    return given(flat, match.start(), match.end()) or not re.search(
        r"\b(?:request|requested|sought|recommend|order|is for)\w*", flat, re.IGNORECASE
    )


def injections(sentences: list[Sentence], rec: Recorder) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = []
    for sentence in sentences:
        flat = sentence.flat
        if DISPUTE.search(flat):
            continue
        for match in _ESI.finditer(flat):
            if not given(flat, match.start(), match.end()) or assertion(flat, match.start(), match.end()) == "negated":
                continue
            count_match = _COUNT_BEFORE.search(flat[max(0, match.start() - 30) : match.start()])
            count = count_value(count_match.group(1)) if count_match else None
            plural = match.group(0).lower().endswith("s") and not match.group(0).lower().endswith("ss")
            count = min(count or 1, MAX_INJECTIONS) if count or not plural else 1
            after = flat[match.end() : match.end() + 60]
            after = re.split(r"\band (?!S\d)|;|\)", after)[0]
            record: dict[str, Any] = {"treatment": "epidural_steroid_injection"}
            before = flat[max(0, match.start() - 25) : match.start()]
            regions = regions_in(before + match.group(0))
            if regions:
                record["region"] = regions[0]
            levels = levels_in(after)
            if levels:
                record["levels"] = levels
            side = side_in(before + after) if not levels else side_in(after)
            if side is not None:
                record["side"] = side
            relief = _RELIEF.search(after)
            if relief is not None:
                word = relief.group(1).lower()
                if word in ("no", "without"):
                    record["relief_pct"] = 0.0
                elif relief.group(2):
                    record["relief_pct"] = min(float(relief.group(2)), 100.0)
            weeks = _WEEKS.search(after)
            if weeks is not None:
                record["relief_weeks"] = float(weeks.group(1)) * (4.3 if weeks.group(2).lower().startswith("m") else 1)
            dates = [d for d in find_dates(flat) if abs(d.start - match.end()) < 40]
            if dates:
                record["date"] = dates[0].value
            for _ in range(count):
                index = len(found)
                found.append(dict(record))
                for key, value in record.items():
                    rec.add(f"history.injections[{index}].{key}", value, sentence)
    return found or None


def therapy_courses(sentences: list[Sentence], rec: Recorder) -> list[dict[str, Any]] | None:
    courses: dict[str, dict[str, Any]] = {}
    for sentence in sentences:
        flat = sentence.flat
        if DISPUTE.search(flat):
            continue
        for pattern, treatment in _THERAPIES:
            for match in pattern.finditer(flat):
                if not given(flat, match.start(), match.end()):
                    continue
                negated = assertion(flat, match.start(), match.end()) == "negated"
                if negated:
                    continue
                course = courses.setdefault(treatment, {"treatment": treatment})
                index = list(courses).index(treatment)
                rec.add(f"history.therapy_courses[{index}].treatment", treatment, sentence)
                visits = _VISITS_BEFORE.search(flat[max(0, match.start() - 30) : match.start()]) or _VISITS_AFTER.search(
                    flat[match.end() : match.end() + 25]
                )
                if visits is not None:
                    course["visits"] = int(visits.group(1))
                    rec.add(f"history.therapy_courses[{index}].visits", course["visits"], sentence)
                region = regions_in(flat[max(0, match.start() - 20) : match.end() + 30])
                if region and "region" not in course:
                    course["region"] = region[0]
                    rec.add(f"history.therapy_courses[{index}].region", region[0], sentence)
                function = _FUNCTION.search(flat[match.end() : match.end() + 80])
                if function is not None:
                    value = assertion(flat, match.end() + function.start(), match.end() + function.end()) == "affirmed"
                    course["functional_improvement"] = value
                    rec.add(f"history.therapy_courses[{index}].functional_improvement", value, sentence)
    return list(courses.values()) or None


def flag(sentences: list[Sentence], rec: Recorder, pattern: re.Pattern[str], field: str) -> bool | None:
    """home_exercise / tens_trial_done: True when given, False when stated absent."""
    value: bool | None = None
    for sentence in sentences:
        for match in pattern.finditer(sentence.flat):
            if assertion(sentence.flat, match.start(), match.end()) == "negated":
                value = False
            elif given(sentence.flat, match.start(), match.end()):
                value = True
            else:
                continue
            rec.add(field, value, sentence)
    return value


def medications(sentences: list[Sentence], rec: Recorder, catalog: TreatmentCatalog) -> list[dict[str, Any]] | None:
    names = sorted(
        (n for t in catalog.treatments.values() if t.category == "pharmaceutical" for n in (*t.synonyms, *t.brands)),
        key=len,
        reverse=True,
    )
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    found: dict[str, dict[str, Any]] = {}
    for sentence in sentences:
        flat = sentence.flat
        if _NO_MEDS.search(flat):
            rec.note("the summary says no medication list was provided; history.medications left undocumented")
            continue
        if DISPUTE.search(flat) or not _USING.search(flat):
            continue
        for match in pattern.finditer(flat):
            if not given(flat, match.start(), match.end()) or assertion(flat, match.start(), match.end()) == "negated":
                continue
            name = match.group(1)
            key = name.lower()
            if key in found or catalog.match_title(name) is None:
                continue
            treatment = catalog.resolve(name).id
            drug = DRUGS.get(key, key if key in (s.lower() for s in catalog.get(treatment).synonyms) else None)
            med: dict[str, Any] = {"name": name, "treatment": treatment, "current": True}
            if drug is not None:
                med["drug"] = drug
            index = len(found)
            found[key] = med
            for field, value in med.items():
                rec.add(f"history.medications[{index}].{field}", value, sentence)
    return list(found.values()) or None


def home_exercise(sentences: list[Sentence], rec: Recorder) -> bool | None:
    return flag(sentences, rec, _HEP, "history.home_exercise")


def tens(sentences: list[Sentence], rec: Recorder) -> bool | None:
    return flag(sentences, rec, _TENS, "history.tens_trial_done")

