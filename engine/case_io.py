"""Reading case files (YAML or JSON) with one clear message per problem, never a traceback."""

from __future__ import annotations

import difflib
import json
import math
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from engine.errors import CaseValidationError, InputError
from engine.models import MAX_TEXT_CHARS, Case
from engine.paths import field_type
from engine.resources import BoundedAliases, DuplicateKeyError, UniqueKeys, YamlAliasError, check_composed

# A case is a few kilobytes (MAX_REQUESTS requests of a few lines each, with their history); a
# megabyte is far beyond any real one and keeps the slowest reading (YAML) around a second.
MAX_CASE_BYTES = 1024 * 1024
# The longest YAML line a case needs: one text field at its cap, with its key. Checked before parsing,
# so a file written on one enormous line is refused at once instead of after a long parse.
MAX_YAML_LINE = MAX_TEXT_CHARS + 1_000
# How deeply a case nests (case → history → medications → item → monitoring) is under ten levels.
MAX_NESTING = 64
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _model_fields(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> Iterator[str]:
    """The field names of `model` and of every model inside it (what an error message may name)."""
    seen = seen if seen is not None else set()
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        yield name
        for inner in _inner_models(info.annotation):
            yield from _model_fields(inner, seen)


def _inner_models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _inner_models(arg)


CASE_FIELDS = frozenset(_model_fields(Case))


class _CaseLoader(UniqueKeys, BoundedAliases, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader (libyaml's when built) that leaves dates as text, so the case model parses them and can
    say which is wrong, and refuses a key written twice."""

    known_keys = CASE_FIELDS


_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# An explicit `!!timestamp` is text too: the model then names the field of an impossible date.
_CaseLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


class DuplicateJsonKey(ValueError):
    """A key written twice in one JSON object (json keeps the last silently)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise DuplicateJsonKey(key)
        mapping[key] = value
    return mapping


def load_json(text: str) -> Any:
    """JSON with every key once: a repeated key raises DuplicateJsonKey (see `json_problem`)."""
    return json.loads(text, object_pairs_hook=_unique_object)


def json_problem(exc: ValueError | RecursionError, known: frozenset[str] = CASE_FIELDS) -> str:
    """What went wrong reading JSON, in plain words and without repeating what the file holds."""
    if isinstance(exc, DuplicateJsonKey):
        name = repr(exc.key) if exc.key in known else "a key"
        return f"{name} is written twice in the same object; JSON readers keep only the last, so say it once"
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
    return _unreadable_value(exc)


def nesting_depth(data: Any, limit: int = MAX_NESTING) -> int:
    """How deeply lists and mappings nest in `data`, counted without recursion and only up to `limit + 1`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, dict | list | tuple):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in (value.values() if isinstance(value, dict) else value))
    return deepest


def read_text_file(path: Path, *, what: str = "case file", limit: int = MAX_CASE_BYTES) -> str:
    if path.is_dir():
        raise InputError(f"is a directory; give a {what}", source=path)
    if not path.exists():
        raise InputError("no such file", source=path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A pipe or a device would block or read forever: a case is read from a file.
            raise InputError(f"is not a regular file (a pipe, socket or device); save the {what} to a file first",
                             source=path)
        size = info.st_size
        if size == 0:
            raise InputError(f"is empty; a {what} describes the case and its requests", source=path)
        if size > limit:
            raise InputError(f"is {size:,} bytes, too large for a {what} (limit {limit:,})", source=path)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", source=path) from None
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"starts like UTF-16 text but cannot be read as it; save the {what} as UTF-8",
                             source=path) from None
    if b"\x00" in data[:8192]:
        raise InputError(f"is a binary file, not a {what} (YAML or JSON text)", source=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"is not UTF-8 text; save the {what} as UTF-8", source=path) from None


def parse_case_text(text: str, *, source: str, json_only: bool = False) -> Case:
    data = _parse_document(text, source=source, json_only=json_only)
    return validate_case(data, source=source)


def _parse_document(text: str, *, source: str, json_only: bool) -> Any:
    if not text.strip():
        raise InputError("is empty; a case file describes the case and its requests", source=source)
    if json_only:
        try:
            return load_json(text)
        except (ValueError, RecursionError) as exc:
            raise InputError(json_problem(exc), source=source) from None
    _check_line_lengths(text, source)
    try:
        data = yaml.load(text, Loader=_CaseLoader)
    except YamlAliasError as exc:
        raise InputError(str(exc), source=source) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(_unreadable_value(exc), source=source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        label = "a key written twice" if isinstance(exc, DuplicateKeyError) else "not valid YAML"
        raise InputError(f"{where}{label} ({problem})", source=source) from None
    return data


def line_too_long(text: str, limit: int) -> tuple[int, int] | None:
    """(line number, length) of the first line longer than `limit` characters, if any."""
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > limit:
            return number, len(line)
    return None


def _check_line_lengths(text: str, source: str) -> None:
    found = line_too_long(text, MAX_YAML_LINE)
    if found is not None:
        raise InputError(f"line {found[0]} is {found[1]:,} characters long; a case file's lines are at most "
                         f"{MAX_YAML_LINE:,} (no text field may exceed {MAX_TEXT_CHARS:,} characters)", source=source)


def _unreadable_value(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, RecursionError):
        return "is nested too deeply to be a case file"
    # Python refuses to convert integers of more than 4,300 digits; no case fact is one.
    return "holds a value that cannot be read (such as a number thousands of digits long)"


def describe_location(loc: tuple[int | str, ...]) -> str:
    """pydantic's location in the one way every message writes a field: requests[0].visits."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The case model that holds the field at `loc` (for the names it could have meant)."""
    model: type[BaseModel] | None = Case
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        try:
            model = field_type(info.annotation).model
        except TypeError:
            return None
    return model


def _did_you_mean(loc: tuple[int | str, ...]) -> str:
    """For a field the model does not have: the closest field names where it stands (`regoin` → region)."""
    if not loc or not isinstance(loc[-1], str):
        return ""
    model = _model_at(loc[:-1])
    if model is None:
        return ""
    names = [info.alias or name for name, info in model.model_fields.items()]
    close = difflib.get_close_matches(loc[-1], names, n=2, cutoff=0.6)
    return f"; did you mean {' or '.join(map(repr, close))}?" if close else ""


_KIND: dict[type, str] = {str: "text", dict: "a mapping", list: "a list"}


def _number_in_text(given: str) -> float | None:
    try:
        return float(given) if len(given) < 400 else None
    except ValueError:
        return None


def _shown(given: Any) -> str:
    # Numbers and yes/no are echoed to show what was out of range; text is not, as it is what the case
    # holds (a diagnosis, a name) and error lines end up in terminals and logs.
    if isinstance(given, int | float | bool) or given is None:
        return repr(given)
    if isinstance(given, str):
        number = _number_in_text(given)
        if number is not None:  # YAML reads 1e309 (no decimal point) as text; it is a number to the reader
            return "a number too large to hold" if math.isinf(number) else "a number"
    return _KIND.get(type(given), "a value")


def _plain_message(err: Any) -> str:
    kind = err["type"]
    given = err.get("input")
    shown = _shown(given)
    ctx = err.get("ctx") or {}
    if kind == "too_long":
        actual = ctx.get("actual_length")
        listed = f"lists {actual:,} items; " if isinstance(actual, int) else ""
        return (f"{listed}at most {ctx.get('max_length', 0):,} are allowed"
                + (" per case (split the requests over several cases)" if err["loc"][-1:] == ("requests",) else ""))
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length', 0):,} characters (the limit for this field)"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        hint = _did_you_mean(tuple(err["loc"]))
        return f"is not a case field{hint or ' (check the spelling; `imrcheck schema` lists the fields)'}"
    if kind == "missing":
        return "is required"
    if kind == "too_short":
        return "must list at least one item"
    if kind.startswith("date"):
        return "must be a real date, written like 2014-03-10" + ("" if isinstance(given, str) else f" (got {shown})")
    return f"{err['msg'].rstrip('.')} (got {shown})"


# What a field name looks like. An unknown key that does not (a sentence, a name) may be case content
# typed in the wrong place, so it is not repeated: the message points at where it stands instead.
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")


def _problem(err: Any) -> str:
    if not err["loc"] and err["type"] == "value_error":
        # A check across fields (engine.models) names its own fields: its message is said as written.
        return str(err["msg"]).removeprefix("Value error, ")
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden" and loc and not (isinstance(loc[-1], str) and _FIELD_NAME.fullmatch(loc[-1])):
        where = f"in {describe_location(loc[:-1])}" if loc[:-1] else "at the top of the file"
        return f"a key {where} is not a case field, nor spelt like one (its text is not repeated here)"
    return f"{describe_location(loc)}: {_plain_message(err)}"


def validate_case(data: Any, *, source: str) -> Case:
    if not isinstance(data, dict):
        raise CaseValidationError(
            f"must hold a mapping of case fields (case_id, requests, ...), not {type(data).__name__}", source=source
        )
    if nesting_depth(data) > MAX_NESTING:
        raise CaseValidationError(f"nests lists and mappings more than {MAX_NESTING} levels deep; a case nests fewer "
                                  "than ten", source=source)
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A list whose items failed is also reported "too short" after dropping them: say only the cause.
        failing = {e["loc"][:1] for e in errors if len(e["loc"]) > 1}
        errors = [e for e in errors if not (e["type"] == "too_short" and e["loc"] in failing)]
        problems = [_problem(e) for e in errors]
        raise CaseValidationError("; ".join(problems), source=source, problems=problems) from None


def read_case_documents(path: Path) -> list[tuple[str, Any]]:
    """Each case a file holds, with the source to name it by: one document, a YAML stream of several
    ("---" between them, as `imrcheck extract` writes for several letters), a JSON array of cases, or
    the JSON envelope of `imrcheck extract --format json`.
    A file of several names each case `path#n`."""
    text = read_text_file(path)
    source = str(path)
    if path.suffix.lower() == ".json":
        data = _parse_document(text, source=source, json_only=True)
        if isinstance(data, dict) and "schema_version" in data and isinstance(data.get("results"), list):
            # The envelope `imrcheck extract --format json` writes: its results are the cases.
            data = data["results"]
        documents = data if isinstance(data, list) and data else [data]
    else:
        documents = _parse_stream(text, source=source)
    if len(documents) == 1:
        return [(source, documents[0])]
    return [(f"{source}#{number}", document) for number, document in enumerate(documents, start=1)]


def _parse_stream(text: str, *, source: str) -> list[Any]:
    """The documents of a YAML stream, each read as `_parse_document` reads one."""
    if not text.strip():
        raise InputError("is empty; a case file describes the case and its requests", source=source)
    _check_line_lengths(text, source)
    try:
        documents = [document for document in _load_all(text) if document is not None]
    except (yaml.YAMLError, ValueError, RecursionError, YamlAliasError):
        # The single-document reader words every such problem; it raises for the same text.
        return [_parse_document(text, source=source, json_only=False)]
    return documents or [None]


def _load_all(text: str) -> list[Any]:
    """yaml.load_all, with every document's aliases and nesting bounded before it is built (as one document's are)."""
    loader = _CaseLoader(text)
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                break
            check_composed(node)
            documents.append(loader.construct_document(node))
        return documents
    finally:
        loader.dispose()


def load_case_file(path: Path) -> Case:
    text = read_text_file(path)
    return parse_case_text(text, source=str(path), json_only=path.suffix.lower() == ".json")
