"""The questionnaire's boundary models: what is asked for, and the questions in the order to ask them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.criteria.schema import Pick, Scalar
from engine.models import Region

AnswerType = Literal["boolean", "integer", "number", "date", "choice", "text", "list"]
QuestionStatus = Literal["ask", "answered", "skipped"]


class QuestionnaireRequest(BaseModel):
    """The requested treatment the questions are for; the same choice of criteria as `imrcheck check`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    treatment: str = Field(min_length=1, description="Free text; resolved through the treatment catalog")
    region: Region | None = None
    repeat: bool | None = Field(default=None, description="A repeat of the same procedure (first when absent)")
    request_date: dt.date | None = Field(default=None, description="Chooses the guideline edition (today if absent)")
    edition: str | None = Field(default=None, description="Judge by this MTUS edition instead of the one in force")


class Detail(BaseModel):
    """A detail of a question's answer that no criterion reads (the side of a straight-leg raise)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    field: str
    answer_type: AnswerType
    choices: tuple[str, ...] | None = None
    prompt: str


class Question(BaseModel):
    """One fact the applicable criteria read, and how to ask for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    field: str = Field(description="The case field it fills, in the criteria's path syntax")
    answer_type: AnswerType
    choices: tuple[str, ...] | None = None
    prompt: str
    feeds: tuple[str, ...] = Field(description="'<criteria set id>/<criterion id>' of every criterion it feeds")
    citations: tuple[str, ...]
    status: QuestionStatus
    skipped_reason: str | None = None
    # How the criteria read a collection of records (history.injections, studies, ...): `pick` is
    # "count" when the answer is how many matching records there are; `where` holds the filters a
    # record must satisfy ('$request.<field>' = the request's value); `within_days` a time window.
    pick: Pick | None = None
    where: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    within_days: int | None = None
    label: str | None = None
    answer: Any = None
    details: tuple[Detail, ...] = Field(default=(), description="Answered with the question; read by no criterion")


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    request: QuestionnaireRequest
    treatment: str = Field(description="Catalog id")
    treatment_name: str
    criteria_sets: tuple[str, ...] = Field(description="The criteria sets that apply on the date / edition")
    edition: str | None
    as_of: dt.date = Field(description="The date the criteria were chosen for")
    questions: tuple[Question, ...]
    prediction: Literal["overturn", "uphold"] | None = Field(
        default=None, description="The prediction from the answers so far (unanswered = not documented)")
    decided: bool = Field(default=False, description="No remaining question can change the prediction")
