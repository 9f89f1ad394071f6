"""Questionnaire from criteria: which case facts a requested treatment's criteria need, asked adaptively."""

from engine.questionnaire.answers import case_from_answers
from engine.questionnaire.build import build_questionnaire, questionnaire_contract
from engine.questionnaire.model import Question, Questionnaire, QuestionnaireRequest

__all__ = [
    "Question",
    "Questionnaire",
    "QuestionnaireRequest",
    "build_questionnaire",
    "case_from_answers",
    "questionnaire_contract",
]
