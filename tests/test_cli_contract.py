"""The CLI as scripts use it (issue 16): one JSON shape, stdin, --out, --fail-on, CSV, --version, --no-color."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from cli_support import ENVELOPE_KEYS, envelope_of, only_result, run_cli
from engine.cli.envelope import SCHEMA_VERSION, package_version

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MISSING_RELIEF = EXAMPLES / "repeat_esi_missing_relief.yaml"  # upheld: the ESI's criteria undocumented
MEETS = EXAMPLES / "repeat_esi_meets_criteria.yaml"  # overturned
XRAY = EXAMPLES / "xray_without_red_flag.yaml"  # upheld on an unmet criterion


def _pack_hash() -> str:
    line = run_cli("--version", expect=0).stdout
    match = re.fullmatch(rf"imrcheck {re.escape(package_version())} \(criteria pack {re.escape(package_version())}, "
                         r"(sha256:[0-9a-f]{16})\)\n", line)
    assert match is not None, line
    return match.group(1)


def test_version_names_the_package_and_the_criteria_pack() -> None:
    assert _pack_hash() == _pack_hash()  # a content hash: the same pack, the same hash


@pytest.mark.parametrize("command", ["check", "missing"])
def test_json_is_one_envelope_for_one_two_or_a_folder_of_cases(command: str, tmp_path: Path) -> None:
    one = envelope_of(run_cli(command, str(MEETS), "-f", "json", expect=0).stdout)
    two = envelope_of(run_cli(command, str(MEETS), str(XRAY), "-f", "json", expect=1).stdout)
    folder = tmp_path / "cases"
    folder.mkdir()
    for path in (MEETS, XRAY):
        shutil.copy(path, folder / path.name)
    whole = envelope_of(run_cli(command, str(folder), "-f", "json", expect=1).stdout)
    assert [r["source"] for r in one["results"]] == [str(MEETS)]
    assert [r["source"] for r in two["results"]] == [str(MEETS), str(XRAY)]
    assert [r["source"] for r in whole["results"]] == [str(folder / MEETS.name), str(folder / XRAY.name)]
    for document in (one, two, whole):
        assert set(document) == ENVELOPE_KEYS and document["schema_version"] == SCHEMA_VERSION
        assert document["errors"] == []
        assert document["tool"]["name"] == "imrcheck" and document["tool"]["version"] == package_version()
        assert document["tool"]["criteria_pack"] == {"version": package_version(), "hash": _pack_hash()}


def test_user_criteria_change_the_pack_identity(tmp_path: Path) -> None:
    own = tmp_path / "mine"
    own.mkdir()
    shown = run_cli("criteria", "show", "mtus_2009_esi_repeat", "-f", "yaml", expect=0).stdout
    (own / "mtus_2009_esi_repeat.yaml").write_text(shown.replace("title: ", "title: Mine, ", 1), encoding="utf-8")
    document = envelope_of(run_cli("check", str(MEETS), "-f", "json", "--criteria", str(own), expect=0).stdout)
    assert document["tool"]["criteria_pack"]["version"] == package_version() + "+local"
    assert document["tool"]["criteria_pack"]["hash"] != _pack_hash()


def test_jsonl_streams_one_result_per_line() -> None:
    lines = run_cli("check", str(MEETS), str(XRAY), "-f", "jsonl", expect=1).stdout.splitlines()
    assert [json.loads(line)["case_id"] for line in lines] == [only_result(
        run_cli("check", str(path), "-f", "json", expect=code).stdout)["case_id"] for path, code in ((MEETS, 0), (XRAY, 1))]


def test_a_case_on_standard_input() -> None:
    from typer.testing import CliRunner

    from engine.cli import app

    result = CliRunner().invoke(app, ["check", "-", "-f", "json"], input=XRAY.read_text(encoding="utf-8"))
    assert result.exit_code == 1, result.stderr
    from_file = only_result(run_cli("check", str(XRAY), "-f", "json", expect=1).stdout)
    from_stdin = only_result(result.stdout)
    assert from_stdin["source"] == "<stdin>"
    assert {**from_stdin, "source": None} == {**from_file, "source": None}


def test_a_bad_case_on_standard_input_is_named_stdin() -> None:
    from typer.testing import CliRunner

    from engine.cli import app

    result = CliRunner().invoke(app, ["check", "-"], input="requests: [")
    assert result.exit_code == 2
    assert result.stderr.startswith("imrcheck: <stdin>: line ")


@pytest.mark.parametrize(("command", "fmt"), [("check", "json"), ("check", "markdown"), ("check", "csv"),
                                              ("check", "html"), ("check", "table"), ("missing", "text"),
                                              ("missing", "html"), ("schema", None)])
def test_out_writes_what_stdout_would_show(command: str, fmt: str | None, tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = [command] + ([str(XRAY), "-f", fmt] if fmt else [])
    code = 1 if fmt else 0
    printed = run_cli(*args, expect=code).stdout
    written = run_cli(*args, "--out", str(out), expect=code)
    assert written.stdout == ""
    assert out.read_text(encoding="utf-8") == printed


def test_out_never_overwrites_an_input(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(XRAY, case)
    run = run_cli("check", str(case), "--out", str(case), expect=2)
    assert run.stderr == f"imrcheck: {case}: is also an input of this run; write the report somewhere else\n"
    assert case.read_text(encoding="utf-8") == XRAY.read_text(encoding="utf-8")


def _only_the_esi(tmp_path: Path) -> Path:
    """The undocumented repeat ESI alone: upheld with every deciding criterion missing, none unmet."""
    data = yaml.safe_load(MISSING_RELIEF.read_text(encoding="utf-8"))
    data["requests"] = [r for r in data["requests"] if r["id"] == "esi"]
    path = tmp_path / "esi_only.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("case", "fail_on", "code"), [
    (None, "uphold", 1), (None, "unmet", 0), (None, "never", 0),
    (XRAY, "uphold", 1), (XRAY, "unmet", 1), (XRAY, "never", 0),
    (MEETS, "uphold", 0), (MEETS, "unmet", 0),
])
def test_fail_on_chooses_what_exits_1(case: Path | None, fail_on: str, code: int, tmp_path: Path) -> None:
    path = case or _only_the_esi(tmp_path)
    run_cli("check", str(path), "--fail-on", fail_on, expect=code)
    run_cli("missing", str(path), "--fail-on", fail_on, expect=code)


def test_bad_input_still_exits_2_whatever_fail_on_says(tmp_path: Path) -> None:
    run_cli("check", str(tmp_path / "nowhere.yaml"), str(MEETS), "--fail-on", "never", expect=2)


def test_csv_has_one_row_per_request() -> None:
    text = run_cli("check", str(MISSING_RELIEF), str(MEETS), "-f", "csv", expect=1).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["source"], r["request"], r["prediction"], r["basis"]) for r in rows] == [
        (str(MISSING_RELIEF), "esi", "uphold", "criteria"),
        (str(MISSING_RELIEF), "fluoro", "uphold", "companion"),
        (str(MISSING_RELIEF), "sedation", "uphold", "companion"),
        (str(MEETS), "esi", "overturn", "criteria"),
        (str(MEETS), "fluoro", "overturn", "companion"),
    ]
    assert (rows[0]["met"], rows[0]["unmet"], rows[0]["missing"]) == ("1", "0", "4")
    assert rows[0]["missing_documentation"].count(" | ") == 3
    assert rows[1]["companion_of"] == "esi"


def test_piped_output_is_whole_plain_text() -> None:
    text = run_cli("check", str(MISSING_RELIEF), expect=1).stdout
    assert "…" not in text and "│" not in text and "\x1b[" not in text
    assert "  [missing] At least 50% pain relief from the previous injection (mtus_2009_esi_repeat): " in text
    # The unverified-threshold note is said once per request, not after each sentence.
    assert "(unverified threshold)" not in text
    esi = text.split("\nfluoro: ")[0]
    assert esi.count("Unverified thresholds (commonly applied, not yet checked against the guideline text): ") == 1
    # The closing line concludes; the table above already gives each criterion's reason.
    assert "  Therefore, the request for TFESI is not medically necessary.\n" in text
    assert text.count("The records do not state the percent of pain relief after the last injection.") == 1


def test_criteria_list_off_a_terminal_is_a_markdown_table_of_whole_words() -> None:
    text = run_cli("criteria", "list", "--treatment", "Norco", expect=0).stdout
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Id | Title | Source | Edition | In force | Treatments | Conf. | C/Q/U |"
    assert all(line.count(" | ") == 7 for line in rows)
    assert "…" not in text and "Opioi\n" not in text


def test_no_color_sets_no_color_for_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    run_cli("--no-color", "check", str(MEETS), expect=0)
    import os

    assert os.environ.get("NO_COLOR") == "1"
