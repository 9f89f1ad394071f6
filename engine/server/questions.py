"""POST /api/questionnaire: the questions for a requested treatment, and the case its answers make;
POST /api/draft: a saved case file back into the request and answers that make it (a draft reopened)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from pydantic import Field

from engine.case_io import parse_case_text
from engine.errors import CaseValidationError, ImrcheckError, UnknownTreatmentError
from engine.evaluate import Evaluator, canonicalize
from engine.questionnaire import QuestionnaireRequest, build_questionnaire, case_from_answers, questionnaire_contract
from engine.questionnaire.reopen import answers_from_case
from engine.server import plausible
from engine.server.cases import check_edition, unknown_treatment
from engine.server.problems import ApiError, Problem
from engine.server.worker import EngineWorker


class QuestionnaireBody(QuestionnaireRequest):
    """What to ask about (as `imrcheck new`) and the answers so far, by question id."""

    answers: dict[str, Any] | None = Field(
        default=None, description="Question id → answer (true/false, a number, 'YYYY-MM-DD', text, or a list of text)")


_GOT = re.compile(r"\s*\(got .*\)$")  # the builder quotes the answer it refused; the page has it already
_READS = re.compile(r": this fact reads .*$")  # ... and what the other answers made of it


_NOT_ASKED = "not a question of this questionnaire"


def answer_problems(error: CaseValidationError) -> list[Problem]:
    """The case builder's problems ("<question id>: <what is wrong>") at their paths under `answers`
    (an id the questionnaire does not ask is reported without repeating it)."""
    problems = []
    for line in error.problems or [error.message]:
        qid, sep, msg = line.partition(": ")
        if sep and msg == _NOT_ASKED:
            problems.append(Problem(loc=("body", "answers"), msg="an answer to a question this questionnaire does not ask"))
        elif sep and " " not in qid:
            problems.append(Problem(loc=("body", "answers", qid), msg=_READS.sub("", _GOT.sub("", msg))))
        else:
            problems.append(Problem(loc=("body", "answers"), msg=_GOT.sub("", line)))
    return problems


def _build(evaluator: Evaluator, body: QuestionnaireBody) -> dict[str, Any]:
    request = QuestionnaireRequest.model_validate(body.model_dump(exclude={"answers"}))
    answers = body.answers or {}
    implausible = plausible.answer_problems(request.request_date, answers)
    if implausible:
        raise ApiError(422, implausible)
    try:
        questionnaire = build_questionnaire(evaluator, request, answers)
        case = case_from_answers(questionnaire, answers)
    except UnknownTreatmentError as exc:
        raise ApiError(422, [unknown_treatment(("body", "treatment"), exc)]) from None
    except CaseValidationError as exc:
        raise ApiError(422, answer_problems(exc)) from None
    return {"questionnaire": questionnaire_contract(questionnaire), "case": case.model_dump(mode="json", exclude_none=True)}


def _reopen(evaluator: Evaluator, text: str) -> dict[str, Any]:
    try:
        case = canonicalize(parse_case_text(text, source=DRAFT), evaluator.catalog, source=DRAFT)
    except ImrcheckError as exc:
        raise ApiError.one(422, ("body",), exc.message) from None
    first = case.requests[0]
    request = QuestionnaireRequest(treatment=first.treatment, region=first.region, repeat=first.repeat,
                                   request_date=case.request_date)
    questionnaire = build_questionnaire(evaluator, request, {})
    names = {t.id: t.name for t in evaluator.catalog.treatments.values()}
    items = [{"treatment": names.get(r.treatment, r.treatment), "companion": r.companion_of == first.id}
             for r in case.requests[1:]]
    return {"request": {**request.model_dump(mode="json", exclude_none=True), "treatment": questionnaire.treatment_name},
            "answers": answers_from_case(questionnaire, case), "items": items}


def register(app: FastAPI, evaluator: Evaluator, worker: EngineWorker, responses: dict[int | str, dict[str, Any]]) -> None:
    @app.post("/api/questionnaire", tags=["cases"], responses=responses)
    async def questionnaire(body: QuestionnaireBody) -> dict[str, Any]:
        """The questions the applicable criteria need answered (skipped ones say why), and the case the
        answers so far make: post that case to /api/check for the prediction."""
        check_edition(body.edition, evaluator.pack.editions, ("body", "edition"))
        return await worker.run(_build, evaluator, body)

    @app.post("/api/draft", tags=["cases"], responses=responses, openapi_extra=_TEXT_BODY)
    async def draft(request: Request) -> dict[str, Any]:
        """A case file (YAML or JSON text, as `imrcheck check` reads) → `{"request", "answers", "items"}`:
        the first request as the questionnaire's request, the answers its facts give, the other items."""
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError.one(422, ("body",), f"{DRAFT}: not UTF-8 text; open a .yaml or .json case file") from None
        if not text.strip():
            raise ApiError.one(422, ("body",), f"{DRAFT}: the file is empty")
        return await worker.run(_reopen, evaluator, text)


DRAFT = "the opened case file"
_TEXT_BODY: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}},
}
