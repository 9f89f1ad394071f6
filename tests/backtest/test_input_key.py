"""An input's key is its resolved path, however it was written (the folder part is resolved once per folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.backtest.inputs import input_key


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs symbolic links")
def test_keys_equal_the_fully_resolved_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "l.txt").symlink_to(tmp_path / "real" / "a.txt")
    monkeypatch.chdir(tmp_path)
    written = ["real/a.txt", "link/a.txt", "link/../real/a.txt", "real/l.txt", "link/l.txt", "./real/a.txt",
               "real/missing.txt", "a.txt", str(tmp_path / "link" / "a.txt"), "link/..", "link/.", "real//a.txt"]
    assert [input_key(w) for w in written] == [str(Path(w).resolve()) for w in written]
    assert input_key("link/l.txt") == str(tmp_path.resolve() / "real" / "a.txt")
    assert input_key("real/records.jsonl:3") == str(tmp_path.resolve() / "real" / "records.jsonl") + ":3"
