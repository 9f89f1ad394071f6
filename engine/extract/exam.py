"""The examination: straight-leg raise, Spurling, dermatomal sensory loss, reflexes, strength, new or
progressing deficits, trigger points, and the signs of a structural lesion (engine/extract/lesions.py).

When a finding is stated more than once, the last statement wins (summaries run from older to newer
notes); full strength in one muscle group does not undo weakness found in another.
"""

from __future__ import annotations

import re
from typing import Any

from engine.alternation import Keywords, gated
from engine.extract.evidence import Recorder
from engine.extract.lesions import knee_tear_signs, ottawa_finding, structural_signs
from engine.extract.negation import affirmed, polarity
from engine.extract.sentences import Sentence
from engine.extract.vocab import COUNT, DISPUTE, PLAN_CUE, count_value, levels_in, side_in

_SLR = gated(r"\b(?:straight[- ]leg(?:[- ]rais(?:e|ing))?(?: test(?:ing)?)?|SLR)\b", re.IGNORECASE)
_POSNEG = re.compile(r"\b(positive|negative)\b", re.IGNORECASE)
_SENSORY_LOSS = gated(
    r"\b(?:decreased|diminished|reduced|loss of|altered|impaired|absent)\s(?:[a-z0-9-]{1,12}\s){0,3}?"
    r"(?:sensation|sensory|light touch|pinprick|dermatomes?)\b"
    r"|\b(?:sensation|sensory)\s(?:is |was |are |were )?(?:decreased|diminished|reduced|altered|impaired|absent)\b",
    re.IGNORECASE,
)
_SENSORY_NORMAL = gated(
    r"\b(?:sensation|sensory exam(?:ination)?) (?:is |was |were )?(?:intact|normal)\b"
    r"|\bintact (?:strength and )?sensation\b|\bintact to (?:light touch|pinprick|sensation)\b[^.;]{0,40}\ball dermatomes\b",
    re.I,
)
_REFLEX_CHANGE = gated(
    r"\b(?:(?:[01]|trace)\+? (?:deep tendon )?reflexes|(?:decreased|diminished|absent|asymmetric|reduced) "
    r"(?:deep tendon )?reflex(?:es)?|hyporeflexia|areflexia|reflex(?:es)? (?:are |is |were )?"
    r"(?:decreased|diminished|absent|reduced|asymmetric|[01]\+))",
    re.IGNORECASE,
)
_REFLEX_NORMAL = gated(
    r"\b(?:reflex(?:es)? (?:are |is |were )?(?:normal|intact|symmetric|2\+)|2\+ (?:and symmetric )?reflexes)(?!\w)", re.I
)
_WEAK = gated(
    r"\b(?:weakness|decreased (?:motor )?strength|[0-4]\+?/5 strength|strength (?:is |was |were )?[0-4]\+?/5)", re.I
)
_STRONG = gated(
    r"\b(?:(?:motor )?strength (?:is |was |were )?(?:normal|full|5/5|intact)|normal strength|intact strength|full strength"
    r"|5/5 strength|motor (?:exam )?(?:is |was )?(?:normal|intact))\b",
    re.IGNORECASE,
)
# Neurologic findings that are getting worse or are new (imaging criteria: "new neurologic
# dysfunction", "a progressing deficit"); worsening pain alone is neither.
_DEFICIT = r"(?:weakness|numbness|neurologic(?:al)? (?:deficits?|dysfunction|findings?|signs?)|foot drop|sensory loss)"
_PROGRESSIVE = gated(
    rf"\b(?:progressive|progressing|worsening|increasing) (?:[a-z]+ ){{0,2}}?{_DEFICIT}"
    rf"|\b{_DEFICIT} (?:is |are |has been |have been )?(?:progressing|worsening|getting worse)\b",
    re.IGNORECASE,
)
_NEW_DEFICIT = gated(rf"\bnew(?:-onset| onset)? (?:[a-z]+ ){{0,2}}?{_DEFICIT}", re.IGNORECASE)
_SPURLING = gated(r"\bspurling'?s?(?: test| sign| maneuver)?\b", re.IGNORECASE)
_TRIGGER = gated(
    rf"\b(?:{COUNT}\s)?(?:(?:active|latent|palpable|myofascial|tender)\s)?trigger points?\b(?!\s(?:injections?|injected|block))",
    re.IGNORECASE,
)
_TWITCH = gated(r"\b(?:local )?twitch(?:[- ]response)?s?\b", re.IGNORECASE)
_REFERRED = gated(r"\b(?:referred pain|refer(?:s|red|ring)? (?:the )?pain|referral of pain|pain referral)\b", re.I)


# Keyword prefilters (engine.alternation.Keywords): a sentence without any of the words the patterns
# need is skipped with a few substring tests instead of running each pattern over it.
_EXAM_KEYWORDS = Keywords(_SLR, _SPURLING, _SENSORY_LOSS, _SENSORY_NORMAL, _REFLEX_CHANGE, _REFLEX_NORMAL, _WEAK, _STRONG,
                       _PROGRESSIVE, _NEW_DEFICIT)


def exam(sentences: list[Sentence], rec: Recorder) -> dict[str, Any] | None:
    found: dict[str, Any] = {}

    def put(key: str, value: Any, sentence: Sentence) -> None:
        found[key] = value
        rec.add(f"exam.{key}", value, sentence)

    for sentence in sentences:
        flat = sentence.flat
        # Keyword prefilter: a sentence without any word the sign patterns need skips them (the lesion
        # readers below have their own patterns and always run).
        signs = _EXAM_KEYWORDS.may_match(flat, sentence.lowered)
        if signs:
            for match in _SLR.finditer(flat):
                window = flat[max(0, match.start() - 25) : match.end() + 25]
                sign = _POSNEG.search(window)
                if sign is not None:
                    put("straight_leg_raise", sign.group(1).lower(), sentence)
                    # "were positive on the left at 30 degrees": the side may follow the sign.
                    side = side_in(window) or side_in(flat[match.end() : match.end() + 40].split(",")[0])
                    if side is not None:
                        put("straight_leg_raise_side", side, sentence)
            for match in _SPURLING.finditer(flat):
                sign = _POSNEG.search(flat[max(0, match.start() - 25) : match.end() + 25])
                if sign is not None:
                    put("spurling", sign.group(1).lower(), sentence)
            for match in _SENSORY_LOSS.finditer(flat):
                put("dermatomal_sensory_loss", affirmed(sentence.flat, match), sentence)
                levels = levels_in(flat[match.start() : match.end() + 30])
                if levels:
                    put("sensory_levels", tuple(x for lv in levels for x in _expand(lv)), sentence)
            if _SENSORY_NORMAL.search(flat):
                put("dermatomal_sensory_loss", False, sentence)
            for match in _REFLEX_CHANGE.finditer(flat):
                put("reflex_change", affirmed(sentence.flat, match), sentence)
            if _REFLEX_NORMAL.search(flat):
                put("reflex_change", False, sentence)
            for match in _WEAK.finditer(flat):
                put("motor_weakness", affirmed(sentence.flat, match), sentence)
            # Full strength of one muscle group does not undo weakness found in another.
            if _STRONG.search(flat) and not found.get("motor_weakness"):
                put("motor_weakness", False, sentence)
        if not DISPUTE.search(flat):
            for key, reader in (("structural_signs", structural_signs), ("meniscus_or_ligament_tear_suspected", knee_tear_signs),
                                ("ottawa_knee_finding", ottawa_finding)):
                if reader(flat):
                    put(key, True, sentence)
        for pattern, key in ((_PROGRESSIVE, "progressive_neurologic_deficit"), (_NEW_DEFICIT, "new_neurologic_deficit")):
            for match in pattern.finditer(flat) if signs else ():
                value = polarity(flat, match.start(), match.end())
                if value is not None:
                    put(key, value, sentence)
        _trigger_points(sentence, found, rec)
    return found or None


def _trigger_points(sentence: Sentence, found: dict[str, Any], rec: Recorder) -> None:
    """Trigger points on palpation, their twitch response and referred pain ("tender trigger points
    with a local twitch response and referred pain"; "no twitch response")."""
    flat = sentence.flat
    lowered = flat.lower()
    if "trigger" not in lowered and "twitch" not in lowered:  # cheap test before the patterns
        return
    if DISPUTE.search(flat) or PLAN_CUE.search(flat):
        return
    points = dict(found.get("trigger_points", {}))

    def put(key: str, value: Any) -> None:
        if value is not None:
            points[key] = value
            rec.add(f"exam.trigger_points.{key}", value, sentence)

    trigger = _TRIGGER.search(flat)
    if trigger is not None:
        put("present", polarity(flat, trigger.start(), trigger.end()))
        if trigger.group(1) and points.get("present"):
            put("count", count_value(trigger.group(1)))
    twitches = list(_TWITCH.finditer(flat))
    for match in twitches:
        put("twitch_response", polarity(flat, match.start(), match.end()))
    if trigger is not None or twitches:
        for match in _REFERRED.finditer(flat):
            put("referred_pain", polarity(flat, match.start(), match.end()))
    if points:
        found["trigger_points"] = points


def _expand(level: str) -> tuple[str, ...]:
    """A dermatome range "L4-L5" is the L4 and L5 dermatomes."""
    return tuple(level.split("-"))
