"""A loaded, cross-checked collection of criteria sets (bundled plus the user's own)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path

from engine.catalog import TreatmentCatalog, load_catalog
from engine.criteria import cache
from engine.criteria.loader import iter_criteria_files, load_set
from engine.criteria.schema import PAGED_SOURCES, CriteriaSet
from engine.errors import CriteriaLoadError, InputError
from engine.resources import bundled_criteria_root


@dataclass(frozen=True)
class CriteriaPack:
    sets: dict[str, CriteriaSet]
    sources: dict[str, str] = field(default_factory=dict)  # set id -> file it came from

    def get(self, set_id: str) -> CriteriaSet:
        return self.sets[set_id]

    def for_treatment(self, treatment_id: str) -> list[CriteriaSet]:
        return list(self._by_treatment.get(treatment_id, ()))

    @functools.cached_property
    def _by_treatment(self) -> dict[str, tuple[CriteriaSet, ...]]:
        """The active sets for each treatment, in pack order: every request asks, so it is built once."""
        index: dict[str, list[CriteriaSet]] = {}
        for s in self.sets.values():
            if s.status == "active":
                for treatment in dict.fromkeys(s.applies_to.treatments):
                    index.setdefault(treatment, []).append(s)
        return {treatment: tuple(found) for treatment, found in index.items()}

    @property
    def editions(self) -> list[str]:
        return sorted({s.edition for s in self.sets.values()})


# A criteria set is a few kilobytes (the largest bundled one is under 20 KB): a far larger file is
# refused before it is parsed, so an enormous set costs nothing.
MAX_CRITERIA_FILE_BYTES = 256 * 1024
# A pipe or device named as criteria would block the reader: criteria are read from files.
NOT_REGULAR = "is not a regular file (a pipe, socket or device); criteria are read from YAML files"


def _read(entry: Traversable | Path, label: str) -> str:
    try:
        if isinstance(entry, Path) and entry.stat().st_size > MAX_CRITERIA_FILE_BYTES:
            raise CriteriaLoadError([f"{label}: is {entry.stat().st_size:,} bytes; a criteria file is at most "
                                     f"{MAX_CRITERIA_FILE_BYTES:,} (split it into several sets)"])
        return entry.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CriteriaLoadError([f"{label}: is not UTF-8 text (a binary file?); a criteria file is YAML saved as UTF-8"]) from None
    except OSError as exc:
        raise CriteriaLoadError([f"{label}: cannot be read ({exc.strerror or 'an input/output error'})"]) from None


def load_sets(files: Iterable[tuple[Traversable | Path, str]], catalog: TreatmentCatalog) -> list[tuple[CriteriaSet, str]]:
    """Load every file, collecting all problems before failing (a pack never silently skips a file)."""
    loaded: list[tuple[CriteriaSet, str]] = []
    problems: list[str] = []
    for entry, label in files:
        stem = entry.name.removesuffix(".yaml")
        try:
            loaded.append((load_set(_read(entry, label), source=label, stem=stem, catalog=catalog), label))
        except CriteriaLoadError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CriteriaLoadError(problems)
    return loaded


def build_pack(loaded: Sequence[tuple[CriteriaSet, str]], *, overridable: frozenset[str] = frozenset()) -> CriteriaPack:
    """Check ids across files; a later set may replace an earlier one only if its id is in `overridable`."""
    sets: dict[str, CriteriaSet] = {}
    sources: dict[str, str] = {}
    names: dict[str, str] = {}
    problems: list[str] = []
    for cs, label in loaded:
        if cs.id in sets and cs.id not in overridable:
            problems.append(f"{label}: set id {cs.id!r} is already used by {sources[cs.id]}")
            continue
        for name in cs.aliases:
            if name in names and names[name] != cs.id:
                problems.append(f"{label}: alias {name!r} is already used by set {names[name]!r}")
            names[name] = cs.id
        sets[cs.id] = cs
        sources[cs.id] = label
    for cs in sets.values():
        if cs.replaced_by is not None and cs.replaced_by not in sets:
            problems.append(f"{sources[cs.id]}: replaced_by names unknown set {cs.replaced_by!r}")
        for other in cs.fills_gaps_in:
            if other not in sets:
                problems.append(f"{sources[cs.id]}: fills_gaps_in names unknown set {other!r}")
        if cs.id in names and names[cs.id] != cs.id:
            problems.append(f"{sources[cs.id]}: set id {cs.id!r} is an alias of set {names[cs.id]!r}")
    problems.extend(_gap_cycles(sets, sources))
    problems.extend(_unknown_editions(sets, sources, overridable))
    if problems:
        raise CriteriaLoadError(problems)
    return CriteriaPack(sets=sets, sources=sources)


def _gap_cycles(sets: dict[str, CriteriaSet], sources: dict[str, str]) -> list[str]:
    """A problem for each set whose `fills_gaps_in` leads back to itself: a set cannot fill gaps in a set
    that (directly or through others) fills gaps in it, or precedence has no first."""
    problems = []
    for start in sets:
        frontier = list(sets[start].fills_gaps_in)
        reached: set[str] = set()
        while frontier:
            other = frontier.pop()
            if other == start:
                problems.append(f"{sources[start]}: fills_gaps_in leads back to set {start!r} itself; a set fills "
                                "gaps only in sets that do not fill gaps in it")
                break
            if other in reached or other not in sets:
                continue
            reached.add(other)
            frontier.extend(sets[other].fills_gaps_in)
    return problems


def _unknown_editions(sets: dict[str, CriteriaSet], sources: dict[str, str], overridable: frozenset[str]) -> list[str]:
    """A user's MTUS or ACOEM set must name an edition of the MTUS that the bundled sets define (the MTUS
    editions are fixed by regulation, and --edition and the choice by date only know those): a misspelt one
    would silently never be chosen. Other sources (a clinic's protocol) may name their own editions."""
    known = sorted({cs.edition for set_id, cs in sets.items() if set_id not in overridable and cs.source in PAGED_SOURCES})
    if not known:
        return []
    return [f"{sources[set_id]}: edition names none of the {cs.source} editions imrcheck knows ({', '.join(known)})"
            for set_id, cs in sets.items() if set_id in overridable and cs.source in PAGED_SOURCES and cs.edition not in known]


def _bundled_files() -> list[tuple[Traversable | Path, str]]:
    root = bundled_criteria_root()
    return [(entry, f"guideline_criteria/{_relative(entry, root)}") for entry in iter_criteria_files(root)]


def _relative(entry: Traversable | Path, root: Traversable | Path) -> str:
    try:
        return str(Path(str(entry)).relative_to(Path(str(root))))
    except ValueError:
        return entry.name


@functools.cache
def _bundled_loaded() -> tuple[tuple[CriteriaSet, str], ...]:
    # Read once per installation, not per process (engine.criteria.cache says why it is safe).
    return cache.load_bundled("bundled-sets", lambda: tuple(load_sets(_bundled_files(), load_catalog())))


def load_pack(extra: Sequence[Path] = ()) -> CriteriaPack:
    """The bundled sets, plus the user's files or folders in `extra`, which may override by id."""
    loaded = list(_bundled_loaded())
    if not extra:
        return build_pack(loaded)
    user_files: list[tuple[Traversable | Path, str]] = []
    for path in extra:
        if path.is_dir():
            user_files.extend((f, str(f)) for f in iter_criteria_files(path))
        elif path.is_file():
            user_files.append((path, str(path)))
        elif path.exists():
            raise InputError(NOT_REGULAR, source=path)
        else:
            raise InputError("no such criteria file or folder", source=path)
    user = load_sets(user_files, load_catalog())
    repeated = repeated_ids(user)  # a user set may replace a bundled one, but not another user set
    if repeated:
        raise CriteriaLoadError(repeated)
    return build_pack([*loaded, *user], overridable=frozenset(cs.id for cs, _ in user))


def repeated_ids(loaded: Sequence[tuple[CriteriaSet, str]]) -> list[str]:
    """A problem for each set whose id an earlier one in `loaded` already uses."""
    first: dict[str, str] = {}
    problems = []
    for cs, label in loaded:
        if cs.id in first:
            problems.append(f"{label}: set id {cs.id!r} is already used by {first[cs.id]}")
        first.setdefault(cs.id, label)
    return problems

