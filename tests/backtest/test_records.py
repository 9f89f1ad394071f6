"""Structured cases with their outcomes (JSONL and YAML): good records compared, bad ones skipped by line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _case() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "examples" / "repeat_esi_meets_criteria.yaml").read_text(encoding="utf-8"))
    plain: dict[str, Any] = json.loads(json.dumps(loaded, default=str))  # dates as text, as JSON carries them
    return plain


def _record() -> dict[str, Any]:
    """The documented repeat ESI example (an injection and its fluoroscopy), both overturned."""
    case = _case()
    return {"source": "invented-1", "case": case, "outcomes": {r["id"]: "overturned" for r in case["requests"]},
            "reviewer_guidelines": {case["requests"][0]["id"]: "Decision based on MTUS Chronic Pain Treatment Guidelines "
                                                               "Epidural Steroid Injections Page(s): 46."}}


def test_a_jsonl_file_compares_good_records_and_skips_bad_lines(tmp_path: Path, evaluate_json: Callable[..., Any]) -> None:
    good = _record()
    request_id = good["case"]["requests"][0]["id"]
    no_case = {"source": "invented-2", "outcomes": {"r1": "upheld"}}
    wrong_id = {**_record(), "outcomes": {"nope": "upheld"}}
    bad_decision = {**_record(), "outcomes": {request_id: "granted"}}
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join([json.dumps(good), "{not json", json.dumps(no_case), "", json.dumps(wrong_id),
                               json.dumps(bad_decision)]) + "\n", encoding="utf-8")
    report = evaluate_json(str(path))
    assert report["letters"] == 1 and report["items"] == 2
    row = report["item_rows"][0]
    assert (row["source"], row["actual"], row["item"]) == ("invented-1", "overturned", 1)
    assert row["predicted"] in ("upheld", "overturned")
    assert row["same_guideline"] is True  # the record cites the ESI section, page 46, as our set does
    skipped = {s["source"]: s["reason"] for s in report["skipped"]}
    assert set(skipped) == {f"{path}:2", f"{path}:3", f"{path}:5", f"{path}:6"}
    assert skipped[f"{path}:2"].startswith("line 2, column 2: not valid JSON")
    assert "case: Field required" in skipped[f"{path}:3"]
    assert "outcomes names nope, which the case does not request" in skipped[f"{path}:5"]
    assert "outcomes" in skipped[f"{path}:6"] and request_id in skipped[f"{path}:6"]


def test_a_yaml_list_of_records_names_each_bad_record_by_line(tmp_path: Path, evaluate_json: Callable[..., Any]) -> None:
    good = _record()
    bad = {**_record(), "case": {**_case(), "requests": []}}
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump([good, bad], sort_keys=False), encoding="utf-8")
    report = evaluate_json(str(path))
    assert report["items"] == 2
    (skip,) = report["skipped"]
    line = skip["source"].rsplit(":", 1)[1]
    assert path.read_text(encoding="utf-8").splitlines()[int(line) - 1].startswith("- source:")
    assert "case.requests" in skip["reason"]


def test_a_request_without_an_outcome_is_skipped_alone(tmp_path: Path, evaluate_json: Callable[..., Any]) -> None:
    record = _record()
    case = record["case"]
    case["requests"].append({**case["requests"][0], "id": "second"})
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = evaluate_json(str(path))
    assert report["items"] == 2
    assert report["skipped"] == [{"source": f"{path}:1#second", "reason": "the record gives no actual outcome for this request"}]


def test_an_unreadable_yaml_file_is_skipped(tmp_path: Path, evaluate_json: Callable[..., Any], shared_letters: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("- source: [unclosed\n", encoding="utf-8")
    report = evaluate_json(str(shared_letters), str(path))
    assert report["skipped"][0]["source"] == str(path) and "YAML" in report["skipped"][0]["reason"]
