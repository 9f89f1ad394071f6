"""Every list a case can hold is capped, and the cap is checked before its items are validated.

The cap sits on each list field's type (engine/models.py `Listed`), not on every field of the model,
so a list field added without it would hold any number of items: this test walks every model of the
case and every field whose type is a tuple, so such a field fails here by name."""

from __future__ import annotations

import types
import typing
from typing import Any

import pytest
from pydantic import ValidationError

from engine.models import MAX_LIST_ITEMS, MAX_REQUESTS, Fact


def _models() -> list[type[Fact]]:
    found, todo = [], list(Fact.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return sorted(found, key=lambda m: m.__name__)


def _is_tuple(annotation: Any) -> bool:
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_tuple(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_tuple(arg) for arg in typing.get_args(annotation))
    return typing.get_origin(annotation) is tuple


LIST_FIELDS = [(model, name) for model in _models() for name, field in model.model_fields.items()
               if _is_tuple(field.annotation)]


def _errors_at(model: type[Fact], name: str, value: list[Any]) -> list[str]:
    try:
        model.model_validate({name: value})
    except ValidationError as exc:
        return [str(e["msg"]) for e in exc.errors() if e["loc"][:1] == (name,)]
    return []


def test_the_walk_finds_the_case_lists() -> None:
    names = {f"{model.__name__}.{name}" for model, name in LIST_FIELDS}
    assert {"Case.requests", "Case.diagnoses", "History.medications", "Request.levels"} <= names


@pytest.mark.parametrize(("model", "name"), LIST_FIELDS, ids=[f"{m.__name__}.{n}" for m, n in LIST_FIELDS])
def test_every_list_field_refuses_one_item_over_its_cap_before_reading_the_items(model: type[Fact], name: str) -> None:
    cap = MAX_REQUESTS if (model.__name__, name) == ("Case", "requests") else MAX_LIST_ITEMS
    # Items that could never validate: only the length check, which runs first, can answer.
    over = _errors_at(model, name, [object()] * (cap + 1))
    assert over == [f"Value error, lists {cap + 1:,} items; at most {cap:,} are allowed"
                    + (" per case (split the requests over several cases)" if name == "requests" else "")]
    # At the cap the items themselves are read (and here refused one by one).
    assert all("at most" not in message for message in _errors_at(model, name, [object()] * cap))
