"""Items utilization review partly certified: the part IMR decided, with the original request beside it.

When UR certified part of a request, the 2016-17 letters title the item with a whole paragraph:
"X was the original request. Y was authorized by the Claims Administrator. The remaining IMR
eligible portion of the original request, Z is: Upheld" (or "The Claims Administrator authorized
Y, leaving the original request IMR eligible. The original request, X is: Upheld"). IMR decided
only Z; X and Y are kept beside it as the original request and what UR certified.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# The words that show a title is such a paragraph; any one of them is enough to look further back.
PARTIAL_MARK = re.compile(r"original\s+request|IMR\s+eligible|authorized\s+by\s+the\s+claims", re.IGNORECASE)
_ORIGINAL = re.compile(r"(?P<original>\S.*?)\s+was\s+the\s+original\s+request\s*\.\s*", re.IGNORECASE)
_AUTHORIZED_BY = re.compile(
    r"(?P<certified>\S.*?)\s+(?:was|were)\s+(?:authorized|certified|approved)\s+by\s+the\s+claims\s+administrator\s*\.\s*",
    re.IGNORECASE,
)
_ADMINISTRATOR_AUTHORIZED = re.compile(
    r"the\s+claims\s+administrator\s+(?:authorized|certified|approved)\s+(?P<certified>\S.*?)\s*,?\s+leaving\s+"
    r"the\s+original\s+request\s+IMR\s+eligible\s*\.\s*",
    re.IGNORECASE,
)
_ELIGIBLE = re.compile(
    r"the\s+(?:remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+)?original\s+request\s*(?:,|\bis\b)?\s*(?P<eligible>\S.*)",
    re.IGNORECASE,
)
_TRAILING_IS = re.compile(r"\s+(?:is|are)\s*$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.!?]\s*(?=\S)")
# How far back a partial-certification paragraph may begin: three sentences of a few lines each.
MAX_PARTIAL_LINES = 12


@dataclass(frozen=True)
class PartialTitle:
    """An item title reduced to the IMR-eligible part."""

    title: str
    original_request: str | None = None
    ur_certified: str | None = None


def split_partial_title(text: str) -> PartialTitle:
    """The eligible part of a partial-certification title; any other title is returned whole."""
    original = _ORIGINAL.match(text)
    if original is None:
        return PartialTitle(text)
    rest = text[original.end() :]
    certified = _AUTHORIZED_BY.match(rest) or _ADMINISTRATOR_AUTHORIZED.match(rest)
    if certified is not None:
        rest = rest[certified.end() :]
    eligible = _ELIGIBLE.match(rest)
    if eligible is None:
        return PartialTitle(text)
    title = _TRAILING_IS.sub("", eligible.group("eligible")).strip().rstrip(".:,;").strip()
    return PartialTitle(
        title=title or original.group("original"),
        original_request=original.group("original").strip(),
        ur_certified=certified.group("certified").strip() if certified is not None else None,
    )


def extend_partial_lines(source: list[str], protected: int, taken: list[str]) -> list[str]:
    """Lines of a partial-certification title popped from the end of `source` until its "X was the
    original request" sentence is whole; text on that first line before X stays in `source`."""
    taken = list(taken)
    while len(source) > protected and len(taken) < MAX_PARTIAL_LINES and not _has_original(taken):
        taken.insert(0, source.pop())
    # X itself may wrap over lines that end no sentence.
    while len(source) > protected and len(taken) < MAX_PARTIAL_LINES and not _ends_sentence(source[-1]):
        taken.insert(0, source.pop())
    if taken and _has_original(taken[:1]):
        head, first = _split_sentence_before_original(taken[0])
        if head:
            source.append(head)
            taken[0] = first
    return taken


def _has_original(lines: Sequence[str]) -> bool:
    return re.search(r"was\s+the\s+original\s+request", " ".join(lines), re.IGNORECASE) is not None


def _ends_sentence(line: str) -> bool:
    return line.rstrip(" \"')]").endswith((".", ":", ";", "!", "?"))


def _split_sentence_before_original(line: str) -> tuple[str, str]:
    """("…end of the previous text.", "X was the original request…") from one line."""
    at = re.search(r"was\s+the\s+original\s+request", line, re.IGNORECASE)
    if at is None:
        return "", line
    starts = [found.end() for found in _SENTENCE_START.finditer(line, 0, at.start())]
    if not starts:
        return "", line
    cut = starts[-1]
    return line[:cut].rstrip(), line[cut:]
