"""Sentence splitting with character spans into the original summary.

The letters are pdftotext output: short lines, blank lines between them, and sentences glued
together where a line break was lost ("sacroiliac pain.Medical reports", "issue\".2 view X-ray").
Each sentence keeps its exact text and offsets; `flat` folds whitespace runs to one space for
matching (pattern offsets are never mapped back: evidence is the whole sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "vs", "no", "approx", "st", "e.g", "i.e", "a.k.a", "etc", "pt"})

# A boundary: ., ! or ? (and closing quotes or brackets after it) followed either by whitespace or,
# glued, by a capital letter, a quote or a digit. Every quantifier is bounded or over disjoint sets.
_BOUNDARY = re.compile(r"[.!?][\"'”)\]]{0,3}(?=\s|[A-Z\"“]|\d(?!\d*%?\s*/))|:(?=[ \t]*\n)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]{0,7})[\"'”)\]]{0,2}$")
_FOLD = re.compile(r"\s+")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int

    @cached_property
    def flat(self) -> str:
        # Cached: every reader asks for it (hundreds of reads per letter). cached_property stores
        # into the instance __dict__ directly, so the frozen dataclass allows it.
        text = self.text
        if text[:1].isspace() or text[-1:].isspace():
            return _FOLD.sub(" ", text)
        # A trimmed text (every sentence split_sentences makes): splitting at whitespace runs and joining
        # with one space is the same fold (str.split and the pattern's \s share Unicode's whitespace), faster.
        return " ".join(text.split())

    @cached_property
    def lowered(self) -> str:
        # Cached like `flat`: the keyword prefilters of several readers test it.
        return self.flat.lower()


def _is_boundary(text: str, index: int, match: re.Match[str]) -> bool:
    if text[index] == ":":
        return True
    before = text[max(0, index - 11) : index]
    word = _WORD_BEFORE.search(before)
    if text[index] == "." and word is not None and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
        return False
    if text[index] == "." and index > 0 and text[index - 1].isdigit():
        following = text[match.end() : match.end() + 1]
        # 1.5 mg, 2.0: a decimal point, not a full stop.
        if following.isdigit():
            return False
    glued = match.end() < len(text) and not text[match.end()].isspace()
    # A glued boundary needs a word before it ("pain.Medical"), not an initial ("a.K").
    return not (glued and (word is None or len(word.group(1).rstrip(".")) < 2))


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, each with `text[start:end] == sentence.text`, whitespace trimmed."""
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if not _is_boundary(text, match.start(), match):
            continue
        _add(text, start, match.end(), sentences)
        start = match.end()
    _add(text, start, len(text), sentences)
    return sentences


def _add(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(text[start:end], start, end))
