"""Keeping people out of the parsed letter.

Published letters are redacted, but a user's own letters may not be. Two defences: the values of
personal fields in the letter's header block (the worker's name, claim number, date of birth,
address, employer…) are struck out wherever they recur in the text kept; and a few patterns that
identify a person anywhere (a labelled date of birth or claim number, a social security number,
a name after a title such as "Ms.") are struck out too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from engine.alternation import Keywords

REDACTED = "[redacted]"

# Fields that name a person: their words are struck out one by one too ("Ms. Doe", "Jane").
_NAME_LABELS = (
    r"employee(?:'s)?\s+name|employee|applicant(?:'s)?\s+name|applicant|patient(?:'s)?\s+name|patient"
    r"|injured\s+(?:worker|employee)|claimant|name"
)
_PERSONAL_LABELS = (
    r"claims?\s*(?:number|no\.?|#)|date\s+of\s+birth|birth\s*date|d\.?o\.?b\.?|(?:mailing\s+|home\s+)?address"
    r"|ssn|social\s+security(?:\s+number)?|employer|insurer|provider(?:'s)?\s+name|provider"
    r"|requesting\s+physician|treating\s+physician|attorney|phone|telephone"
)
# Header fields that are not personal; listed so that a value stops where the next field starts.
_OTHER_LABELS = (
    r"(?:imr\s+|maximus\s+)?case\s+number|date\s+assigned|ur\s+denial\s+date|date\s+of\s+ur\s+decision"
    r"|application\s+received|decision\s+date|date\s+of\s+injury|priority|dated|treated\s+area|review\s+type"
    r"|claims\s+administrator"
)
_FIELD = re.compile(
    r"(?<![A-Za-z])(?:(?P<name>" + _NAME_LABELS + r")|(?P<personal>" + _PERSONAL_LABELS + r")|(?P<other>" + _OTHER_LABELS + r"))\s*[:#]",
    re.IGNORECASE,
)
# The same labels, for a line lower-cased first (ASCII only, where lower-casing is what case folding
# does): `re` matches case-sensitive literals about twice as fast as case-folded ones.
_FIELD_LOWER = re.compile(_FIELD.pattern)
_NAME_TOKEN = re.compile(r"[A-Z][A-Za-z'\-]{1,40}")
_NOT_A_NAME = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Jr", "Sr", "Inc", "LLC", "Co", "Corp", "The", "And", "Of"})
_MIN_VALUE_LENGTH = 3
_MAX_VALUE_LENGTH = 120

_ALWAYS = (
    (
        re.compile(
            r"\b(date\s+of\s+birth|birth\s*date|DOB|D\.O\.B\.?)(\s*[:#]?\s*)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}",
            re.IGNORECASE,
        ),
        rf"\1\2{REDACTED}",
    ),
    (
        re.compile(r"\b(claims?\s*(?:number|no\.?|#))(\s*[:#]?\s*)[A-Z0-9][A-Z0-9-]{2,30}", re.IGNORECASE),
        rf"\1\2{REDACTED}",
    ),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), REDACTED),
    (re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr)(\.?\s+)[A-Z][A-Za-z'\-]{1,40}(?:\s+[A-Z][A-Za-z'\-]{1,40})?"), rf"\1\2{REDACTED}"),
)


# Each pattern beside the words it cannot match without: most texts have none, and a substring search
# is far cheaper than a substitution scanning the whole text (issue 14).
_ALWAYS_CHECKED = tuple((pattern, replacement, Keywords(pattern)) for pattern, replacement in _ALWAYS)


@dataclass(frozen=True)
class Identifiers:
    """Values from a letter's personal fields, to be struck out of everything kept."""

    values: frozenset[str]
    name_tokens: frozenset[str]

    def scrub(self, text: str) -> str:
        lowered = text.lower()
        for pattern, replacement, keywords in _ALWAYS_CHECKED:
            if keywords.may_match(text, lowered):
                text = pattern.sub(replacement, text)
                lowered = text.lower()
        # A value or name that is not in the text is not searched for, and its pattern (compiled for
        # each letter) not even built: most texts a letter keeps name no one.
        # Outside ASCII, lower-casing may not map what the pattern's case folding does: always searched.
        searched = not text.isascii()
        if self.values and (searched or any(map(text.lower().__contains__, self._folded_values))):
            text = self._pattern(self._values).sub(REDACTED, text)
        if self.name_tokens and (searched or any(map(text.__contains__, self.name_tokens))):
            text = self._pattern(self._tokens).sub(REDACTED, text)
        return text

    @staticmethod
    def _pattern(pattern: re.Pattern[str] | None) -> re.Pattern[str]:
        assert pattern is not None  # built from a set of values this instance has
        return pattern

    @cached_property
    def _folded_values(self) -> tuple[str, ...]:
        return tuple(value.lower() for value in self.values)

    # Built once per letter, not once per text scrubbed (a cached_property writes to the instance's
    # __dict__ directly, which a frozen dataclass allows).
    @cached_property
    def _values(self) -> re.Pattern[str] | None:
        if not self.values:
            return None
        ordered = sorted(self.values, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)", re.IGNORECASE)

    @cached_property
    def _tokens(self) -> re.Pattern[str] | None:
        if not self.name_tokens:
            return None
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(self.name_tokens))) + r")(?!\w)")

    def scrub_optional(self, text: str | None) -> str | None:
        return None if text is None else self.scrub(text)


NO_IDENTIFIERS = Identifiers(frozenset(), frozenset())

# A header line's fields: (label, value, kind).
Fields = list[tuple[str, str, str]]


def labelled_fields(line: str) -> Fields:
    """(label, value, kind) for every "Label: value" field on a header line; kind is the label group."""
    if ":" not in line and "#" not in line:  # every label ends in one of them: most lines hold neither
        return []
    matches = list(_FIELD_LOWER.finditer(line.lower()) if line.isascii() else _FIELD.finditer(line))
    fields = []
    for position, found in enumerate(matches):
        end = matches[position + 1].start() if position + 1 < len(matches) else len(line)
        value = line[found.end() : end].strip(" ,;")
        label = line[found.start() : found.end()]  # as written, not lower-cased
        fields.append((label.rstrip(":# ").strip(), value, found.lastgroup or "other"))
    return fields


def collect_identifiers(lines: Iterable[str], fields: Iterable[Fields] | None = None) -> Identifiers:
    """The personal values in header lines (those before a letter's first section, and page headers);
    `fields`, when given, are the lines' `labelled_fields`, already read."""
    values: set[str] = set()
    tokens: set[str] = set()
    for line_fields in fields if fields is not None else map(labelled_fields, lines):
        for _label, value, kind in line_fields:
            if kind == "other" or not _MIN_VALUE_LENGTH <= len(value) <= _MAX_VALUE_LENGTH:
                continue
            values.add(value)
            if kind == "name":
                tokens.update(token for token in _NAME_TOKEN.findall(value) if token not in _NOT_A_NAME)
    return Identifiers(frozenset(values), frozenset(tokens))
