"""Letter files: text and PDF input, and every kind of file that is not a letter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF

from engine.letters import LetterParseError, parse_letter_file, parse_letter_text
from engine.letters import files as letter_files

Read = Callable[[str], str]
PdfMaker = Callable[[str, Path], Path]
FIXTURE_NAMES = [
    "synthetic_header_layout.txt",
    "synthetic_documents_reviewed_layout.txt",
    "medical_professional_review.txt",
    "notice_2013.txt",
]


def _error_for(path: Path) -> LetterParseError:
    with pytest.raises(LetterParseError) as caught:
        parse_letter_file(path)
    assert caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_pdf_and_text_of_the_same_letter_parse_the_same(tmp_path: Path, fixture_text: Read, text_pdf: PdfMaker, name: str) -> None:
    text = fixture_text(name)
    (tmp_path / name).write_text(text, encoding="utf-8")
    pdf = text_pdf(text, tmp_path / name.replace(".txt", ".pdf"))
    from_text = parse_letter_file(tmp_path / name)
    from_pdf = parse_letter_file(pdf)
    assert from_pdf.source == str(pdf)
    assert from_pdf.model_dump(exclude={"source"}) == from_text.model_dump(exclude={"source"})
    assert len(from_pdf.items) >= 2


@pytest.mark.parametrize("name", ["000_07a1284434190ced.txt", "001_738a60def2c8b426.txt", "004_1601b313b08aa036.txt"])
def test_pdf_of_a_real_letter_parses_like_its_text(tmp_path: Path, real_letters: Path, text_pdf: PdfMaker, name: str) -> None:
    pdf = text_pdf((real_letters / name).read_text(encoding="utf-8"), tmp_path / "letter.pdf")
    from_pdf = parse_letter_file(pdf)
    from_text = parse_letter_file(real_letters / name)
    assert from_pdf.model_dump(exclude={"source"}) == from_text.model_dump(exclude={"source"})


def test_the_header_fixture_pdf_has_three_pages(tmp_path: Path, fixture_text: Read, text_pdf: PdfMaker) -> None:
    from pypdf import PdfReader

    pdf = text_pdf(fixture_text("synthetic_header_layout.txt"), tmp_path / "letter.pdf")
    # The furniture really sits at page edges in the PDF, so the equality test above means something.
    assert len(PdfReader(pdf).pages) == 3


def test_a_scanned_pdf_needs_ocr(image_pdf: Path) -> None:
    error = _error_for(image_pdf)
    assert error.message == "the PDF has no text layer (probably a scanned image); run it through OCR first"


def test_a_pdf_that_is_not_a_letter(tmp_path: Path, text_pdf: PdfMaker) -> None:
    pdf = text_pdf("Garden club newsletter\nTomatoes did well this year.\nNext meeting: Tuesday.", tmp_path / "news.pdf")
    error = _error_for(pdf)
    assert error.message.startswith("not an IMR Final Determination Letter")


def test_a_broken_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(1, 200)) * 20)
    assert _error_for(path).message == "not a readable PDF: the file is damaged or cut short"


def test_a_pdf_name_on_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_text("HOW THE IMR FINAL DETERMINATION WAS MADE", encoding="utf-8")
    assert _error_for(path).message == "has a .pdf name but is not a PDF file"


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert _error_for(path).message == "the file is empty"


def test_a_file_of_blank_lines_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n \n\t\n", encoding="utf-8")
    assert _error_for(path).message == "the file is empty"


def test_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert _error_for(path).message == "a binary file, not a text or PDF letter"


def test_a_binary_file_without_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(1, 32)) * 40)
    assert _error_for(path).message == "a binary file, not a text or PDF letter"


def test_a_directory(tmp_path: Path) -> None:
    assert _error_for(tmp_path).message == "is a directory, not a letter file"


def test_a_missing_file(tmp_path: Path) -> None:
    assert _error_for(tmp_path / "absent.txt").message == "no such file"


def test_files_over_the_size_cap_are_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letter_files, "MAX_LETTER_BYTES", 1000)
    path = tmp_path / "huge.txt"
    path.write_text("x" * 3 * 1024 * 1024, encoding="utf-8")
    assert _error_for(path).message == "the file is 3.0 MB; letters larger than 1000 bytes are refused"


def test_the_size_cap_is_fifty_megabytes() -> None:
    assert letter_files.MAX_LETTER_BYTES == 50 * 1024 * 1024


def test_windows_1252_text_is_read(tmp_path: Path, fixture_text: Read) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(fixture_text("notice_2013.txt").replace("cook", "caf\u00e9 cook").encode("cp1252"))
    assert "caf\u00e9 cook" in parse_letter_file(path).clinical_summary


def test_utf16_text_is_read(tmp_path: Path, fixture_text: Read) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(fixture_text("notice_2013.txt").encode("utf-16"))
    assert parse_letter_file(path).model_dump(exclude={"source"}) == parse_letter_text(fixture_text("notice_2013.txt")).model_dump(
        exclude={"source"}
    )


def test_text_that_is_no_letter() -> None:
    with pytest.raises(LetterParseError) as caught:
        parse_letter_text("Dear neighbour,\nthe fence needs painting.\nRegards", source="note.txt")
    assert str(caught.value) == (
        "note.txt: not an IMR Final Determination Letter: none of the section headings of a known layout was found"
    )


def test_empty_text() -> None:
    with pytest.raises(LetterParseError, match=r"^<text>: the letter is empty$"):
        parse_letter_text("   \n\n")


def test_a_letter_cut_off_mid_rationale_keeps_what_is_there(fixture_text: Read) -> None:
    text = fixture_text("synthetic_header_layout.txt")
    cut = text[: text.index("visits stay within")]
    letter = parse_letter_text(cut)
    assert [item.title for item in letter.items] == [
        "LUMBAR EPIDURAL STEROID INJECTION AT LEFT L4-L5 UNDER FLUOROSCOPIC GUIDANCE",
        "Physical therapy, six additional visits for the lumbar spine",
    ]
    assert letter.items[0].warnings == []
    assert letter.items[1].rationale.endswith("The records document objective gains from the first six visits, and six more")
    assert letter.items[1].warnings == ["the decision rationale stops mid-sentence; the letter may be cut off"]


def test_a_letter_cut_off_in_the_guidelines_warns_on_the_item(fixture_text: Read) -> None:
    text = fixture_text("synthetic_header_layout.txt")
    cut = text[: text.index("MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Physical")]
    item = parse_letter_text(cut).items[-1]
    assert item.decision == "overturned"
    assert item.reviewer_guideline is None
    assert item.warnings == [
        "no reviewer guideline was found",
        "no decision rationale was found; the letter may be cut off",
    ]


def test_a_letter_cut_off_before_its_decisions_is_an_error(fixture_text: Read) -> None:
    text = fixture_text("synthetic_header_layout.txt")
    with pytest.raises(LetterParseError) as caught:
        parse_letter_text(text[: text.index("IMR ISSUES, DECISIONS AND RATIONALES")], source="cut.txt")
    assert caught.value.message == (
        "no disputed items were found in this maximus_2014_header letter; it may be cut off before its decisions"
    )


def test_an_item_without_a_decision_word_is_kept_with_a_warning(fixture_text: Read) -> None:
    text = fixture_text("synthetic_header_layout.txt").replace(
        "Physical therapy, six additional visits for the lumbar spine :   Overturned",
        "Physical therapy, six additional visits for the lumbar spine:",
    )
    items = parse_letter_text(text).items
    assert [(item.title, item.decision) for item in items] == [
        ("LUMBAR EPIDURAL STEROID INJECTION AT LEFT L4-L5 UNDER FLUOROSCOPIC GUIDANCE", "upheld"),
        ("Physical therapy, six additional visits for the lumbar spine", None),
        ("Recliner chair for home use", "upheld"),
    ]
    assert items[1].warnings == ["no decision word (Upheld or Overturned) was found for this item"]
    assert items[0].rationale.endswith("Therefore, the request is not medically necessary.")
    assert items[1].treatment == "physical_therapy"


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("text", encoding="utf-8")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Patched rather than chmod-ed: file permissions do not stop root, who runs many CI jobs.
    monkeypatch.setattr(Path, "open", refuse)
    assert _error_for(path).message == "cannot be read: Permission denied"


def test_pdf_text_layer_is_read_through_pypdf(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for heading in ("HOW THE IMR FINAL DETERMINATION WAS MADE", "CLINICAL CASE SUMMARY"):
        pdf.cell(0, 5, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "short.pdf"))
    # Headings and nothing else: the PDF is read, and then found to hold no decisions.
    assert _error_for(tmp_path / "short.pdf").message == (
        "no disputed items were found in this maximus_2014 letter; it may be cut off before its decisions"
    )
