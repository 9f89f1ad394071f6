"""The expert reviewer's qualifications: specialty, subspecialty, states of licensure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from engine.letters.models import Reviewer
from engine.letters.text import Vocabulary, join_lines

_LICENSURE_LABEL = re.compile(r"states?\s*(?:\(s\))?\s+of\s+licensure\s*:\s*", re.IGNORECASE)
_SPECIALTY_LABEL = re.compile(r"certifications?\s*(?:\(s\))?\s*/\s*specialt(?:y|ies)\s*:\s*", re.IGNORECASE)
# Where a qualification stops: the next clause of the sentence. "and" alone is not enough, since
# specialties contain it ("Physical Medicine and Rehabilitation").
_STOP = r"(?=\s*[,.;]|\s*$|\s+(?:and\s+(?:is|has|was|holds|a|an|the|he|she)\b|who\b|has\b|with\b|is\b|He/she\b))"
_BOARD_CERTIFIED = re.compile(r"board[-\s]+certified\s+in\s+(?P<value>[A-Z][^.;,]{0,80}?)" + _STOP, re.IGNORECASE)
_SUBSPECIALTY = re.compile(r"sub-?\s?specialty\s+(?:certification\s+)?in\s+(?P<value>[A-Z][^.;,]{0,80}?)" + _STOP, re.IGNORECASE)
_LICENSED = re.compile(
    r"licensed\s+(?:to\s+practice\s+)?in\s+(?:the\s+states?\s+of\s+)?(?P<value>[A-Z][A-Za-z ,]{0,120}?)"
    r"(?=\s*[.;]|\s*$|\s+(?:and\s+(?:is|has|was|holds)\b|who\b|He/she\b))",
    re.IGNORECASE,
)
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.IGNORECASE)


def _label_value(lines: Sequence[str], label: re.Pattern[str]) -> str | None:
    for line in lines:
        found = label.match(line)
        if found is not None:
            value = line[found.end() :].strip(" .;")
            if value:
                return value
    return None


def _states(text: str) -> list[str]:
    return [state.strip(" .") for state in _LIST_SEPARATOR.split(text) if state.strip(" .")]


def _search(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return found.group("value").strip() if found else None


def parse_reviewer(lines: Sequence[str], vocabulary: Vocabulary) -> Reviewer:
    """Qualifications stated as labels ("State(s) of Licensure: …") or in a sentence ("Board Certified in …")."""
    text = join_lines(lines, vocabulary)
    specialty = _label_value(lines, _SPECIALTY_LABEL) or _search(_BOARD_CERTIFIED, text)
    licensure_label = _label_value(lines, _LICENSURE_LABEL)
    licensure = licensure_label or _search(_LICENSED, text)
    return Reviewer(
        specialty=specialty,
        subspecialty=_search(_SUBSPECIALTY, text),
        licensure=_states(licensure) if licensure else [],
    )
