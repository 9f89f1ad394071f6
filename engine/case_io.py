"""Reading case files (YAML or JSON) with one clear message per problem, never a traceback."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from engine.errors import CaseValidationError, InputError
from engine.models import Case
from engine.paths import field_type
from engine.resources import BoundedAliases, YamlAliasError, check_alias_expansion

MAX_CASE_BYTES = 5 * 1024 * 1024  # a case is a few kilobytes; anything this large is not a case


class _CaseLoader(BoundedAliases, yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so the case model parses them and can say which is wrong."""


_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_text_file(path: Path, *, what: str = "case file", limit: int = MAX_CASE_BYTES) -> str:
    if path.is_dir():
        raise InputError(f"is a directory; give a {what}", source=path)
    if not path.exists():
        raise InputError("no such file", source=path)
    try:
        size = path.stat().st_size
        if size == 0:
            raise InputError(f"is empty; a {what} describes the case and its requests", source=path)
        if size > limit:
            raise InputError(f"is {size:,} bytes, too large for a {what} (limit {limit:,})", source=path)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", source=path) from None
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
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})", source=source) from None
        except (ValueError, RecursionError) as exc:
            raise InputError(_unreadable_value(exc), source=source) from None
    try:
        return yaml.load(text, Loader=_CaseLoader)
    except YamlAliasError as exc:
        raise InputError(str(exc), source=source) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(_unreadable_value(exc), source=source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise InputError(f"{where}not valid YAML ({problem})", source=source) from None


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


def _plain_message(err: Any) -> str:
    kind = err["type"]
    given = err.get("input")
    # Numbers and yes/no are echoed to show what was out of range; text is not, as it is what the case
    # holds (a diagnosis, a name) and error lines end up in terminals and logs.
    shown = repr(given) if isinstance(given, int | float | bool) or given is None else _KIND.get(type(given), "a value")
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
    try:
        documents = [document for document in _load_all(text) if document is not None]
    except (yaml.YAMLError, ValueError, RecursionError, YamlAliasError):
        # The single-document reader words every such problem; it raises for the same text.
        return [_parse_document(text, source=source, json_only=False)]
    return documents or [None]


def _load_all(text: str) -> list[Any]:
    """yaml.load_all, with every document's alias expansion bounded before it is built (as one document's is)."""
    loader = _CaseLoader(text)
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                break
            check_alias_expansion(node)
            documents.append(loader.construct_document(node))
        return documents
    finally:
        loader.dispose()


def load_case_file(path: Path) -> Case:
    text = read_text_file(path)
    return parse_case_text(text, source=str(path), json_only=path.suffix.lower() == ".json")
