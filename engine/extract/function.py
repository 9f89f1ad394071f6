"""Functional status where the summary states it: limits in daily activities, functional goals,
baseline testing, loss of function, surgical candidacy, motivation, psychosocial factors,
self-care, being homebound, ordinary transport.

Each fact has phrases that state it and phrases that state its opposite ("unable to drive",
"independent in activities of daily living"); a negated statement ("no functional goals", "not a
surgical candidate") is the fact documented false, an uncertain one is left out.
"""

from __future__ import annotations

import re
from typing import Any

from engine.alternation import Keywords, gated
from engine.extract.evidence import Recorder
from engine.extract.negation import polarity
from engine.extract.sentences import Sentence
from engine.extract.vocab import DISPUTE, PLAN_CUE

_ADL = r"(?:activities of daily living|ADLs?|daily activities|self[- ]care|household (?:chores|tasks))"
_RULES: tuple[tuple[str, str, str | None], ...] = (
    # field, phrases that state it, phrases that state the opposite
    (
        "adl_limitations",
        rf"(?:difficult(?:y|ies)|limitations?|limited|trouble|problems?|impair\w*|restrict\w*|needs help|requires "
        rf"assistance|unable to (?:perform|do|complete)) (?:\w+ ){{0,2}}(?:with |in |performing |to perform )?{_ADL}"
        rf"|{_ADL} (?:are|is|remain) (?:limited|restricted|impaired)"
        # "was not tolerating sitting for activities of daily living such as dressing"
        rf"|(?:not tolerat\w+|unable to tolerate|cannot tolerate|intolerant of) (?:\w+ ){{0,3}}(?:for|during|with) {_ADL}",
        rf"independent (?:in|with) (?:all |his |her |their )?{_ADL}|(?:able|can) to perform (?:all )?{_ADL}",
    ),
    ("functional_goals", r"functional goals?|goals? of (?:treatment|therapy) (?:include|are|is)", None),
    (
        "baseline_functional_testing",
        r"baseline functional (?:testing|assessment|evaluation)|functional capacity evaluation|\bFCE\b",
        None,
    ),
    (
        "significant_loss_of_function",
        r"significant (?:loss of function|functional (?:loss|deficits?|limitations?|decline))|loss of (?:the )?ability "
        r"to function independently",
        None,
    ),
    ("surgical_candidate", r"(?:surgical candidate|candidate for (?:spine |spinal |further )?surgery)", None),
    ("motivated_to_change", r"motivated (?:to (?:change|improve|return)|for (?:change|improvement))|motivation to "
     r"(?:change|improve)", r"(?:lacks|poor|low) motivation"),
    ("psychosocial_factors", r"psychosocial (?:factors?|issues?|stressors?|barriers?|concerns?)", None),
    (
        "can_perform_self_care",
        r"(?:able to|can) (?:perform|manage|care for) (?:his |her |their )?(?:own )?(?:self[- ]care|personal care)",
        r"(?:unable to|cannot|can not) (?:perform|manage|care for) (?:his |her |their )?(?:own )?(?:self[- ]care|personal"
        r" care)|dependent (?:for|in|on others for) (?:self[- ]care|personal care)",
    ),
    ("homebound", r"homebound|home[- ]bound|confined to (?:the |his |her )?home", None),
    (
        "can_use_private_or_public_transport",
        r"(?:able to|can) (?:drive|use public transport\w*|take (?:the |a )?bus)|drives (?:himself|herself|themselves)",
        r"(?:unable to|cannot|can not|does not|is not able to) (?:drive|use public transport\w*|take (?:the |a )?bus)",
    ),
)
_COMPILED = tuple(
    (field, gated(rf"\b(?:{yes})", re.IGNORECASE), gated(rf"\b(?:{no})", re.IGNORECASE) if no else None)
    for field, yes, no in _RULES
)

# Words one of which each phrase needs (engine.alternation.Keywords): most sentences have none.
_RULE_KEYWORDS = Keywords(*(p for _, stated, opposite in _COMPILED for p in (stated, opposite) if p is not None))


def functional_status(sentences: list[Sentence], rec: Recorder) -> dict[str, Any] | None:
    found: dict[str, Any] = {}
    for sentence in sentences:
        flat = sentence.flat
        if not _RULE_KEYWORDS.may_match(flat, sentence.lowered) or DISPUTE.search(flat):  # no phrase below can match
            continue
        for field, stated, opposite in _COMPILED:
            hits: list[tuple[int, bool | None]] = []
            if opposite is not None:
                hits += [(m.start(), False) for m in opposite.finditer(flat)]
            for match in stated.finditer(flat):
                planned = field == "baseline_functional_testing" and PLAN_CUE.search(flat) is not None
                if not planned and not any(start <= match.start() < start + 40 for start, _ in hits):
                    hits.append((match.start(), polarity(flat, match.start(), match.end())))
            for _, value in sorted(hits, key=lambda hit: hit[0]):
                if value is not None:
                    found[field] = value
                    rec.add(f"functional_status.{field}", value, sentence)
    return found or None
