"""PDF letters as users meet them: the state's AES-encrypted letters open; a PDF that truly needs a
password, has no text layer, is cut short or is no letter is an exit-2 message naming the file; a
batch keeps every good letter."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from cli_support import run_cli
from engine.errors import LetterParseError
from engine.letters import parse_letter_file

from .conftest import PdfMaker

GOOD = "CM16-0241231.pdf"


def _message(path: Path) -> str:
    with pytest.raises(LetterParseError) as caught:
        parse_letter_file(path)
    assert str(path) in str(caught.value)
    return caught.value.message


def test_an_archive_letter_opens_although_it_is_aes_encrypted(archive: Path) -> None:
    path = archive / "pdf" / GOOD
    assert PdfReader(path).is_encrypted
    letter = parse_letter_file(path)
    assert letter.header.case_number == "CM16-0241231"
    assert [item.title for item in letter.items] == ["Three sessions of physical therapy of the right knee"]


def _locked(source: Path, target: Path) -> Path:
    writer = PdfWriter(clone_from=source)
    # RC4 needs no extra package in pypdf; any encryption with a user password locks the text the same way.
    writer.encrypt(user_password="open sesame", owner_password="owner", algorithm="RC4-128")
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def test_a_pdf_that_needs_a_password_says_so(tmp_path: Path, fixture_text: object, text_pdf: PdfMaker) -> None:
    plain = text_pdf("HOW THE IMR FINAL DETERMINATION WAS MADE\nCLINICAL CASE SUMMARY\nText.", tmp_path / "plain.pdf")
    locked = _locked(plain, tmp_path / "locked.pdf")
    assert _message(locked) == "the PDF is password-protected; remove the password first"


def test_a_pdf_cut_short_is_damaged(archive: Path, tmp_path: Path) -> None:
    data = (archive / "pdf" / GOOD).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) * 9 // 10])
    assert _message(cut) == "not a readable PDF: the file is damaged or cut short"


def test_a_batch_keeps_every_good_letter_and_names_each_bad_file(archive: Path, tmp_path: Path, text_pdf: PdfMaker,
                                                                  image_pdf: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in (GOOD, "CM16-0248698.pdf"):
        shutil.copy(archive / "pdf" / name, folder / name)
    plain = text_pdf("HOW THE IMR FINAL DETERMINATION WAS MADE\nText.", tmp_path / "plain.pdf")
    _locked(plain, folder / "locked.pdf")
    shutil.copy(image_pdf, folder / "scanned.pdf")
    data = (archive / "pdf" / GOOD).read_bytes()
    (folder / "cut.pdf").write_bytes(data[: len(data) // 2])
    text_pdf("Garden club newsletter\nTomatoes did well.", folder / "news.pdf")
    # evaluate reads on: the bad files are skips with their reasons, the good letters all count.
    report = json.loads(run_cli("evaluate", str(folder), "--format", "json", expect=0).stdout)
    assert report["letters"] == 2
    assert report["items"] == 1 + 21
    reasons = {Path(s["source"]).name: s["reason"] for s in report["skipped"]}
    assert set(reasons) == {"locked.pdf", "scanned.pdf", "cut.pdf", "news.pdf"}
    assert "password-protected" in reasons["locked.pdf"]
    assert "no text layer" in reasons["scanned.pdf"]
    assert "damaged or cut short" in reasons["cut.pdf"]
    assert "not an IMR Final Determination Letter" in reasons["news.pdf"]
    # parse prints every good letter and exits 2, naming each bad file on stderr.
    run = run_cli("parse", str(folder), "--format", "jsonl", expect=2)
    assert sorted(json.loads(line)["header"]["case_number"] for line in run.stdout.splitlines()) == [
        "CM16-0241231", "CM16-0248698"]
    for name in reasons:
        assert str(folder / name) in run.stderr
