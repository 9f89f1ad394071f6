"""A case-file skeleton from a questionnaire: its questions as commented, empty (null) fields.

The file is a valid case as written (every question unanswered, so not documented) and as soon as
it is filled. A question on a collection becomes one entry of that list holding the fields the
filter needs (the treatment, the request's region) and the asked fields; counts ask for one entry
per record, dated where the criteria count within a time window.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from engine.models import Case, Request
from engine.paths import REQUEST_ROOT, field_type, resolve_path
from engine.questionnaire.answers import REQUEST_ID, complete_record, filter_values
from engine.questionnaire.model import Question, Questionnaire

INDENT = "  "
_ONE_EACH = "One entry per record; when the records say there were none, write [] after the colon instead."


@dataclass
class _Field:
    value: Any = None
    comments: list[str] = field(default_factory=list)
    inline: str | None = None


@dataclass
class _Map:
    model: type[BaseModel] | None
    fields: dict[str, _Field | _Map | list[_Map]] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)  # said above the entry when the map is a list item
    asked: bool = False  # a list entry holding asked fields (a bare entry would claim a record exists)

    def child(self, name: str) -> _Map:
        found = self.fields.get(name)
        if not isinstance(found, _Map):
            inner = resolve_path_model(self.model, name)
            found = self.fields[name] = _Map(inner)
        return found


def resolve_path_model(model: type[BaseModel] | None, name: str) -> type[BaseModel] | None:
    return field_type(model.model_fields[name].annotation).model if model is not None else None


def render_skeleton(questionnaire: Questionnaire) -> str:
    """The YAML text of the skeleton, with a header saying what it is for."""
    req = questionnaire.request
    root = _Map(Case)
    if req.request_date is not None:
        root.fields["request_date"] = _Field(req.request_date, ["Date of the request for authorization"])
    request = _Map(Request, asked=True)
    request.fields["id"] = _Field(REQUEST_ID)
    request.fields["treatment"] = _Field(questionnaire.treatment, inline=questionnaire.treatment_name)
    if req.region is not None:
        request.fields["region"] = _Field(req.region)
    # Stated only when asked for: a default `repeat: false` would contradict a history the user fills
    # in (a medication taken for years is ongoing, not an initiation); left out, it is inferred.
    if req.repeat:
        request.fields["repeat"] = _Field(True, inline="the questions above are for this; change it and run `new` again")
    resolved_request = {"treatment": questionnaire.treatment, "region": req.region, "repeat": req.repeat}
    records: dict[tuple[str, str], _Map] = {}
    for q in questionnaire.questions:
        resolved = resolve_path(q.field)
        if resolved.records is not None and q.pick is not None:
            _add_to_record(root, records, q, resolved_request)
        elif q.field.startswith(REQUEST_ROOT + "."):
            _add_plain(request, q.field.split(".")[1:], q, req.region if q.field == "request.region" else None)
        else:
            _add_plain(root, q.field.split("."), q, None)
    root.fields["requests"] = [request]
    lines = _header(questionnaire)
    _emit(root, 0, lines)
    return "\n".join(lines) + "\n"


def _header(q: Questionnaire) -> list[str]:
    what = ", ".join(x for x in (q.request.region, "repeat" if q.request.repeat else None) if x)
    lines = [
        f"# imrcheck case skeleton: {q.treatment_name}{f' ({what})' if what else ''}",
        f"# Criteria: {', '.join(q.criteria_sets) or 'none cover this request on this date'}"
        f" (as of {q.as_of.isoformat()})",
        "# Fill in what the records document; leave a field empty (null) when they do not say.",
        "# Then: imrcheck check <this file>",
    ]
    return lines


def _describe(q: Question) -> list[str]:
    kind = q.answer_type if not q.choices else f"{q.answer_type}: {', '.join(q.choices)}"
    return [q.prompt, f"({kind}) for {', '.join(q.feeds)}", *(f"cites {c}" for c in q.citations)]


def _add_plain(target: _Map, steps: Sequence[str], q: Question, value: Any) -> None:
    for name in steps[:-1]:
        target = target.child(name)
    target.fields[steps[-1]] = _Field(value, _describe(q))


def _add_to_record(root: _Map, records: dict[tuple[str, str], _Map], q: Question, request: dict[str, Any]) -> None:
    resolved = resolve_path(q.field)
    collection = resolved.before
    key = (".".join(collection), json.dumps(q.where, sort_keys=True))
    record = records.get(key)
    if record is None:
        parent = root
        for name in collection[:-1]:
            parent = parent.child(name)
        entries = parent.fields.setdefault(collection[-1], [])
        assert isinstance(entries, list) and resolved.records is not None
        data = filter_values(q.where, request)
        complete_record(data, resolved.records, request["treatment"])
        record = _Map(resolved.records, {name: _Field(value, inline=_allowed(resolved.records, name, q))
                                         for name, value in data.items()})
        if entries:
            record.comments.append("Another entry, read by other criteria; list each record only once")
        entries.append(record)
        records[key] = record
    if q.pick == "count":
        record.comments.extend([*_describe(q), _ONE_EACH])
    else:
        record.asked = True
        inside = record
        for name in resolved.after[:-1]:
            inside = inside.child(name)
        name = resolved.after[-1]
        held = inside.fields.get(name)
        # A field the record cannot be without (a medication's name) keeps its placeholder, to be
        # replaced, so that the unfilled skeleton still checks.
        keep = held.value if isinstance(held, _Field) and inside is record and _required(resolved.records, name) else None
        inside.fields[name] = _Field(keep, _describe(q))
    if q.within_days is not None and "date" not in record.fields:
        record.fields["date"] = _Field(None, [f"The date: only entries within {q.within_days} days before the "
                                              "request are counted"])


def _required(model: type[BaseModel] | None, name: str) -> bool:
    return model is not None and name in model.model_fields and model.model_fields[name].is_required()


def _allowed(model: type[BaseModel], name: str, q: Question) -> str | None:
    """For a required field the criteria do not read, which values it may take."""
    if name in q.where:
        return None
    allowed = field_type(model.model_fields[name].annotation).allowed
    return f"one of {', '.join(allowed)}" if allowed else "in your words"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value))


def _emit(node: _Map, depth: int, lines: list[str]) -> None:
    pad = INDENT * depth
    for name, value in _ordered(node):
        if isinstance(value, _Field):
            lines.extend(f"{pad}# {c}" for c in value.comments)
            inline = f"  # {value.inline}" if value.inline else ""
            lines.append(f"{pad}{name}: {_scalar(value.value)}{inline}")
        elif isinstance(value, _Map):
            lines.append(f"{pad}{name}:")
            _emit(value, depth + 1, lines)
        else:
            lines.append(f"{pad}{name}:")
            for item in value:
                lines.extend(f"{pad}{INDENT}# {c}" for c in item.comments)
                body = [f"{pad}{INDENT}-"]
                _emit(item, depth + 2, body)
                if item.asked:
                    lines.extend(body)
                else:  # only a count asks about it: listed, the entry would say such a record exists
                    lines.append(f"{pad}{INDENT}# To list one, remove the '# ' that starts each line below "
                                 "(copy them for more):")
                    lines.extend(f"{pad}{INDENT}# {line[len(pad + INDENT):]}" for line in body)


def _ordered(node: _Map) -> list[tuple[str, _Field | _Map | list[_Map]]]:
    """In the model's field order, so every skeleton reads the same way."""
    order = list(node.model.model_fields) if node.model is not None else []
    return sorted(node.fields.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))

