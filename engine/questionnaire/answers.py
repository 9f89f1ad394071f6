"""Answers to a questionnaire → a valid Case with one request (id "1").

Plain fields are set where their path says. A question on a collection (`history.injections`,
`studies`, ...) fills records that satisfy its filter: answers sharing a collection and filter go
into the same record; a count makes that many records (dated inside its time window, the answered
fields on the latest). A count may instead be answered with the date of each record (a list of
dates): the records then carry exactly those dates, the answered fields go on the latest, and no date
is made up; a count given as a number over a time window dates its records inside the window. The
built case is read back through `engine.facts`, so every answered fact reads exactly as answered or
the answers are reported as not holding together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine.case_io import validate_case
from engine.criteria.loader import REQUEST_REF
from engine.criteria.schema import Leaf, Select
from engine.errors import CaseValidationError
from engine.explain import say
from engine.facts import Scope, observe
from engine.models import Case
from engine.paths import REQUEST_ROOT, field_type, resolve_path
from engine.questionnaire.model import Detail, Question, Questionnaire
from engine.questionnaire.refs import answer_adapter

SOURCE = "answers"
REQUEST_ID = "1"
MAX_RECORDS = 100  # per count: a case lists a few earlier injections or courses, never thousands
_Group = tuple[str, tuple[tuple[str, Any], ...]]  # (collection, filter)
_DATES = TypeAdapter(list[dt.date])


def takes_dates(question: Question) -> bool:
    """Whether a count question can be answered with the date of each record it counts."""
    if question.pick != "count":
        return False
    records = resolve_path(question.field).records
    return records is not None and "date" in records.model_fields


def case_from_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Case:
    """A valid Case from answers keyed by question id; unanswered (or null) facts stay not documented.

    Raises CaseValidationError naming the question for an unknown id, a bad value, or answers that
    cannot hold together (e.g. no earlier injection, yet the relief from the last one)."""
    questions = {q.id: q for q in questionnaire.questions}
    details = {d.id: d for q in questionnaire.questions for d in q.details}
    values, problems = _validated(questions, details, answers)
    if problems:
        raise CaseValidationError("; ".join(problems), source=SOURCE, problems=problems)
    req = questionnaire.request
    request: dict[str, Any] = {"id": REQUEST_ID, "treatment": questionnaire.treatment, "region": req.region,
                               "repeat": bool(req.repeat)}
    data: dict[str, Any] = {"request_date": req.request_date, "requests": [request]}
    grouped: dict[_Group, list[Question]] = {}
    for q in questionnaire.questions:
        collection = _collection(q)
        if collection is not None:
            grouped.setdefault((collection, _frozen(q.where)), []).append(q)
        elif q.id in values:
            if q.field == f"{REQUEST_ROOT}.region" and req.region is not None:
                continue  # the request already names its region (read back below: a different answer is an error)
            target = request if q.field.startswith(REQUEST_ROOT + ".") else data
            steps = q.field.split(".")[1:] if target is request else q.field.split(".")
            _put(target, steps, values[q.id])
    for detail in details.values():
        if detail.id in values:
            _put(data, detail.field.split("."), values[detail.id])
    builder = _Records(values, request, req.request_date or dt.date.today())
    for (collection, _), group in grouped.items():
        builder.add_earlier(collection, group, values.get(collection + EARLIER) or [])
        builder.add(collection, group)
    problems.extend(builder.problems)
    if not problems:
        builder.finish()
        problems.extend(builder.problems)
        for collection, records in builder.records.items():
            _put(data, collection.split("."), [r.data for r in records])
    if problems:
        raise CaseValidationError("; ".join(problems), source=SOURCE, problems=problems)
    case = validate_case(data, source=SOURCE)
    _check_read_back(questionnaire, case, values)
    return case


def _validated(questions: Mapping[str, Question], details: Mapping[str, Detail],
               answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    problems: list[str] = []
    for qid, raw in answers.items():
        if qid.endswith(EARLIER) and qid[:-len(EARLIER)] in earlier_collections(questions.values()):
            values[qid], bad = _earlier_records(qid, raw, questions.values())
            problems.extend(bad)
            continue
        question = questions.get(qid) or details.get(qid)
        if question is None:
            problems.append(f"{qid}: not a question of this questionnaire")
            continue
        if raw is None or raw == "":
            continue
        try:
            dated = isinstance(raw, list) and isinstance(question, Question) and takes_dates(question)
            values[qid] = sorted(_DATES.validate_python(raw)) if dated else answer_adapter(question.field).validate_python(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            problems.append(f"{qid}: {err['msg'].rstrip('.')} (got {raw!r})")
    return values, problems


EARLIER = "[]"  # "<collection>[]": earlier records of a collection, listed before the one the questions describe


def earlier_collections(questions: Iterable[Question]) -> set[str]:
    """Collections whose questions describe one record (the latest), none of them counted: more records
    may be listed before it. (A counted collection takes its records from the count's answer.)"""
    questions = list(questions)
    counted = {_collection(q) for q in questions if q.pick == "count"}
    return {c for q in questions if q.pick not in (None, "count") and (c := _collection(q)) is not None} - counted


def _earlier_records(qid: str, raw: Any, questions: Iterable[Question]) -> tuple[list[dict[str, Any]], list[str]]:
    """Validated earlier records: each a mapping of the fields the collection's questions ask."""
    collection = qid[:-len(EARLIER)]
    fields = {resolve_path(q.field).after: q.field for q in questions if _collection(q) == collection}
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        return [], [f"{qid}: a list of records, each a mapping of field to answer"]
    if len(raw) > MAX_RECORDS:
        return [], [f"{qid}: at most {MAX_RECORDS} records"]
    records, problems = [], []
    for index, record in enumerate(raw):
        made: dict[str, Any] = {}
        for name, value in record.items():
            steps = tuple(str(name).split("."))
            if steps not in fields:
                problems.append(f"{qid}: record {index + 1} has a field the questions do not ask")
                continue
            if value is None or value == "":
                continue
            try:
                _put(made, steps, answer_adapter(fields[steps]).validate_python(value))
            except ValidationError as exc:
                problems.append(f"{qid}: record {index + 1}, {'.'.join(steps)}: {exc.errors()[0]['msg'].rstrip('.')}")
        if made:
            records.append(made)
    return records, problems


def _collection(question: Question) -> str | None:
    resolved = resolve_path(question.field)
    return ".".join(resolved.before) if resolved.records is not None and question.pick is not None else None


def _frozen(where: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in where.items()))


def _put(target: dict[str, Any], steps: list[str] | tuple[str, ...], value: Any) -> None:
    for name in steps[:-1]:
        target = target.setdefault(name, {})
    target[steps[-1]] = value


class _Record:
    def __init__(self, group: _Group, data: dict[str, Any]) -> None:
        self.group = group  # the (collection, filter) it was made for
        self.data = data
        self.fills: list[Question] = []  # the questions whose answers it holds


class _Records:
    """Records per collection, built group by group, then kept apart from other groups' filters."""

    def __init__(self, values: dict[str, Any], request: dict[str, Any], reference: dt.date) -> None:
        self.values = values
        self.request = request
        self.reference = reference
        self.records: dict[str, list[_Record]] = {}
        self.answered_groups: dict[str, list[tuple[_Group, dict[str, Any]]]] = {}
        self.problems: list[str] = []
        self.earlier_added: set[str] = set()

    def add_earlier(self, collection: str, group: list[Question], earlier: list[dict[str, Any]]) -> None:
        """Earlier records of the collection, listed (once) before the one its questions describe."""
        if not earlier or collection in self.earlier_added or any(q.pick == "count" for q in group):
            return
        self.earlier_added.add(collection)
        base = filter_values(group[0].where, self.request)
        self.records.setdefault(collection, []).extend(_Record((collection, _frozen(group[0].where)), {**base, **r})
                                                       for r in earlier)

    def add(self, collection: str, group: list[Question]) -> None:
        counts = [q for q in group if q.pick == "count" and q.id in self.values]
        fields = [q for q in group if q.pick != "count" and q.id in self.values]
        if not counts and not fields:
            return
        where = group[0].where
        key: _Group = (collection, _frozen(where))
        self.answered_groups.setdefault(collection, []).append((key, dict(where)))
        records = self.records.setdefault(collection, [])
        if len(counts) > 1:
            self.problems.append(f"{', '.join(q.id for q in counts)}: two counts of the same records cannot both be answered")
            return
        answer = self.values[counts[0].id] if counts else None
        dates: list[dt.date] | None = answer if isinstance(answer, list) else None
        if answer is not None and (len(dates) if dates is not None else answer) > MAX_RECORDS:
            got = f"{len(dates)} dates" if dates is not None else answer
            self.problems.append(f"{counts[0].id}: at most {MAX_RECORDS} (got {got})")
            return
        base = filter_values(where, self.request)
        if dates is not None:
            made = [_Record(key, {**base, "date": date}) for date in dates]
            if fields and not made:
                self.problems.append(f"{counts[0].id}: none given, yet other answers describe the most recent one: "
                                     "give the date of each (dates outside the period count as none in it)")
                return
            self._fill(made, fields)
            records.extend(made)
            return
        window = counts[0].within_days if counts else None
        n = answer if answer is not None else (1 if fields else 0)
        made = [_Record(key, dict(base)) for _ in range(n)]
        if window is not None:
            for record in made:
                record.data["date"] = self.reference - dt.timedelta(days=1)
        if fields and n == 0:
            if window is None:
                self.problems.append(
                    f"{counts[0].id}: answered 0, yet {', '.join(q.id for q in fields)} describe such a record")
                return
            # None within the window: the record the other answers describe is older than it.
            made.append(_Record(key, {**base, "date": self.reference - dt.timedelta(days=window + 1)}))
        self._fill(made, fields)
        records.extend(made)

    def _fill(self, made: list[_Record], fields: list[Question]) -> None:
        """The answered fields go on the latest record made."""
        if fields:
            latest = made[-1]
            for q in fields:
                _put(latest.data, resolve_path(q.field).after, self.values[q.id])
                latest.fills.append(q)

    def finish(self) -> None:
        for collection, records in self.records.items():
            model = resolve_path(collection).records
            assert model is not None
            for record in records:
                self._keep_apart(collection, record, model)
                complete_record(record.data, model, self.request["treatment"])
            self._sums_add_up(collection, records)

    def _keep_apart(self, collection: str, record: _Record, model: type[BaseModel]) -> None:
        """A record made for one filter must not also be read by another answered filter over the same
        collection (a course of visits "for this injury" is not "for this region"), where a field can say so."""
        for key, where in self.answered_groups.get(collection, []):
            if key == record.group or not record_matches(record.data, where, self.request):
                continue
            for field, wanted in where.items():
                if field in record.data or not (isinstance(wanted, str) and wanted.startswith(REQUEST_REF)):
                    continue
                other = _different(model, field, self.request.get(wanted[len(REQUEST_REF):]))
                if other is not None:
                    record.data[field] = other
                    break

    def _sums_add_up(self, collection: str, records: list[_Record]) -> None:
        """A total asked over a wider filter includes records other answers made: its own record holds the rest."""
        for record in records:
            for q in record.fills:
                if q.pick != "sum":
                    continue
                steps = resolve_path(q.field).after
                others = [r for r in records if r is not record and record_matches(r.data, q.where, self.request)]
                counted = sum(_read(r.data, steps) or 0 for r in others)
                rest = self.values[q.id] - counted
                if rest < 0:
                    names = sorted({f.id for r in others for f in r.fills if resolve_path(f.field).after == steps})
                    self.problems.append(f"{q.id}: {say(self.values[q.id])} is less than the {say(counted)} "
                                         f"already given in {', '.join(names) or 'other answers'}")
                else:
                    _put(record.data, steps, rest)


def filter_values(where: Mapping[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
    """The field values a record needs to satisfy a filter: the request's value for '$request.x', the
    first listed value for a list; a filter on what the request does not say is left unset."""
    fixed: dict[str, Any] = {}
    for key, wanted in where.items():
        value = wanted[0] if isinstance(wanted, list) else wanted
        if isinstance(value, str) and value.startswith(REQUEST_REF):
            value = request.get(value[len(REQUEST_REF):])
        if value is not None:
            fixed[key] = value
    return fixed


def complete_record(data: dict[str, Any], model: type[BaseModel], treatment: str) -> None:
    """Fill the required fields the criteria do not read (a study's modality, a diagnosis's text): the
    requested treatment, the first allowed value, or the filter's values in words."""
    for name, info in model.model_fields.items():
        if not info.is_required() or name in data:
            continue
        if name == "treatment":
            data[name] = treatment
            continue
        allowed = field_type(info.annotation).allowed
        words = ", ".join(say(v) for v in data.values() if not isinstance(v, dt.date))
        data[name] = allowed[0] if allowed else (words or "recorded in the questionnaire")


def _read(data: Mapping[str, Any], steps: tuple[str, ...]) -> Any:
    value: Any = data
    for name in steps:
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def record_matches(data: Mapping[str, Any], where: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
    """engine.facts' filter semantics on a record still being built."""
    for key, wanted in where.items():
        expected = wanted if isinstance(wanted, list) else [wanted]
        against_request = any(isinstance(e, str) and e.startswith(REQUEST_REF) for e in expected)
        resolved = [request.get(e[len(REQUEST_REF):]) if isinstance(e, str) and e.startswith(REQUEST_REF) else e
                    for e in expected]
        if against_request and any(r is None for r in resolved):
            continue
        actual = _read(data, tuple(key.split(".")))
        if actual is None:
            if not against_request:
                return False
            continue
        if actual not in resolved:
            return False
    return True


def _different(model: type[BaseModel], field: str, value: Any) -> Any:
    """A value of `field` that is not `value`: 'other' for a closed vocabulary, the opposite of a yes/no."""
    if value is None or field not in model.model_fields:
        return None
    annotation = model.model_fields[field].annotation
    kind = field_type(annotation)
    if kind.kind == "bool":
        return not value
    if kind.allowed:
        for candidate in ("other", *kind.allowed):
            if candidate != value and candidate in kind.allowed:
                return candidate
    return None


def _check_read_back(questionnaire: Questionnaire, case: Case, values: Mapping[str, Any]) -> None:
    # The case is already canonical: the request and every record name catalog ids.
    as_of = questionnaire.request.request_date or dt.date.today()
    scope = Scope(case=case, request=case.requests[0], as_of=as_of)
    problems = []
    for q in questionnaire.questions:
        if q.id not in values or (isinstance(values[q.id], list) and takes_dates(q)):
            continue  # (records made from their dates are what was entered; the count is what they make)
        select = Select(pick=q.pick, where=q.where, within_days=q.within_days) if q.pick is not None else None
        seen = observe(Leaf(op="exists", path=q.field, select=select, ask="read back an answer"), scope).value
        wanted = values[q.id]
        if _plain(seen) != _plain(wanted):
            problems.append(f"{q.id}: the answers do not hold together: this fact reads {say(seen)}, "
                            f"not {say(wanted)}, from the other answers")
    if problems:
        raise CaseValidationError("; ".join(problems), source=SOURCE, problems=problems)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value
