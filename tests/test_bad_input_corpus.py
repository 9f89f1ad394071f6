"""Issue 17's hostile inputs: nothing lost, nothing stalls, nothing leaks.

The corpus is generated (tests/bad_input_corpus.py). These run in-process through typer's CliRunner:
none of them is about the process boundary (tests/test_cli_bad_input.py covers that, with Ctrl-C,
memory limits and the installed program), and one interpreter keeps the run short. Each case checks
the exit code (never 3), that the message names the file and the field or line, says what is wrong
in plain words, shows no Python internals and repeats nothing the file holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bad_input_corpus import MARKER, write_corpus
from typer.testing import CliRunner

from cli_support import Run
from engine.cli import app
from engine.models import MAX_REQUESTS

INTERNALS = re.compile(r'Traceback|File "|\b[A-Za-z]+(?:Error|Exception)\b|errors\.pydantic\.dev|internal error')


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture
def in_corpus(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(corpus)
    yield corpus


def invoke(*args: str) -> Run:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    run = Run(result.exit_code, result.stdout, result.stderr)
    for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        found = INTERNALS.search(text)
        assert found is None, f"{stream} shows internals ({found.group(0)!r}):\n{text[-3000:]}"
        assert MARKER not in text, f"{stream} repeats what the file holds:\n{text[-3000:]}"
    return run


@dataclass(frozen=True)
class Bad:
    args: tuple[str, ...]
    names: tuple[str, ...]  # each on stderr (or, for criteria validate, in its report): file, field, line
    says: str


def _validate(folder: str, names: tuple[str, ...], says: str) -> Bad:
    return Bad(("criteria", "validate", folder), names, says)


CASES: dict[str, Bad] = {
    "two requests: keys": Bad(("check", "dup_requests.yaml"), ("dup_requests.yaml", "line 16", "first on line 12", "'requests'"),
                              "written twice"),
    "duplicate JSON key": Bad(("check", "dup_keys.json"), ("dup_keys.json", "'requests'"), "written twice"),
    "duplicate unknown key, not named": Bad(("check", "dup_unknown_key.yaml"), ("dup_unknown_key.yaml", "line 5", "a key"),
                                            "written twice"),
    "one request over the cap": Bad(("check", "too_many_requests.yaml"),
                                    ("too_many_requests.yaml", f"requests: lists {MAX_REQUESTS + 1} items"),
                                    f"at most {MAX_REQUESTS}"),
    "5,000 requests": Bad(("check", "five_thousand_requests.json"), ("five_thousand_requests.json", "requests: lists 5,000"),
                          f"at most {MAX_REQUESTS}"),
    "1,001 diagnoses": Bad(("check", "too_many_diagnoses.json"), ("too_many_diagnoses.json", "diagnoses: lists 1,001"),
                           "at most 1,000"),
    "10k-char text": Bad(("check", "long_text.yaml"), ("long_text.yaml", "diagnoses[0].text"), "longer than 10,000"),
    "50k-char case_id": Bad(("check", "long_case_id.json"), ("long_case_id.json", "case_id"), "longer than 200"),
    "100k-char line": Bad(("check", "long_line.yaml"), ("long_line.yaml", "line 2"), "characters long"),
    "4 MB one-line YAML": Bad(("check", "four_megabytes.yaml"), ("four_megabytes.yaml",), "too large for a case file"),
    "a pipe": Bad(("check", "fifo.yaml"), ("fifo.yaml",), "not a regular file"),
    "relief_pct 1e309": Bad(("check", "relief_1e309.yaml"), ("relief_1e309.yaml", "injections[0].relief_pct"),
                            "a number too large to hold"),
    "!!timestamp 2015-02-30": Bad(("check", "timestamp.yaml"), ("timestamp.yaml", "injections[0].date"),
                                  "must be a real date"),
    "JSON 200 deep": Bad(("check", "deep.json"), ("deep.json",), "more than 64 levels"),
    "YAML 100 deep": Bad(("check", "deep.yaml"), ("deep.yaml", "line "), "nest more than 64 levels"),
    "4 MB one-line record file": Bad(("evaluate", "four_megabyte_records.yaml"), ("four_megabyte_records.yaml", "line 1"),
                                     "longer than 1,000,000 characters"),
    "--details onto an input letter": Bad(("evaluate", "letters", "--details", "letters/000.txt"),
                                          ("letters/000.txt", "--details"), "inside the input folder"),
    "--out onto an input": Bad(("evaluate", "letters/001.txt", "--out", "./letters/../letters/001.txt"), ("--out",),
                               "names an input of this run"),
    "--out onto a hard link of an input": Bad(("evaluate", "letters/000.txt", "--out", "hard_link.html"),
                                              ("hard_link.html", "--out"), "names an input of this run"),
    "--details onto a symbolic link to an input": Bad(("evaluate", "letters", "--details", "sym_link.html"),
                                                      ("sym_link.html", "--details"), "inside the input folder"),
    "--out onto a hard link into an input folder": Bad(("evaluate", "letters", "--out", "hard_link.html"),
                                                       ("hard_link.html", "--out"), "inside the input folder"),
    "--out onto an input record file": Bad(("evaluate", "deep.jsonl", "--out", "deep.jsonl"), ("deep.jsonl", "--out"),
                                           "names an input"),
    "--details onto --out": Bad(("evaluate", "letters", "--out", "run.json", "--details", "run.json"),
                                ("run.json", "--details", "--out"), "the same file"),
    "effective_from 2009-02-30": _validate("bad_date", ("bad_date/bad_date.yaml:6", "effective_from"), "valid date"),
    "a 5,001-digit value": _validate("long_number", ("long_number/long_number.yaml:34",), "5,001 characters long"),
    "value .inf": _validate("infinite", ("infinite/infinite.yaml:34", "criteria.0.when.any.2"), "finite number"),
    "value .nan": _validate("not_a_number", ("not_a_number/not_a_number.yaml:34", "criteria.0.when.any.2"), "finite number"),
    "a 25-digit value": _validate("huge_number", ("huge_number/huge_number.yaml:34",), "no larger than 1e+12"),
    "all: nested 200 levels": _validate("deep_200", ("deep_200/deep_200.yaml", "line 34"), "more than 64 levels"),
    "all: nested 20 levels": _validate("deep_20", ("deep_20/deep_20.yaml:", "criteria.0.when"), "more than 16 levels"),
    "within_days 10 million": _validate("window", ("window/window.yaml:31", "within_days"), "less than or equal to 36500"),
    "fills_gaps_in cycle": _validate("cycle", ("cycle/cycle_a.yaml", "cycle/cycle_b.yaml", "fills_gaps_in"), "leads back"),
    "fills_gaps_in itself": _validate("self_gap", ("self_gap/self_gap.yaml", "fills_gaps_in"), "leads back"),
    "unknown MTUS edition": _validate("edition", ("edition/edition.yaml", "edition"), "none of the MTUS editions"),
    "150 criteria": _validate("criteria_150", ("criteria_150/criteria_150.yaml:20", "criteria"), "at most 100"),
    "10,000 criteria": _validate("criteria_10000", ("criteria_10000/criteria_10000.yaml",), "a criteria file is at most"),
    "criteria validate a pipe": _validate("fifo_criteria.yaml", ("fifo_criteria.yaml",), "not a regular file"),
    "check --criteria a pipe": Bad(("check", "good.yaml", "--criteria", "fifo_criteria.yaml"), ("fifo_criteria.yaml",),
                                   "not a regular file"),
    "check --criteria .inf": Bad(("check", "good.yaml", "--criteria", "infinite"), ("infinite/infinite.yaml:34",), "finite"),
}


@pytest.mark.parametrize("bad", CASES.values(), ids=CASES.keys())
def test_hostile_input_gets_a_clear_message(bad: Bad, in_corpus: Path) -> None:
    letters = {path: path.read_bytes() for path in (in_corpus / "letters").iterdir()}
    run = invoke(*bad.args)
    assert run.code == 2, f"exit {run.code}\nstdout:\n{run.stdout[-2000:]}\nstderr:\n{run.stderr[-2000:]}"
    said = run.stderr + (run.stdout if bad.args[:2] == ("criteria", "validate") else "")
    for name in bad.names:
        assert name in said, f"does not name {name!r}:\n{said[-3000:]}"
    assert bad.says.lower() in said.lower(), f"does not say {bad.says!r}:\n{said[-3000:]}"
    # No output option touched an input.
    assert {path: path.read_bytes() for path in (in_corpus / "letters").iterdir()} == letters
    assert not (in_corpus / "run.json").exists()


def test_a_utf16_case_reads_as_its_utf8_original(in_corpus: Path) -> None:
    utf16, utf8 = invoke("check", "utf16.yaml", "--format", "json"), invoke("check", "good.yaml", "--format", "json")
    assert utf16.code == utf8.code != 2 and utf16.stderr == ""
    assert json.loads(utf16.stdout)["results"][0]["requests"] == json.loads(utf8.stdout)["results"][0]["requests"]


def _evaluate(*args: str) -> dict[str, Any]:
    run = invoke("evaluate", *args, "--format", "json")
    assert run.code == 0, run.stderr
    report: dict[str, Any] = json.loads(run.stdout)
    return report


def _skips(report: dict[str, Any]) -> dict[str, str]:
    return {skip["source"]: skip["reason"] for skip in report["skipped"]}


def test_a_record_nested_1000_deep_is_one_skip_and_the_rest_are_read(in_corpus: Path) -> None:
    report = _evaluate("deep.jsonl")
    assert (report["letters"], report["skipped_total"]) == (3, 1)
    assert _skips(report) == {"deep.jsonl:2": "line 2: is nested too deeply to be a case file"}


def test_a_record_repeating_a_source_or_case_id_is_counted_once(in_corpus: Path) -> None:
    report = _evaluate("repeats.jsonl")
    assert report["letters"] == 2
    skips = _skips(report)
    assert skips["repeats.jsonl:2"].startswith("case_id repeats that of the record at repeats.jsonl:1")
    assert skips["repeats.jsonl:3"].startswith("source repeats that of the record at repeats.jsonl:1")


def test_duplicate_keys_in_record_files_are_refused(in_corpus: Path) -> None:
    report = _evaluate("dup_key.jsonl", "dup_key_records.yaml")
    assert report["letters"] == 2  # the good records either side of the bad line
    skips = _skips(report)
    assert skips["dup_key.jsonl:2"].startswith("line 2: 'source' is written twice in the same object")
    assert "'source' is written twice in the same mapping" in skips["dup_key_records.yaml"]


def test_resume_keys_inputs_by_resolved_path(in_corpus: Path) -> None:
    whole = _evaluate("letters")
    details = in_corpus / "resume.jsonl"
    _evaluate("letters/000.txt", "--details", str(details))
    resumed = _evaluate(str((in_corpus / "letters").resolve()), "--details", "resume.jsonl", "--resume")
    assert (resumed["letters"], resumed["items"]) == (whole["letters"], whole["items"]) == (3, 9)
    assert len(details.read_text(encoding="utf-8").splitlines()) == 3


def test_resume_keys_records_by_resolved_path(in_corpus: Path) -> None:
    whole = _evaluate("deep.jsonl")
    details = in_corpus / "resume_records.jsonl"
    lines = (in_corpus / "deep.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (in_corpus / "part.jsonl").write_text("".join(lines[:2]), encoding="utf-8")
    _evaluate("part.jsonl", "--details", str(details))
    (in_corpus / "part.jsonl").write_text("".join(lines), encoding="utf-8")  # the rest of the file arrived
    resumed = _evaluate(str(in_corpus / "part.jsonl"), "--details", "resume_records.jsonl", "--resume")
    assert (resumed["letters"], resumed["items"], resumed["skipped_total"]) == (
        whole["letters"], whole["items"], whole["skipped_total"]) == (3, 3, 1)


def test_an_input_named_twice_is_counted_once(in_corpus: Path) -> None:
    report = _evaluate("letters", "letters/002.txt", "./letters/000.txt")
    assert (report["letters"], report["items"]) == (3, 9)
    repeated = {source: reason for source, reason in _skips(report).items() if "#item" not in source}
    assert repeated == dict.fromkeys(["letters/002.txt", "letters/000.txt"],
                                     "the same input as one named earlier in this run, already counted")
