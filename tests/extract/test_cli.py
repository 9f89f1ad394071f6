from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from typer.testing import CliRunner

from engine.cli.extract import register


def _run(args: list[str], code: int) -> tuple[str, str]:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps typer from flattening the app
        pass

    result = CliRunner().invoke(app, ["extract", *args])
    assert result.exit_code == code, result.output
    return result.stdout, result.stderr


LETTER = (
    "CLINICAL CASE SUMMARY\n\nA 50-year-old male with a 4-20-15 date of injury. Pain is 7/10.\n\n"
    "IMR ISSUES, DECISIONS AND RATIONALES\n\nPhysical therapy 6 visits for the lumbar: Upheld\n"
)


def test_yaml_and_json(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    out, _ = _run([str(path)], 0)
    case = yaml.safe_load(out)
    assert case["claimant"] == {"age": 50, "sex": "male"} and case["requests"][0]["visits"] == 6
    out, _ = _run([str(path), "--format", "json"], 0)
    document = json.loads(out)
    assert document["schema_version"] == "1" and document["errors"] == []
    assert [case["injury"]["date"] for case in document["results"]] == ["2015-04-20"]
    out, _ = _run([str(path), str(path), "--format", "jsonl"], 0)
    assert [json.loads(line) for line in out.splitlines()] == document["results"] * 2


def test_bad_file_is_reported_and_the_batch_continues(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(LETTER, encoding="utf-8")
    bad.write_text("not a letter", encoding="utf-8")
    out, err = _run([str(bad), str(good), str(tmp_path / "missing.txt")], 2)
    assert yaml.safe_load(out)["case_id"] == "good"
    assert err.count("imrcheck: ") == 2 and f"imrcheck: {bad}: " in err


def test_notes_go_to_stderr_and_stdout_stays_a_case(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(LETTER.replace("Pain is 7/10.", "Pain is 7/10. No medication list was provided."), encoding="utf-8")
    out, err = _run([str(path)], 0)
    assert yaml.safe_load(out)["case_id"] == "letter"
    assert f"imrcheck: {path}: note: " in err and "no medication list" in err
