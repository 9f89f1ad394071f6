"""`imrcheck criteria list|show|validate|docs`, through the real CLI app."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from user_criteria import USER_SET_ID, changed, write_set

from cli_support import run_cli
from conftest import REPO
from engine.catalog import TreatmentCatalog
from engine.criteria.pack import CriteriaPack
from engine.explain import citation_line

KNOWN = "mtus_2009_esi_repeat"
LIST_KEYS = {"id", "title", "source", "document", "edition", "effective_from", "effective_to", "treatments", "categories",
             "citation", "kind", "confidence_counts"}


def test_list_json_is_the_contract_for_every_set(pack: CriteriaPack, catalog: TreatmentCatalog) -> None:
    rows = json.loads(run_cli("criteria", "list", "--format", "json", expect=0).stdout)
    assert [r["id"] for r in rows] == sorted(pack.sets)
    for row in rows:
        assert set(row) == LIST_KEYS, row["id"]
        cs = pack.get(row["id"])
        assert dt.date.fromisoformat(row["effective_from"]) == cs.effective_from
        assert row["effective_to"] is None or dt.date.fromisoformat(row["effective_to"]) == cs.effective_to
        assert row["treatments"] == list(cs.applies_to.treatments)
        assert row["kind"] == cs.kind
        marks = [c.confidence or cs.confidence for c in cs.criteria]
        assert row["confidence_counts"] == {m: marks.count(m) for m in ("C", "Q", "U")}
        assert row["categories"] == sorted({catalog.get(t).category for t in cs.applies_to.treatments})
        assert row["citation"] == citation_line(cs)
        assert all(isinstance(row[k], str) for k in ("id", "title", "source", "document", "edition", "citation"))
    esi = next(r for r in rows if r["id"] == KNOWN)
    assert esi["treatments"] == ["epidural_steroid_injection"] and esi["categories"] == ["injection"]
    assert esi["effective_to"] == "2017-12-01"


def test_list_table_names_a_known_set() -> None:
    out = run_cli("criteria", "list", expect=0).stdout
    assert KNOWN in out and "Repeat epidural steroid" in out


def test_list_filters_by_a_treatment_name(pack: CriteriaPack) -> None:
    rows = json.loads(run_cli("criteria", "list", "-f", "json", "--treatment", "TFESI", expect=0).stdout)
    expected = sorted(cs.id for cs in pack.sets.values() if "epidural_steroid_injection" in cs.applies_to.treatments)
    assert [r["id"] for r in rows] == expected and KNOWN in expected
    assert len(expected) < len(pack.sets)


def test_list_with_an_unknown_treatment_suggests_names() -> None:
    err = run_cli("criteria", "list", "--treatment", "acupunture", expect=2).stderr
    assert "unknown treatment 'acupunture'; did you mean 'acupuncture'" in err


def test_show_prints_the_set_and_each_leaf_in_words(pack: CriteriaPack) -> None:
    out = run_cli("criteria", "show", KNOWN, expect=0).stdout
    cs = pack.get(KNOWN)
    assert out.startswith(f"{KNOWN}: {cs.title}\n")
    assert citation_line(cs) in out
    assert "confidence: U (unverified threshold)" in out
    assert "applies to: epidural steroid injection (epidural_steroid_injection); repeat requests only" in out
    assert "percent relief after the last injection: at least 50" in out
    assert ("read from history.injections, the number of records where treatment and region match the request, "
            "dated within 365 days before the request") in out
    assert "ask for: Percent pain relief after the most recent [levels] injection (at least 50% is needed)" in out
    for criterion in cs.criteria:
        assert f"{criterion.id}: {criterion.title}" in out


def test_show_indents_all_any_and_not(tmp_path: Path) -> None:
    write_set(tmp_path)
    out = run_cli("criteria", "show", USER_SET_ID, "--criteria", str(tmp_path), expect=0).stdout
    tree = out[out.index("1. trial_first"):].splitlines()
    assert tree[1:4] == ["     all of:", "       weeks of trial requested: at least 4", "         read from request.weeks"]
    assert "       not:" in tree and "         postsurgical: documented as yes" in tree


def test_show_an_unknown_id_suggests_close_ids() -> None:
    run = run_cli("criteria", "show", "mtus_esi_repeat", expect=2)
    assert "unknown criteria set 'mtus_esi_repeat'; did you mean 'mtus_2009_esi_repeat'" in run.stderr
    assert run.stdout == ""


def test_show_yaml_is_a_criteria_file_that_validates_as_an_override(tmp_path: Path) -> None:
    text = run_cli("criteria", "show", KNOWN, "--format", "yaml", expect=0).stdout
    path = tmp_path / f"{KNOWN}.yaml"
    path.write_text(text.replace("title: Repeat epidural steroid injection", "title: Our stricter repeat ESI"))
    out = run_cli("criteria", "validate", str(path), expect=0).stdout
    assert f"overrides bundled set {KNOWN!r}" in out
    rows = json.loads(run_cli("criteria", "list", "-f", "json", "--criteria", str(tmp_path), expect=0).stdout)
    assert next(r for r in rows if r["id"] == KNOWN)["title"] == "Our stricter repeat ESI"


def test_show_json_round_trips_the_set(pack: CriteriaPack) -> None:
    data = json.loads(run_cli("criteria", "show", KNOWN, "-f", "json", expect=0).stdout)
    assert type(pack.get(KNOWN)).model_validate(data) == pack.get(KNOWN)


def test_validate_a_good_file_says_so_in_one_line(tmp_path: Path) -> None:
    path = write_set(tmp_path)
    out = run_cli("criteria", "validate", str(path), expect=0).stdout
    assert out == f"{path}: ok, set '{USER_SET_ID}' with 1 criterion\n"


def test_validate_lists_every_problem_with_file_and_line(tmp_path: Path) -> None:
    broken = changed(("confidence: U", "confidence: maybe"), ("[tens_unit]", "[tens_unti]"),
                     ("path: request.weeks", "path: request.wekes"), ("op: is_true", "op: is_yes"))
    path = write_set(tmp_path, broken)
    run = run_cli("criteria", "validate", str(path), expect=2)
    lines = [line.strip() for line in run.stdout.splitlines()[1:]]
    assert run.stdout.startswith(f"{path}: 4 problems\n")
    assert lines[0].startswith(f"{path}:10: applies_to names unknown treatment 'tens_unti'; did you mean 'tens_unit'")
    assert lines[1] == f"{path}:11: confidence: Input should be 'C', 'Q' or 'U'"
    assert lines[2].startswith(f"{path}:19: criterion 'trial_first': path 'request.wekes' is not a case field; "
                               "did you mean 'request.weeks'")
    assert lines[3].startswith(f"{path}:24: criteria.0.when.all.1.not.op: unknown operator 'is_yes'; "
                               "did you mean 'is_true' or 'is_false'? the operators are eq, ne, gt, gte")
    assert "4 problems in " in run.stderr


def test_validate_a_folder_checks_each_file_and_goes_on_after_a_bad_one(tmp_path: Path) -> None:
    write_set(tmp_path / "mine")
    write_set(tmp_path / "mine" / "nested", changed((USER_SET_ID, "clinic_other"), ("[clinic_tens]", "[]")),
              name="clinic_other")
    (tmp_path / "mine" / "aaa_broken.yaml").write_text("id: [unclosed\n")
    (tmp_path / "mine" / "notes.txt").write_text("not a criteria file, and not read")
    out = run_cli("criteria", "validate", str(tmp_path / "mine"), expect=2).stdout
    assert f"{tmp_path}/mine/aaa_broken.yaml: 1 problem\n  {tmp_path}/mine/aaa_broken.yaml:2:1: not valid YAML" in out
    assert f"{tmp_path}/mine/clinic_tens_trial.yaml: ok" in out
    assert f"{tmp_path}/mine/nested/clinic_other.yaml: ok" in out
    assert "notes.txt" not in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "is not UTF-8 text"),
        (b"id: a\x00b\n", "not a YAML text file"),
        (b"just a sentence of notes\n", "a criteria file holds one mapping"),
        (b"- a list\n- of things\n", "a criteria file holds one mapping"),
    ],
)
def test_validate_unreadable_files_get_a_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)
    out = run_cli("criteria", "validate", str(path), expect=2).stdout
    assert f"{path}: {message}" in out


def test_validate_missing_paths_and_empty_folders(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = run_cli("criteria", "validate", str(tmp_path / "empty"), str(tmp_path / "absent.yaml"), expect=2).stdout
    assert f"{tmp_path}/empty: the folder holds no criteria files (*.yaml)" in out
    assert f"{tmp_path}/absent.yaml: no such file or folder" in out


def test_validate_checks_files_together_and_against_the_pack(tmp_path: Path) -> None:
    write_set(tmp_path / "a")
    write_set(tmp_path / "b")
    out = run_cli("criteria", "validate", str(tmp_path / "a"), str(tmp_path / "b"), expect=2).stdout
    assert f"set id '{USER_SET_ID}' is already used by {tmp_path}/a/{USER_SET_ID}.yaml" in out
    gaps = changed(("topic: tens.clinic_purchase", f"topic: tens.clinic_purchase\nfills_gaps_in: [{KNOWN}, nowhere_set]"))
    write_set(tmp_path / "c", gaps)
    out = run_cli("criteria", "validate", str(tmp_path / "c"), expect=2).stdout
    assert "fills_gaps_in names unknown set 'nowhere_set'" in out and f"unknown set {KNOWN!r}" not in out


def test_a_user_set_filling_gaps_in_a_bundled_set_loads_with_check(tmp_path: Path) -> None:
    gaps = changed(("topic: tens.clinic_purchase", f"topic: tens.clinic_purchase\nfills_gaps_in: [{KNOWN}]"))
    write_set(tmp_path, gaps)
    run_cli("criteria", "validate", str(tmp_path), expect=0)
    run_cli("check", str(REPO / "examples" / "repeat_esi_meets_criteria.yaml"), "--criteria", str(tmp_path), expect=0)


def test_criteria_option_adds_a_set_to_list_show_and_docs(tmp_path: Path) -> None:
    write_set(tmp_path)
    rows = json.loads(run_cli("criteria", "list", "-f", "json", "--criteria", str(tmp_path), expect=0).stdout)
    mine = next(r for r in rows if r["id"] == USER_SET_ID)
    assert mine["categories"] == ["durable_medical_equipment"] and mine["effective_to"] is None
    assert USER_SET_ID not in run_cli("criteria", "list", expect=0).stdout
    assert "Home TENS unit after a month's trial" in run_cli("criteria", "show", "clinic_tens", "--criteria", str(tmp_path),
                                                              expect=0).stdout
    assert f'<a id="{USER_SET_ID}"></a>' in run_cli("criteria", "docs", "--criteria", str(tmp_path), expect=0).stdout


def test_a_bad_criteria_option_is_bad_input(tmp_path: Path) -> None:
    write_set(tmp_path, changed(("confidence: U", "confidence: high")))
    for command in (["list"], ["show", KNOWN], ["docs"], ["validate", str(REPO / "guideline_criteria" / "mtus_2009")]):
        err = run_cli("criteria", *command, "--criteria", str(tmp_path), expect=2).stderr
        assert f"{tmp_path}/{USER_SET_ID}.yaml:11: confidence" in err
    assert "no such criteria file or folder" in run_cli("criteria", "list", "--criteria", str(tmp_path / "nope"), expect=2).stderr


def test_docs_names_every_set_and_citation_and_out_writes_the_same(pack: CriteriaPack, tmp_path: Path) -> None:
    text = run_cli("criteria", "docs", expect=0).stdout
    for cs in pack.sets.values():
        assert f'<a id="{cs.id}"></a>' in text and f"[`{cs.id}`](#{cs.id})" in text
        assert citation_line(cs) in text, cs.id
        for criterion in cs.criteria:
            assert f"(`{criterion.id}`)" in text
    out = tmp_path / "criteria.md"
    assert run_cli("criteria", "docs", "--out", str(out), expect=0).stdout == ""
    assert out.read_text() == text
    assert "cannot write the reference" in run_cli("criteria", "docs", "-o", str(tmp_path / "no" / "x.md"), expect=2).stderr


def test_list_table_prints_a_user_title_as_written(tmp_path: Path) -> None:
    write_set(tmp_path, changed(("month's trial\n", "month's trial [bold]clinic[/bold]\n")))
    out = run_cli("criteria", "list", "--treatment", "TENS", "--criteria", str(tmp_path), expect=0).stdout
    assert "[bold]clinic[/bold]" in out and "mtus_2009_tens" in out
