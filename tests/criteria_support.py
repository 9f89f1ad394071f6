"""Reading the criteria case files in tests/criteria_cases/ (one per criteria set)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from engine.models import Case
from engine.results import Finding, RequestResult

CASES_DIR = Path(__file__).resolve().parent / "criteria_cases"
Kind = Literal["met", "unmet", "missing"]


@dataclass(frozen=True)
class CriteriaCase:
    set_id: str
    name: str
    kind: Kind
    case: Case
    request_id: str | None
    as_of: dt.date | None
    expect: dict[str, Any]

    @property
    def test_id(self) -> str:
        return f"{self.set_id}::{self.name}"


def load_case_file(path: Path) -> list[CriteriaCase]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    set_id = data["criteria_set"]
    default_as_of = data.get("as_of")
    out = []
    for entry in data["cases"]:
        unknown = set(entry) - {"name", "kind", "case", "request", "as_of", "expect"}
        assert not unknown, f"{path.name}: case {entry.get('name')}: unknown keys {unknown}"
        out.append(CriteriaCase(
            set_id=set_id, name=entry["name"], kind=entry["kind"], case=Case.model_validate(entry["case"]),
            request_id=entry.get("request"), as_of=entry.get("as_of", default_as_of), expect=entry["expect"],
        ))
    return out


def all_case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def all_cases() -> list[CriteriaCase]:
    return [c for path in all_case_files() for c in load_case_file(path)]


def set_outcome(findings: list[Finding]) -> Kind:
    statuses = {f.status for f in findings}
    if "unmet" in statuses:
        return "unmet"
    return "missing" if "missing" in statuses else "met"


def findings_of(result: RequestResult, set_id: str) -> list[Finding]:
    return [f for f in result.findings if f.criteria_set == set_id]
