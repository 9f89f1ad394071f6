"""The JSON API over real HTTP: the same contracts as the CLI, and errors as 4xx with field paths."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fpdf import FPDF
from server.server_support import EXAMPLES, LETTER_FIXTURES, Server, example

from cli_support import run_cli
from engine.case_io import parse_case_text, validate_case

EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


def _cli_json(command: str, name: str, api_payload: dict[str, object]) -> object:
    requests = api_payload["requests"]
    assert isinstance(requests, list)
    expect = 0 if all(r["prediction"] == "overturn" for r in requests) else 1
    return json.loads(run_cli(command, str(EXAMPLES / f"{name}.yaml"), "--format", "json", expect=expect).stdout)


def test_health_names_the_loaded_criteria(server: Server) -> None:
    reply = server.get("/api/health")
    assert reply.status == 200
    health = reply.json()
    assert health["status"] == "ok"
    assert health["criteria_sets"] > 0
    assert "mtus_2009" in health["editions"]


def test_vocabulary_lists_catalog_treatments_and_regions(server: Server) -> None:
    vocabulary = server.get("/api/vocabulary").json()
    ids = {t["id"] for t in vocabulary["treatments"]}
    assert "epidural_steroid_injection" in ids
    assert "lumbar" in vocabulary["regions"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_check_returns_what_the_cli_prints(server: Server, name: str) -> None:
    reply = server.post_json("/api/check", example(name))
    assert reply.status == 200, reply.text
    assert reply.json() == _cli_json("check", name, reply.json())


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_missing_returns_what_the_cli_prints(server: Server, name: str) -> None:
    reply = server.post_json("/api/missing", example(name))
    assert reply.status == 200, reply.text
    assert reply.json() == _cli_json("missing", name, reply.json())


def test_missing_lists_the_relief_questions_for_an_undocumented_repeat_injection(server: Server) -> None:
    checklist = server.post_json("/api/missing", example("repeat_esi_missing_relief")).json()
    esi = next(r for r in checklist["requests"] if r["id"] == "esi")
    assert esi["prediction"] == "uphold"
    assert any("pain relief" in line for line in esi["missing_documentation"])


def test_check_honours_as_of_and_edition(server: Server) -> None:
    reply = server.post_json("/api/check?as_of=2015-01-05&edition=mtus_2009", example("repeat_esi_meets_criteria"))
    assert reply.status == 200, reply.text
    assert (reply.json()["as_of"], reply.json()["edition"]) == ("2015-01-05", "mtus_2009")


def test_case_yaml_round_trips_to_the_same_case(server: Server) -> None:
    payload = example("repeat_esi_missing_relief")
    reply = server.post_json("/api/case.yaml", payload)
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/yaml")
    assert parse_case_text(reply.text, source="case.yaml") == validate_case(payload, source="payload")


def test_parse_reads_a_letter_and_sets_the_prediction_beside_each_decision(server: Server) -> None:
    reply = server.upload("notice_2013.txt", (LETTER_FIXTURES / "notice_2013.txt").read_bytes())
    assert reply.status == 200, reply.text
    letter = reply.json()
    cli = json.loads(run_cli("parse", str(LETTER_FIXTURES / "notice_2013.txt"), "--format", "json", expect=0).stdout)
    # The parse contract is the CLI's, item by item, with the comparison added.
    added = {"request_id", "actual", "predicted", "agrees"}
    assert [{k: v for k, v in item.items() if k not in added} for item in letter["items"]] == cli["items"]
    assert {k: v for k, v in letter.items() if k not in {"items", "extraction", "check", "source"}} == {
        k: v for k, v in cli.items() if k not in {"items", "source"}}
    assert letter["source"] == "notice_2013.txt"
    assert letter["extraction"]["error"] is None
    assert letter["extraction"]["case"]["requests"][0]["treatment"] == "tens_unit"
    first = letter["items"][0]
    assert (first["request_id"], first["actual"]) == ("r1", "uphold")
    predicted = next(r for r in letter["check"]["requests"] if r["id"] == "r1")
    assert first["predicted"] == predicted["prediction"]
    assert first["agrees"] is (predicted["prediction"] == "uphold")


def test_parse_reads_a_pdf_letter(server: Server, tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    for line in (LETTER_FIXTURES / "notice_2013.txt").read_text(encoding="utf-8").splitlines():
        pdf.cell(0, 4, line.strip().encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    reply = server.upload("notice.pdf", bytes(pdf.output()))
    assert reply.status == 200, reply.text
    assert [item["decision"] for item in reply.json()["items"]] == ["upheld", "overturned"]


def test_openapi_describes_every_endpoint(server: Server) -> None:
    spec = server.get("/openapi.json").json()
    for path in ("/api/check", "/api/missing", "/api/parse", "/api/questionnaire"):
        assert "post" in spec["paths"][path], path
    assert "multipart/form-data" in spec["paths"]["/api/parse"]["post"]["requestBody"]["content"]
    assert spec["paths"]["/api/check"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Case"}


# --- errors: 4xx with the field path, never a traceback ---


def test_bad_json_is_422_with_its_position(server: Server) -> None:
    reply = server.post_raw("/api/check", b'{"requests": [{"id": "a",', "application/json")
    assert reply.status == 422
    [problem] = reply.problems()
    assert problem["type"] == "json_invalid"
    assert problem["loc"] == ["body", 25]
    assert "not valid JSON" in problem["msg"]


def test_a_wrong_typed_field_is_422_at_its_path_without_echoing_the_value(server: Server) -> None:
    payload = example("repeat_esi_missing_relief")
    payload["claimant"] = {"age": "forty-four"}
    payload["history"]["injections"][0]["relief_pct"] = 140
    reply = server.post_json("/api/check", payload)
    assert reply.status == 422
    locs = {tuple(p["loc"]) for p in reply.problems()}
    assert locs == {("body", "claimant", "age"), ("body", "history", "injections", 0, "relief_pct")}
    assert "forty-four" not in reply.text
    assert all(set(p) <= {"loc", "msg", "type", "suggestions"} for p in reply.problems())


def test_a_case_without_requests_is_422(server: Server) -> None:
    reply = server.post_json("/api/missing", {"case_id": "x"})
    assert reply.status == 422
    assert reply.problems()[0]["loc"] == ["body", "requests"]


@pytest.mark.parametrize("path", ["/api/check", "/api/missing"])
def test_an_unknown_treatment_is_422_naming_the_field_with_suggestions(server: Server, path: str) -> None:
    payload = example("repeat_esi_missing_relief")
    payload["requests"][2]["treatment"] = "epidurl steroid injecton"
    payload["history"]["injections"][0]["treatment"] = "zzz unheard-of procedure"
    reply = server.post_json(path, payload)
    assert reply.status == 422
    problems = {tuple(p["loc"]): p for p in reply.problems()}
    assert set(problems) == {("body", "requests", 2, "treatment"), ("body", "history", "injections", 0, "treatment")}
    request_problem = problems[("body", "requests", 2, "treatment")]
    assert request_problem["type"] == "unknown_treatment"
    assert "epidural steroid injection" in request_problem["suggestions"]
    # The suggestions are given once, in their own field; the name sent is not repeated.
    assert request_problem["msg"] == "unknown treatment: the catalog has no treatment by this name"


def test_an_unknown_edition_is_422_naming_the_known_ones(server: Server) -> None:
    reply = server.post_json("/api/check?edition=mtus_1999", example("mri_with_red_flag"))
    assert reply.status == 422
    [problem] = reply.problems()
    assert problem["loc"] == ["query", "edition"]
    assert "mtus_2009" in problem["msg"]


def test_a_bad_as_of_date_is_422(server: Server) -> None:
    reply = server.post_json("/api/check?as_of=yesterday", example("mri_with_red_flag"))
    assert reply.status == 422
    assert reply.problems()[0]["loc"] == ["query", "as_of"]


def _pdf_saying(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


@pytest.mark.parametrize(("filename", "data", "says"), [
    ("minutes.pdf", _pdf_saying("Minutes of the garden club. We planted tulips and agreed on a budget."),
     "not an IMR Final Determination Letter"),
    ("notes.txt", b"Shopping: eggs, milk, bread, and a new kettle.", "not an IMR Final Determination Letter"),
    ("image.pdf", b"%PDF-1.4\n" + bytes(range(1, 200)) * 20, "not a readable PDF"),
    ("blob.txt", bytes(range(256)) * 8, "binary file"),
    ("fake.pdf", b"this is plain text with a pdf name", "not a PDF"),
])
def test_an_upload_that_is_not_a_letter_is_422_with_the_parsers_message(
        server: Server, filename: str, data: bytes, says: str) -> None:
    reply = server.upload(filename, data)
    assert reply.status == 422, reply.text
    [problem] = reply.problems()
    assert problem["loc"] == ["body", "letter"]
    assert says in problem["msg"]
    assert problem["msg"].startswith(f"{filename}: ")


def test_an_upload_in_the_wrong_field_is_422(server: Server) -> None:
    reply = server.upload("notice_2013.txt", b"anything", field="file")
    assert reply.status == 422
    assert reply.problems()[0]["loc"] == ["body", "letter"]


def test_parse_wants_multipart(server: Server) -> None:
    reply = server.post_raw("/api/parse", b"IMR letter text", "text/plain")
    assert reply.status == 415
    assert "multipart/form-data" in reply.problems()[0]["msg"]


def test_an_unknown_path_is_404_in_the_same_shape(server: Server) -> None:
    reply = server.get("/api/nothing-here")
    assert reply.status == 404
    assert reply.problems()[0]["loc"] == ["path"]


def test_an_empty_upload_is_422(server: Server) -> None:
    reply = server.upload("empty.txt", b"")
    assert reply.status == 422
    assert "empty" in reply.problems()[0]["msg"]


def test_the_json_error_body_carries_no_traceback(server: Server) -> None:
    reply = server.post_raw("/api/check", io.BytesIO(b"\xff\xfe not utf-8").read(), "application/json")
    assert reply.status in (400, 422)
    assert "Traceback" not in reply.text
    assert reply.problems()
