"""The treatment catalog: treatment ids, categories, and the names people use for them."""

# No `from __future__ import annotations` (a faster start: see engine/models.py).

import difflib
import functools
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from engine.alternation import NameScanner, longest_first
from engine.criteria import cache
from engine.errors import CriteriaLoadError, UnknownTreatmentError
from engine.memo import Bounded
from engine.resources import bundled_criteria_root, parse_table

CATALOG_FILE = "catalog.yaml"


class Treatment(BaseModel):
    # Read from the installation's cache (a pickle), a catalog needs no validator: it is built on a first parse only.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    category: str
    synonyms: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    companion_of: tuple[str, ...] = ()
    forms: tuple[str, ...] = Field(
        default=(),
        description="Product forms (cream, gel) that make any drug named with them this treatment: "
                    "'gabapentin 10% cream' is a topical compound, not an oral anticonvulsant",
    )

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id.replace("_", " "), self.name, *self.synonyms, *self.brands)

    @property
    def is_companion(self) -> bool:
        return bool(self.companion_of)


class TreatmentMatch(BaseModel):
    """A treatment found inside free text, with the words that named it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    treatment_id: str
    category: str
    matched_text: str
    start: int


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    categories: dict[str, str]
    not_names: tuple[str, ...] = Field(
        default=(),
        description="Phrases that contain a treatment's short name but name no treatment ('RFA form', the "
                    "request for authorization); they are blanked before a text is matched",
    )
    treatments: tuple[Treatment, ...]


_PERCENT_STRENGTH = re.compile(r"\d+(\.\d+)?\s*%")
# A product with this many strengths in percent is a compounded (topical) product.
_COMPOUND_STRENGTHS = 2
# Words after an imaging name that make it the guidance of a procedure, not the thing requested.
_GUIDANCE = re.compile(r" (?:guided|guidance)\b")
# Texts up to this long are scanned for names without the compiled pattern (see NameScanner).
_SCAN_UP_TO = 200
# Short texts whose names are remembered (a few hundred kilobytes at most).
_SHORT_FINDS_KEPT = 4096


def normalize_name(text: str) -> str:
    """Lower-case, strengths in percent dropped ("gabapentin 10% cream" names a gabapentin cream), and
    every run of non-alphanumerics folded to one space."""
    return re.sub(r"[^a-z0-9#%/]+", " ", _PERCENT_STRENGTH.sub(" ", text.lower())).strip()


class TreatmentCatalog:
    """Lookup by id, by exact name (`resolve`) and inside free text (`match_title`)."""

    def __init__(self, categories: dict[str, str], treatments: Iterable[Treatment], not_names: Iterable[str] = ()) -> None:
        self.categories = dict(categories)
        self._blanked = [normalize_name(name) for name in not_names]
        self.treatments: dict[str, Treatment] = {}
        self._by_name: dict[str, str] = {}
        for treatment in treatments:
            self.treatments[treatment.id] = treatment
            for name in treatment.names:
                self._by_name.setdefault(normalize_name(name), treatment.id)
        self._by_form = {normalize_name(f): t.id for t in self.treatments.values() for f in t.forms}

    # The alternations are compiled when a text is first matched, not when the catalog is built:
    # compiling them is most of loading the catalog, and `check` on cases naming treatments by id
    # never matches a text (issue 14: a fast start).
    @functools.cached_property
    def _not_names(self) -> re.Pattern[str] | None:
        return _alternation(self._blanked) if self._blanked else None

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str]:
        # One alternation, longest names first, so "medrol dosepak" beats "medrol" at the same place.
        return _alternation(self._by_name)

    @functools.cached_property
    def _scanner(self) -> NameScanner:
        return NameScanner(self._by_name)

    @functools.cached_property
    def _short_finds(self) -> Bounded[tuple[str, int], tuple[int, int, str] | None]:
        return Bounded(_SHORT_FINDS_KEPT)

    def _find(self, normalized: str, pos: int = 0) -> tuple[int, int, str] | None:
        """The earliest, longest name in `normalized` from `pos`: (start, end, name). A short text (a title,
        a request's words) is scanned without compiling the names' pattern (a fast `check`); a long one
        (a summary's sentence) is searched with it, compiled once per process."""
        if len(normalized) <= _SCAN_UP_TO:
            # Titles repeat from letter to letter, and the letter parser and the extractor each match one.
            key, remembered = (normalized, pos), self._short_finds
            if key in remembered:
                return remembered[key]
            return remembered.put(key, self._scanner.search(normalized, pos))
        found = self._pattern.search(normalized, pos)
        return None if found is None else (found.start(), found.end(), found.group(1))

    @functools.cached_property
    def _form_pattern(self) -> re.Pattern[str] | None:
        return _alternation(self._by_form) if self._by_form else None

    def get(self, treatment_id: str) -> Treatment:
        return self.treatments[treatment_id]

    def __contains__(self, treatment_id: object) -> bool:
        return treatment_id in self.treatments

    def resolve(self, name: str, *, source: str | Path | None = None) -> Treatment:
        """The treatment a request names: an id, a name, a synonym or a brand, or a text containing one."""
        key = normalize_name(name)
        if key in self.treatments:
            return self.treatments[key]
        key_id = key.replace(" ", "_")
        if key_id in self.treatments:
            return self.treatments[key_id]
        if key in self._by_name:
            return self.treatments[self._by_name[key]]
        match = self.match_title(name)
        if match is not None:
            return self.treatments[match.treatment_id]
        raise UnknownTreatmentError(name, self.suggest(name), source=source)

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        key = normalize_name(name)
        candidates = difflib.get_close_matches(key, list(self._by_name), n=limit, cutoff=0.6)
        return candidates

    def match_title(self, text: str) -> TreatmentMatch | None:
        """The treatment named earliest in `text` (the longest name at that place); a drug named with a
        product form some treatment declares (cream, gel) is that treatment. A name that only guides
        another ("ultrasound-guided", "fluoroscopically guided") gives way to a treatment named after it."""
        normalized = normalize_name(text)
        if self._not_names is not None:
            normalized = self._not_names.sub(lambda found: " " * len(found.group(0)), normalized)
        found = self._find(normalized)
        if found is None:
            return None
        while _GUIDANCE.match(normalized, found[1]):
            following = self._find(normalized, found[1])
            if following is None:
                break
            found = following
        start, _, name = found
        treatment = self.treatments[self._by_name[name]]
        if treatment.category == "pharmaceutical" and not treatment.forms and self._form_pattern is not None:
            form = self._form_pattern.search(normalized)
            if form is not None:
                treatment = self.treatments[self._by_form[form.group(1)]]
            elif len(_PERCENT_STRENGTH.findall(text)) >= _COMPOUND_STRENGTHS:
                # Several ingredients each in percent ("Flurbiprofen 10%/Lidocaine 5%") make a compound.
                treatment = self.treatments[next(iter(self._by_form.values()))]
        return TreatmentMatch(
            treatment_id=treatment.id,
            category=treatment.category,
            matched_text=name,
            start=start,
        )


def _alternation(names: Iterable[str]) -> re.Pattern[str]:
    # The longest name at a place (a prefix tree: the same matches as a longest-first alternation).
    return re.compile(r"(?<![a-z0-9])(" + longest_first(names) + r")(?![a-z0-9])")


def parse_catalog(text: str, *, source: str) -> TreatmentCatalog:
    parsed = parse_table(_CatalogFile, text, source=source)
    problems: list[str] = []
    seen: set[str] = set()
    for treatment in parsed.treatments:
        if treatment.id in seen:
            problems.append(f"{source}: treatment id {treatment.id!r} is listed twice")
        seen.add(treatment.id)
        if treatment.category not in parsed.categories:
            problems.append(f"{source}: treatment {treatment.id!r} has unknown category {treatment.category!r}")
    for treatment in parsed.treatments:
        for primary in treatment.companion_of:
            if primary not in seen:
                problems.append(f"{source}: {treatment.id!r} is a companion of unknown treatment {primary!r}")
    if problems:
        raise CriteriaLoadError(problems)
    return TreatmentCatalog(parsed.categories, parsed.treatments, parsed.not_names)


@functools.cache
def load_catalog() -> TreatmentCatalog:
    """The bundled catalog, read once per process (it is immutable) and parsed once per installation."""
    def parse() -> TreatmentCatalog:
        text = bundled_criteria_root().joinpath(CATALOG_FILE).read_text(encoding="utf-8")
        return parse_catalog(text, source=f"guideline_criteria/{CATALOG_FILE}")

    return cache.load_bundled("catalog", parse)
