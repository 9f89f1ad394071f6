"""Every letter of the public archive sample (../shared/imr_archive) read exactly: case number, each
item's number, title and decision as outcomes.csv lists them, the header dates, the reviewer's
specialty, and the same result from the PDF and from its text."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from engine.letters import Layout, Letter, parse_letter_file, parse_letter_text, to_contract
from engine.letters.files import read_letter_text

ARCHIVE_LETTERS = 97
ARCHIVE_ITEMS = 233


def _outcomes(archive: Path) -> dict[str, list[tuple[int, str, str]]]:
    rows: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    with (archive / "outcomes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["case_number"]].append((int(row["item"]), row["title"], row["decision"]))
    return dict(rows)


def _decision_dates(archive: Path) -> dict[str, dt.date]:
    with (archive / "outcomes.csv").open(encoding="utf-8", newline="") as handle:
        return {row["case_number"]: dt.datetime.strptime(row["decision_date"], "%m/%d/%Y").date() for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def letters(archive: Path) -> dict[Path, Letter]:
    return {path: parse_letter_file(path) for path in sorted((archive / "pdf").glob("*.pdf"))}


def test_every_letter_pinned_against_outcomes(archive: Path, letters: dict[Path, Letter]) -> None:
    expected = _outcomes(archive)
    got = {
        letter.header.case_number: [(number, item.title, item.decision) for number, item in enumerate(letter.items, start=1)]
        for letter in letters.values()
    }
    assert len(letters) == ARCHIVE_LETTERS
    assert sum(len(items) for items in got.values()) == ARCHIVE_ITEMS
    mismatched = {case: (expected.get(case), items) for case, items in got.items() if expected.get(case) != items}
    assert mismatched == {}
    assert set(got) == set(expected)


def test_case_number_is_the_file_name(letters: dict[Path, Letter]) -> None:
    assert {path.stem for path in letters} == {letter.header.case_number for letter in letters.values()}
    assert all(letter.layout is Layout.MAXIMUS_2014_HEADER for letter in letters.values())


def test_header_dates_and_specialty(archive: Path, letters: dict[Path, Letter]) -> None:
    decided = _decision_dates(archive)
    for letter in letters.values():
        header = letter.header
        assert header.decision_date == decided[header.case_number or ""], letter.source
        for value in (header.date_assigned, header.date_of_injury, header.ur_denial_date, header.application_received):
            assert isinstance(value, dt.date), letter.source
        assert isinstance(header.ur_denial_date, dt.date) and isinstance(header.decision_date, dt.date)
        assert header.ur_denial_date <= header.decision_date, letter.source
        assert letter.reviewer.specialty, letter.source


def test_partially_certified_items_keep_the_original_request(letters: dict[Path, Letter]) -> None:
    partial = [item for letter in letters.values() for item in letter.items if item.original_request is not None]
    # The sample has 22 letters whose items went to IMR after UR certified part of them.
    assert len(partial) >= 20
    for item in partial:
        assert "original request" not in item.title.lower()
        assert "authorized" not in item.title.lower()
        assert item.ur_certified, item.title
    # "…leaving the original request IMR eligible": IMR decided the whole original request.
    assert any(item.title == item.original_request for item in partial)
    assert any(item.title != item.original_request for item in partial)


def test_pdf_and_its_text_read_the_same(letters: dict[Path, Letter]) -> None:
    for path, letter in letters.items():
        from_text = parse_letter_text(read_letter_text(path), source=letter.source)
        assert to_contract(from_text) == to_contract(letter), path.name
