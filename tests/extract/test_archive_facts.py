"""Extractor against a careful reading of real letters from the development sample
(`archive_facts.yaml`): archive PDFs and paraphrased TX/NY decisions read from `../shared`.

One test per stated fact (`-k "CM16-0235724 and exam"`); a known miss sits under `miss` and is a
strict xfail. `test_no_false_facts` fails on any scored fact the reading does not state.
`python tests/extract/test_archive_facts.py` prints found / stated / false per part (development,
held-out) for the report.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.cli.extract import summary_and_titles
from engine.extract import extract_case
from engine.letters import parse_letter_file
from engine.resources import load_yaml_with_lines, strip_lines

if __name__ == "__main__":  # as a script: the tests folder importable, as pytest's `pythonpath` makes it
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fact_reading import leaves, recall

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ARCHIVE = SHARED / "imr_archive" / "pdf"
BLIND = SHARED / "real_decisions" / "letters" / "blind"
READING: dict[str, dict[str, Any]] = strip_lines(
    load_yaml_with_lines(Path(__file__).with_name("archive_facts.yaml").read_text("utf-8"))
)
# Free text is not scored (see the YAML's header); requests come from the titles.
_UNSCORED = re.compile(r"^requests\[|^injury\.mechanism$|\.findings$|\.procedure$|^diagnoses\[|^history\.medications\[")


def letter_path(name: str) -> Path:
    return ARCHIVE / f"{name}.pdf" if name.startswith("CM") else BLIND / f"{name}.txt"


def summary_of(name: str) -> tuple[str, list[str]]:
    path = letter_path(name)
    if not path.is_file():
        pytest.skip(f"the development letters are not here: {path} is absent (they live in ../shared beside the repo)")
    if path.suffix == ".pdf":
        letter = parse_letter_file(path)
        return letter.clinical_summary or "", [str(item.title) for item in letter.items]
    return summary_and_titles(path.read_text(encoding="utf-8"), path.name)


def scored(case_json: dict[str, Any]) -> dict[str, Any]:
    """The facts the reading is compared on: free text out, diagnoses as sets, drugs by name."""
    facts = {k: v for k, v in leaves(case_json).items() if not _UNSCORED.search(k)}
    diagnoses = case_json.get("diagnoses") or []
    for field in ("region", "group"):
        values = sorted({d[field] for d in diagnoses if d.get(field)})
        if values:
            facts[f"diagnoses.{field}s"] = values
    if "injury.regions" in facts:
        facts["injury.regions"] = sorted(facts["injury.regions"])
    for med in (case_json.get("history") or {}).get("medications") or []:
        key = med.get("drug") or med["name"].lower()
        for field in ("treatment", "current"):
            if med.get(field) is not None:
                facts[f"history.medications[{key}].{field}"] = med[field]
    return facts


@functools.cache
def extracted(name: str) -> dict[str, Any]:
    case = extract_case(*summary_of(name)).case
    return scored(case.model_dump(mode="json", exclude_none=True, exclude={"case_id"}))


def _params() -> list[Any]:
    return [
        pytest.param(name, path, value, id=f"{name}::{path}",
                     marks=[pytest.mark.xfail(strict=True, reason=READING[name]["miss"][path])]
                     if path in READING[name].get("miss", {}) else [])
        for name in READING
        for path, value in READING[name]["stated"].items()
    ]


@pytest.mark.parametrize(("name", "path", "value"), _params())
def test_stated_fact_found(name: str, path: str, value: Any) -> None:
    assert extracted(name).get(path) == value


@pytest.mark.parametrize("name", sorted(READING))
def test_no_false_facts(name: str) -> None:
    _, _, false = recall(extracted(name), READING[name]["stated"])
    allowed = set(READING[name].get("extra", {}))
    assert sorted(set(false) - allowed) == [], {p: extracted(name).get(p) for p in false}
    # A false fact listed as known that is no longer produced is a fix to record.
    assert sorted(allowed - set(false)) == []


def test_scored_projection_sets_and_keys() -> None:
    case = {"diagnoses": [{"text": "x", "region": "lumbar", "group": "sprain_strain"}, {"text": "y", "region": "cervical"}],
            "injury": {"regions": ["lumbar", "cervical"], "mechanism": "fell"},
            "history": {"medications": [{"name": "Norco", "drug": "hydrocodone", "treatment": "opioid", "current": True}]},
            "requests": [{"treatment": "mri"}]}
    assert scored(case) == {
        "diagnoses.regions": ["cervical", "lumbar"], "diagnoses.groups": ["sprain_strain"],
        "injury.regions": ["cervical", "lumbar"],
        "history.medications[hydrocodone].treatment": "opioid", "history.medications[hydrocodone].current": True,
    }


def figures() -> dict[str, tuple[int, int, int]]:
    """Per part: (stated facts found, stated facts, false facts)."""
    totals: dict[str, list[int]] = {}
    for name, entry in READING.items():
        hits, stated, false = recall(extracted(name), entry["stated"])
        part = totals.setdefault(entry["part"], [0, 0, 0])
        part[0] += hits
        part[1] += stated
        part[2] += len(false)
    return {part: (a, b, c) for part, (a, b, c) in totals.items()}


if __name__ == "__main__":  # as a script: `python tests/extract/test_archive_facts.py [-v]`
    for part, (found, stated, false) in figures().items():
        print(f"{part}: found {found}/{stated}, false {false}")
    if "-v" in sys.argv:
        for name, entry in READING.items():
            hits, stated, false = recall(extracted(name), entry["stated"])
            missed = [p for p, v in entry["stated"].items() if extracted(name).get(p) != v]
            print(name, entry["part"], f"{hits}/{stated}", "missed:", missed, "false:",
                  {p: extracted(name).get(p) for p in false})
