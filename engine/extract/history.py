"""Studies already done and prior treatment: therapy courses, home exercise, TENS (injections
are in `injections.py`, medications in `medications.py`, surgeries in `surgery.py`). Only
treatments the summary says were given count; planned or disputed ones ("was requested", "were
sought", utilization review sentences) do not."""

from __future__ import annotations

import re
from typing import Any

from engine.alternation import Gated, Keywords, gated
from engine.extract.dates import find_dates
from engine.extract.evidence import Recorder
from engine.extract.lesions import study_lesions
from engine.extract.negation import assertion
from engine.extract.sentences import Sentence
from engine.extract.vocab import COUNT, DISPUTE, PLAN_CUE, count_value, given, levels_in, region_of_levels, regions_in

_MODALITIES = (
    (gated(r"\b(?:MRI|magnetic resonance)", re.IGNORECASE), "mri"),
    (gated(r"\b(?:CT|CAT scan|computed tomography)\b"), "ct"),
    (gated(r"\b(?:x-?rays?|radiographs?|films)\b", re.IGNORECASE), "xray"),
    (gated(r"\b(?:EMG|NCV|NCS|electrodiagnostic|nerve conduction)", re.IGNORECASE), "emg_ncs"),
    (gated(r"\bbone scan\b", re.IGNORECASE), "bone_scan"),
)
_STUDY_DONE = gated(
    r"\b(?:dated|done|showed|shows|revealed|reveals|demonstrated|performed|obtained|reported|(?:was|were) (?:negative|normal|"
    r"unremarkable|positive|abnormal))\b",
    re.I,
)
_SHOWS = gated(r"\b(?:shows|showed|revealed|reveals|demonstrated|demonstrates)\s([^;]{3,300})", re.IGNORECASE)
_REPORT_HEADING = re.compile(r"(?:s|/\w{2,4})?:")
# "April 2009 lumbar MRI reported; ...": the study and its result, even beside a request.
_DONE_RIGHT_AFTER = re.compile(r"s? (?:was |were )?(?:reported|showed|revealed|demonstrated)\b", re.IGNORECASE)
_DEFINITE = re.compile(r"\b(?:the|this|that|these|those)\s(?:\w+\s)?$", re.IGNORECASE)
# "was negative": a study that found nothing found no nerve-root compromise.
_UNREMARKABLE = gated(r"\b(?:was|were) (?:negative|normal|unremarkable)\b", re.IGNORECASE)
_ROOT = gated(
    r"\bnerve root (?:impingement|compression|compromise|encroachment|irritation)|\bimpinging\b|\broot irritation\b|"
    r"\b(?:contact|abut|touch)\w* (?:upon |on )?(?:the )?(?:\w+ ){0,3}nerve roots?\b", re.I
)
_OFFICIAL = gated(r"\bofficial (?:report|read|reading)\b|\bformal report\b", re.IGNORECASE)
_THERAPIES = (
    (re.compile(r"\b(?:physical therapy|PT|physiotherapy)\b"), "physical_therapy"),
    (re.compile(r"\bchiropractic\w*|\bchiropractor\b", re.IGNORECASE), "chiropractic"),
    (re.compile(r"\bacupuncture\b", re.IGNORECASE), "acupuncture"),
    (re.compile(r"\b(?:aquatic|pool) therapy\b", re.IGNORECASE), "aquatic_therapy"),
    (re.compile(r"\boccupational therapy\b|\bOT\b"), "occupational_therapy"),
    (re.compile(r"\bmassage(?: therapy)?\b", re.IGNORECASE), "massage_therapy"),
)
_VISITS_BEFORE = re.compile(rf"\b{COUNT} (?:sessions|visits|treatments) of $", re.IGNORECASE)
# "physical therapy x 12", "physical therapy x at least 6 sessions" (at least: the count documented)
_VISITS_AFTER = re.compile(
    r"^\W{0,3}(?:x\s?|for\s)?(?:at least\s)?(\d{1,3})\s?(?:sessions|visits|treatments)?\b", re.IGNORECASE
)
# "16 chiropractic visits", "twelve physical therapy sessions": the count before the name, the unit after.
_COUNT_BEFORE = re.compile(
    rf"\b{COUNT} (?:prior |previous |earlier |(?:post-?operative|postsurgical|post-surgical|postoperative) )?$", re.I
)
# "7 physical therapy reports dated 11-08-2016 to 11-30-2016": the records of a course, one per visit.
_UNIT_AFTER = re.compile(
    r"^(?: (?:manipulation|treatment|therapy|care))? (?:sessions|visits|treatments|(?:progress |daily )?(?:reports|notes))\b",
    re.IGNORECASE,
)
_RECORDS_AFTER = re.compile(r"^(?: (?:progress|daily|treatment))? (?:reports?|notes?) dated\b", re.IGNORECASE)
_POSTSURGICAL_BEFORE = re.compile(r"\b(?:post-?operative|postsurgical|post-surgical|postoperative) $", re.IGNORECASE)
# A treatment followed by its outcome was given: "physical therapy with reported improvement".
_OUTCOME_AFTER = re.compile(
    r"[^.;]{0,30}?\b(?:with (?:\w+ ){0,2}(?:improvement|relief|benefit)|(?:did not |didn't )?help(?:ed)?|"
    r"(?:was|were) (?:helpful|beneficial|not helpful|ineffective)"
    r"|(?:has|have|had) (?:not )?(?:proven|proved|been) (?:\w+ )?(?:beneficial|helpful|effective))\b",
    re.IGNORECASE,
)
_HELPED = re.compile(
    r"[^.;]{0,40}?\b((?:has |have |had )?(?:not )?(?:helped|been helpful|(?:decreased|reduced|relieved|improved) "
    r"(?:his |her |their |the )?(?:pain|symptoms)|(?:gave|provided|brought) (?:good |some |significant |moderate )?"
    r"(?:pain )?(?:relief|benefit|improvement)))\b",
    re.IGNORECASE,
)
_FUNCTION = re.compile(r"\b(?:functional (?:improvement|benefit|gains?)|improved function)\b", re.IGNORECASE)
_HEP = gated(r"\bhome exercises?(?: program)?\b|\bHEP\b", re.IGNORECASE)
_TENS = gated(r"\bTENS\b|\btranscutaneous electrical nerve stimulation\b")


# "No imaging of the lumbar spine has been done", "she has had no prior MRI": the study history is
# documented, and empty (criteria on repeat imaging count earlier studies).
_NO_STUDIES = gated(
    r"\b(?:no (?:prior |previous |earlier )?(?:imaging|diagnostic (?:imaging|studies)|MRI|x-?rays?|radiographs?|"
    r"imaging studies)(?: studies)?(?: of the [\w ]{3,25}?)? (?:has|have) (?:yet )?been (?:done|performed|obtained)"
    r"|(?:has|have) (?:had )?no (?:prior |previous |earlier )?(?:imaging|MRI|x-?rays?|radiographs?)"
    r"|(?:has|have) (?:not|never) (?:had|undergone) (?:any )?(?:imaging|an MRI|x-?rays?)"
    r"|(?:has|have) not (?:yet )?been imaged)\b",
    re.IGNORECASE,
)


# Keyword prefilters (engine.alternation.Keywords): a sentence naming no modality or therapy is
# skipped with one search instead of every pattern.
_MODALITY_KEYWORDS = Keywords(*(pattern for pattern, _ in _MODALITIES))
_THERAPY_KEYWORDS = Keywords(*(pattern for pattern, _ in _THERAPIES))


def studies(sentences: list[Sentence], rec: Recorder) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = []
    last_sentence = -2
    stated_none = False
    for number, sentence in enumerate(sentences):
        flat = sentence.flat
        if DISPUTE.search(flat):
            continue
        if _NO_STUDIES.search(flat):
            stated_none = True
            rec.add("studies", [], sentence)
            continue
        hits = sorted(((m, modality) for pattern, modality in _MODALITIES for m in pattern.finditer(flat)),
                      key=lambda hit: hit[0].start()) if _MODALITY_KEYWORDS.may_match(flat, sentence.lowered) else []
        done = [(m, modality) for m, modality in hits
                if (_done(flat, m) and given_study(flat, m)) or _DONE_RIGHT_AFTER.match(flat, m.end())]
        earlier = _referred_back(flat, done, found)
        new = _new_studies(flat, done, number) if earlier is None else []
        for study in new:
            index = len(found)
            found.append(study)
            for key, value in study.items():
                if not key.startswith("_"):
                    rec.add(f"studies[{index}].{key}", value, sentence)
        if new or earlier is not None:
            last_sentence = number
        elif found and number == last_sentence + 1 and not hits:
            # A sentence right after a study that speaks of it ("it shows ...", "no official report").
            last_sentence = number
        else:
            _unattached_root_finding(flat, rec)
            continue
        index = len(found) - 1 if earlier is None else earlier
        study = found[index]
        shows = _SHOWS.search(flat)
        if shows is not None:
            # A later sentence about the same study ("it shows ...") is more specific: it wins.
            study["findings"] = shows.group(1).rstrip(". ")
            rec.add(f"studies[{index}].findings", study["findings"], sentence)
        for match in _ROOT.finditer(flat):
            study["nerve_root_compromise"] = assertion(flat, match.start(), match.end()) == "affirmed"
            rec.add(f"studies[{index}].nerve_root_compromise", study["nerve_root_compromise"], sentence)
        if "nerve_root_compromise" not in study and _UNREMARKABLE.search(flat):
            study["nerve_root_compromise"] = False
            rec.add(f"studies[{index}].nerve_root_compromise", False, sentence)
        for key, value in study_lesions(flat).items():
            study[key] = value
            rec.add(f"studies[{index}].{key}", value, sentence)
        for match in _OFFICIAL.finditer(flat):
            study["official_report"] = assertion(flat, match.start(), match.end()) == "affirmed"
            rec.add(f"studies[{index}].official_report", study["official_report"], sentence)
    for study in found:
        study.pop("_n", None)
    return found if found or stated_none else None


def _done(flat: str, match: re.Match[str]) -> bool:
    """A study already done: a word saying so in the sentence, a treatment list it is part of
    ("Treatment has included x-ray, ..."), or a report heading ("January 2009 MRI: ...")."""
    return bool(_STUDY_DONE.search(flat) or _REPORT_HEADING.match(flat, match.end())) or given(
        flat, match.start(), match.end()
    )


def _referred_back(flat: str, done: list[tuple[re.Match[str], str]], found: list[dict[str, Any]]) -> int | None:
    """"The CT report showed ...": the study of that modality already read, when the sentence
    names it with a definite article and no date of its own (then it is a new study)."""
    if len(done) != 1 or find_dates(flat):
        return None
    match, modality = done[0]
    if not _DEFINITE.search(flat[max(0, match.start() - 12) : match.start()]):
        return None
    return next((i for i in range(len(found) - 1, -1, -1) if found[i]["modality"] == modality), None)


def _new_studies(flat: str, done: list[tuple[re.Match[str], str]], number: int) -> list[dict[str, Any]]:
    """One study per modality the sentence names as done ("x-rays and CT scan (10-12-2016) of the
    cervical spine": two studies, both of the cervical spine, both of that date)."""
    studies: list[dict[str, Any]] = []
    dates = find_dates(flat)
    for match, modality in done:
        if any(s["modality"] == modality for s in studies):
            continue
        study: dict[str, Any] = {"modality": modality, "_n": number}
        # "January 2009 MRI: L4-5 annular tear": the spinal level names the region when no word does.
        regions = regions_in(flat[match.end() : match.end() + 50]) or regions_in(flat)
        region = regions[0] if regions else region_of_levels(levels_in(flat[match.end() : match.end() + 50]))
        if region is not None:
            study["region"] = region
        if dates:
            study["date"] = dates[0].value
        studies.append(study)
    return studies


def _unattached_root_finding(flat: str, rec: Recorder) -> None:
    """Nerve-root compromise stated with no study named: a Study needs its modality, and an invented
    one would be a false fact, so it is not recorded as a study; the note says what to add."""
    root = _ROOT.search(flat)
    if root is not None and assertion(flat, root.start(), root.end()) == "affirmed":
        rec.note(
            "nerve-root compromise is stated without the study that showed it; not recorded under studies "
            "(a study needs its modality): add the imaging or EMG/NCV report"
        )


def given_study(flat: str, match: re.Match[str]) -> bool:
    return given(flat, match.start(), match.end()) or not re.search(
        r"\b(?:request|requested|sought|recommend|order|is for)\w*", flat, re.IGNORECASE
    )


def therapy_courses(sentences: list[Sentence], rec: Recorder) -> list[dict[str, Any]] | None:
    courses: dict[str, dict[str, Any]] = {}
    for sentence in sentences:
        flat = sentence.flat
        if not _THERAPY_KEYWORDS.may_match(flat, sentence.lowered) or DISPUTE.search(flat):  # no therapy named
            continue
        for pattern, treatment in _THERAPIES:
            for match in pattern.finditer(flat):
                records = _RECORDS_AFTER.match(flat[match.end() : match.end() + 30])
                # "12 post-operative PT sessions December 2007 to January 2008": a counted course
                # with nothing planned in the sentence was given.
                counted = _COUNT_BEFORE.search(flat[max(0, match.start() - 20) : match.start()]) is not None and bool(
                    _UNIT_AFTER.match(flat[match.end() : match.end() + 30])) and PLAN_CUE.search(flat) is None
                if not (given(flat, match.start(), match.end()) or records or counted
                        or _OUTCOME_AFTER.match(flat, match.end()) or _HELPED.match(flat, match.end())):
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
                count = _COUNT_BEFORE.search(flat[max(0, match.start() - 20) : match.start()])
                number = count_value(visits.group(1)) if visits is not None else None
                if number is None and count is not None and _UNIT_AFTER.match(flat[match.end() : match.end() + 30]):
                    number = count_value(count.group(1))
                if number is not None:
                    course["visits"] = number
                    rec.add(f"history.therapy_courses[{index}].visits", number, sentence)
                if _POSTSURGICAL_BEFORE.search(flat[max(0, match.start() - 20) : match.start()]):
                    course["postsurgical"] = True
                    rec.add(f"history.therapy_courses[{index}].postsurgical", True, sentence)
                if records is not None:
                    span = [d for d in find_dates(flat[match.end() : match.end() + 60])]
                    for field, found_date in zip(("start_date", "date"), span[:2] if len(span) == 2 else [], strict=False):
                        course[field] = found_date.value
                        rec.add(f"history.therapy_courses[{index}].{field}", found_date.value, sentence)
                region = regions_in(flat[max(0, match.start() - 20) : match.end() + 30])
                if region and "region" not in course:
                    course["region"] = region[0]
                    rec.add(f"history.therapy_courses[{index}].region", region[0], sentence)
                helped = _course_helped(flat, match.end())
                if helped is not None:
                    course["helped"] = helped
                    rec.add(f"history.therapy_courses[{index}].helped", helped, sentence)
                function = _FUNCTION.search(flat[match.end() : match.end() + 80])
                if function is not None:
                    value = assertion(flat, match.end() + function.start(), match.end() + function.end()) == "affirmed"
                    course["functional_improvement"] = value
                    rec.add(f"history.therapy_courses[{index}].functional_improvement", value, sentence)
    return list(courses.values()) or None


def _course_helped(flat: str, end: int) -> bool | None:
    """Whether the words right after a course say it helped ("chiropractic treatments have helped",
    "therapy decreased his pain from 8/10 to 5/10") or did not ("with minimal relief", "has not helped")."""
    helped = _HELPED.match(flat, end)
    if helped is not None:
        return assertion(flat, end + helped.start(1) - helped.start(), helped.end()) == "affirmed"
    return False if _FAILED_AFTER.match(flat[end:]) else None


def flag(sentences: list[Sentence], rec: Recorder, pattern: re.Pattern[str] | Gated, field: str) -> bool | None:
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


# Case-blind but for "PT" (a sentence may open with "Physical therapy"; "pt" is also "patient").
_CONSERVATIVE = gated(
    r"\b(?:(?i:conservative (?:care|treatment|therapy|measures|management)|physical therapy|physiotherapy|chiropractic\w*"
    r"|acupuncture|home exercises?(?: program)?|NSAIDs?|anti-inflammatory medications?)|PT)\b"
)
_FAILED_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:(?:with|gave|provided|brought|offered|yielded|produced) (?:only )?(?:minimal|little|no|limited|"
    r"temporary|short-lived) (?:pain )?(?:relief|benefit|improvement)"
    r"|without (?:significant |lasting )?(?:relief|benefit|improvement)|(?:has |have |had )?failed|did not help"
    r"|did not improve|(?:was|were) (?:ineffective|not helpful|unsuccessful))\b",
    re.IGNORECASE,
)
_FAILED_BEFORE = re.compile(r"\b(?:failed|failure of|unresponsive to|refractory to|despite)\s(?:[\w-]+\s){0,3}$", re.I)


def conservative_care_failed(sentences: list[Sentence], rec: Recorder) -> bool | None:
    """True when care such as therapy, exercise or NSAIDs is said to have given little or no
    relief ("physical therapy with minimal relief", "despite chiropractic care"); never False, since
    a summary that says nothing of failure has not said conservative care worked."""
    for sentence in sentences:
        flat = sentence.flat
        if DISPUTE.search(flat):
            continue
        for match in _CONSERVATIVE.finditer(flat):
            if assertion(flat, match.start(), match.end()) == "negated":
                continue
            if _FAILED_AFTER.search(flat[match.end() :]) or _FAILED_BEFORE.search(flat[max(0, match.start() - 40) : match.start()]):
                rec.add("history.conservative_care_failed", True, sentence)
                return True
    return None


def home_exercise(sentences: list[Sentence], rec: Recorder) -> bool | None:
    return flag(sentences, rec, _HEP, "history.home_exercise")


def tens(sentences: list[Sentence], rec: Recorder) -> bool | None:
    return flag(sentences, rec, _TENS, "history.tens_trial_done")

