"""Frozen pydantic models built from values that are already valid, without validating them again.

The evaluator builds thousands of small results per second (a leaf, a finding, a hint, a score
part) from parts that were validated where they entered (the criteria pack, the case) or that it
made itself (durable-rules' outcomes, its own texts). Validating them again was about a tenth of
an evaluation. `trusted` sets the instance state pydantic's own `model_construct` sets, without
its per-field search for defaults and aliases (which costs as much as validating models this
small). tests/test_trusted_results.py checks, over evaluated cases, that every such result equals
the same values validated, field order included.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from pydantic import BaseModel

_set = object.__setattr__  # what pydantic itself uses to fill a frozen model


class Trusted(BaseModel):
    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """Every field given, each of its declared type (a tuple where the model says tuple), in the
        order the model declares them (its repr and iteration follow that order)."""
        made = cls.__new__(cls)
        _set(made, "__dict__", values)
        _set(made, "__pydantic_fields_set__", set(values))
        _set(made, "__pydantic_extra__", None)
        _set(made, "__pydantic_private__", None)
        return made


M = TypeVar("M", bound=BaseModel)


def replaced(model: M, **changes: Any) -> M:
    """`model.model_copy(update=changes)` (no validation either), at half its cost: without the copy
    module's protocol, and the model itself when every change is the value it already holds (same
    type and equal: 1 and True are not the same documentation). canonicalize copies every request
    and record of every case this way."""
    values = model.__dict__
    for k, v in changes.items():
        old = values[k]
        if v is not old and (type(v) is not type(old) or v != old):
            break
    else:
        return model
    cls = type(model)
    made = cls.__new__(cls)
    _set(made, "__dict__", {**values, **changes})
    _set(made, "__pydantic_fields_set__", model.__pydantic_fields_set__ | changes.keys())
    extra, private = model.__pydantic_extra__, model.__pydantic_private__
    _set(made, "__pydantic_extra__", None if extra is None else dict(extra))
    _set(made, "__pydantic_private__", None if private is None else dict(private))
    return made
