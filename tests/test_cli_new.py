"""`imrcheck new`: the case skeleton holds exactly the questions, is a valid case, and checks once filled."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml

from cli_support import only_result, run_cli
from engine.case_io import load_case_file, parse_case_text
from engine.criteria.pack import CriteriaPack
from engine.evaluate import Evaluator
from engine.questionnaire import QuestionnaireRequest, build_questionnaire
from engine.questionnaire.skeleton import render_skeleton

ESI_ARGS = ("new", "--treatment", "lumbar epidural steroid injection", "--region", "lumbar", "--repeat",
            "--date", "2015-03-01")


def _null_fields(node: Any, prefix: str = "") -> set[str]:
    """Dotted paths of every empty field (list entries by their collection's path)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}{key}"
            if value is None:
                found.add(path)
            else:
                found |= _null_fields(value, path + ".")
    elif isinstance(node, list):
        for item in node:
            found |= _null_fields(item, prefix)
    return found


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text, replaced = re.subn(rf"^(\s*){name}: null$", rf"\g<1>{name}: {value}", text, flags=re.MULTILINE)
        assert replaced == 1, name
    return text


def test_the_skeleton_holds_exactly_the_questions(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    run = run_cli(*ESI_ARGS, "--out", str(out), expect=0)
    assert "5 questions" in run.stderr
    text = out.read_text()
    data = yaml.safe_load(text)
    nulls = _null_fields(data)
    assert nulls == {"history.injections.relief_pct", "history.injections.relief_weeks",
                     "history.injections.medication_reduction", "history.injections.functional_improvement",
                     # counted within a year: the entries need their dates
                     "history.injections.date"}
    assert "# Percent pain relief after the most recent injection (at least 50% is needed)" in text
    assert "# (number) for mtus_2009_esi_repeat/prior_relief_percent" in text
    citation = "MTUS Chronic Pain Medical Treatment Guidelines, Epidural steroid injections (ESIs), p. 46 [mtus_2009]"
    assert text.count(citation) == 1 and f"# Cites: {citation}\n" in text
    assert "how many injections in this region in the past year?" in text


def test_the_empty_skeleton_is_a_case_that_checks_upheld_with_the_questions_missing(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    run_cli(*ESI_ARGS, "--out", str(out), expect=0)
    load_case_file(out)  # valid as written
    checked = only_result(run_cli("check", str(out), "--format", "json", expect=1).stdout)
    (request,) = checked["requests"]
    assert request["prediction"] == "uphold"
    assert "Percent pain relief after the most recent injection (at least 50% is needed)" in \
        request["missing_documentation"]
    assert any(h["kind"] == "document" for h in request["to_overturn"])


def test_the_filled_skeleton_checks_overturned(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    run_cli(*ESI_ARGS, "--out", str(out), expect=0)
    filled = _fill(out.read_text(), {"date": "2014-11-10", "relief_pct": "60", "relief_weeks": "8",
                                     "medication_reduction": "true", "functional_improvement": "true"})
    out.write_text(filled)
    checked = only_result(run_cli("check", str(out), "--format", "json", expect=0).stdout)
    assert checked["requests"][0]["prediction"] == "overturn"
    out.write_text(filled.replace("relief_pct: 60", "relief_pct: 40"))
    upheld = only_result(run_cli("check", str(out), "--format", "json", expect=1).stdout)["requests"][0]
    assert [h["message"] for h in upheld["to_overturn"]] == [
        "percent relief after the last injection documented 40%; 50% or more needed"]


def test_a_count_only_record_is_offered_commented_out() -> None:
    """Listing a CRPS diagnosis by default would say the worker has CRPS."""
    run = run_cli("new", "--treatment", "physical therapy", "--region", "lumbar", "--date", "2015-03-01", expect=0)
    data = yaml.safe_load(run.stdout)
    assert data["diagnoses"] is None
    assert '#   group: "crps"' in run.stdout
    uncommented = run.stdout.replace("  # -\n", "  -\n").replace('  #   text: "crps"', '    text: "crps"') \
        .replace('  #   group: "crps"', '    group: "crps"')
    case = parse_case_text(uncommented, source="uncommented")
    assert case.diagnoses is not None and case.diagnoses[0].group == "crps"


def test_every_treatment_gets_a_valid_skeleton(evaluator: Evaluator, pack: CriteriaPack) -> None:
    treatments = sorted({t for cs in pack.sets.values() for t in cs.applies_to.treatments})
    for treatment in treatments:
        for repeat in (None, True):
            for when in (dt.date(2015, 3, 1), None):
                q = build_questionnaire(evaluator, QuestionnaireRequest(treatment=treatment, repeat=repeat,
                                                                        request_date=when))
                text = render_skeleton(q)
                case = parse_case_text(text, source=f"{treatment} skeleton")
                result = evaluator.evaluate(case).requests[0]
                assert set(q.criteria_sets) == {u.criteria_set for u in result.criteria_sets if u.applied}, treatment
                for x in q.questions:
                    assert x.prompt in text, (treatment, x.id)


def test_it_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    out.write_text("keep me\n")
    run = run_cli(*ESI_ARGS, "--out", str(out), expect=2)
    assert "already exists" in run.stderr and "--force" in run.stderr
    assert out.read_text() == "keep me\n"
    run_cli(*ESI_ARGS, "--out", str(out), "--force", expect=0)
    assert "relief_pct: null" in out.read_text()


def test_bad_input_exits_2_with_a_message() -> None:
    unknown = run_cli("new", "--treatment", "acupunture", expect=2)
    assert "unknown treatment (not a name the treatment catalog knows); did you mean 'acupuncture'" in unknown.stderr
    assert "--region" in run_cli("new", "--treatment", "ESI", "--region", "lumbr", expect=2).stderr
    assert "--date" in run_cli("new", "--treatment", "ESI", "--date", "March 2015", expect=2).stderr


def test_json_prints_the_questionnaire() -> None:
    run = run_cli(*ESI_ARGS, "--format", "json", expect=0)
    contract = json.loads(run.stdout)
    assert contract["treatment"] == "epidural_steroid_injection"
    assert [q["id"] for q in contract["questions"]] == [
        "history.injections.relief_pct", "history.injections.relief_weeks", "history.injections.medication_reduction",
        "history.injections.functional_improvement", "history.injections"]


def test_each_citation_is_said_once_however_many_fields_it_bears_on() -> None:
    text = run_cli("new", "-t", "Norco 10/325", "--date", "2018-03-01", expect=0).stdout
    cites = [line for line in text.splitlines() if "Opioids" in line and "pp." in line]
    assert len(cites) == 1 and cites[0].startswith("# Cites: ")


def test_a_drug_named_in_the_treatment_fills_the_drug_fields() -> None:
    data = yaml.safe_load(run_cli("new", "-t", "Norco 10/325", "--date", "2018-03-01", expect=0).stdout)
    assert data["requests"][0]["drug"] == "hydrocodone"
    opioid_records = [m for m in data["history"]["medications"] if m.get("treatment") == data["requests"][0]["treatment"]]
    assert [m["drug"] for m in opioid_records] == ["hydrocodone"]


def test_new_reads_extra_criteria_like_every_command(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    run = run_cli("new", "-t", "TFESI", "--criteria", str(missing), expect=2)
    assert run.stderr == f"imrcheck: {missing}: no such criteria file or folder\n"


def test_an_example_record_names_its_kind_not_its_place() -> None:
    text = run_cli("new", "-t", "chiropractic", "--region", "lumbar", "--date", "2015-03-01", expect=0).stdout
    assert '#   text: "carpal tunnel"  # in your words\n' in text
    assert '#   region: "lumbar"\n' in text
