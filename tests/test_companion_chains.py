"""Companion chains (issue 17): a companion of a companion listed before its primary is judged after
it, in `check`, `missing` and the engine; a cycle of `companion_of` links is refused with the file
and field named and no submitted value repeated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_support import run_cli
from engine.case_io import validate_case
from engine.errors import CaseValidationError
from engine.evaluate import Evaluator

ESI = {"id": "esi", "treatment": "lumbar transforaminal epidural steroid injection", "region": "lumbar"}


def _chain_case(*requests: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": "chain", "request_date": "2015-03-01", "requests": list(requests)}


# sedation -> fluoroscopy -> ESI, in every order that lists a companion before its primary
ORDERS = [
    [{"id": "sed", "treatment": "IV sedation", "companion_of": "fluoro"},
     {"id": "fluoro", "treatment": "fluoroscopy", "companion_of": "esi"}, ESI],
    [{"id": "fluoro", "treatment": "fluoroscopy", "companion_of": "esi"},
     {"id": "sed", "treatment": "IV sedation", "companion_of": "fluoro"}, ESI],
    [ESI, {"id": "sed", "treatment": "IV sedation", "companion_of": "fluoro"},
     {"id": "fluoro", "treatment": "fluoroscopy", "companion_of": "esi"}],
]


@pytest.mark.parametrize("requests", ORDERS, ids=["sed-fluoro-esi", "fluoro-sed-esi", "esi-sed-fluoro"])
def test_a_chain_of_three_is_judged_primary_first(evaluator: Evaluator, requests: list[dict[str, Any]]) -> None:
    case = validate_case(_chain_case(*requests), source="chain.yaml")
    result = evaluator.evaluate(case)
    by_id = {r.id: r for r in result.requests}
    assert [r.id for r in result.requests] == [r["id"] for r in requests]  # reported in the order listed
    assert by_id["esi"].prediction == "uphold"  # nothing documented
    assert by_id["fluoro"].companion_of == "esi" and by_id["fluoro"].prediction == "uphold"
    assert by_id["sed"].companion_of == "fluoro" and by_id["sed"].prediction == "uphold"
    assert by_id["fluoro"].basis == "companion" and by_id["sed"].basis == "companion"


@pytest.mark.parametrize("command", ["check", "missing"])
def test_cli_commands_take_a_chain_listed_backwards(tmp_path: Path, command: str) -> None:
    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(_chain_case(*ORDERS[0])))
    run = run_cli(command, str(path), "--format", "json", expect=1)
    assert '"sed"' in run.stdout and '"fluoro"' in run.stdout


CYCLES = {
    "two": [{"id": "aa-secret", "treatment": "fluoroscopy", "companion_of": "bb-secret"},
            {"id": "bb-secret", "treatment": "IV sedation", "companion_of": "aa-secret"}],
    "three": [ESI, {"id": "aa-secret", "treatment": "fluoroscopy", "companion_of": "cc-secret"},
              {"id": "bb-secret", "treatment": "IV sedation", "companion_of": "aa-secret"},
              {"id": "cc-secret", "treatment": "anesthesia", "companion_of": "bb-secret"}],
}


@pytest.mark.parametrize("name", sorted(CYCLES))
def test_a_cycle_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(CaseValidationError) as caught:
        validate_case(_chain_case(*CYCLES[name]), source="cycle.yaml")
    message = str(caught.value)
    first = 1 if name == "two" else 2
    assert f"requests → item {first} → companion_of: the companions form a cycle" in message
    assert "secret" not in message


@pytest.mark.parametrize("command", ["check", "missing"])
def test_cli_refuses_a_cycle_with_exit_2(tmp_path: Path, command: str) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text(yaml.safe_dump(_chain_case(*CYCLES["two"])))
    run = run_cli(command, str(path), expect=2)
    assert str(path) in run.stderr and "companion_of" in run.stderr and "cycle" in run.stderr
    assert "secret" not in run.stdout + run.stderr


def test_unknown_or_repeated_ids_are_named_without_their_values() -> None:
    unknown = _chain_case(ESI, {"id": "f", "treatment": "fluoroscopy", "companion_of": "zz-secret"})
    with pytest.raises(CaseValidationError, match=r"item 2 → companion_of: names no request id") as caught:
        validate_case(unknown, source="c.yaml")
    assert "secret" not in str(caught.value)
    repeated = _chain_case({**ESI, "id": "yy-secret"}, {"id": "yy-secret", "treatment": "fluoroscopy"})
    with pytest.raises(CaseValidationError, match=r"item 2 → id: repeats the id of item 1") as caught:
        validate_case(repeated, source="c.yaml")
    assert "secret" not in str(caught.value)


def test_evaluate_judges_a_chain_and_skips_a_cycle_with_its_reason(tmp_path: Path) -> None:
    chain = {"source": "chain-1", "case": _chain_case(*ORDERS[0]),
             "outcomes": {"sed": "upheld", "fluoro": "upheld", "esi": "upheld"}}
    cycle = {"source": "cycle-1", "case": _chain_case(*CYCLES["two"]),
             "outcomes": {"aa-secret": "upheld", "bb-secret": "upheld"}}
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(chain) + "\n" + json.dumps(cycle) + "\n", encoding="utf-8")
    report = json.loads(run_cli("evaluate", str(path), "--format", "json", expect=0).stdout)
    assert (report["letters"], report["items"]) == (1, 3)
    (skip,) = report["skipped"]
    assert skip["source"] == f"{path}:2"
    assert "companion_of" in skip["reason"] and "cycle" in skip["reason"] and "secret" not in skip["reason"]
