"""Turning PDF-to-text output back into lines and running text.

PDF tools give short lines with blank lines between them, hyphens at line ends, and the page
furniture (running headers, footers, page numbers) in the middle of the prose. This module
removes the furniture and rejoins lines; it knows nothing about letter sections.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from engine.alternation import gated

SOFT_HYPHEN = "\u00ad"

# Control characters other than newline, tab and form feed (the page separator) are noise from
# extraction; they never carry meaning in a letter.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\x7f-\x9f]")

# A page number that no sentence would produce on a line of its own.
_PAGE_NUMBER_ALONE = re.compile(r"(?:page\s*\d{1,4}\s*(?:of|/)\s*\d{1,4}|-\s*\d{1,4}\s*-)", re.IGNORECASE)
# "Page 2 of 4" inside a short running header ("CM14-0000001 Page 2 of 4").
_PAGE_NUMBER_IN_HEADER = gated(r"\bPage \d{1,4} of \d{1,4}\b")
_HEADER_MAX_LENGTH = 80
# Numbers that are page numbers only when they sit at the top or bottom of a page.
_PAGE_NUMBER_AT_EDGE = re.compile(r"(?:page\s*)?\d{1,4}|\d{1,4}\s*of\s*\d{1,4}", re.IGNORECASE)
# Lines at each end of a page that may be running headers or footers.
_EDGE_DEPTH = 2

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_LEADING_LETTERS = re.compile(r"[A-Za-z]+")
_TRAILING_LETTERS = re.compile(r"[A-Za-z]+$")

# A line-end hyphen after one of these is part of a compound ("non-steroidal", "follow-up"),
# not a word split by the typesetter.
# fmt: off
_COMPOUND_PREFIXES = frozenset((
    "anti", "co", "cross", "ex", "first", "follow", "full", "half", "high", "left", "long", "low",
    "mid", "multi", "non", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "part", "post", "pre", "re", "right", "second", "self", "semi", "short", "sub", "third",
    "well",
))
_COMPOUND_SUFFIXES = frozenset((
    "based", "day", "days", "free", "guided", "induced", "level", "like", "line", "month", "months",
    "old", "ray", "related", "sided", "specific", "term", "time", "up", "week", "weeks", "year",
    "years",
))
# fmt: on
# Characters that make a token a URL, a code or a measurement: their hyphens are always literal.
_CODE_CHARACTERS = frozenset("/:@._0123456789")


class Vocabulary:
    """The words a document spells in one piece, used to tell soft from real hyphens.

    Read from the lines when first asked: only a line ending in a hyphen that could be either needs
    it, and many letters have none (reading every word of a letter was a fifth of parsing it)."""

    def __init__(self, lines: Sequence[str] = ()) -> None:
        self._lines = tuple(lines)

    @classmethod
    def from_lines(cls, lines: Sequence[str]) -> Vocabulary:
        return cls(lines)

    @cached_property
    def _read(self) -> tuple[frozenset[str], frozenset[str]]:
        words: set[str] = set()
        compounds: set[str] = set()
        for line in self._lines:
            for token in _WORD.findall(line):
                lowered = token.lower()
                (compounds if "-" in lowered else words).add(lowered)
        return frozenset(words), frozenset(compounds)

    @property
    def words(self) -> frozenset[str]:
        return self._read[0]

    @property
    def compounds(self) -> frozenset[str]:
        return self._read[1]


EMPTY_VOCABULARY = Vocabulary()


@dataclass(frozen=True)
class CleanText:
    """A letter's lines without page furniture, and the furniture lines that were taken out."""

    lines: tuple[str, ...]
    furniture: tuple[str, ...]
    vocabulary: Vocabulary


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def clean_characters(text: str) -> str:
    """Unicode compatibility forms folded (ligatures, no-break spaces), control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", unicodedata.normalize("NFKC", text))


def split_pages(text: str) -> list[list[str]]:
    """Pages (split at form feeds) of non-empty lines, each line's spacing collapsed."""
    pages = []
    for page in clean_characters(text).split("\f"):
        lines = [collapse_spaces(line) for line in page.split("\n")]
        pages.append([line for line in lines if line])
    return [page for page in pages if page]


def _is_page_marker(line: str) -> bool:
    if _PAGE_NUMBER_ALONE.fullmatch(line):
        return True
    return len(line) <= _HEADER_MAX_LENGTH and _PAGE_NUMBER_IN_HEADER.search(line) is not None


def _segments(pages: list[list[str]], markers: set[str]) -> list[list[str]]:
    """Page-sized runs of lines: form-feed pages, or else runs between page markers."""
    if len(pages) > 1:
        return pages
    segments: list[list[str]] = [[]]
    for line in pages[0] if pages else []:
        if line in markers:
            segments.append([])
        else:
            segments[-1].append(line)
    return [segment for segment in segments if segment]


def _edge_positions(index: int, length: int) -> set[str]:
    """Where a line sits on its page: "top0", "top1"… or "bottom0"… when near an edge."""
    positions = {f"top{index}"} if index < _EDGE_DEPTH else set()
    if length - 1 - index < _EDGE_DEPTH:
        positions.add(f"bottom{length - 1 - index}")
    return positions


def _furniture_keys(segments: list[list[str]]) -> set[str]:
    """Lines repeated at the same place on most pages and found nowhere else: headers and footers.

    Letters repeat whole lines of content too ("MAXIMUS guideline: Decision based on…"); asking for
    the same place on every page keeps those unless the page breaks line them up by chance.
    """
    if len(segments) < 2:
        return set()
    places: dict[str, set[str]] = {}
    pages: dict[str, set[int]] = {}
    inner: set[str] = set()
    for number, segment in enumerate(segments):
        for index, line in enumerate(segment):
            key = line.casefold()
            positions = _edge_positions(index, len(segment))
            if not positions:
                inner.add(key)
                continue
            places[key] = places[key] & positions if key in places else positions
            pages.setdefault(key, set()).add(number)
    needed = max(2, math.ceil(len(segments) / 2))
    return {key for key, numbers in pages.items() if len(numbers) >= needed and places[key] and key not in inner}


def _edge_page_numbers(segments: list[list[str]]) -> set[tuple[int, int]]:
    """(segment, index) of bare numbers at the top or bottom of a page."""
    found: set[tuple[int, int]] = set()
    if len(segments) < 2:
        return found
    for number, segment in enumerate(segments):
        for index in (0, len(segment) - 1):
            if _PAGE_NUMBER_AT_EDGE.fullmatch(segment[index]):
                found.add((number, index))
    return found


def remove_page_furniture(text: str) -> CleanText:
    """The letter's lines in order, without page numbers and repeated running headers/footers."""
    pages = split_pages(text)
    # Every line is tested once (the test was made three times a line, a visible part of parsing).
    markers = {line for page in pages for line in page if _is_page_marker(line)}
    segments = _segments(pages, markers)
    keys = _furniture_keys(segments)
    edge_numbers = _edge_page_numbers(segments)
    lines: list[str] = []
    # Page markers are furniture too; they are kept aside so that header parsing can read a
    # running header such as "CM14-0000001 Page 2 of 4".
    furniture = [line for page in pages for line in page if line in markers]
    for number, segment in enumerate(segments):
        for index, line in enumerate(segment):
            if line.casefold() in keys or (number, index) in edge_numbers:
                furniture.append(line)
            elif line not in markers:
                lines.append(line)
    return CleanText(tuple(lines), tuple(furniture), Vocabulary.from_lines(lines))


def _is_code(token: str) -> bool:
    return any(character in _CODE_CHARACTERS for character in token)


def keeps_hyphen(left: str, right: str, vocabulary: Vocabulary = EMPTY_VOCABULARY) -> bool:
    """Whether a hyphen ending the token `left` + "-" belongs to the word continued by `right`.

    Word processors break lines after real hyphens, so a line-end hyphen is kept unless the
    fragment before it is only part of a word: URLs, codes and levels ("L4-", ".../medi-") keep
    it, as do capitalised continuations ("non-MTUS", "Medi-Cal") and known compounds.
    """
    if _is_code(left):
        return True
    left_match = _TRAILING_LETTERS.search(left)
    right_match = _LEADING_LETTERS.match(right)
    if left_match is None or right_match is None or _is_code(right[: right_match.end() + 1]):
        return True
    left_word, right_word = left_match.group(), right_match.group()
    shouting = left_word.isupper() and right_word.isupper()
    if not shouting and right_word[0].isupper():
        return True
    lower_left, lower_right = left_word.lower(), right_word.lower()
    if f"{lower_left}-{lower_right}" in vocabulary.compounds:
        return True
    if lower_left + lower_right in vocabulary.words:
        return False
    if lower_left in _COMPOUND_PREFIXES or lower_right in _COMPOUND_SUFFIXES:
        return True
    return len(lower_left) == 1


def _is_url(token: str) -> bool:
    lowered = token.lower()
    return "://" in lowered or lowered.startswith("www.")


def join_lines(lines: Sequence[str], vocabulary: Vocabulary = EMPTY_VOCABULARY) -> str:
    """Running text from wrapped lines: one space between lines, split words mended."""
    pieces: list[str] = []
    for raw in lines:
        line = collapse_spaces(raw)
        if not line:
            continue
        if not pieces:
            pieces.append(line)
            continue
        previous = pieces[-1]
        left = previous.rsplit(" ", 1)[-1]
        right = line.split(" ", 1)[0]
        if previous.endswith(SOFT_HYPHEN):
            pieces[-1] = previous[:-1]
            pieces.append(line)
        elif previous.endswith("-") and len(left) > 1:
            if not keeps_hyphen(left[:-1], right, vocabulary):
                pieces[-1] = previous[:-1]
            pieces.append(line)
        elif _is_url(left) and previous.endswith(("/", "_", ".")):
            pieces.append(line)
        else:
            pieces.append(" " + line)
    return "".join(pieces).replace(SOFT_HYPHEN, "")
