"""Did we apply the guideline the reviewer cited? Our applied criteria sets beside the letter's citations.

A set and a citation name the same guideline when they come from the same source family (ACOEM's 2004
chapters are part of the 2009 MTUS, so MTUS and ACOEM are one family) and either share a page or,
where a side gives no pages (ODG, DHCS), share a significant word of the section's name. It is a
heuristic for a report column, never an input to the prediction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from engine.criteria.schema import CriteriaSet
from engine.letters.models import Citation

_FAMILY = {"ACOEM": "MTUS"}
_WORD = re.compile(r"[a-z]{4,}")
# Words every guideline name uses; sharing them says nothing about the topic.
_COMMON = frozenset((
    "guideline", "guidelines", "chapter", "chapters", "treatment", "medical", "page", "pages", "section", "official",
    "disability", "complaints", "chronic", "pain", "based", "decision", "citation", "california", "edition", "practice",
    "schedule", "utilization",
))


def _family(source: str) -> str:
    return _FAMILY.get(source, source)


def _words(text: str | None) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall((text or "").lower()) if w not in _COMMON}


def _same(cs: CriteriaSet, citation: Citation) -> bool:
    if _family(cs.source) != _family(citation.source):
        return False
    if cs.citation.pages and citation.pages:
        return bool(set(cs.citation.pages) & set(citation.pages))
    return bool(_words(f"{cs.citation.section} {cs.title}") & _words(citation.section))


def same_guideline(applied: Sequence[CriteriaSet], citations: Sequence[Citation]) -> bool | None:
    """True or False when both sides name a guideline; None when either names none."""
    if not applied or not citations:
        return None
    return any(_same(cs, citation) for cs in applied for citation in citations)
