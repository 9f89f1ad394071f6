"""Text from a letter PDF, through pypdfium2 (PDFium's bindings: a wheel with the library inside).

PDFium opens the state's AES-encrypted letters (an owner password and an empty user password) by
itself, and reads their text about ten times faster than the pure-Python reader it replaced
(`benchmarks/pdf_benchmark.py`). Pages are joined with form feeds, as PDF-to-text tools do, so that
page furniture can be found page by page.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from engine.errors import LetterParseError

PDF_MAGIC = b"%PDF-"
# A determination letter runs to a few pages; thousands of pages mean a bundle or a broken file.
MAX_PDF_PAGES = 500


def _open(data: bytes, source: str) -> pdfium.PdfDocument:
    try:
        # The empty password opens letters encrypted with only an owner password, as the state's are.
        return pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_raw.FPDF_ERR_PASSWORD:
            raise LetterParseError("the PDF is password-protected; remove the password first", source=source) from None
        if error.err_code == pdfium_raw.FPDF_ERR_SECURITY:
            raise LetterParseError("the PDF uses an encryption this reader does not support", source=source) from None
        raise LetterParseError("not a readable PDF: the file is damaged or cut short", source=source) from None


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text: str = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    # PDFium ends lines with CR LF, and writes a hyphen that ends a line as U+FFFE with the line break
    # taken out; the letter parser reads lines split on LF and joins hyphenated breaks itself.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-\n")


def extract_pdf_text(data: bytes, source: str) -> str:
    """The text layer of every page, pages separated by form feeds."""
    document = _open(data, source)
    try:
        count = len(document)
        if count > MAX_PDF_PAGES:
            raise LetterParseError(
                f"the PDF has {count} pages; a letter has far fewer (at most {MAX_PDF_PAGES} are read)",
                source=source,
            )
        try:
            pages = [_page_text(document, index) for index in range(count)]
        except pdfium.PdfiumError:
            raise LetterParseError("the PDF's text could not be read: the file is damaged or cut short", source=source) from None
    finally:
        document.close()
    if not any(page.strip() for page in pages):
        raise LetterParseError("the PDF has no text layer (probably a scanned image); run it through OCR first", source=source)
    return "\f".join(pages)
