"""A small ConText-style assertion check for one mention inside one sentence.

Rules, not a library: medspaCy (ConText) cannot be installed offline here, and the letters'
phrasing is narrow enough that a short trigger list does the job. A mention is

- `negated` when a negation trigger opens a scope before it ("no evidence of", "denies",
  "without", "negative for", "no") that no terminator ("but", "however", ";", "which",
  "although", "except") closes before the mention, or when a post-trigger follows it in the
  same clause ("was not documented", "was not provided", "is absent", "were negative");
- `uncertain` when an uncertainty trigger scopes it ("possible", "rule out", "may have",
  "questionable", "not clearly stated whether", "cannot be excluded");
- otherwise `affirmed`. Attribution ("reportedly", "it was acknowledged", "according to",
  "per the patient") does not change the assertion: the summary still states the fact.
"""

from __future__ import annotations

import re
from typing import Literal

from engine.alternation import Gated, gated

Assertion = Literal["affirmed", "negated", "uncertain"]

_PRE_NEGATION = gated(
    r"\b(?:no evidence of|no signs? of|no|not|denie[sd]|deny|without|negative for|free of|absence of|absent"
    r"|never|none|nor|neither|lack of|lacks|fails? to|failed to|ruled out)\b",
    re.IGNORECASE,
)
_POST_NEGATION = re.compile(
    r"^[^.;,]{0,40}?\b(?:(?:was|were|is|are|has been|have been)\s(?:not|never)\s"
    r"(?:documented|provided|noted|reported|done|performed|found|present|seen|tried|given|attempted)"
    r"|(?:is|are|was|were)\s(?:absent|negative|denied|unremarkable|normal|intact)|not documented|not provided)\b",
    re.IGNORECASE,
)
_UNCERTAIN = gated(
    r"\b(?:possible|possibly|probable|rule out|r/o|may have|might|questionable|suspected|suspicion of"
    r"|not clearly stated whether|unclear whether|cannot be excluded|cannot be ruled out|versus)\b",
    re.IGNORECASE,
)
# A comma and a new subject ("..., and she was taking gabapentin") also ends a negation's clause.
_TERMINATOR = re.compile(
    r"\b(?:but|however|although|though|except|which|whereas|yet)\b|[;:]"
    r"|,\s(?:and|while)\s(?:he|she|they|the (?:patient|applicant|claimant|worker)|his|her|it)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:reportedly|it was acknowledged|according to|per the (?:patient|applicant|claimant)|"
    r"(?:patient|applicant|claimant) (?:reports|reported|states|stated))\b",
    re.IGNORECASE,
)
# A negation trigger opens a scope of at most this many characters.
_SCOPE = 60


def _in_scope(trigger: re.Pattern[str] | Gated, flat: str, start: int) -> bool:
    window_start = max(0, start - _SCOPE)
    window = flat[window_start:start]
    last = None
    for found in trigger.finditer(window):
        last = found
    if last is None:
        return False
    between = window[last.end() :]
    return _TERMINATOR.search(between) is None


def assertion(flat: str, start: int, end: int) -> Assertion:
    """How the sentence `flat` asserts the mention at `flat[start:end]`."""
    if _in_scope(_PRE_NEGATION, flat, start) or _POST_NEGATION.search(flat[end : end + 60]):
        return "negated"
    if _in_scope(_UNCERTAIN, flat, start):
        return "uncertain"
    return "affirmed"


def affirmed(flat: str, match: re.Match[str]) -> bool:
    """Whether the sentence affirms the mention `match` found in it (neither negated nor uncertain)."""
    return assertion(flat, match.start(), match.end()) == "affirmed"


def attributed(flat: str) -> bool:
    """Whether the sentence reports the fact second-hand (still asserted)."""
    return _ATTRIBUTION.search(flat) is not None


# "No documentation of X", "X was not documented": the records are silent about X, which for a
# monitoring item ("were side effects asked about?") is itself the fact, documented as false.
_UNDOCUMENTED_BEFORE = re.compile(
    r"\b(?:no (?:\w+ ){0,2}(?:documentation|evidence|mention|record)|lack of (?:\w+ ){0,2}documentation|without "
    r"(?:\w+ ){0,2}documentation|not (?:clearly |adequately |appropriately )?documented|fails? to (?:document|provide"
    r"|address)|failed to (?:document|provide|address)|does not (?:document|address|mention|discuss)|did not "
    r"(?:document|address|mention|discuss))\b",
    re.IGNORECASE,
)
_UNDOCUMENTED_AFTER = re.compile(
    r"^[^.;]{0,60}?\b(?:(?:was|were|is|are|has been|have been)\s(?:not\s(?:clearly\s)?(?:documented|noted|addressed|"
    r"assessed|recorded|discussed|provided|mentioned))|not documented)\b",
    re.IGNORECASE,
)
# A list ("no documentation of analgesia, activities of daily living, adverse effects or aberrant
# behaviour") carries the scope further than a single negation does.
_LIST_SCOPE = 130


def undocumented(flat: str, start: int, end: int) -> bool:
    """Whether the sentence says the records do not document the mention at `flat[start:end]`."""
    window = flat[max(0, start - _LIST_SCOPE) : start]
    last = None
    for found in _UNDOCUMENTED_BEFORE.finditer(window):
        last = found
    if last is not None and _TERMINATOR.search(window[last.end() :]) is None:
        return True
    return _UNDOCUMENTED_AFTER.search(flat[end : end + 70]) is not None


def polarity(flat: str, start: int, end: int) -> bool | None:
    """True when the mention is affirmed, False when negated, None when uncertain."""
    found = assertion(flat, start, end)
    return None if found == "uncertain" else found == "affirmed"
