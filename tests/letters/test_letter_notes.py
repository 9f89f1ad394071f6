"""What a reader must know about a letter as a whole is said per letter in every report format: the
date it was judged by when that is not its decision date, and a letter cut off part-way through its
decisions. Letters here are written for the test in the 2016-17 layout."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from cli_support import run_cli
from engine.letters import parse_letter_text

HEADER = """Case Number: CM16-0000002
Date Assigned: 12/01/2016 Date of Injury: 10/02/2016
{decision}UR Denial Date: 11/20/2016
"""
BODY = """HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer.
Certification(s)/Specialty: Orthopedic Surgery
CLINICAL CASE SUMMARY
The worker hurt the low back lifting boxes on 10/02/2016 and was seen again on 11/10/2016 with pain.
IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
MRI of the lumbar spine: Upheld
Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004.
MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004.
Decision rationale: There were no red flags documented, so the request is not medically necessary.
Physical therapy 6 visits for the low back: Overturned
Claims Administrator guideline: Decision based on MTUS Chronic Pain 2016.
MAXIMUS guideline: Decision based on MTUS Chronic Pain 2016.
Decision rationale: A short course of therapy is supported here, so the request is medically necessary.
"""


def _letter(decision: bool = True, cut: bool = False) -> str:
    text = HEADER.format(decision="Decision Date: 01/02/2017 " if decision else "") + BODY
    if cut:
        text = text[: text.rindex("so the request is medically")]
    return text


def test_a_letter_cut_off_in_its_decisions_is_marked_truncated() -> None:
    whole, cut = parse_letter_text(_letter()), parse_letter_text(_letter(cut=True))
    assert (whole.truncated, len(whole.items)) == (False, 2)
    assert (cut.truncated, len(cut.items)) == (True, 2)
    assert any("cut off part-way through its decisions" in warning for warning in cut.warnings)


def test_a_rationale_left_blank_is_no_cut_but_a_missing_label_is() -> None:
    blank = _letter().replace("A short course of therapy is supported here, so the request is medically necessary.", "")
    assert parse_letter_text(blank).truncated is False
    no_label = _letter()[: _letter().rindex("Decision rationale:")]
    assert parse_letter_text(no_label).truncated is True


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "a_whole.txt").write_text(_letter(), encoding="utf-8")
    (folder / "b_no_decision_date.txt").write_text(_letter(decision=False), encoding="utf-8")
    (folder / "c_cut.txt").write_text(_letter(cut=True), encoding="utf-8")
    return folder


UR_NOTE = "no decision date was read; judged as of the letter's UR denial date (2016-11-20)"
CUT_NOTE = "the letter is cut off part-way through its decisions: only its first 2 item(s) were read and counted"


def test_every_format_notes_the_date_and_the_cut(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    report = json.loads(run_cli("evaluate", str(folder), "--format", "json", expect=0).stdout)
    assert report["notes"] == [
        {"source": str(folder / "b_no_decision_date.txt"), "note": UR_NOTE},
        {"source": str(folder / "c_cut.txt"), "note": CUT_NOTE},
    ]
    assert report["notes_total"] == 2
    assert report["letters"] == 3 and report["items"] == 6
    table = run_cli("evaluate", str(folder), expect=0).stdout
    assert "Notes on letters (2)" in table
    assert "judged as of the letter's UR denial date (2016-11-20)" in " ".join(table.split())
    markdown = run_cli("evaluate", str(folder), "--format", "markdown", expect=0).stdout
    assert f"| {folder / 'b_no_decision_date.txt'} | {UR_NOTE} |" in markdown
    assert f"| {folder / 'c_cut.txt'} | {CUT_NOTE} |" in markdown
    html = run_cli("evaluate", str(folder), "--format", "html", expect=0).stdout
    assert '<h2 id="notes">Notes on letters (2)</h2>' in html
    assert UR_NOTE.replace("'", "&#x27;") in html


def test_a_date_chosen_with_as_of_needs_no_note(tmp_path: Path) -> None:
    report = json.loads(run_cli("evaluate", str(_folder(tmp_path)), "--as-of", "2016-12-01", "--format", "json",
                                expect=0).stdout)
    assert [note["note"] for note in report["notes"]] == [CUT_NOTE]


def test_extract_writes_the_date_evaluate_judges_by_and_check_reads_the_stream_back(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    stream = run_cli("extract", str(folder / "a_whole.txt"), str(folder / "b_no_decision_date.txt"), expect=0).stdout
    cases = list(yaml.safe_load_all(stream))
    assert [(case["case_id"], case["request_date"]) for case in cases] == [
        ("a_whole", "2017-01-02"), ("b_no_decision_date", "2016-11-20")]
    stream_file = tmp_path / "cases.yaml"
    stream_file.write_text(stream, encoding="utf-8")
    checked = json.loads(run_cli("check", str(stream_file), "--format", "json", expect=1).stdout)["results"]
    assert [(result["case_id"], result["as_of"]) for result in checked] == [
        ("a_whole", "2017-01-02"), ("b_no_decision_date", "2016-11-20")]


def test_extract_json_of_several_letters_is_one_envelope_that_check_reads(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = run_cli("extract", str(folder / "a_whole.txt"), str(folder / "b_no_decision_date.txt"), "--format", "json",
                  expect=0).stdout
    array = json.loads(out)["results"]
    assert [case["case_id"] for case in array] == ["a_whole", "b_no_decision_date"]
    single = json.loads(run_cli("extract", str(folder / "a_whole.txt"), "--format", "json", expect=0).stdout)["results"]
    assert single == array[:1]
    envelope_file = tmp_path / "cases.json"
    envelope_file.write_text(out, encoding="utf-8")
    plain_array = tmp_path / "array.json"
    plain_array.write_text(json.dumps(array), encoding="utf-8")
    for readable in (envelope_file, plain_array):
        checked = json.loads(run_cli("check", str(readable), "--format", "json", expect=1).stdout)["results"]
        assert [(result["case_id"], result["as_of"]) for result in checked] == [
            ("a_whole", "2017-01-02"), ("b_no_decision_date", "2016-11-20")]


def test_a_bad_case_in_a_stream_costs_only_itself(tmp_path: Path) -> None:
    stream = tmp_path / "cases.yaml"
    stream.write_text("case_id: good\nrequests: [{id: r1, treatment: MRI}]\n---\ncase_id: bad\nrequests: 7\n",
                      encoding="utf-8")
    run = run_cli("check", str(stream), "--format", "json", expect=2)
    report = json.loads(run.stdout)
    assert [result["case_id"] for result in report["results"]] == ["good"]
    assert [error["source"] for error in report["errors"]] == [f"{stream}#2"]
    assert f"{stream}#2" in run.stderr and "requests" in run.stderr
