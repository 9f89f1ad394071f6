"""Items of the two layouts that do not keep an item's parts together.

The 2013 notice lists its determinations near the top ("has determined the request for X is not
medically necessary and appropriate") and explains them later; the medical professional review
names the items under "ISSUE AT DISPUTE" and gives guidelines and rationales in later sections.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from engine.letters.items import (
    NECESSITY,
    RawItem,
    clean_title,
    decision_line,
    merge_split_decisions,
    parse_items,
    rationale_warnings,
)
from engine.letters.layouts import Sections
from engine.letters.models import Decision
from engine.letters.text import Vocabulary, join_lines

_DETERMINATION = re.compile(
    r"has\s+determined\s+(?:that\s+)?the\s+request(?:ed)?\s+(?:for\s+)?(?P<title>.{1,400}?)" + NECESSITY.pattern,
    re.IGNORECASE,
)
_BLOCK_START = re.compile(r"(?:item\s+)?(\d{1,2})\s*[.):]\s*", re.IGNORECASE)
_NO_DECISION = "no decision word (Upheld or Overturned) was found for this item"


def _determinations(text: str) -> list[tuple[str, Decision]]:
    found = []
    for match in _DETERMINATION.finditer(text):
        decision: Decision = "upheld" if match.group("negated") else "overturned"
        found.append((clean_title(match.group("title")), decision))
    return found


def notice_items(sections: Sections, vocabulary: Vocabulary) -> list[RawItem]:
    """The explained items, checked against (and completed from) the list of determinations."""
    listed = _determinations(join_lines([*sections.preamble, *sections.get("notice")], vocabulary))
    explained = parse_items(sections.get("issues"), vocabulary)
    items: list[RawItem] = []
    for position, item in enumerate(explained):
        if position < len(listed):
            listed_decision = listed[position][1]
            if item.decision is None:
                kept = [warning for warning in item.warnings if warning != _NO_DECISION]
                kept.append("decision taken from the list of determinations at the top of the notice")
                item = dataclasses.replace(item, decision=listed_decision, warnings=tuple(kept))
            elif item.decision != listed_decision:
                warning = "the decision here differs from the list of determinations at the top of the notice"
                item = dataclasses.replace(item, warnings=(*item.warnings, warning))
        items.append(item)
    for title, decision in listed[len(explained) :]:
        missing = ("no guidelines or rationale were found for this determination; the letter may be cut off",)
        items.append(RawItem(title, decision, None, None, "", missing))
    return items


def _issue_titles(lines: Sequence[str], vocabulary: Vocabulary) -> list[tuple[str, Decision | None]]:
    titles: list[tuple[str, Decision | None]] = []
    pending: list[str] = []
    for line in merge_split_decisions(lines):
        found = decision_line(line)
        if found is None:
            pending.append(line)
            continue
        titles.append((clean_title(join_lines([*pending, found[0]], vocabulary)), found[1]))
        pending = []
    if pending and not titles:
        titles.append((clean_title(join_lines(pending, vocabulary)), None))
    return titles


def _split_numbered(lines: Sequence[str], count: int) -> list[list[str]] | None:
    blocks: list[list[str]] = []
    for line in lines:
        start = _BLOCK_START.match(line)
        if start is not None and int(start.group(1)) == len(blocks) + 1 and len(blocks) < count:
            blocks.append([line[start.end() :]] if line[start.end() :] else [])
        elif blocks:
            blocks[-1].append(line)
    return blocks if len(blocks) == count else None


def _split_by_title(lines: Sequence[str], titles: Sequence[str]) -> list[list[str]] | None:
    blocks: list[list[str]] = []
    for line in lines:
        if len(blocks) < len(titles):
            title = titles[len(blocks)]
            if line.casefold().startswith(title.casefold()):
                rest = line[len(title) :].lstrip(" :.-")
                blocks.append([rest] if rest else [])
                continue
        if blocks:
            blocks[-1].append(line)
    return blocks if len(blocks) == len(titles) else None


def per_item(lines: Sequence[str], titles: Sequence[str]) -> list[list[str]] | None:
    """`lines` cut into one block per item: by "1." markers, by the titles, or whole for one item."""
    if not lines:
        return [[] for _ in titles]
    split = _split_numbered(lines, len(titles)) or _split_by_title(lines, titles)
    if split is None and len(titles) == 1:
        split = [list(lines)]
    return split


def professional_review_items(sections: Sections, vocabulary: Vocabulary) -> list[RawItem]:
    """Items named under ISSUE AT DISPUTE, with their parts of the guideline and rationale sections."""
    titles = _issue_titles(sections.get("issue"), vocabulary)
    names = [title for title, _ in titles]
    guidelines = per_item(sections.get("guidelines"), names)
    rationales = per_item(sections.get("rationale"), names)
    items: list[RawItem] = []
    for position, (title, decision) in enumerate(titles):
        warnings: list[str] = [] if decision is not None else [_NO_DECISION]
        guideline = join_lines(guidelines[position], vocabulary) if guidelines else ""
        rationale = join_lines(rationales[position], vocabulary) if rationales else ""
        if guidelines is None or rationales is None:
            warnings.append("the guideline or rationale sections could not be divided between the items")
        if not guideline:
            warnings.append("no reviewer guideline was found")
        warnings.extend(rationale_warnings(rationale))
        items.append(RawItem(title, decision, None, guideline or None, rationale, tuple(warnings)))
    return items
