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
from engine.criteria.schema import CriteriaSet
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


def _read(entry: Traversable | Path, label: str) -> str:
    try:
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
    if problems:
        raise CriteriaLoadError(problems)
    return CriteriaPack(sets=sets, sources=sources)


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
    return cache.load_or_build("bundled-sets", cache.fingerprint(bundled_criteria_root()),
                               lambda: tuple(load_sets(_bundled_files(), load_catalog())))


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

