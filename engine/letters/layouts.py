"""Which layout a letter uses, and its lines split into that layout's sections."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.alternation import gated
from engine.letters.models import Layout


@dataclass(frozen=True)
class Heading:
    """A section heading; `inline` headings end in a colon and may have text after it."""

    key: str
    pattern: str
    inline: bool = False
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile("(?:" + self.pattern + r")\s*(:)?\s*", re.IGNORECASE))


def _words(text: str) -> str:
    """A heading pattern that tolerates any spacing between its words."""
    return r"\s+".join(re.escape(word) for word in text.split())


HOW = Heading("how", _words("HOW THE IMR FINAL DETERMINATION WAS MADE"))
CLINICAL_SUMMARY = Heading("summary", _words("CLINICAL CASE SUMMARY"))
ISSUES = Heading("issues", _words("IMR ISSUES, DECISIONS AND RATIONALES"))
DOCUMENTS = Heading("documents", _words("DOCUMENTS REVIEWED"))
DECISIONS = Heading("issues", _words("IMR DECISION(S) AND RATIONALE(S)"))

PROFESSIONAL_REVIEW = Heading("title", _words("MEDICAL PROFESSIONAL REVIEW"))
ISSUE_AT_DISPUTE = Heading("issue", _words("ISSUE AT DISPUTE") + "|" + _words("ISSUES AT DISPUTE"), inline=True)
CASE_SUMMARY = Heading("summary", _words("CASE SUMMARY"), inline=True)
DOCUMENTS_FOR_DETERMINATION = Heading("documents", _words("DOCUMENTS REVIEWED FOR DETERMINATION"), inline=True)
GUIDELINES_RELIED_UPON = Heading(
    "guidelines",
    _words("MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY") + r"(?:\s+THE)?\s+" + _words("PROFESSIONAL REVIEWER AND WHY"),
    inline=True,
)
RATIONALE_FOR_WHY = Heading(
    "rationale",
    _words("RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS") + r"(?:\s+NOT)?\s+" + _words("MEDICALLY NECESSARY"),
    inline=True,
)
REVIEWER_QUALIFICATIONS = Heading("qualifications", _words("MEDICAL REVIEWER QUALIFICATIONS"), inline=True)

NOTICE = Heading("notice", _words("NOTICE OF INDEPENDENT MEDICAL REVIEW DETERMINATION"))
EXPERT_QUALIFICATIONS = Heading("qualifications", _words("MEDICAL QUALIFICATIONS OF THE EXPERT REVIEWER"), inline=True)
NOTICE_SUMMARY = Heading("summary", r"(?:EXPERT\s+REVIEWER\s+)?(?:CLINICAL\s+)?CASE\s+SUMMARY", inline=True)

HEADINGS: dict[Layout, tuple[Heading, ...]] = {
    Layout.MAXIMUS_2014: (HOW, CLINICAL_SUMMARY, ISSUES),
    Layout.MAXIMUS_2014_HEADER: (HOW, CLINICAL_SUMMARY, ISSUES),
    Layout.MAXIMUS_DOCUMENTS_REVIEWED: (HOW, DOCUMENTS, CLINICAL_SUMMARY, DECISIONS, ISSUES),
    Layout.MEDICAL_PROFESSIONAL_REVIEW: (
        PROFESSIONAL_REVIEW,
        ISSUE_AT_DISPUTE,
        CASE_SUMMARY,
        DOCUMENTS_FOR_DETERMINATION,
        GUIDELINES_RELIED_UPON,
        RATIONALE_FOR_WHY,
        REVIEWER_QUALIFICATIONS,
    ),
    Layout.NOTICE_2013: (NOTICE, EXPERT_QUALIFICATIONS, HOW, NOTICE_SUMMARY, DECISIONS, ISSUES),
}

# Fields that only the header-block variant of the 2014 layout prints before its first section.
_HEADER_FIELD = gated(r"\b(?:case\s+number|date\s+assigned|ur\s+denial\s+date)\s*:", re.IGNORECASE)
# The 2013 notice opens with MAXIMUS's own determinations; other letters may quote a UR decision
# in similar words ("utilization review has determined the request…"), hence the name.
_DETERMINED = gated(r"maximus\b.{0,40}?\s+has\s+determined\s+(?:that\s+)?the\s+request", re.IGNORECASE)
_NOTICE_OPENING_LINES = 80


@dataclass(frozen=True)
class HeadingMatch:
    heading: Heading
    lines_used: int
    rest: str


@dataclass(frozen=True)
class Sections:
    """Lines before the first heading, and each section's lines (first occurrence wins)."""

    preamble: tuple[str, ...]
    bodies: dict[str, tuple[str, ...]]

    def get(self, key: str) -> tuple[str, ...]:
        return self.bodies.get(key, ())


def match_heading(lines: Sequence[str], index: int, heading: Heading) -> HeadingMatch | None:
    """`heading` starting at lines[index], possibly wrapped onto the next line."""
    line = lines[index]
    return _match_at(line, line + " " + lines[index + 1] if index + 1 < len(lines) else None, heading)


def _match_at(line: str, joined: str | None, heading: Heading) -> HeadingMatch | None:
    """`heading` at the start of `line`, or of `joined` (the line and the next) when it wraps."""
    candidates = [(line, 1)]
    if joined is not None:
        candidates.append((joined, 2))
    for text, used in candidates:
        found = heading.regex.match(text)
        if found is None or (used == 2 and found.end(0) <= len(line) + 1):
            continue
        rest = text[found.end(0) :]
        if rest and not (heading.inline and found.group(1)):
            continue
        return HeadingMatch(heading, used, rest)
    return None


# Every heading of every layout, in one alternation. A heading found at a line matches a prefix of
# that line joined to the next, and so does this alternation (patterns have no anchors or
# lookarounds): a line where it fails starts no heading, and most lines of a letter are skipped
# with one search instead of one per heading and line.
_ALL_HEADINGS: tuple[Heading, ...] = tuple(dict.fromkeys(h for layout in HEADINGS.values() for h in layout))
_ANY_HEADING = re.compile("|".join(f"(?:{h.pattern})" for h in _ALL_HEADINGS), re.IGNORECASE)


class HeadingIndex:
    """Where each heading of every layout starts in `lines`, found in one pass over them.

    Layout detection asks whether a heading occurs and splitting asks which heading starts a line;
    both read this index instead of matching every heading at every line again."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self._at: dict[int, tuple[HeadingMatch, ...]] = {}
        last = len(lines) - 1
        for index, line in enumerate(lines):
            joined = None if index == last else line + " " + lines[index + 1]
            text = line if joined is None else joined
            if _ANY_HEADING.match(text) is None:
                continue
            # A heading that matches no prefix of the joined text matches none of the line either (no
            # anchors or lookarounds), so most headings are ruled out with one match each.
            found = tuple(m for h in _ALL_HEADINGS
                          if h.regex.match(text) is not None and (m := _match_at(line, joined, h)) is not None)
            if found:
                self._at[index] = found
        self._present = frozenset(m.heading for found in self._at.values() for m in found)

    def has(self, heading: Heading) -> bool:
        return heading in self._present

    def first_at(self, index: int, headings: Sequence[Heading]) -> HeadingMatch | None:
        """The first of `headings` (in their order) that starts at lines[index]."""
        found = self._at.get(index)
        if found is None:
            return None
        for heading in headings:
            for match in found:
                if match.heading == heading:
                    return match
        return None

    def split(self, headings: Sequence[Heading]) -> Sections:
        """Cut the lines at each heading; a repeated heading (a page header) continues its section."""
        lines = self.lines
        preamble: list[str] = []
        bodies: dict[str, list[str]] = {}
        current = preamble
        index = 0
        while index < len(lines):
            found = self.first_at(index, headings)
            if found is None:
                current.append(lines[index])
                index += 1
                continue
            current = bodies.setdefault(found.heading.key, [])
            if found.rest:
                current.append(found.rest)
            index += found.lines_used
        return Sections(tuple(preamble), {key: tuple(body) for key, body in bodies.items()})


def has_heading(lines: Sequence[str], heading: Heading) -> bool:
    return HeadingIndex(lines).has(heading)


def split_sections(lines: Sequence[str], headings: Sequence[Heading]) -> Sections:
    """Cut `lines` at each heading; a repeated heading (a page header) continues its section."""
    return HeadingIndex(lines).split(headings)


def layout_of(index: HeadingIndex) -> Layout | None:
    """The layout whose distinctive headings the letter has, or None for a text that is no letter."""
    has, lines = index.has, index.lines
    if has(PROFESSIONAL_REVIEW) or (has(ISSUE_AT_DISPUTE) and has(RATIONALE_FOR_WHY)):
        return Layout.MEDICAL_PROFESSIONAL_REVIEW
    if has(NOTICE) or _DETERMINED.search(" ".join(lines[:_NOTICE_OPENING_LINES])):
        return Layout.NOTICE_2013
    if has(DECISIONS) or (has(HOW) and has(DOCUMENTS)):
        return Layout.MAXIMUS_DOCUMENTS_REVIEWED
    if has(ISSUES) or (has(HOW) and has(CLINICAL_SUMMARY)):
        preamble = index.split(HEADINGS[Layout.MAXIMUS_2014]).preamble
        if any(_HEADER_FIELD.search(line) for line in preamble):
            return Layout.MAXIMUS_2014_HEADER
        return Layout.MAXIMUS_2014
    return None


def detect_layout(lines: Sequence[str]) -> Layout | None:
    """The layout whose distinctive headings the letter has, or None for a text that is no letter."""
    return layout_of(HeadingIndex(lines))
