"""A case file → the questionnaire answers that make it again: a draft saved as a case file reopens.

The first request is the one asked about; each question's answer is the fact the criteria would read
from the case (through `engine.facts`, as the builder's read-back does), and a count that can be
answered with dates gets the dates of the records it counts. Facts no question asks are not
answers, and are not carried over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from engine.criteria.schema import Leaf, Select
from engine.facts import Scope, observe
from engine.models import Case
from engine.paths import resolve_path
from engine.questionnaire.answers import EARLIER, earlier_collections, record_matches, takes_dates
from engine.questionnaire.model import Question, Questionnaire


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _dates(question: Question, case: Case, request: Mapping[str, Any]) -> list[str]:
    collection = resolve_path(question.field).before
    records: Any = case
    for step in collection:
        records = getattr(records, step, None) if records is not None else None
    dated = [r.date for r in records or () if getattr(r, "date", None) is not None
             and record_matches(r.model_dump(mode="json", exclude_none=True), question.where, request)]
    return [d.isoformat() for d in sorted(dated)]


def answers_from_case(questionnaire: Questionnaire, case: Case) -> dict[str, Any]:
    """Question id → the answer the (canonical) case holds, for every question it documents."""
    request = case.requests[0]
    scope = Scope(case=case, request=request, as_of=questionnaire.as_of)
    request_data = request.model_dump(mode="json", exclude_none=True)
    answers: dict[str, Any] = {}
    for q in questionnaire.questions:
        if takes_dates(q):
            dates = _dates(q, case, request_data)
            if dates:
                answers[q.id] = dates
            continue
        select = Select(pick=q.pick, where=q.where, within_days=q.within_days) if q.pick is not None else None
        value = observe(Leaf(op="exists", path=q.field, select=select, ask="reopen a draft"), scope).value
        if value is not None:
            answers[q.id] = _plain(value)
        for detail in q.details:
            held: Any = case
            for step in detail.field.split("."):
                held = getattr(held, step, None)
            if held is not None:
                answers[detail.id] = _plain(held)
    answers.update(_earlier(questionnaire, case, request_data))
    return answers


def _earlier(questionnaire: Questionnaire, case: Case, request: Mapping[str, Any]) -> dict[str, Any]:
    """The records listed before the one the questions describe (the latest, last when undated)."""
    found: dict[str, Any] = {}
    for collection in earlier_collections(questionnaire.questions):
        asked = [q for q in questionnaire.questions
                 if q.pick not in (None, "count") and ".".join(resolve_path(q.field).before) == collection]
        records: Any = case
        for step in collection.split("."):
            records = getattr(records, step, None)
        kept = [r.model_dump(mode="json", exclude_none=True) for r in records or ()]
        kept = [r for r in kept if record_matches(r, asked[0].where, request)]
        earlier = []
        for record in kept[:-1]:
            made: dict[str, Any] = {}
            for q in asked:
                value: Any = record
                for step in resolve_path(q.field).after:
                    value = value.get(step) if isinstance(value, dict) else None
                if value is not None:
                    made[".".join(resolve_path(q.field).after)] = value
            if made:
                earlier.append(made)
        if earlier:
            found[collection + EARLIER] = earlier
    return found
