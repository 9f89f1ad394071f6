from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from engine.catalog import TreatmentCatalog, load_catalog
from engine.criteria.pack import CriteriaPack, load_pack
from engine.evaluate import Evaluator

# Hypothesis fails an example that takes over 200 ms of wall time by default: a speed assertion, which
# a loaded machine or the suite split over workers trips on correct code. Speed is measured in
# benchmarks/, never asserted in tests.
settings.register_profile("imrcheck", deadline=None)
settings.load_profile("imrcheck")

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED_LETTERS = REPO.parent / "shared" / "letters"


@pytest.fixture(scope="session")
def catalog() -> TreatmentCatalog:
    return load_catalog()


@pytest.fixture(scope="session")
def pack() -> CriteriaPack:
    return load_pack()


@pytest.fixture(scope="session")
def evaluator(pack: CriteriaPack, catalog: TreatmentCatalog) -> Evaluator:
    return Evaluator(pack, catalog)


@pytest.fixture(scope="session")
def shared_letters() -> Path:
    if not SHARED_LETTERS.is_dir():
        pytest.skip(f"the real IMR letters are not here: {SHARED_LETTERS} is absent (CI has them beside the repo)")
    return SHARED_LETTERS


# Browser fixtures (`browser`, `page`) for the web app and HTML report tests.
from browser_support import browser, page  # noqa: E402, F401
