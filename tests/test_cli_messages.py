"""Messages name the file and the field, one way (requests[0].visits), and never what the field held."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import run_cli

SECRET = "Zyxwv Qqqq"


def _case(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("requests:\n  - {id: r1, treatment: TFESI, regoin: lumbar}\n",
     "requests[0].regoin: is not a case field; did you mean 'region' or 'reason'?"),
    ("claimant: {agee: 50}\nrequests:\n  - {id: r1, treatment: TFESI}\n",
     "claimant.agee: is not a case field; did you mean 'age'?"),
    ("requests:\n  - {id: r1, treatment: PT, visits: many}\n",
     "requests[0].visits: Input should be a valid integer, unable to parse string as an integer (got text)"),
    ("history:\n  injections:\n    - {date: 2014-02-30, treatment: TFESI}\nrequests:\n  - {id: r1, treatment: TFESI}\n",
     "history.injections[0].date: must be a real date, written like 2014-03-10"),
])
def test_field_paths_are_written_one_way(tmp_path: Path, text: str, message: str) -> None:
    path = _case(tmp_path, text)
    run = run_cli("check", str(path), expect=2)
    assert run.stderr == f"imrcheck: {path}: {message}\n"


@pytest.mark.parametrize(("text", "message"), [
    (f"requests:\n  - {{id: r1, treatment: {SECRET}}}\n",
     "requests[0].treatment: unknown treatment (not a name the treatment catalog knows)"),
    (f"requests:\n  - {{id: r1, treatment: TFESI}}\n  - {{id: r2, treatment: fluoroscopy, companion_of: {SECRET}}}\n",
     "requests[1].companion_of: names no request of this case (it takes the id of the primary request)"),
    (f"requests:\n  - {{id: {SECRET}, treatment: TFESI}}\n  - {{id: {SECRET}, treatment: TFESI}}\n",
     "requests[1].id: repeats the id of requests[0]; request ids must be unique"),
    (f"requests:\n  - {{id: r1, treatment: TFESI, {SECRET} has pain: 1}}\n",
     "a key in requests[0] is not a case field, nor spelt like one (its text is not repeated here)"),
])
def test_messages_never_repeat_what_a_field_held(tmp_path: Path, text: str, message: str) -> None:
    path = _case(tmp_path, text)
    run = run_cli("check", str(path), expect=2)
    assert run.stderr == f"imrcheck: {path}: {message}\n"
    assert SECRET not in run.stdout + run.stderr


def test_a_misspelt_treatment_gets_catalog_names_not_the_typed_one(tmp_path: Path) -> None:
    path = _case(tmp_path, "requests:\n  - {id: r1, treatment: epidurl steroid injecton}\n")
    run = run_cli("check", str(path), expect=2)
    assert "did you mean 'epidural steroid injection'" in run.stderr
    assert "injecton" not in run.stderr
