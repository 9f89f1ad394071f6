"""`imrcheck parse`, driven through a local app so it does not depend on the main CLI module."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli_support import envelope_of, only_result
from engine.cli.parse import register

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADER = "synthetic_header_layout.txt"
NOTICE = "notice_2013.txt"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """A stand-in root so that `parse` stays a sub-command, as in the real app."""

    return app


def run_parse(*args: str, expect: int) -> Run:
    result = CliRunner().invoke(_app(), ["parse", *args], env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    run = Run(result.exit_code, result.stdout, result.stderr)
    assert run.code == expect, f"exit {run.code} != {expect}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert "Traceback" not in run.stdout + run.stderr
    return run


@pytest.fixture
def letters(tmp_path: Path, text_pdf: Callable[[str, Path], Path]) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in (HEADER, NOTICE):
        shutil.copy(FIXTURES / name, folder / name)
    text_pdf((FIXTURES / "medical_professional_review.txt").read_text(encoding="utf-8"), folder / "c_review.pdf")
    (folder / "notes.md").write_text("not a letter, and not a .txt or .pdf file", encoding="utf-8")
    return folder


def test_json_for_one_file_is_the_envelope_with_one_result(letters: Path) -> None:
    run = run_parse(str(letters / HEADER), "--format", "json", expect=0)
    document = only_result(run.stdout)
    assert document["source"] == str(letters / HEADER)
    assert document["layout"] == "maximus_2014_header"
    assert [item["decision"] for item in document["items"]] == ["upheld", "overturned", "upheld"]
    assert run.stderr == ""


def test_json_for_a_directory_is_a_sorted_list_of_its_letters(letters: Path) -> None:
    run = run_parse(str(letters), "--format", "json", expect=0)
    document = envelope_of(run.stdout)["results"]
    assert [Path(letter["source"]).name for letter in document] == ["c_review.pdf", NOTICE, HEADER]
    assert [letter["layout"] for letter in document] == [
        "medical_professional_review",
        "notice_2013",
        "maximus_2014_header",
    ]


def test_jsonl_streams_one_object_per_line(letters: Path) -> None:
    run = run_parse(str(letters / NOTICE), str(letters / HEADER), "--format", "jsonl", expect=0)
    lines = run.stdout.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["layout"] for line in lines] == ["notice_2013", "maximus_2014_header"]


def test_table_lists_each_item(letters: Path) -> None:
    run = run_parse(str(letters / HEADER), expect=0)
    assert "maximus_2014_header" in run.stdout
    assert "Physical Medicine & Rehabilitation" in run.stdout
    for cell in ("overturned", "physical_therapy", "rehabilitation", "epidural_steroid_injection", "unmapped"):
        assert cell in run.stdout
    assert "warning: item 3: the title names no treatment in the catalog; the item is kept unmapped" in run.stdout


def test_table_shows_bracketed_text_literally(tmp_path: Path) -> None:
    # "[redacted]" must not be eaten as console markup.
    text = (
        (FIXTURES / HEADER)
        .read_text(encoding="utf-8")
        .replace("Recliner chair for home use:Upheld", "Recliner chair [bold]for[/bold] home use:Upheld")
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    run = run_parse(str(tmp_path / "a.txt"), expect=0)
    assert "[bold]for[/bold]" in run.stdout


def test_a_bad_file_is_reported_and_the_batch_goes_on(letters: Path, tmp_path: Path, image_pdf: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    scanned = image_pdf
    run = run_parse(str(empty), str(letters / HEADER), str(scanned), str(tmp_path / "missing.txt"), "-f", "jsonl", expect=2)
    assert [json.loads(line)["layout"] for line in run.stdout.splitlines()] == ["maximus_2014_header"]
    assert run.stderr.splitlines() == [
        f"imrcheck: {empty}: the file is empty",
        f"imrcheck: {scanned}: the PDF has no text layer (probably a scanned image); run it through OCR first",
        f"imrcheck: {tmp_path / 'missing.txt'}: no such file",
    ]


def test_json_for_several_files_lists_only_the_good_ones(letters: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("Shopping list: eggs, milk", encoding="utf-8")
    run = run_parse(str(junk), str(letters / NOTICE), "--format", "json", expect=2)
    document = envelope_of(run.stdout)
    assert [letter["layout"] for letter in document["results"]] == ["notice_2013"]
    assert [error["source"] for error in document["errors"]] == [str(junk)]
    assert run.stderr == (
        f"imrcheck: {junk}: not an IMR Final Determination Letter: none of the section headings of a known layout was found\n"
    )


def test_one_bad_file_in_json_prints_no_result(tmp_path: Path) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(bytes(range(256)))
    run = run_parse(str(path), "--format", "json", expect=2)
    document = envelope_of(run.stdout)
    assert document["results"] == []
    assert document["errors"] == [{"source": str(path), "message": "a binary file, not a text or PDF letter"}]
    assert run.stderr == f"imrcheck: {path}: a binary file, not a text or PDF letter\n"


_STANDALONE = """
import typer
from engine.cli.parse import register

app = typer.Typer()
register(app)


@app.callback()
def main() -> None:
    pass


app()
"""


def test_a_damaged_pdf_gets_one_error_line_and_no_library_chatter(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(1, 200)) * 20)
    # A real process: under pytest, log capture would hide what pypdf's warnings do to stderr.
    result = subprocess.run(
        [sys.executable, "-c", _STANDALONE, "parse", str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"imrcheck: {path}: not a readable PDF: the file is damaged or cut short\n"


def test_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    run = run_parse(str(tmp_path), "--format", "json", expect=2)
    assert envelope_of(run.stdout)["results"] == []
    assert run.stderr == f"imrcheck: {tmp_path}: the directory holds no .txt or .pdf files\n"


def test_letter_text_never_reaches_stderr(letters: Path) -> None:
    run = run_parse(str(letters), "--format", "jsonl", expect=0)
    assert run.stderr == ""


def test_an_unknown_format_is_a_usage_error(letters: Path) -> None:
    run_parse(str(letters / HEADER), "--format", "xml", expect=2)
