"""The installed `imrcheck` in its own process: write errors, the import boundary of a fast start, help text.

These need a real process: a full disk is /dev/full on stdout, and which modules a command imports is
only visible in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import Run

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
IMRCHECK = Path(sys.executable).with_name("imrcheck")
EXAMPLE = REPO / "examples" / "xray_without_red_flag.yaml"
LETTER = TESTS / "letters" / "fixtures" / "notice_2013.txt"
HANG_GUARD_SECONDS = 120  # a run that never ends fails instead of blocking the suite; not a speed limit
FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system to stand for a full disk")


def imrcheck(*args: str, stdout: Path | None = None, cwd: Path = REPO) -> Run:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    if stdout is None:
        done = subprocess.run([str(IMRCHECK), *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=HANG_GUARD_SECONDS, check=False)
        return Run(done.returncode, done.stdout, done.stderr)
    with stdout.open("w") as sink:
        done = subprocess.run([str(IMRCHECK), *args], cwd=cwd, env=env, stdout=sink, stderr=subprocess.PIPE, text=True,
                              timeout=HANG_GUARD_SECONDS, check=False)
    return Run(done.returncode, "", done.stderr)


# ---- a full disk is a write error, exit 2, never "internal error (OSError)" -------------------

@needs_dev_full
@pytest.mark.parametrize("args", [
    ("check", str(EXAMPLE)), ("check", str(EXAMPLE), "-f", "json"), ("missing", str(EXAMPLE)),
    ("parse", str(LETTER)), ("extract", str(LETTER)), ("schema",), ("criteria", "docs"),
    ("evaluate", str(LETTER), "-f", "json"),
], ids=lambda args: " ".join(a for a in args if not a.startswith("/")))
def test_a_full_disk_on_stdout_is_a_write_error(args: tuple[str, ...]) -> None:
    run = imrcheck(*args, stdout=FULL)
    assert (run.code, run.stderr) == (2, "imrcheck: standard output: cannot be written (no space left on the device)\n")


@needs_dev_full
@pytest.mark.parametrize("args", [
    ("check", str(EXAMPLE), "--out", "/dev/full"), ("missing", str(EXAMPLE), "--out", "/dev/full"),
    ("parse", str(LETTER), "--out", "/dev/full"), ("extract", str(LETTER), "--out", "/dev/full"),
    ("criteria", "docs", "--out", "/dev/full"), ("schema", "--out", "/dev/full"),
    ("evaluate", str(LETTER), "--out", "/dev/full"), ("evaluate", str(LETTER), "-f", "csv", "--out", "/dev/full"),
    ("evaluate", str(LETTER), "--details", "/dev/full"),
    ("new", "-t", "TFESI", "--out", "/dev/full", "--force"),
], ids=lambda args: " ".join(a for a in args if not a.startswith("/")))
def test_a_full_disk_behind_an_option_is_a_write_error_naming_it(args: tuple[str, ...]) -> None:
    run = imrcheck(*args)
    assert run.stdout == ""
    assert (run.code, run.stderr) == (2, "imrcheck: /dev/full: cannot be written (no space left on the device)\n")


def test_details_never_overwrites_a_letter_of_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    letter = folder / "000.txt"
    letter.write_text(LETTER.read_text(encoding="utf-8"), encoding="utf-8")
    run = imrcheck("evaluate", str(folder), "--details", str(letter))
    assert (run.code, run.stderr) == (2, f"imrcheck: {letter}: --details names a letter file inside the input folder {folder}; "
                                         "writing there would replace or add a letter, so name a file elsewhere "
                                         "(or not ending .txt/.pdf)\n")
    assert letter.read_text(encoding="utf-8") == LETTER.read_text(encoding="utf-8")


# ---- evaluate: a short message when nothing is readable ----------------------------------------

def test_evaluate_with_nothing_readable_prints_no_report(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("a shopping list, not a letter", encoding="utf-8")
    out = tmp_path / "report.json"
    run = imrcheck("evaluate", str(junk), "-f", "json", "--out", str(out))
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.splitlines()[-1] == "imrcheck: no letter or record could be read"
    assert run.stderr.splitlines()[0].startswith(f"imrcheck: {junk}: ")
    assert not out.exists()


def test_evaluate_counts_the_letters_for_its_progress_total(tmp_path: Path) -> None:
    from engine.cli.evaluate import count_inputs

    folder = tmp_path / "letters"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.pdf", "sub/c.txt", "notes.md"):
        (folder / name).write_text("x", encoding="utf-8")
    records = tmp_path / "cases.jsonl"
    records.write_text("{}\n", encoding="utf-8")
    assert count_inputs([folder]) == 3
    assert count_inputs([folder, LETTER]) == 4
    assert count_inputs([folder, records]) is None  # records are counted only by reading them


# ---- a fast start: `check` imports what it uses, nothing else ----------------------------------

_IMPORTED_BY_CHECK = """
import sys
from typer.testing import CliRunner
from engine.cli import app
result = CliRunner().invoke(app, ["check", sys.argv[1], "-f", "json"])
assert result.exit_code == 1, result.output
print(json.dumps(sorted(sys.modules)))
"""


# A procedure, and a drug named in free text (its prescription is read, but not by the letter extractor).
# A case with no drug does not load the prescription reader or the morphine arithmetic either.
@pytest.mark.parametrize(("example", "also_unused"), [
    (EXAMPLE, ("engine.prescription_text", "engine.morphine")),
    (REPO / "examples" / "carisoprodol_refill.yaml", ()),
], ids=["procedure", "drug"])
def test_check_imports_neither_the_letter_reader_nor_the_extractor_nor_the_server(example: Path,
                                                                                  also_unused: tuple[str, ...]) -> None:
    done = subprocess.run([sys.executable, "-c", "import json\n" + _IMPORTED_BY_CHECK, str(example)], cwd=TESTS,
                          capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, check=True)
    modules = set(json.loads(done.stdout))
    assert "engine.evaluate" in modules  # it did the work
    unused = ("engine.extract", "engine.letters", "engine.backtest", "engine.questionnaire", "engine.server",
              "fastapi", "uvicorn", "pypdfium2", "pypdf", *also_unused)
    loaded = sorted(m for m in modules if m.split(".")[0] in unused or any(m == u or m.startswith(u + ".") for u in unused))
    assert loaded == []


def test_importing_the_cli_imports_no_engine_work() -> None:
    code = "import json, sys; import engine.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=TESTS, capture_output=True, text=True,
                          timeout=HANG_GUARD_SECONDS, check=True)
    engine = sorted(m for m in json.loads(done.stdout) if m.split(".")[0] in ("engine", "pydantic", "yaml", "fastapi"))
    assert engine == ["engine", "engine.cli", "engine.cli.common", "engine.cli.help", "engine.cli.output",
                      "engine.errors"]


_IMPORTED_BY_MAIN = """
import json, sys
from engine.cli import main
sys.argv = ["imrcheck", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize(("args", "module"), [(["check", str(EXAMPLE)], "check"), (["schema"], "check"),
                                              (["criteria", "list"], "criteria"), (["new", "--help"], "new")])
def test_a_run_imports_the_module_of_its_subcommand_only(args: list[str], module: str) -> None:
    done = subprocess.run([sys.executable, "-c", _IMPORTED_BY_MAIN, *args], cwd=TESTS, capture_output=True, text=True,
                          timeout=HANG_GUARD_SECONDS, check=True)
    modules = json.loads(done.stderr.strip().splitlines()[-1])
    commands = {"check", "criteria", "evaluate", "extract", "new", "parse", "serve"}
    assert sorted(m for m in modules if m.removeprefix("engine.cli.") in commands) == [f"engine.cli.{module}"]


# ---- the set-up scripts never fall back silently from the Python they were given ---------------

@pytest.mark.parametrize(("python", "says"), [
    ("python3.99-not-here", "PYTHON=python3.99-not-here is not a command on this machine"),
    ("/bin/false", "PYTHON=/bin/false does not run"),
])
@pytest.mark.parametrize("script", ["demo", "test"])
def test_a_python_that_cannot_run_stops_the_scripts(script: str, python: str, says: str) -> None:
    # Both stop while choosing the interpreter, before .venv is touched.
    done = subprocess.run([str(REPO / "scripts" / script)], env={**os.environ, "PYTHON": python}, capture_output=True,
                          text=True, timeout=HANG_GUARD_SECONDS, check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"imrcheck: {says}; set PYTHON to ")
