"""Fixtures for the letter parser tests: where the letters are, and PDFs made from them."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image

LETTER_TESTS = Path(__file__).resolve().parent
FIXTURES = LETTER_TESTS / "fixtures"
# The real letters live in the `shared` folder beside the repository root, never inside it.
REPO_ROOT = LETTER_TESTS.parents[1]
REAL_LETTERS = REPO_ROOT.parent / "shared" / "letters"
ARCHIVE = REPO_ROOT.parent / "shared" / "imr_archive"

# A fixture line such as "Page 2 of 3" closes a page; the PDF puts it at the foot of that page.
_PAGE_FOOTER = re.compile(r"Page \d+ of \d+")

PdfMaker = Callable[[str, Path], Path]


@pytest.fixture(scope="session")
def real_letters() -> Path:
    if not REAL_LETTERS.is_dir():
        pytest.skip(f"the real IMR letters are absent: {REAL_LETTERS} does not exist beside the repository")
    return REAL_LETTERS


@pytest.fixture(scope="session")
def archive() -> Path:
    """The public archive sample (97 PDF letters and outcomes.csv), beside the repository."""
    if not (ARCHIVE / "outcomes.csv").is_file():
        pytest.skip(f"the public IMR archive sample is absent: {ARCHIVE / 'outcomes.csv'} does not exist beside the repository")
    return ARCHIVE


@pytest.fixture(scope="session")
def fixture_text() -> Callable[[str], str]:
    def read(name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    return read


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=10)
    pdf.set_font("Helvetica", size=8)
    return pdf


def write_text_pdf(text: str, target: Path) -> Path:
    """A text PDF with one PDF line per non-blank text line, paged where the text says so."""
    pdf = _new_pdf()
    pdf.add_page()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for position, line in enumerate(lines):
        pdf.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
        if _PAGE_FOOTER.fullmatch(line) and position + 1 < len(lines):
            pdf.add_page()
    pdf.output(str(target))
    return target


@pytest.fixture
def text_pdf() -> PdfMaker:
    return write_text_pdf


def write_image_pdf(target: Path) -> Path:
    """A PDF whose only page is a picture, as a scanner makes it: no text layer at all."""
    picture = Image.new("RGB", (200, 100), color=(250, 250, 250))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    pdf = _new_pdf()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=150)
    pdf.output(str(target))
    return target


@pytest.fixture
def image_pdf(tmp_path: Path) -> Path:
    return write_image_pdf(tmp_path / "scanned.pdf")
