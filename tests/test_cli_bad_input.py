"""Every command against bad input, through the real `imrcheck` program in a subprocess.

The standard: a clear message naming the file (and the field or line), the documented non-zero
exit code, never a traceback, never case contents on stderr; and a batch that meets a bad file
reports it and still delivers every good result.

Each bad file carries MARKER in what it holds (a diagnosis, a claimant's words): no message may
repeat it. File names never contain it, so any sighting on stderr is a leak.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bad_input_corpus import case_text
from letters.conftest import write_text_pdf

from cli_support import Run, envelope_of

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
IMRCHECK = Path(sys.executable).with_name("imrcheck")
MARKER = "ZEBRA-MARKER-7731"
GOOD_CASE = REPO / "examples" / "repeat_esi_missing_relief.yaml"
GOOD_LETTER = TESTS / "letters" / "fixtures" / "synthetic_header_layout.txt"
# Hang guard only (a run that never ends fails instead of blocking the suite); not a speed limit.
HANG_GUARD_SECONDS = 120
# Address space for one run: the alias bomb expands to billions of values, far beyond this.
MEMORY_LIMIT_BYTES = 2 * 1024**3

# What only Python internals print: a traceback, a frame, an exception class, pydantic's help link.
INTERNALS = re.compile(r'Traceback|File "|\b[A-Za-z]+(?:Error|Exception)\b|For further information visit|errors\.pydantic\.dev')


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def imrcheck(*args: str, cwd: Path) -> Run:
    """The installed program, as a user runs it: its own process, a narrow terminal, no colour."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([str(IMRCHECK), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=HANG_GUARD_SECONDS, preexec_fn=_limit_memory, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


def assert_no_internals(run: Run) -> None:
    for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        found = INTERNALS.search(text)
        assert found is None, f"{stream} shows Python internals ({found.group(0)!r}):\n{text}"


def assert_no_case_contents(run: Run) -> None:
    assert MARKER not in run.stderr, f"stderr repeats what a case file holds:\n{run.stderr}"


# ---- the bad files, each in its own words ---------------------------------------------------

def _case_text(**replace: str) -> str:
    return case_text(MARKER, **replace)


def _alias_bomb(top: str) -> str:
    """Ten levels of nine aliases each: a few hundred bytes that expand to 9**10 strings."""
    lines = [f'l0: &l0 ["{MARKER}", "{MARKER}", "{MARKER}", "{MARKER}", "{MARKER}", "{MARKER}", "{MARKER}", "{MARKER}", "{MARKER}"]']
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    lines.append(f"{top}: *l9")
    return "\n".join(lines) + "\n"


def _garbled_letter(rng: random.Random) -> str:
    """Printable noise around the headings of a letter: it passes as text and must fail as a letter."""
    def noise(n: int) -> str:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ,.;:0123456789\n") for _ in range(n))
    return (f"{noise(400)}\nCLINICAL CASE SUMMARY\n{noise(300)} {MARKER} {noise(300)}\n"
            f"IMR ISSUES, DECISIONS AND RATIONALES\n{noise(500)}\n")


def _write_inputs(folder: Path) -> None:
    rng = random.Random(7731)
    files: dict[str, str | bytes] = {
        "empty.yaml": b"",
        "binary.yaml": bytes(rng.randrange(256) for _ in range(600)) + MARKER.encode(),
        "latin1.yaml": f"case_id: c1\ndiagnoses: [{{text: {MARKER} caf\xe9}}]\n".encode("latin-1"),
        "syntax.yaml": f"case_id: c1\ndiagnoses: [{{text: {MARKER}}}\nrequests: [\n",
        "list.yaml": f"- {MARKER}\n- second\n",
        "scalar.yaml": f"{MARKER}\n",
        "wrong_type.json": json.dumps({"case_id": "c1", "diagnoses": [{"text": MARKER}], "claimant": {"age": "forty"},
                                       "requests": [{"id": "r1", "treatment": "TFESI"}]}),
        "broken.json": '{"case_id": "c1", "diagnoses": [{"text": "' + MARKER + '"}],\n "requests": [}\n',
        "unknown_field.yaml": _case_text(**{"sex: male}": "sex: male, hobby: chess}"}),
        "unknown_treatment.yaml": _case_text(**{"treatment: TFESI": "treatment: TFESX"}),
        "bad_date.yaml": _case_text(**{"date: 2014-03-10": "date: 2014-13-45"}),
        "free_text_date.yaml": _case_text(**{"date: 2014-03-10": f"date: {MARKER}"}),
        "negative.yaml": _case_text(**{"age: 44": "age: -44"}),
        "huge.yaml": _case_text(**{"age: 44": "age: 1.0e+400"}),
        "huge_int.yaml": _case_text(**{"age: 44": "age: " + "9" * 5000}),
        "alias_bomb.yaml": _alias_bomb("case_id"),
        "prose.txt": f"Dear neighbour, {MARKER} and I walked the dog by the river on Sunday. The weather was fine.\n",
        "not_a_pdf.pdf": f"plain text about {MARKER}, named like a PDF\n",
        "garbled_text.txt": _garbled_letter(rng),
        "garbled_binary.txt": b"CLINICAL CASE SUMMARY\n" + bytes(rng.randrange(256) for _ in range(3000))
                              + f"\n{MARKER}\nIMR ISSUES, DECISIONS AND RATIONALES\n".encode(),
        "details_garbage.jsonl": f"this is a shopping list, not a details file: {MARKER}\napples\n",
        "records_bomb.yaml": _alias_bomb("source"),
    }
    for name, content in files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    (folder / "a_folder").mkdir()
    (folder / "a_folder" / "note.md").write_text("not a case\n", encoding="utf-8")
    shutil.copy(GOOD_CASE, folder / "good.yaml")
    shutil.copy(GOOD_LETTER, folder / "good_letter.txt")
    write_text_pdf(GOOD_LETTER.read_text(encoding="utf-8"), folder / "good_letter.pdf")
    whole = (folder / "good_letter.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    broken = folder / "broken_criteria"
    broken.mkdir()
    (broken / "mtus_2009_mine.yaml").write_text(f"id: mtus_2009_mine\ntitle: {MARKER}\ncriteria: [\n  - id: a\n", encoding="utf-8")
    bomb = folder / "bomb_criteria"
    bomb.mkdir()
    (bomb / "bomb.yaml").write_text(_alias_bomb("criteria"), encoding="utf-8")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad_input")
    _write_inputs(folder)
    return folder


# ---- one table: command, bad input, exit code, what stderr must name ----------------------

@dataclass(frozen=True)
class Bad:
    args: tuple[str, ...]
    names: tuple[str, ...]  # each must be on stderr: the file, the field or line, the option
    says: str  # words of the plain explanation (case-insensitive)
    code: int = 2
    report: tuple[str, ...] = ()  # what a command that reports on stdout (criteria validate) must list there


CHECK_LIKE = ("check", "missing")
# `missing` reads cases exactly as `check` does: a sample of the table proves it is wired the same.
MISSING_SAMPLE = ("nonexistent path", "YAML syntax error", "unknown treatment", "free text for a date", "alias bomb",
                  "--as-of malformed", "--criteria broken")
CASES: dict[str, Bad] = {}
for command in CHECK_LIKE:
    table = {
        f"{command}: nonexistent path": Bad((command, "nowhere.yaml"), ("nowhere.yaml",), "no such file"),
        f"{command}: a directory with no cases": Bad((command, "a_folder"), ("a_folder",), "the folder holds no case files"),
        f"{command}: empty file": Bad((command, "empty.yaml"), ("empty.yaml",), "is empty"),
        f"{command}: binary file": Bad((command, "binary.yaml"), ("binary.yaml",), "binary file"),
        f"{command}: not UTF-8": Bad((command, "latin1.yaml"), ("latin1.yaml",), "UTF-8"),
        f"{command}: YAML syntax error": Bad((command, "syntax.yaml"), ("syntax.yaml", "line 3"), "not valid YAML"),
        f"{command}: YAML list": Bad((command, "list.yaml"), ("list.yaml",), "mapping of case fields"),
        f"{command}: YAML scalar": Bad((command, "scalar.yaml"), ("scalar.yaml",), "mapping of case fields"),
        f"{command}: JSON wrong type": Bad((command, "wrong_type.json"), ("wrong_type.json", "claimant.age"), "integer"),
        f"{command}: JSON syntax error": Bad((command, "broken.json"), ("broken.json", "line 2"), "not valid JSON"),
        f"{command}: unknown field": Bad((command, "unknown_field.yaml"), ("unknown_field.yaml", "claimant.hobby"),
                                         "is not a case field"),
        f"{command}: unknown treatment": Bad((command, "unknown_treatment.yaml"),
                                             ("unknown_treatment.yaml", "requests[0].treatment", "'tfesi'"), "did you mean"),
        f"{command}: impossible date": Bad((command, "bad_date.yaml"), ("bad_date.yaml", "injections[0].date"),
                                           "must be a real date"),
        f"{command}: free text for a date": Bad((command, "free_text_date.yaml"),
                                                ("free_text_date.yaml", "injections[0].date"), "must be a real date"),
        f"{command}: negative number": Bad((command, "negative.yaml"), ("negative.yaml", "claimant.age"), "greater than"),
        f"{command}: 1e400": Bad((command, "huge.yaml"), ("huge.yaml", "claimant.age"), "finite number"),
        f"{command}: a 5000-digit number": Bad((command, "huge_int.yaml"), ("huge_int.yaml",), "thousands of digits"),
        f"{command}: alias bomb": Bad((command, "alias_bomb.yaml"), ("alias_bomb.yaml",), "aliases"),
        f"{command}: --as-of malformed": Bad((command, "good.yaml", "--as-of", "2019-13-01"), ("--as-of", "2019-13-01"),
                                             "is not a date"),
        f"{command}: --edition unknown": Bad((command, "good.yaml", "--edition", "mtus_1999"), ("--edition", "mtus_1999"),
                                             "unknown edition"),
        f"{command}: --format unknown": Bad((command, "good.yaml", "--format", "xml"), ("--format", "xml"), "is not one of"),
        f"{command}: --criteria broken": Bad((command, "good.yaml", "--criteria", "broken_criteria"),
                                             ("broken_criteria/mtus_2009_mine.yaml:4",), "not valid YAML"),
        f"{command}: --criteria alias bomb": Bad((command, "good.yaml", "--criteria", "bomb_criteria"),
                                                 ("bomb_criteria/bomb.yaml",), "aliases"),
        f"{command}: --criteria missing": Bad((command, "good.yaml", "--criteria", "nowhere"), ("nowhere",), "no such"),
    }
    CASES |= {key: bad for key, bad in table.items() if command == "check" or key.split(": ", 1)[1] in MISSING_SAMPLE}
NOT_A_LETTER = {"parse": "not an IMR", "extract": "CLINICAL CASE SUMMARY"}
for command in ("parse", "extract"):
    CASES |= {
        f"{command}: nonexistent path": Bad((command, "nowhere.txt"), ("nowhere.txt",), "no such file"),
        f"{command}: a directory with no letters": Bad((command, "a_folder"), ("a_folder",), "no .txt or .pdf"),
        f"{command}: a case file, not a letter": Bad((command, "good.yaml"), ("good.yaml",), NOT_A_LETTER[command]),
        f"{command}: empty file": Bad((command, "empty.yaml"), ("empty.yaml",), "empty"),
        f"{command}: prose, not a letter": Bad((command, "prose.txt"), ("prose.txt",), NOT_A_LETTER[command]),
        f"{command}: a .pdf that is not a PDF": Bad((command, "not_a_pdf.pdf"), ("not_a_pdf.pdf",), "not a PDF"),
        f"{command}: truncated PDF": Bad((command, "truncated.pdf"), ("truncated.pdf",), "damaged or cut short"),
        f"{command}: garbled text letter": Bad((command, "garbled_text.txt"), ("garbled_text.txt",),
                                               {"parse": "no disputed items", "extract": "no item title"}[command]),
        f"{command}: garbled binary letter": Bad((command, "garbled_binary.txt"), ("garbled_binary.txt",), "binary"),
        f"{command}: --format unknown": Bad((command, "good_letter.txt", "--format", "xml"), ("--format", "xml"), "is not one of"),
    }
CASES |= {
    "evaluate: nonexistent path": Bad(("evaluate", "nowhere"), ("nowhere",), "no such file"),
    "evaluate: nothing readable": Bad(("evaluate", "prose.txt", "not_a_pdf.pdf", "truncated.pdf"),
                                      ("prose.txt", "not_a_pdf.pdf", "truncated.pdf"), "could be read"),
    "evaluate: a folder with no letters": Bad(("evaluate", "a_folder"), ("a_folder",), "no .txt or .pdf"),
    "evaluate: record file alias bomb": Bad(("evaluate", "records_bomb.yaml"), ("records_bomb.yaml",), "aliases"),
    "evaluate: --resume without --details": Bad(("evaluate", "good_letter.txt", "--resume"), ("--resume", "--details"),
                                                "name it"),
    "evaluate: --details holds garbage": Bad(("evaluate", "good_letter.txt", "--details", "details_garbage.jsonl", "--resume"),
                                             ("details_garbage.jsonl", "line 1"), "not a --details file"),
    "evaluate: --details in a missing folder": Bad(("evaluate", "good_letter.txt", "--details", "nowhere/run.jsonl"),
                                                   ("nowhere/run.jsonl",), "cannot be written"),
    "evaluate: --out in a missing folder": Bad(("evaluate", "good_letter.txt", "--out", "nowhere/r.html"), ("nowhere/r.html",),
                                               "cannot be written"),
    "evaluate: --as-of malformed": Bad(("evaluate", "good_letter.txt", "--as-of", "soon"), ("--as-of", "soon"), "is not a date"),
    "evaluate: --edition unknown": Bad(("evaluate", "good_letter.txt", "--edition", "x"), ("--edition",), "unknown edition"),
    "evaluate: --format unknown": Bad(("evaluate", "good_letter.txt", "--format", "pdf"), ("--format", "pdf"), "is not one of"),
    "evaluate: --criteria broken": Bad(("evaluate", "good_letter.txt", "--criteria", "broken_criteria"),
                                       ("broken_criteria/mtus_2009_mine.yaml:4",), "not valid YAML"),
    "evaluate: --workers 0": Bad(("evaluate", "good_letter.txt", "--workers", "0"), ("--workers",), "greater than or equal to 1"),
    "schema: unknown kind": Bad(("schema", "letters"), ("letters",), "is not one of"),
    "criteria show: unknown id": Bad(("criteria", "show", "mtus_2009_esi_repeet"), ("mtus_2009_esi_repeet",),
                                     "unknown criteria set"),
    "criteria show: --criteria broken": Bad(("criteria", "show", "mtus_2009_esi_repeat", "--criteria", "broken_criteria"),
                                            ("broken_criteria/mtus_2009_mine.yaml:4",), "not valid YAML"),
    "criteria list: unknown treatment": Bad(("criteria", "list", "--treatment", "TFESX"), ("--treatment", "'tfesi'"),
                                            "did you mean"),
    "criteria validate: broken file": Bad(("criteria", "validate", "broken_criteria"), ("broken_criteria/mtus_2009_mine.yaml",),
                                          "1 problem in", report=("broken_criteria/mtus_2009_mine.yaml:4", "not valid YAML")),
    "criteria validate: nonexistent": Bad(("criteria", "validate", "nowhere"), ("nowhere",), "1 problem in",
                                          report=("no such file",)),
    "criteria validate: binary file": Bad(("criteria", "validate", "binary.yaml"), ("binary.yaml",), "1 problem in",
                                          report=("not UTF-8",)),
    "criteria validate: a list": Bad(("criteria", "validate", "list.yaml"), ("list.yaml",), "1 problem in",
                                     report=("one mapping",)),
    "criteria validate: alias bomb": Bad(("criteria", "validate", "bomb_criteria"), ("bomb_criteria/bomb.yaml",), "1 problem in",
                                         report=("aliases",)),
    "criteria docs: --out in a missing folder": Bad(("criteria", "docs", "--out", "nowhere/c.md"), ("nowhere/c.md",),
                                                    "cannot be written"),
    "new: unknown treatment": Bad(("new", "--treatment", "lumbar ESX"), ("treatment: unknown treatment",), "did you mean"),
    "new: --out in a missing folder": Bad(("new", "--treatment", "lumbar ESI", "--out", "nowhere/case.yaml"),
                                          ("nowhere/case.yaml",), "cannot be written"),
    "new: --out is a folder": Bad(("new", "--treatment", "lumbar ESI", "--out", "a_folder", "--force"), ("a_folder",),
                                  "is a folder"),
    "evaluate: --out is a folder": Bad(("evaluate", "good_letter.txt", "--out", "a_folder"), ("a_folder",), "cannot be written"),
    "new: --out exists": Bad(("new", "--treatment", "lumbar ESI", "--out", "good.yaml"), ("good.yaml",), "already exists"),
    "new: --date malformed": Bad(("new", "--treatment", "lumbar ESI", "--date", "2015-02-30"), ("--date", "2015-02-30"),
                                 "is not a date"),
    "new: --edition unknown": Bad(("new", "--treatment", "lumbar ESI", "--edition", "x"), ("--edition",), "unknown edition"),
    "new: --region unknown": Bad(("new", "--treatment", "lumbar ESI", "--region", "belly"), ("--region",), "lumbar"),
    "serve: --port out of range": Bad(("serve", "--port", "70000"), ("--port",), "65535"),
    "serve: --port not a number": Bad(("serve", "--port", "eighty"), ("--port",), "integer"),
    "serve: --criteria broken": Bad(("serve", "--criteria", "broken_criteria"), ("broken_criteria/mtus_2009_mine.yaml:4",),
                                    "not valid YAML"),
    "unknown command": Bad(("chek", "good.yaml"), ("chek",), "no such command"),
}


@pytest.mark.parametrize("bad", CASES.values(), ids=CASES.keys())
def test_bad_input_gets_a_clear_message_and_exit_code(bad: Bad, inputs: Path) -> None:
    before = (inputs / "details_garbage.jsonl").read_bytes()
    run = imrcheck(*bad.args, cwd=inputs)
    assert run.code == bad.code, f"exit {run.code} != {bad.code}\nstdout:\n{run.stdout[-2000:]}\nstderr:\n{run.stderr}"
    for name in bad.names:
        assert name in run.stderr, f"stderr does not name {name!r}:\n{run.stderr}"
    for line in bad.report:
        assert line in run.stdout, f"stdout does not list {line!r}:\n{run.stdout}"
    assert bad.says.lower() in run.stderr.lower(), f"stderr does not say {bad.says!r}:\n{run.stderr}"
    assert_no_internals(run)
    assert_no_case_contents(run)
    # A file that is not ours to rewrite is left as it was (--resume must not cut a foreign file).
    assert (inputs / "details_garbage.jsonl").read_bytes() == before


@pytest.fixture
def listener() -> Iterator[int]:
    """A port something already listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_serve_on_a_port_in_use_says_so(listener: int, inputs: Path) -> None:
    run = imrcheck("serve", "--port", str(listener), cwd=inputs)
    assert run.code == 2, run.stderr
    assert f"127.0.0.1:{listener}" in run.stderr and "already in use" in run.stderr, run.stderr
    assert "--port" in run.stderr  # what to do about it
    assert "Traceback" not in run.stderr


def test_ctrl_c_exits_130_without_a_traceback(inputs: Path) -> None:
    folder = inputs / "many_letters"
    folder.mkdir()
    for number in range(200):
        shutil.copy(GOOD_LETTER, folder / f"letter_{number:03}.txt")
    process = subprocess.Popen([str(IMRCHECK), "parse", folder.name, "--format", "jsonl"], cwd=inputs,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.readline()  # the first letter is out: the run is under way
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=HANG_GUARD_SECONDS)
    assert process.returncode == 130, stderr
    assert_no_internals(Run(130, "", stderr))


# ---- batches: the bad ones are listed, every good one is delivered -------------------------

BAD_CASES = ("empty.yaml", "syntax.yaml", "unknown_treatment.yaml", "alias_bomb.yaml", "wrong_type.json")
BAD_LETTERS = ("prose.txt", "not_a_pdf.pdf", "truncated.pdf", "garbled_text.txt", "garbled_binary.txt")


@pytest.fixture(scope="module")
def case_batch(inputs: Path) -> Path:
    folder = inputs / "case_batch"
    folder.mkdir()
    goods = sorted((REPO / "examples").glob("*.yaml"))[:3]
    for good in goods:
        shutil.copy(good, folder / good.name)
    for bad in BAD_CASES:
        shutil.copy(inputs / bad, folder / bad)
    return folder


@pytest.fixture(scope="module")
def letter_batch(inputs: Path) -> Path:
    folder = inputs / "letter_batch"
    folder.mkdir()
    for name in ("good_letter.txt", "good_letter.pdf", *BAD_LETTERS):
        shutil.copy(inputs / name, folder / name)
    return folder


def _json_results(text: str, errors: int) -> list[object]:
    """The results of the one JSON envelope printed; its errors list one entry per bad input."""
    document = envelope_of(text)
    assert len(document["errors"]) == errors, document["errors"]
    results: list[object] = document["results"]
    return results


def _assert_batch(run: Run, folder: Path, bad: tuple[str, ...], code: int) -> None:
    assert run.code == code, run.stderr
    for name in bad:
        assert f"{folder.name}/{name}" in run.stderr + run.stdout, f"{name} is not listed:\n{run.stderr}"
    assert_no_internals(run)
    assert_no_case_contents(run)


@pytest.mark.parametrize("command", CHECK_LIKE)
def test_a_case_batch_keeps_every_good_result(command: str, case_batch: Path) -> None:
    run = imrcheck(command, case_batch.name, "--format", "json", cwd=case_batch.parent)
    _assert_batch(run, case_batch, BAD_CASES, code=2)
    assert all(f"{case_batch.name}/{name}" in run.stderr for name in BAD_CASES)
    assert len(_json_results(run.stdout, errors=len(BAD_CASES))) == 3


@pytest.mark.parametrize("command", ["parse", "extract"])
def test_a_letter_batch_keeps_every_good_result(command: str, letter_batch: Path) -> None:
    run = imrcheck(command, letter_batch.name, "--format", "json", cwd=letter_batch.parent)
    _assert_batch(run, letter_batch, BAD_LETTERS, code=2)
    assert all(f"{letter_batch.name}/{name}" in run.stderr for name in BAD_LETTERS)
    assert len(_json_results(run.stdout, errors=len(BAD_LETTERS))) == 2


def test_an_evaluate_batch_counts_the_good_and_lists_the_skipped(letter_batch: Path) -> None:
    run = imrcheck("evaluate", letter_batch.name, "--format", "json", cwd=letter_batch.parent)
    _assert_batch(run, letter_batch, BAD_LETTERS, code=0)  # documented: skipped letters are listed, not failures
    report = json.loads(run.stdout)
    assert report["letters"] == 2
    skipped = {entry["source"] for entry in report["skipped"]}
    assert {f"{letter_batch.name}/{name}" for name in BAD_LETTERS} <= skipped


def test_a_bad_record_line_costs_only_that_record(inputs: Path) -> None:
    good = {"source": "CM-1", "case": {"case_id": "c1", "request_date": "2014-09-02",
                                       "requests": [{"id": "r1", "treatment": "TFESI", "region": "lumbar"}]},
            "outcomes": {"r1": "upheld"}}
    lines = [json.dumps(good), f"{{not json {MARKER}", json.dumps({**good, "source": "CM-2", "outcomes": {"r9": "upheld"}}),
             json.dumps({**good, "source": "CM-3", "case": {**good["case"], "case_id": "c3"}})]  # a case_id of its own
    (inputs / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = imrcheck("evaluate", "records.jsonl", "--format", "json", cwd=inputs)
    assert run.code == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["letters"] == 2
    assert {entry["source"] for entry in report["skipped"]} >= {"records.jsonl:2", "records.jsonl:3"}
    assert MARKER not in run.stdout + run.stderr


# ---- the alias guard refuses bombs and cycles, and lets ordinary anchors through ----------

def test_ordinary_anchors_still_load() -> None:
    from engine.case_io import parse_case_text

    text = GOOD_CASE.read_text(encoding="utf-8").replace("levels: [L5-S1]", "levels: &levels [L5-S1]", 1)
    text = text.replace("levels: [L5-S1]}", "levels: *levels}")
    assert "*levels" in text
    case = parse_case_text(text, source="anchors.yaml")
    assert case.requests[0].levels == case.history.injections[0].levels


@pytest.mark.parametrize(("text", "says"), [
    (_alias_bomb("case_id"), "expand to more than"),
    ("case_id: c1\nrequests: &loop [*loop]\n", "refers to the value that holds it"),
])
def test_alias_bombs_and_cycles_are_refused_before_they_are_built(text: str, says: str) -> None:
    from engine.case_io import parse_case_text
    from engine.errors import InputError
    from engine.resources import load_yaml_with_lines

    with pytest.raises(InputError, match=says) as caught:
        parse_case_text(text, source="bomb.yaml")
    assert caught.value.source == "bomb.yaml"
    with pytest.raises(yaml.YAMLError, match=says):
        load_yaml_with_lines(text)
