"""Comparing an extracted case with a careful human reading of a letter, fact by fact (shared by
tests/extract/test_letter_facts.py and tests/extract/test_archive_facts.py)."""

from __future__ import annotations

from typing import Any


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Case paths to values: dicts by key, lists of records by index, lists of plain values whole."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(leaves(item, f"{path}.{key}" if path else key))
        return out
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        out = {}
        for index, item in enumerate(value):
            out.update(leaves(item, f"{path}[{index}]"))
        return out
    return {path: value}


def recall(found: dict[str, Any], stated: dict[str, Any]) -> tuple[int, int, list[str]]:
    """(stated facts found, stated facts, produced facts not stated)."""
    hits = sum(1 for path, value in stated.items() if found.get(path) == value)
    false = sorted(path for path, value in found.items() if stated.get(path) != value and path not in stated)
    wrong = sorted(path for path, value in found.items() if path in stated and stated[path] != value)
    return hits, len(stated), false + wrong
