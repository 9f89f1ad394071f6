"""Checking a user's own criteria files (`imrcheck criteria validate`) the way `--criteria` loads them.

Each file goes through the strict loader on its own, so every problem of every file is listed, each
with file and line; then the files are checked together and against the loaded pack (ids repeated
among them, aliases, references to other sets), as `load_pack` would. A file whose id is already
loaded is allowed (it overrides that set) and the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from engine.catalog import TreatmentCatalog
from engine.criteria.loader import iter_criteria_files
from engine.criteria.pack import NOT_REGULAR, CriteriaPack, build_pack, load_pack, load_sets, repeated_ids
from engine.criteria.schema import CriteriaSet
from engine.errors import CriteriaLoadError


class Overrides(BaseModel):
    """The loaded set a user's file replaces."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    set_id: str
    source: str  # the file it came from
    bundled: bool


class FileReport(BaseModel):
    """What one named file (or folder with nothing to check) came to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    set_id: str | None = None
    criteria: int = 0
    overrides: Overrides | None = None
    problems: tuple[str, ...] = ()


class ValidationReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    files: tuple[FileReport, ...]
    shared_problems: tuple[str, ...] = ()  # problems between files, or with the loaded pack

    @property
    def problems(self) -> list[str]:
        return [p for f in self.files for p in f.problems] + list(self.shared_problems)

    @property
    def ok(self) -> bool:
        return not self.problems


def _files(paths: Sequence[Path]) -> list[Path | FileReport]:
    """Each file named or found (recursively) in a named folder, or a report standing for what is not there."""
    found: list[Path | FileReport] = []
    for path in paths:
        if path.is_dir():
            inside = [Path(str(f)) for f in iter_criteria_files(path)]
            found.extend(inside or [FileReport(path=str(path), problems=(f"{path}: the folder holds no criteria files (*.yaml)",))])
        elif path.is_file():
            found.append(path)
        elif path.exists():
            found.append(FileReport(path=str(path), problems=(f"{path}: {NOT_REGULAR}",)))
        else:
            found.append(FileReport(path=str(path), problems=(f"{path}: no such file or folder",)))
    return found


def _load_one(path: Path, catalog: TreatmentCatalog) -> CriteriaSet | FileReport:
    try:
        [(cs, _)] = load_sets([(path, str(path))], catalog)
    except CriteriaLoadError as exc:
        return FileReport(path=str(path), problems=tuple(exc.problems))
    return cs


def _overrides(cs: CriteriaSet, path: Path, base: CriteriaPack, bundled: CriteriaPack) -> Overrides | None:
    source = base.sources.get(cs.id)
    if source is None or Path(source).resolve() == path.resolve():
        return None  # new, or the very file also given with --criteria
    return Overrides(set_id=cs.id, source=source, bundled=bundled.sources.get(cs.id) == source)


def validate_paths(paths: Sequence[Path], base: CriteriaPack, catalog: TreatmentCatalog) -> ValidationReport:
    """Check the criteria files and folders in `paths` as additions to (or overrides of) `base`."""
    bundled = load_pack()
    reports: list[FileReport] = []
    loaded: list[tuple[CriteriaSet, str]] = []
    for item in _files(paths):
        result = item if isinstance(item, FileReport) else _load_one(item, catalog)
        if isinstance(result, CriteriaSet):
            assert isinstance(item, Path)
            loaded.append((result, str(item)))
            result = FileReport(path=str(item), set_id=result.id, criteria=len(result.criteria),
                                overrides=_overrides(result, item, base, bundled))
        reports.append(result)
    shared = repeated_ids(loaded)
    if not shared:
        current = [(cs, base.sources.get(cs.id, cs.id)) for cs in base.sets.values()]
        try:
            build_pack([*current, *loaded], overridable=frozenset(cs.id for cs, _ in loaded))
        except CriteriaLoadError as exc:
            shared = exc.problems
    return ValidationReport(files=tuple(reports), shared_problems=tuple(shared))
