"""POST /api/questionnaire over real HTTP: the library's questionnaire contract and the case its answers make."""

from __future__ import annotations

from typing import Any

from server.server_support import EXAMPLES, Server

from engine.evaluate import Evaluator
from engine.questionnaire import QuestionnaireRequest, build_questionnaire, questionnaire_contract

REPEAT_ESI = {"treatment": "lumbar epidural steroid injection", "region": "lumbar", "repeat": True,
              "request_date": "2014-09-02"}
RELIEF = "history.injections.relief_pct"
GOOD_ANSWERS = {
    RELIEF: 60,
    "history.injections.relief_weeks": 8,
    "history.injections.medication_reduction": True,
    "history.injections.functional_improvement": True,
    "history.injections": 1,
}


def _ask(server: Server, answers: dict[str, Any] | None = None, **request: Any) -> dict[str, Any]:
    reply = server.post_json("/api/questionnaire", {**REPEAT_ESI, **request, "answers": answers or {}})
    assert reply.status == 200, reply.text
    return reply.json()  # type: ignore[no-any-return]


def test_the_questionnaire_is_the_librarys_contract(server: Server, evaluator: Evaluator) -> None:
    built = _ask(server, {RELIEF: 40})
    expected = build_questionnaire(evaluator, QuestionnaireRequest.model_validate(REPEAT_ESI), {RELIEF: 40})
    assert built["questionnaire"] == questionnaire_contract(expected)
    assert built["questionnaire"]["treatment"] == "epidural_steroid_injection"
    assert RELIEF in {q["id"] for q in built["questionnaire"]["questions"]}


def test_unanswered_relief_upholds_and_answers_overturn(server: Server) -> None:
    blank = _ask(server)
    check = server.post_json("/api/check", blank["case"]).json()
    [request] = check["requests"]
    assert request["prediction"] == "uphold"
    assert any("relief" in line.lower() for line in request["missing_documentation"])

    answered = _ask(server, GOOD_ANSWERS)
    injection = answered["case"]["history"]["injections"][0]
    assert (injection["relief_pct"], injection["relief_weeks"]) == (60, 8)
    check = server.post_json("/api/check", answered["case"]).json()
    assert [r["prediction"] for r in check["requests"]] == ["overturn"]


def test_a_bad_answer_is_422_at_its_question(server: Server) -> None:
    reply = server.post_json("/api/questionnaire", {**REPEAT_ESI, "answers": {RELIEF: 150, "no.such.question": 1}})
    assert reply.status == 422
    problems = {tuple(p["loc"]): p["msg"] for p in reply.problems()}
    # A question it does not ask is reported at `answers`, without repeating the id sent.
    assert problems == {("body", "answers", RELIEF): "Input should be less than or equal to 100",
                        ("body", "answers"): "an answer to a question this questionnaire does not ask"}
    assert "150" not in reply.text and "no.such.question" not in reply.text


def test_an_unknown_treatment_is_422_with_suggestions(server: Server) -> None:
    reply = server.post_json("/api/questionnaire", {"treatment": "epidurl steroid injecton"})
    assert reply.status == 422
    [problem] = reply.problems()
    assert problem["loc"] == ["body", "treatment"]
    assert problem["type"] == "unknown_treatment"
    assert "epidural steroid injection" in problem["suggestions"]


def test_wrong_types_and_unknown_fields_are_422_at_their_paths(server: Server) -> None:
    reply = server.post_json("/api/questionnaire", {**REPEAT_ESI, "repeat": "sometimes", "colour": "blue"})
    assert reply.status == 422
    # An unknown field is reported at the object holding it: its name is the client's text.
    assert {(tuple(p["loc"]), p["type"]) for p in reply.problems()} == {
        (("body", "repeat"), "bool_parsing"), (("body",), "extra_forbidden")}
    for sent in ("sometimes", "colour", "blue"):
        assert sent not in reply.text


def test_an_unknown_edition_is_422(server: Server) -> None:
    reply = server.post_json("/api/questionnaire", {**REPEAT_ESI, "edition": "mtus_1999"})
    assert reply.status == 422
    assert reply.problems()[0]["loc"] == ["body", "edition"]


def test_a_case_file_reopens_as_its_request_answers_and_other_items(server: Server) -> None:
    text = (EXAMPLES / "repeat_esi_meets_criteria.yaml").read_bytes()
    reply = server.post_raw("/api/draft", text, "text/plain")
    assert reply.status == 200, reply.text
    draft = reply.json()
    assert draft["request"] == {"treatment": "epidural steroid injection", "region": "lumbar", "repeat": True,
                                "request_date": "2014-09-02"}
    assert draft["answers"][RELIEF] == 70
    assert draft["answers"]["history.injections"] == ["2014-03-10"]  # the block's own date, as filed
    assert draft["items"] == [{"treatment": "fluoroscopy", "companion": True}]
    # The answers ask the same questionnaire again, and the case they make is predicted as the file is.
    built = server.post_json("/api/questionnaire", {**draft["request"], "answers": draft["answers"]}).json()
    assert built["questionnaire"]["prediction"] == "overturn"


def test_a_file_that_is_not_a_case_is_422_naming_the_field(server: Server) -> None:
    reply = server.post_raw("/api/draft", b"requests: none\n", "text/plain")
    assert reply.status == 422
    assert "requests" in reply.problems()[0]["msg"]
    assert server.post_raw("/api/draft", b"\xff\xfe\x00", "text/plain").status == 422
    assert server.post_raw("/api/draft", b"  \n", "text/plain").status == 422
