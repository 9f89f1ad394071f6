"""Shared word lists: body regions, sides, spinal levels, counts and the cues that tell a past
treatment from a planned one. Every pattern is a plain alternation or bounded repetition."""

from __future__ import annotations

import re

from engine.alternation import Keywords, gated
from engine.models import Region, Side

_REGION_WORDS: tuple[tuple[str, Region], ...] = (
    # Plain "back pain" is the low back in these letters; the mid and upper back are named.
    (r"lumbosacral|lumbar|low back|lower back|l/s spine|(?<!mid )(?<!upper )(?<!mid-)back pain", "lumbar"),
    (r"cervical|neck|c-spine", "cervical"),
    (r"thoracic|mid back|t-spine", "thoracic"),
    (r"sacroiliac|si joint", "sacroiliac"),
    (r"shoulders?|rotator cuff", "shoulder"),
    (r"elbows?|cubital", "elbow"),
    (r"wrists?|hands?|fingers?|carpal", "wrist_hand"),
    (r"hips?", "hip"),
    (r"knees?", "knee"),
    (r"ankles?|feet|foot", "ankle_foot"),
    (r"head|face|facial|brain|scalp", "head"),
)
REGION_RE = [(gated(rf"\b(?:{words})\b", re.IGNORECASE), region) for words, region in _REGION_WORDS]
# The words any region needs: a text naming no region (most sentences, many titles) is searched once.
_ANY_REGION = Keywords(*(pattern for pattern, _ in REGION_RE))

_SIDE = re.compile(r"\b(bilateral(?:ly)?|both|right|left)\b|\b([RL])\b(?![\d-])", re.IGNORECASE)
LEVEL = re.compile(r"\b([CTLS])(\d{1,2})\b(?:\s?-\s?([CTLS])?(\d{1,2})\b)?(?:\s(?:and|&)\s([CTLS])(\d{1,2})\b)?")

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "a single": 1, "single": 1, "an": 1, "a": 1,
}
COUNT = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

# Cues before a mention: the nearest one decides whether the treatment was given or is wanted.
PAST_CUE = gated(
    r"\b(?:had|has had|have had|underwent|undergone|received|prior|previous|previously|past|"
    r"treatments? to date|treatments? (?:has |have )?included|treatments? include[sd]?|treated with|status post|s/p|history of|"
    r"completed|tried|failed|"
    r"continue|continued|continues|using|uses|was on|is on|were on|been on|remains on|remain on|taking|takes|has taken|have taken|"
    r"attended|does|performs|is doing|doing|participates in|participating in|engaged in|"
    r"current medications?|medications? (?:are|were|include|includes|included|list)|(?:has|have|had) (?:started|begun)|"
    r"refills? of|following treatments|to date (?:has |have )?(?:included|includes|include))\b",
    re.IGNORECASE,
)
PLAN_CUE = gated(
    r"\b(?:request|requests|requested|requesting|request for authorization|sought|plan|planned|recommend|"
    r"recommended|recommends|consider|consideration|ordered|order|pending|scheduled|referral for|"
    r"is for|authorization|certification|denied|approved|appeal|dispute|would|will|asked for|asks for|asking for)\b",
    re.IGNORECASE,
)
POST_PLAN = re.compile(
    r"^[^.;]{0,60}?\b(?:was|were|is|are|being)\s(?:sought|requested|recommended|ordered|denied|planned|proposed)\b",
    re.IGNORECASE,
)
# Sentences about the dispute itself (utilization review, the claims administrator) describe
# requests, not the medical history.
DISPUTE = gated(
    r"\b(?:utilization review|claims administrator|independent medical review|non-certification|"
    r"attorney|appealed|UR)\b"
)


def regions_in(text: str) -> list[Region]:
    if not _ANY_REGION.may_match(text):
        return []
    found: list[tuple[int, Region]] = []
    for pattern, region in REGION_RE:
        match = pattern.search(text)
        if match is not None:
            found.append((match.start(), region))
    return [region for _, region in sorted(found)]


def side_in(text: str) -> Side | None:
    sides: set[Side] = set()
    for match in _SIDE.finditer(text):
        word = (match.group(1) or match.group(2)).lower()
        if word.startswith("bilateral") or word == "both":
            return "bilateral"
        sides.add("right" if word in ("right", "r") else "left")
    if len(sides) == 2:
        return "bilateral"
    return next(iter(sides)) if sides else None


def levels_in(text: str) -> tuple[str, ...]:
    """Spinal levels: "L5-S1" and "L4-5" are one interspace ("L4-L5"); "L5 and S1" are two."""
    levels: list[str] = []
    for match in LEVEL.finditer(text):
        first = f"{match.group(1).upper()}{match.group(2)}"
        if match.group(4):
            second = f"{(match.group(3) or match.group(1)).upper()}{match.group(4)}"
            levels.append(f"{first}-{second}")
        else:
            levels.append(first)
        if match.group(5):
            levels.append(f"{match.group(5).upper()}{match.group(6)}")
    return tuple(dict.fromkeys(levels))


def region_of_levels(levels: tuple[str, ...]) -> Region | None:
    letters = {level[0] for level in levels}
    if letters and letters <= {"L", "S"}:
        return "lumbar"
    if letters == {"C"}:
        return "cervical"
    if letters == {"T"}:
        return "thoracic"
    return None


def count_value(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _nearest_cue(window: str) -> tuple[int, bool] | None:
    nearest: tuple[int, bool] | None = None
    for match in PAST_CUE.finditer(window):
        nearest = (match.start(), True)
    for match in PLAN_CUE.finditer(window):
        if nearest is None or match.start() > nearest[0]:
            nearest = (match.start(), False)
    return nearest


def given(flat: str, start: int, end: int) -> bool:
    """Whether the mention at flat[start:end] is a treatment already given (not one wanted)."""
    if POST_PLAN.search(flat[end:]) is not None:
        return False
    window = flat[max(0, start - 140) : start]
    cut = max(window.rfind("."), window.rfind(";"))
    nearest = _nearest_cue(window[cut + 1 :])
    if nearest is None:
        # A long list ("Treatment to date has included chiropractic care; acupuncture and
        # medications", "received the following treatments 6 sessions of ..., Tramadol and 6 sessions
        # of chiropractic"): with no cue in its own clause, a mention takes the cue of the list
        # it belongs to, back to the start of the sentence.
        window = flat[max(0, start - 400) : start]
        nearest = _nearest_cue(window[window.rfind(".") + 1 :])
    return nearest is not None and nearest[1]
