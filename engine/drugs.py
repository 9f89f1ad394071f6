"""The drug table (guideline_criteria/drugs.yaml): which generic drug a name in free text stands for.

Records and requests name drugs every way ("SOMA 350", "Norco 10/325 #90", "hydrocodone/APAP 5/325
mg"); criteria, the extractor and the morphine-equivalent table name them by generic. This module
is the one place that turns the first into the second. A name is found as whole words,
case-insensitively, the earliest in the text and the longest at that place; what surrounds it
(strengths, forms, quantities) is ignored.
"""

# No `from __future__ import annotations` (a faster start: see engine/models.py).

import functools
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.resources import load_bundled_table, parse_table

DRUG_FILE = "drugs.yaml"
# Kept inside a word: "#3" in "Tylenol #3" and the slash of "hydrocodone/APAP" are part of a name.
_SEPARATOR = r"[^a-z0-9#/]+"


def _words(name: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(_SEPARATOR, name.lower()) if w)


class Drug(BaseModel):
    """One generic drug, the other names it goes by, and the catalog treatment it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    generic: str = Field(pattern=r"^[a-z][a-z0-9 ]*$")
    family: str = Field(min_length=1, description="Catalog treatment id, e.g. opioid, muscle_relaxant")
    max_dose_mg: float | None = Field(
        default=None, gt=0, allow_inf_nan=False,
        description="The most one dose can hold (largest strength sold, or two units): a bound on what a dose can mean",
    )
    names: tuple[str, ...] = ()

    @field_validator("names")
    @classmethod
    def _names_have_words(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        empty = [n for n in names if not _words(n)]
        if empty:
            raise ValueError(f"names without a letter or digit: {empty}")
        return names

    @property
    def every_name(self) -> tuple[str, ...]:
        return (self.generic, *self.names)


@dataclass(frozen=True)
class Mention:
    """Where a drug is named in a text: its generic and the span of the name as written."""

    generic: str
    start: int
    end: int


class DrugTable(BaseModel):
    # Read from the installation's cache (a pickle), the table needs no validator: it is built on a first parse only.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    drugs: tuple[Drug, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_generic_per_name(self) -> "DrugTable":
        owner: dict[tuple[str, ...], str] = {}
        for drug in self.drugs:
            if drug.generic in owner.values():
                raise ValueError(f"{drug.generic} is listed twice")
            for name in drug.every_name:
                claimed = owner.setdefault(_words(name), drug.generic)
                if claimed != drug.generic:
                    raise ValueError(f"the name {name!r} is claimed by both {claimed} and {drug.generic}")
        return self

    @functools.cached_property
    def _by_generic(self) -> dict[str, Drug]:
        return {d.generic: d for d in self.drugs}

    @functools.cached_property
    def _pattern(self) -> tuple[re.Pattern[str], dict[str, str]]:
        by_key = {" ".join(_words(n)): d.generic for d in self.drugs for n in d.every_name}
        ordered = sorted(by_key, key=len, reverse=True)  # "tylenol #3" before a shorter name at the same place
        alternation = "|".join(_SEPARATOR.join(re.escape(w) for w in key.split(" ")) for key in ordered)
        return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])", re.IGNORECASE), by_key

    def get(self, generic: str) -> Drug | None:
        return self._by_generic.get(generic)

    def find(self, text: str) -> Mention | None:
        """The first drug named in `text`, with where its name stands."""
        pattern, by_key = self._pattern
        found = pattern.search(text)
        if found is None:
            return None
        return Mention(by_key[" ".join(_words(found.group(0)))], found.start(), found.end())

    def generic_of(self, text: str | None) -> str | None:
        """The generic drug `text` names ("SOMA 350" → carisoprodol), or None when it names none."""
        mention = self.find(text) if text else None
        return mention.generic if mention is not None else None


def parse_drug_table(text: str, *, source: str) -> DrugTable:
    return parse_table(DrugTable, text, source=source)


@functools.cache
def load_drug_table() -> DrugTable:
    """The bundled table, read once per process (it is immutable)."""
    return load_bundled_table(DrugTable, DRUG_FILE)


def generic_of(text: str | None) -> str | None:
    """The generic drug the bundled table finds in `text` (see DrugTable.generic_of)."""
    return load_drug_table().generic_of(text) if text else None


def canonical_drug(drug: str | None, named_in: str | None) -> str | None:
    """A case's drug field by generic name: from the drug as given, else from the text that names the
    item (a request's treatment, a medication's name); a drug the table does not know stays as written."""
    if drug is not None:
        return generic_of(drug) or drug
    return generic_of(named_in)
