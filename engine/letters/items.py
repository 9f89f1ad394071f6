"""Splitting a letter's decisions section into disputed items.

Two item styles occur. The labelled style (2014 letters) prints "Title: Upheld" followed by
"Claims Administrator guideline:", "MAXIMUS guideline:" and "Decision rationale:". The numbered
style (2013 letters) prints "1. Title is not medically necessary and appropriate." followed by
"The Claims Administrator based its decision on …", "The Expert Reviewer based his/her decision
on …" and "Rationale for the Decision:".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.letters.models import Decision
from engine.letters.partial import PARTIAL_MARK, extend_partial_lines, split_partial_title
from engine.letters.text import Vocabulary, join_lines

_DECISION_WORD = re.compile(
    r"\s*(?:(?P<upheld>u\s?p\s?h\s?e\s?l\s?d)|(?P<overturned>o\s?v\s?e\s?r\s?t\s?u\s?r\s?n\s?e\s?d))\s*[.!]?\s*",
    re.IGNORECASE,
)
_LABELLED = (
    ("ca", re.compile(r"claims\s+administrator(?:'s)?\s+guidelines?\s*:\s*", re.IGNORECASE)),
    ("reviewer", re.compile(r"(?:maximus|imro|(?:expert\s+)?reviewer(?:'s)?)\s+guidelines?\s*:\s*", re.IGNORECASE)),
    ("rationale", re.compile(r"decision\s+rationale\s*:\s*", re.IGNORECASE)),
)
_REVIEWER_WHO = r"the\s+(?:expert|physician|professional)\s+reviewer"
_NUMBERED_LABELS = (
    ("ca", re.compile(r"the\s+claims\s+administrator\s+based\s+its\s+decision\s+on\s*", re.IGNORECASE)),
    (
        "reviewer",
        re.compile(_REVIEWER_WHO + r"\s+based\s+(?:his/her|his|her|their)\s+decision\s+on\s*", re.IGNORECASE),
    ),
    (
        "rationale",
        re.compile(
            r"(?:rationale\s+for\s+the\s+decision|" + _REVIEWER_WHO + r"'?s\s+decision\s+rationale|"
            r"decision\s+rationale)\s*:\s*",
            re.IGNORECASE,
        ),
    ),
)
_NUMBERED_START = re.compile(r"(?:item\s+)?(\d{1,2})\s*[.):]\s*(\S.*)", re.IGNORECASE)
NECESSITY = re.compile(r"\s+(?:is|are|was|were)\s+(?P<negated>not\s+)?medically\s+necessary(?:\s+and\s+appropriate)?", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^(?:item\s+)?\d{1,2}\s*[.):]\s+", re.IGNORECASE)
_SENTENCE_END = (".", ":", ";", "!", "?")
# A wrapped title rarely runs past three lines; looking further back would eat the rationale above.
_MAX_TITLE_LINES = 3
_MAX_NUMBERED_TITLE_LINES = 4


@dataclass(frozen=True)
class RawItem:
    """An item's text as found, before citations, privacy scrubbing and treatment mapping."""

    title: str
    decision: Decision | None
    claims_administrator_guideline: str | None
    reviewer_guideline: str | None
    rationale: str
    warnings: tuple[str, ...] = ()
    original_request: str | None = None
    ur_certified: str | None = None
    # Whether the "Decision rationale:" label was there (a letter may print it with no text after it).
    rationale_label: bool = True


@dataclass
class _Draft:
    """Lines collected for one item while walking the section; turned into a RawItem at the end."""

    title_lines: list[str]
    decision: Decision | None
    stray: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)


def decision_word(text: str) -> Decision | None:
    found = _DECISION_WORD.fullmatch(text)
    if found is None:
        return None
    return "upheld" if found.group("upheld") else "overturned"


def decision_line(line: str) -> tuple[str, Decision] | None:
    """("Title", decision) for a line such as "Title:  UPHELD"."""
    head, colon, tail = line.rpartition(":")
    decision = decision_word(tail) if colon else None
    if decision is None or not head.strip():
        return None
    return head.strip(), decision


def ends_sentence(line: str) -> bool:
    return line.rstrip(" \"')]").endswith(_SENTENCE_END)


def clean_title(text: str) -> str:
    return _LEADING_NUMBER.sub("", text, count=1).strip().rstrip(":,;").strip()


def merge_split_decisions(lines: Sequence[str]) -> list[str]:
    """Rejoin "Title:" and a decision word that extraction put on the next line."""
    merged: list[str] = []
    for line in lines:
        if merged and merged[-1].endswith(":") and decision_word(line) is not None:
            merged[-1] = f"{merged[-1]} {line}"
        else:
            merged.append(line)
    return merged


def _label(line: str, labels: Sequence[tuple[str, re.Pattern[str]]]) -> tuple[str, str] | None:
    for key, pattern in labels:
        found = pattern.match(line)
        if found is not None:
            return key, line[found.end() :]
    return None


def _take_title_lines(source: list[str], protected: int, first_always: bool) -> list[str]:
    """Pop the lines of a wrapped title from the end of the text collected before it."""
    taken: list[str] = []
    while len(source) > protected and len(taken) < _MAX_TITLE_LINES - 1:
        if not (first_always and not taken) and ends_sentence(source[-1]):
            break
        taken.insert(0, source.pop())
    return taken


def _finish(draft: _Draft, vocabulary: Vocabulary) -> RawItem:
    warnings: list[str] = []
    if draft.decision is None:
        warnings.append("no decision word (Upheld or Overturned) was found for this item")
    if draft.stray:
        warnings.append("text between the item title and its guidelines was not recognised and is left out")
    texts = {key: join_lines(lines, vocabulary) for key, lines in draft.fields.items()}
    if "ca" not in draft.fields:
        warnings.append("no claims administrator guideline was found")
    if "reviewer" not in draft.fields:
        warnings.append("no reviewer guideline was found")
    rationale = texts.get("rationale", "")
    warnings.extend(rationale_warnings(rationale))
    partial = split_partial_title(clean_title(join_lines(draft.title_lines, vocabulary)))
    return RawItem(
        title=partial.title,
        original_request=partial.original_request,
        ur_certified=partial.ur_certified,
        rationale_label="rationale" in draft.fields,
        decision=draft.decision,
        claims_administrator_guideline=texts.get("ca") or None,
        reviewer_guideline=texts.get("reviewer") or None,
        rationale=rationale,
        warnings=tuple(warnings),
    )


NO_RATIONALE = "no decision rationale was found; the letter may be cut off"
RATIONALE_CUT = "the decision rationale stops mid-sentence; the letter may be cut off"


def rationale_warnings(rationale: str) -> list[str]:
    if not rationale:
        return [NO_RATIONALE]
    if not ends_sentence(rationale):
        return [RATIONALE_CUT]
    return []


def looks_cut_off(items: Sequence[RawItem]) -> bool:
    """Whether the decisions stop part-way: the last item never reaches its "Decision rationale:" label,
    or its rationale breaks off mid-sentence. A label with nothing after it is a rationale left blank
    (as in letters prepared without the reviewer's reasons), not a cut."""
    if not items:
        return False
    last = items[-1]
    return not last.rationale_label or RATIONALE_CUT in last.warnings


def _open_field(draft: _Draft, key: str, rest: str) -> list[str]:
    lines = draft.fields.setdefault(key, [])
    if rest:
        lines.append(rest)
    return lines


def parse_labelled_items(lines: Sequence[str], vocabulary: Vocabulary) -> list[RawItem]:
    """Items in the "Title: Upheld" / "Claims Administrator guideline:" style."""
    drafts: list[_Draft] = []
    collecting: list[str] = []  # the text the next plain line belongs to
    protected = 0  # lines of `collecting` that follow a label and can never be a title
    for line in merge_split_decisions(lines):
        label = _label(line, _LABELLED)
        if label is not None:
            key, rest = label
            if not drafts or (key == "ca" and drafts[-1].fields):
                # A guideline with no title line before it: an item whose decision word is missing.
                title_lines = _take_title_lines(collecting, protected, first_always=True)
                drafts.append(_Draft(title_lines or ["(untitled item)"], None))
            collecting = _open_field(drafts[-1], key, rest)
            protected = len(collecting)
            continue
        found = decision_line(line)
        if found is not None:
            wrapped = _take_title_lines(collecting, protected, first_always=False)
            if PARTIAL_MARK.search(" ".join([*wrapped, found[0]])):
                wrapped = extend_partial_lines(collecting, protected, wrapped)
            drafts.append(_Draft([*wrapped, found[0]], found[1]))
            collecting, protected = drafts[-1].stray, 0
            continue
        collecting.append(line)
    return [_finish(draft, vocabulary) for draft in drafts]


def _numbered_title(lines: Sequence[str], index: int, expected: int, vocabulary: Vocabulary) -> tuple[_Draft, int] | None:
    """The item starting at lines[index] ("2. Title is not medically necessary…") and lines used."""
    start = _NUMBERED_START.fullmatch(lines[index])
    if start is None or int(start.group(1)) != expected:
        return None
    collected = [start.group(2)]
    for used in range(1, _MAX_NUMBERED_TITLE_LINES + 1):
        joined = join_lines(collected, vocabulary)
        necessity = NECESSITY.search(joined)
        if necessity is not None:
            decision: Decision = "upheld" if necessity.group("negated") else "overturned"
            return _Draft([joined[: necessity.start()]], decision), used
        following = index + used
        if following >= len(lines) or _label(lines[following], _NUMBERED_LABELS) is not None:
            break
        collected.append(lines[following])
    following = index + 1
    if following < len(lines) and _label(lines[following], _NUMBERED_LABELS) is not None:
        return _Draft([start.group(2)], None), 1
    return None


def parse_numbered_items(lines: Sequence[str], vocabulary: Vocabulary) -> list[RawItem]:
    """Items in the "1. Title is not medically necessary and appropriate." style."""
    drafts: list[_Draft] = []
    collecting: list[str] = []
    index = 0
    while index < len(lines):
        started = _numbered_title(lines, index, len(drafts) + 1, vocabulary)
        if started is not None:
            draft, used = started
            drafts.append(draft)
            collecting = draft.stray
            index += used
            continue
        label = _label(lines[index], _NUMBERED_LABELS)
        if label is not None and drafts:
            collecting = _open_field(drafts[-1], *label)
        else:
            collecting.append(lines[index])
        index += 1
    return [_finish(draft, vocabulary) for draft in drafts]


def parse_items(lines: Sequence[str], vocabulary: Vocabulary) -> list[RawItem]:
    """The items of a decisions section, in whichever of the two styles it uses."""
    labelled = parse_labelled_items(lines, vocabulary)
    return labelled if labelled else parse_numbered_items(lines, vocabulary)
