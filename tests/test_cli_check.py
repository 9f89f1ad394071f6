from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cli_support import envelope_of, only_result, run_cli
from conftest import REPO

EXAMPLES = REPO / "examples"


EXAMPLE_OUTCOMES = [
    ("repeat_esi_meets_criteria.yaml", {"esi": "overturn", "fluoro": "overturn"}, 0),
    ("repeat_esi_missing_relief.yaml", {"esi": "uphold", "fluoro": "uphold", "sedation": "uphold"}, 1),
    ("pt_twelve_visits_beyond_limit.yaml", {"pt": "uphold"}, 1),
    ("mri_with_red_flag.yaml", {"mri": "overturn"}, 0),
    ("xray_without_red_flag.yaml", {"xray": "uphold"}, 1),
    ("opioids_above_morphine_ceiling.yaml", {"norco": "uphold"}, 1),
    ("carisoprodol_refill.yaml", {"soma": "uphold"}, 1),
    ("home_health_after_surgery_2018.yaml", {"home": "overturn"}, 0),
    ("postsurgical_pt_after_discectomy.yaml", {"pt": "overturn"}, 0),
    ("compounded_cream_with_gabapentin.yaml", {"cream": "uphold"}, 1),
]


@pytest.mark.parametrize(("example", "predictions", "code"), EXAMPLE_OUTCOMES)
def test_examples_predict_as_documented(example: str, predictions: dict[str, str], code: int) -> None:
    out = only_result(run_cli("check", str(EXAMPLES / example), "--format", "json", expect=code).stdout)
    assert {r["id"]: r["prediction"] for r in out["requests"]} == predictions


def test_every_bundled_example_has_its_expected_outcome_pinned() -> None:
    pinned = {example for example, _, _ in EXAMPLE_OUTCOMES}
    assert {p.name for p in EXAMPLES.glob("*.yaml")} == pinned


def test_the_examples_name_what_decided_them() -> None:
    ceiling = only_result(run_cli("check", str(EXAMPLES / "opioids_above_morphine_ceiling.yaml"), "-f", "json", expect=1).stdout)
    (norco,) = ceiling["requests"]
    (hint,) = norco["to_overturn"]
    assert hint["criterion"] == "dose_within_ceiling" and hint["observed"] == 220 and hint["kind"] == "threshold"
    soma = only_result(run_cli("check", str(EXAMPLES / "carisoprodol_refill.yaml"), "-f", "json", expect=1).stdout)
    assert [h["kind"] for h in soma["requests"][0]["to_overturn"]] == ["not_fixable"]
    home = only_result(run_cli("check", str(EXAMPLES / "home_health_after_surgery_2018.yaml"), "-f", "json", expect=0).stdout)
    assert {u["edition"] for u in home["requests"][0]["criteria_sets"] if u["applied"]} == {"mtus_2017"}


def test_json_contract_shape_and_every_uphold_says_why() -> None:
    out = only_result(run_cli("check", str(EXAMPLES / "repeat_esi_missing_relief.yaml"), "-f", "json", expect=1).stdout)
    assert set(out) >= {"case_id", "as_of", "requests"}
    assert out["as_of"] == "2014-09-02"
    for request in out["requests"]:
        assert set(request) >= {"id", "treatment", "category", "prediction", "findings", "missing_documentation",
                                "citations", "rationale", "to_overturn"}
        for hint in request["to_overturn"]:
            assert set(hint) >= {"criteria_set", "criterion", "path", "kind", "observed", "needed", "message"}
        assert bool(request["to_overturn"]) == (request["prediction"] == "uphold")
        for finding in request["findings"]:
            assert set(finding) >= {"criteria_set", "criterion", "status", "evidence", "citation", "message"}
            assert finding["citation"]
        if request["prediction"] == "uphold":
            assert any(f["status"] != "met" for f in request["findings"]) or request["basis"] == "companion"
    esi = out["requests"][0]
    assert esi["treatment"] == "epidural_steroid_injection"
    assert esi["category"] == "injection"
    assert "Percent pain relief after the 3/2014 L5-S1 injection (at least 50% is needed)" in esi["missing_documentation"]
    fluoro = out["requests"][1]
    assert fluoro["basis"] == "companion" and fluoro["companion_of"] == "esi"
    assert "companion request" in fluoro["rationale"]
    sedation = out["requests"][2]
    assert sedation["companion_of"] == "esi", "sedation is linked to the ESI through the catalog"


def test_missing_lists_the_checklist_grouped_by_request() -> None:
    out = run_cli("missing", str(EXAMPLES / "repeat_esi_missing_relief.yaml"), expect=1).stdout
    assert "esi: TFESI (predicted uphold)" in out
    assert "[ ] How many weeks the relief after the 3/2014 L5-S1 injection lasted (six or more is needed)" in out
    assert "fluoro: fluoroscopy (predicted uphold)\n  follows its primary request esi" in out


def test_table_and_markdown_formats_name_the_prediction_and_citation() -> None:
    table = run_cli("check", str(EXAMPLES / "mri_with_red_flag.yaml"), expect=0).stdout
    assert "OVERTURN" in table and "mtus_2009_lumbar_imaging" in table
    markdown = run_cli("check", str(EXAMPLES / "xray_without_red_flag.yaml"), "-f", "markdown", expect=1).stdout
    assert "## xray: 2 view x-rays of the lumbar spine — **uphold**" in markdown
    assert "pp. 303, 304, 309" in markdown


def test_as_of_and_edition_choose_the_criteria() -> None:
    path = str(EXAMPLES / "repeat_esi_meets_criteria.yaml")
    later = only_result(run_cli("check", path, "-f", "json", "--as-of", "2019-05-01", expect=0).stdout)
    sets = {f["criteria_set"] for f in later["requests"][0]["findings"]}
    assert sets == {"odg_esi_repeat"}, "after the 2009 MTUS lapsed, ODG governs repeat blocks"
    pinned = only_result(run_cli("check", path, "-f", "json", "--as-of", "2019-05-01", "--edition", "mtus_2009",
                                expect=0).stdout)
    assert {f["criteria_set"] for f in pinned["requests"][0]["findings"]} == {"mtus_2009_esi_repeat"}
    assert pinned["edition"] == "mtus_2009"


def test_schema_prints_the_case_json_schema() -> None:
    schema = json.loads(run_cli("schema", expect=0).stdout)
    assert schema["title"] == "Case"
    assert "requests" in schema["required"]


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
    ("bad.yaml", "requests: [{id: r1, treatment: PT\n", "line 2, column 1: not valid YAML"),
    ("type.yaml", "requests: [{id: r1, treatment: PT, visits: many}]", "requests[0].visits"),
    ("unknown.yaml", "requests: [{id: r1, treatment: PT, vists: 3}]",
         "requests[0].vists: is not a case field; did you mean 'visits'?"),
    ("date.yaml", "request_date: 2014-13-40\nrequests: [{id: r1, treatment: PT}]",
         "request_date: must be a real date, written like 2014-03-10"),
    ("negative.yaml", "requests: [{id: r1, treatment: PT, visits: -3}]",
         "visits: Input should be greater than or equal to 0"),
    ("treatment.yaml", "requests: [{id: r1, treatment: epidurl steroid injection}]",
         "unknown treatment (not a name the treatment catalog knows); did you mean 'epidural steroid injection'"),
    ("empty.yaml", "", "is empty"),
    ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "is a binary file"),
    ("list.yaml", "- 1\n- 2\n", "must hold a mapping of case fields"),
    ("norequests.yaml", "case_id: x\nrequests: []\n", "requests: must list at least one item"),
    ("history.yaml", "history: {injections: [{treatment: moonbeam therapy}]}\nrequests: [{id: r1, treatment: PT}]",
         "history.injections[0].treatment: unknown treatment (not a name the treatment catalog knows)"),
    ],
)
def test_bad_case_files_get_one_clear_message_and_exit_2(tmp_path: Path, name: str, content: str | bytes,
                                                        message: str) -> None:
    path = _write(tmp_path, name, content)
    run = run_cli("check", str(path), expect=2)
    assert message in run.stderr
    assert str(path) in run.stderr


def test_a_directory_without_cases_is_reported(tmp_path: Path) -> None:
    run = run_cli("check", str(tmp_path), expect=2)
    assert run.stderr == f"imrcheck: {tmp_path}: the folder holds no case files (.yaml, .yml or .json)\n"


def test_a_bad_file_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    bad = _write(tmp_path, "a_bad.yaml", "requests: [")
    run = run_cli("check", str(bad), str(EXAMPLES / "mri_with_red_flag.yaml"), "-f", "json", expect=2)
    document = envelope_of(run.stdout)
    assert [r["case_id"] for r in document["results"]] == ["example-mri-red-flag"]
    assert [e["source"] for e in document["errors"]] == [str(bad)]
    assert "a_bad.yaml" in run.stderr


def test_folder_of_cases_is_checked_in_order() -> None:
    run = run_cli("check", str(EXAMPLES), "-f", "json", expect=1)
    ids = [c["case_id"] for c in envelope_of(run.stdout)["results"]]
    in_file_order = [yaml.safe_load(p.read_text())["case_id"] for p in sorted(EXAMPLES.glob("*.yaml"))]
    assert ids == in_file_order and len(ids) == len(EXAMPLE_OUTCOMES)


def test_usage_errors_exit_2() -> None:
    run = run_cli("check", str(EXAMPLES / "mri_with_red_flag.yaml"), "--as-of", "yesterday", expect=2)
    assert "is not a date" in run.stderr
    run = run_cli("check", str(EXAMPLES / "mri_with_red_flag.yaml"), "--edition", "mtus_1999", expect=2)
    assert "unknown edition 'mtus_1999'" in run.stderr
