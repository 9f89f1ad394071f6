from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli_support import run_cli
from engine.backtest.synthetic import CorpusStats, write_corpus

CORPUS_FILES = 160


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CorpusStats]:
    """A small generated corpus in shards of 50, with about one file in ten not a letter."""
    folder = tmp_path_factory.mktemp("corpus")
    return folder, write_corpus(folder, CORPUS_FILES, seed=7, bad_share=0.1, shard=50)


Report = dict[str, Any]


def _evaluate_json(*args: str, expect: int = 0) -> Report:
    report: Report = json.loads(run_cli("evaluate", *args, "--format", "json", expect=expect).stdout)
    return report


@pytest.fixture(scope="session")
def evaluate_json() -> Callable[..., Report]:
    """Run `imrcheck evaluate ARGS --format json` in process; check the exit code; return the report."""
    return _evaluate_json
