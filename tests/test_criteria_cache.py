"""The bundled data cache is invisible (the same sets, catalog and tables) and trusts only the user's own files."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import NoReturn

import pytest
from pydantic import BaseModel

from engine import catalog as catalog_module
from engine import resources
from engine.catalog import load_catalog
from engine.criteria import cache
from engine.criteria.pack import _bundled_files, load_sets
from engine.drugs import DRUG_FILE, DrugTable
from engine.morphine import CONVERSION_FILE, ConversionTable
from engine.scoring.model import SCORING_FILE, ScoringModel


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IMRCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("IMRCHECK_NO_CACHE", raising=False)
    return tmp_path / "cache"


def _fresh() -> tuple[object, ...]:
    return tuple(load_sets(_bundled_files(), load_catalog()))


def test_the_cached_sets_are_the_sets_loaded_from_yaml(folder: Path) -> None:
    built = cache.load_or_build("sets", "k1", _fresh)
    (entry,) = folder.glob("sets-k1.pickle")
    assert oct(entry.stat().st_mode & 0o777) == "0o600" and oct(folder.stat().st_mode & 0o777) == "0o700"
    read = cache.load_or_build("sets", "k1", lambda: pytest.fail("built again although cached"))
    assert read == built == _fresh()


def test_only_the_newest_entries_are_kept(folder: Path) -> None:
    for number in range(cache.KEEP_ENTRIES + 2):
        assert cache.load_or_build("sets", f"k{number}", lambda number=number: (number,)) == (number,)
        os.utime(folder / f"sets-k{number}.pickle", (1_000_000 + number, 1_000_000 + number))
    cache.load_or_build("sets", "k0", lambda: (0,))  # rebuilt (it was pruned) and now the newest
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == cache.KEEP_ENTRIES and "sets-k0.pickle" in kept and "sets-k1.pickle" not in kept


def test_an_entry_others_can_write_is_never_read(folder: Path) -> None:
    cache.load_or_build("sets", "k1", lambda: ("built",))
    entry = folder / "sets-k1.pickle"
    entry.write_bytes(pickle.dumps(("planted",)))
    os.chmod(entry, 0o666)
    assert cache.load_or_build("sets", "k1", lambda: ("rebuilt",)) == ("rebuilt",)


def test_a_damaged_entry_is_rebuilt(folder: Path) -> None:
    cache.load_or_build("sets", "k1", lambda: ("built",))
    (folder / "sets-k1.pickle").write_bytes(b"not a pickle")
    assert cache.load_or_build("sets", "k1", lambda: ("rebuilt",)) == ("rebuilt",)


def test_no_cache_turns_it_off(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMRCHECK_NO_CACHE", "1")
    assert cache.load_or_build("sets", "k1", lambda: ("built",)) == ("built",)
    assert not folder.exists()


def test_the_fingerprint_follows_the_bundled_files(tmp_path: Path) -> None:
    data = tmp_path / "criteria"
    data.mkdir()
    (data / "a.yaml").write_text("id: a\n", encoding="utf-8")
    before = cache.fingerprint(data)
    assert cache.fingerprint(data) == before
    (data / "a.yaml").write_text("id: b\n", encoding="utf-8")
    assert cache.fingerprint(data) != before


def test_the_fingerprint_follows_the_engine_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, code = tmp_path / "criteria", tmp_path / "engine"
    (code / "sub" / "__pycache__").mkdir(parents=True)
    data.mkdir()
    module = code / "sub" / "rules.py"
    module.write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_ENGINE", code)
    before = cache.fingerprint(data)
    (code / "sub" / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"bytecode")  # not code
    (code / "notes.txt").write_text("not a module", encoding="utf-8")
    assert cache.fingerprint(data) == before
    module.write_text("X = 10\n", encoding="utf-8")  # another size
    assert cache.fingerprint(data) != before
    edited = cache.fingerprint(data)
    os.utime(module, ns=(module.stat().st_atime_ns, module.stat().st_mtime_ns + 1_000_000_000))  # saved again
    assert cache.fingerprint(data) != edited


def _never(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("parsed again although cached")


@pytest.mark.parametrize(("model", "file_name"), [(DrugTable, DRUG_FILE), (ConversionTable, CONVERSION_FILE),
                                                   (ScoringModel, SCORING_FILE)])
def test_a_bundled_table_is_parsed_once_and_read_back_the_same(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                                               model: type[BaseModel], file_name: str) -> None:
    parsed = resources.load_bundled_table(model, file_name)
    assert len(list(folder.glob(f"table-{file_name.removesuffix('.yaml')}-*.pickle"))) == 1
    monkeypatch.setattr(resources, "parse_table", _never)
    assert resources.load_bundled_table(model, file_name) == parsed


def test_the_catalog_is_parsed_once_and_read_back_finding_the_same_names(folder: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = catalog_module.load_catalog.__wrapped__()
    assert len(list(folder.glob("catalog-*.pickle"))) == 1
    monkeypatch.setattr(catalog_module, "parse_catalog", _never)
    read = catalog_module.load_catalog.__wrapped__()
    assert read is not parsed and read.treatments == parsed.treatments and read.categories == parsed.categories
    for title in ("MRI of the lumbar spine", "Norco 10/325 #60", "physical therapy 2x4 for the neck", "RFA form"):
        assert read.match_title(title) == parsed.match_title(title)
