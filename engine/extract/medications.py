"""Medications taken (name, catalog class, generic drug, whether current) and the monitoring the
summary documents for an opioid: the "4 A's" (analgesia, activities of daily living, adverse
effects, aberrant behaviour), urine drug screens, a pain agreement, better pain or function, return
to work.

Monitoring is written about the regimen, rarely about one named drug, so it is attached to every
opioid in the medication history; with no opioid there, it is left out with a note (the criteria
read it from the opioid's record). Two levels of "no" are kept apart: "no documentation of adverse
effects" means side effects were not asked about (`adverse_effects_documented: false`), while "denies
side effects" means they were, and there are none (`adverse_effects_documented: true`,
`side_effects: false`). A urine drug screen mentioned without its result says nothing about
consistency, so it stays undocumented; a screen with its result is a record of
`history.urine_drug_screens`, wherever an opioid is named.
"""

from __future__ import annotations

import re
from typing import Any

from engine.alternation import Keywords, gated, longest_first
from engine.catalog import TreatmentCatalog
from engine.extract.dates import visit_dates
from engine.extract.drugs import dose_mg, doses_per_day, generic_of
from engine.extract.evidence import Recorder
from engine.extract.negation import assertion, polarity, undocumented
from engine.extract.sentences import Sentence
from engine.extract.vocab import DISPUTE, PLAN_CUE, given

_NO_MEDS = gated(r"\bno (?:current )?medications? list\b|\bmedications? (?:list )?(?:was|were) not provided\b", re.I)
_USING = gated(
    r"\b(?:using|uses|taking|takes|(?:has|have) taken|prescribed|(?:was|is|were|are|been|remains?) on|medications? (?:include|includes|"
    r"are|list)|continue[sd]?)\b",
    re.IGNORECASE,
)
_STOPPED = re.compile(
    r"\b(?:stop|stopped|discontinue|discontinued|wean(?:ed)? off|taper(?:ed)? off|no longer (?:taking|using|on))\s"
    r"(?:(?:the|his|her|their|taking|using)\s){0,2}$",
    re.IGNORECASE,
)
# "Naprosyn was prescribed", "Flexeril and tramadol were prescribed": given at the visit described.
_PRESCRIBED_AFTER = gated(
    r"[\w ,/.-]{0,60}?\b(?:was|were) (?:prescribed|renewed|refilled|continued|dispensed)\b", re.IGNORECASE
)
_MED_WORDS = gated(r"\b(?:medications?|meds|opioids?|opiates?|narcotics?|analgesics?|analgesia)\b", re.I)
_ANALGESIA = gated(
    r"\b(?:analgesia|pain relief|relief of (?:his |her |the )?pain|relief|\d{1,3}\s?% (?:pain )?(?:relief|reduction|"
    r"improvement)|pain (?:is |was )?(?:reduced|decreased|improved|better)|(?:reduces|decreases|lowers) (?:the |his |her )?"
    r"pain|pain (?:scores?|levels?) (?:with|on|from))",
    re.IGNORECASE,
)
_WITH_WITHOUT = re.compile(r"(\d{1,2})\s?/\s?10 with(?:out)? (?:\w+ ){0,2}and (\d{1,2})\s?/\s?10 with(?:out)?", re.I)
_FROM_TO = re.compile(r"\bfrom (\d{1,2})\s?/\s?10 to (\d{1,2})\s?/\s?10\b", re.IGNORECASE)
_ADL = gated(
    r"\b(?:activities of daily living|activity of daily living|ADLs?|daily activities|household (?:chores|tasks)|chores"
    r"|self[- ]care)\b",
    re.IGNORECASE,
)
_FUNCTION = gated(
    r"\b(?:(?:improved|improvement in|increased|better|objective (?:improvement|gains?) in) (?:\w+ ){0,2}(?:function|"
    r"functioning|ADLs|activities of daily living|activity (?:level|tolerance))|functional (?:improvement|benefit|gains?)"
    r"|improves? (?:his |her |their )?function|(?:lets|allows|enables|helps) (?:him|her|them) (?:to )?(?:do|perform|walk|"
    r"work|sleep|function|complete))\b",
    re.IGNORECASE,
)
_ADVERSE = gated(r"\b(?:adverse (?:effects?|events?|reactions?)|side[- ]effects?)\b", re.IGNORECASE)
_ABERRANT = gated(
    r"\b(?:aberrant (?:drug[- ](?:taking|seeking|related) )?(?:behaviou?rs?|activity|use)|drug[- ]seeking(?: behaviou?r)?"
    r"|early refills?|lost (?:prescriptions?|scripts?)|multiple prescribers|diversion|misuse)\b",
    re.IGNORECASE,
)
# "The 4 A's were documented at each visit" covers all four domains; "no documentation of the four
# A's" leaves all four undocumented (documented false).
_FOUR_AS = gated(r"\b(?:4|four) A(?:'|’)?s\b", re.IGNORECASE)
_FOUR_AS_CUE = re.compile(r"\b(?:documented|addressed|reviewed|assessed|monitored|recorded|noted|discussed)\b", re.I)
_FOUR_DOMAINS = ("analgesia_documented", "activities_of_daily_living_documented", "adverse_effects_documented",
                 "aberrant_behavior_assessed")
_CURES = gated(r"\bCURES\b|\bPDMP\b|\bprescription drug monitoring\b")
_UDS = gated(
    r"\b(?:urine (?:drug |toxicology )?(?:screens?|screening|tests?|testing|toxicology)|UDS|urine tox\w*|drug screens?"
    r"|toxicology screens?)\b",
    re.IGNORECASE,
)
_UDS_INCONSISTENT = re.compile(
    r"\b(?:inconsistent|not consistent|aberrant|unexpected|positive for (?:\w+ ){0,2}(?:non-?prescribed|illicit|"
    r"marijuana|cannabis|THC|cocaine|methamphetamine|amphetamines?|heroin)|negative for (?:the |his |her )?prescribed)\b",
    re.IGNORECASE,
)
_UDS_CONSISTENT = re.compile(r"\b(?:consistent|appropriate|compliant|as expected|positive (?:only )?for (?:the )?prescribed)\b", re.I)
_AGREEMENT = gated(
    r"\b(?:(?:pain|opioid|opiate|narcotic|medication|treatment) (?:management |use )?(?:agreement|contract))\b",
    re.IGNORECASE,
)
_RETURNED = gated(
    r"\b(?:returned to (?:his |her |their )?(?:usual )?(?:work|job|full duty|regular duty|modified duty)|is back at work"
    r"|went back to work)\b",
    re.IGNORECASE,
)


# The words any monitoring pattern needs (engine.alternation.Keywords): a sentence with none of them
# and no opioid named says nothing about monitoring.
_MONITORING_KEYWORDS = Keywords(_MED_WORDS, _ADVERSE, _ABERRANT, _FOUR_AS, _CURES, _UDS, _AGREEMENT, _RETURNED)


# Relief or function near a procedure is about the procedure, not the drug.
_PROCEDURE = re.compile(
    r"\b(?:injections?|blocks?|ESIs?|epidurals?|therapy|surgery|TENS|acupuncture|chiropractic|procedures?)\b", re.I
)
_NEAR = 80


def _near_drug(flat: str, match: re.Match[str], opioid_names: re.Pattern[str]) -> bool:
    """Whether a medication is named close to the mention, with no procedure named there."""
    window = flat[max(0, match.start() - _NEAR) : match.end() + _NEAR]
    return bool(_MED_WORDS.search(window) or opioid_names.search(window)) and _PROCEDURE.search(window) is None


# First-line medication for radicular or neuropathic pain, as the ESI criteria ask about it.
FIRST_LINE = frozenset({"nsaid", "anticonvulsant", "antidepressant"})


def first_line_tried(meds: list[dict[str, Any]] | None) -> bool | None:
    """True when a first-line class was taken; undocumented otherwise (a list without one is not a
    statement that none was tried)."""
    return True if any(med["treatment"] in FIRST_LINE for med in meds or ()) else None


# The drug-name alternations per catalog, built once per process: the catalog is the same object
# for every letter of a run, and building a ~250-name alternation was a fifth of extraction time.
# The catalog is kept beside its patterns so its id cannot be reused by another object.
_NAMES: dict[int, tuple[TreatmentCatalog, re.Pattern[str], re.Pattern[str]]] = {}


def _names(catalog: TreatmentCatalog) -> tuple[re.Pattern[str], re.Pattern[str]]:
    cached = _NAMES.get(id(catalog))
    if cached is None or cached[0] is not catalog:
        if len(_NAMES) >= 8:  # a process that builds many catalogs keeps memory flat
            _NAMES.clear()
        cached = _NAMES[id(catalog)] = (catalog, *_build_names(catalog))
    return cached[1], cached[2]


def _build_names(catalog: TreatmentCatalog) -> tuple[re.Pattern[str], re.Pattern[str]]:
    drugs = [t for t in catalog.treatments.values() if t.category == "pharmaceutical"]
    every = [n for t in drugs for n in (*t.synonyms, *t.brands)]
    opioids = [n for t in drugs if t.id == "opioid" for n in (*t.synonyms, *t.brands)]

    def alternation(names: list[str]) -> re.Pattern[str]:
        # The longest name at a place, as a prefix tree: about 8x faster than the flat alternation.
        return re.compile(r"(?<![\w-])(" + longest_first(names, ignore_case=True) + r")(?![\w-])", re.IGNORECASE)

    return alternation(every), alternation(opioids)


def medications(sentences: list[Sentence], rec: Recorder, catalog: TreatmentCatalog,
                screens: list[dict[str, Any]] | None = None) -> list[dict[str, Any]] | None:
    names, opioid_names = _names(catalog)
    found: dict[str, dict[str, Any]] = {}
    monitoring = _Monitoring()

    visits = dict(zip(sentences, visit_dates([s.flat for s in sentences]), strict=True))

    def record(sentence: Sentence, name: str, current: bool | None) -> None:
        key = name.lower()
        treatment = catalog.resolve(name).id
        if key not in found:
            med: dict[str, Any] = {"name": name, "treatment": treatment}
            drug = generic_of(name)
            if drug is not None:
                med["drug"] = drug
            found[key] = med
            for field, value in med.items():
                rec.add(f"history.medications[{list(found).index(key)}].{field}", value, sentence)
        if treatment in FIRST_LINE:
            rec.add("history.first_line_medication_tried", True, sentence)
        if current is not None:
            found[key]["current"] = current
            rec.add(f"history.medications[{list(found).index(key)}].current", current, sentence)
        if visits[sentence] is not None:
            found[key]["date"] = visits[sentence]
            rec.add(f"history.medications[{list(found).index(key)}].date", visits[sentence], sentence)
        # The direction written right after the name ("Norco 10/325 mg three times a day").
        direction = re.split(r"[,;]| and ", sentence.flat[sentence.flat.lower().find(key) + len(key) :])[0][:60]
        for field, value in (("dose_mg", dose_mg(direction, direction)), ("doses_per_day", doses_per_day(direction))):
            if value is not None:
                found[key][field] = value
                rec.add(f"history.medications[{list(found).index(key)}].{field}", value, sentence)

    for sentence in sentences:
        flat = sentence.flat
        if _NO_MEDS.search(flat):
            rec.note("the summary says no medication list was provided; history.medications left undocumented")
            continue
        if DISPUTE.search(flat):
            continue
        about_monitoring = monitoring.read(sentence, opioid_names)
        for match in names.finditer(flat):
            if assertion(flat, match.start(), match.end()) == "negated":
                continue
            if _STOPPED.search(flat[max(0, match.start() - 40) : match.start()]):
                record(sentence, match.group(1), current=False)
            elif (_USING.search(flat) and given(flat, match.start(), match.end())) or (
                about_monitoring and PLAN_CUE.search(flat) is None
            ) or _PRESCRIBED_AFTER.match(flat, match.end()):
                record(sentence, match.group(1), current=True)
            elif given(flat, match.start(), match.end()):
                # "Treatment to date has included ... Etodolac": taken, whether still taken unsaid.
                record(sentence, match.group(1), current=None)
    meds = list(found.values())
    monitoring.attach(meds, rec, screens if screens is not None else [])
    return meds or None


class _Monitoring:
    """Opioid monitoring statements gathered sentence by sentence; the last statement of each wins."""

    def __init__(self) -> None:
        self.values: dict[str, bool] = {}
        self.evidence: list[tuple[str, bool, Sentence]] = []

    def put(self, field: str, value: bool | None, sentence: Sentence) -> None:
        if value is not None:
            self.values[field] = value
            self.evidence.append((field, value, sentence))

    def read(self, sentence: Sentence, opioid_names: re.Pattern[str]) -> bool:
        """Read one sentence; whether it said anything about monitoring."""
        flat = sentence.flat
        if not _MONITORING_KEYWORDS.may_match(flat, sentence.lowered) and opioid_names.search(flat) is None:
            # The cheap test: no pattern below can match this sentence. (A sentence that passes it but
            # matches none of them puts nothing either; a combined search of the patterns to tell,
            # as before, cost as much as running them.)
            return False
        before = len(self.evidence)
        if _MED_WORDS.search(flat) or opioid_names.search(flat):
            self._analgesia(flat, sentence, opioid_names)
            for match in _ADL.finditer(flat):
                if _near_drug(flat, match, opioid_names):
                    self.put("activities_of_daily_living_documented", not undocumented(flat, *match.span()), sentence)
            for match in _FUNCTION.finditer(flat):
                if _near_drug(flat, match, opioid_names) and not undocumented(flat, *match.span()):
                    self.put("improved_function", polarity(flat, *match.span()), sentence)
        for match in _ADVERSE.finditer(flat):
            self._two_levels(match, "adverse_effects_documented", "side_effects", flat, sentence)
        for match in _ABERRANT.finditer(flat):
            self._two_levels(match, "aberrant_behavior_assessed", "aberrant_behavior_found", flat, sentence)
        for match in _FOUR_AS.finditer(flat):
            if undocumented(flat, match.start(), match.end()):
                value: bool | None = False
            else:
                value = polarity(flat, match.start(), match.end()) if _FOUR_AS_CUE.search(flat) else None
            for domain in _FOUR_DOMAINS:
                self.put(domain, value, sentence)
        for match in _CURES.finditer(flat):
            if assertion(flat, match.start(), match.end()) == "affirmed" and not undocumented(flat, match.start(), match.end()):
                self.put("aberrant_behavior_assessed", True, sentence)
        for match in _UDS.finditer(flat):
            self._urine_screen(match, flat, sentence)
        for match in _AGREEMENT.finditer(flat):
            negative = undocumented(flat, match.start(), match.end())
            self.put("pain_agreement", False if negative else polarity(flat, match.start(), match.end()), sentence)
        for match in _RETURNED.finditer(flat):
            self.put("returned_to_work", polarity(flat, match.start(), match.end()), sentence)
        return len(self.evidence) > before

    def _analgesia(self, flat: str, sentence: Sentence, opioid_names: re.Pattern[str]) -> None:
        for match in _ANALGESIA.finditer(flat):
            if match.group(0).lower() != "analgesia" and not _near_drug(flat, match, opioid_names):
                continue
            if undocumented(flat, match.start(), match.end()):
                self.put("analgesia_documented", False, sentence)
                continue
            self.put("analgesia_documented", True, sentence)
            self.put("improved_pain", polarity(flat, match.start(), match.end()), sentence)
        scores = _FROM_TO.search(flat)
        if scores is not None:
            self.put("analgesia_documented", True, sentence)
            self.put("improved_pain", int(scores.group(2)) < int(scores.group(1)), sentence)
        paired = _WITH_WITHOUT.search(flat)
        if paired is not None:
            first, second = int(paired.group(1)), int(paired.group(2))
            with_first = flat[paired.start() : paired.end()].lower().split("/10 ")[1].startswith("with ")
            on, off = (first, second) if with_first else (second, first)
            self.put("analgesia_documented", True, sentence)
            self.put("improved_pain", on < off, sentence)

    def _two_levels(self, match: re.Match[str], asked: str, found: str, flat: str, sentence: Sentence) -> None:
        """'No documentation of X': X not asked about. 'No X' / 'denies X': asked, none found."""
        if undocumented(flat, match.start(), match.end()):
            self.put(asked, False, sentence)
            return
        value = polarity(flat, match.start(), match.end())
        if value is not None:
            self.put(asked, True, sentence)
            self.put(found, value, sentence)

    def _urine_screen(self, match: re.Match[str], flat: str, sentence: Sentence) -> None:
        if undocumented(flat, match.start(), match.end()) or assertion(flat, match.start(), match.end()) != "affirmed":
            return
        clause = re.split(r"[;]|\b(?:but|however)\b", flat[max(0, match.start() - 40) :])[0]
        if _UDS_INCONSISTENT.search(clause):
            self.put("urine_drug_screen_consistent", False, sentence)
        elif _UDS_CONSISTENT.search(clause):
            self.put("urine_drug_screen_consistent", True, sentence)

    def attach(self, meds: list[dict[str, Any]], rec: Recorder, screens: list[dict[str, Any]]) -> None:
        screen = self.values.pop("urine_drug_screen_consistent", None)
        if screen is not None:
            screens.append({"consistent": screen})
            for field, value, sentence in self.evidence:
                if field == "urine_drug_screen_consistent":
                    rec.add("history.urine_drug_screens[0].consistent", value, sentence)
            self.evidence = [e for e in self.evidence if e[0] != "urine_drug_screen_consistent"]
        if not self.values:
            return
        opioids = [index for index, med in enumerate(meds) if med["treatment"] == "opioid"]
        if not opioids:
            rec.note("the summary documents opioid monitoring but names no opioid taken; the monitoring is left out")
            return
        side_effects = self.values.pop("side_effects", None)
        found = self.values.pop("aberrant_behavior_found", None)
        monitoring = {**self.values, **({"aberrant_behavior_found": found} if found is not None else {})}
        for index in opioids:
            if monitoring:
                meds[index]["monitoring"] = dict(monitoring)
            if side_effects is not None:
                meds[index]["side_effects"] = side_effects
            for field, value, sentence in self.evidence:
                path = "side_effects" if field == "side_effects" else f"monitoring.{field}"
                rec.add(f"history.medications[{index}].{path}", value, sentence)
