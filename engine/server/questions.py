"""POST /api/questionnaire: the questions for a requested treatment, and the case its answers make."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import Field

from engine.errors import CaseValidationError, UnknownTreatmentError
from engine.evaluate import Evaluator
from engine.questionnaire import QuestionnaireRequest, build_questionnaire, case_from_answers, questionnaire_contract
from engine.server.cases import check_edition
from engine.server.problems import ApiError, Loc, Problem
from engine.server.worker import EngineWorker


class QuestionnaireBody(QuestionnaireRequest):
    """What to ask about (as `imrcheck new`) and the answers so far, by question id."""

    answers: dict[str, Any] | None = Field(
        default=None, description="Question id → answer (true/false, a number, 'YYYY-MM-DD', text, or a list of text)")


def answer_problems(error: CaseValidationError) -> list[Problem]:
    """The case builder's problems ("<question id>: <what is wrong>") at their paths under `answers`."""
    problems = []
    for line in error.problems or [error.message]:
        qid, sep, msg = line.partition(": ")
        loc: Loc = ("body", "answers", qid) if sep and " " not in qid else ("body", "answers")
        problems.append(Problem(loc=loc, msg=msg if len(loc) == 3 else line))
    return problems


def _build(evaluator: Evaluator, body: QuestionnaireBody) -> dict[str, Any]:
    request = QuestionnaireRequest.model_validate(body.model_dump(exclude={"answers"}))
    answers = body.answers or {}
    try:
        questionnaire = build_questionnaire(evaluator, request, answers)
        case = case_from_answers(questionnaire, answers)
    except UnknownTreatmentError as exc:
        raise ApiError.one(422, ("body", "treatment"), exc.message, type="unknown_treatment",
                           suggestions=tuple(exc.suggestions)) from None
    except CaseValidationError as exc:
        raise ApiError(422, answer_problems(exc)) from None
    return {"questionnaire": questionnaire_contract(questionnaire), "case": case.model_dump(mode="json", exclude_none=True)}


def register(app: FastAPI, evaluator: Evaluator, worker: EngineWorker, responses: dict[int | str, dict[str, Any]]) -> None:
    @app.post("/api/questionnaire", tags=["cases"], responses=responses)
    async def questionnaire(body: QuestionnaireBody) -> dict[str, Any]:
        """The questions the applicable criteria need answered (skipped ones say why), and the case the
        answers so far make: post that case to /api/check for the prediction."""
        check_edition(body.edition, evaluator.pack.editions, ("body", "edition"))
        return await worker.run(_build, evaluator, body)
