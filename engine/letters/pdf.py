"""Text from a letter PDF, through pypdf (pure Python, maintained, no system libraries to install).

Pages are joined with form feeds, as PDF-to-text tools do, so that page furniture can be found
page by page.
"""

from __future__ import annotations

import io

from pypdf import PdfReader

from engine.errors import LetterParseError

PDF_MAGIC = b"%PDF-"
# A determination letter runs to a few pages; thousands of pages mean a bundle or a broken file.
MAX_PDF_PAGES = 500


def _reader(data: bytes, source: str) -> PdfReader:
    # pypdf raises many exception types for malformed files (its own, ValueError, KeyError…); to a
    # user they all mean the same thing.
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LetterParseError("the PDF is password-protected; remove the password first", source=source)
        return reader
    except LetterParseError:
        raise
    except Exception:
        raise LetterParseError("not a readable PDF: the file is damaged or cut short", source=source) from None


def extract_pdf_text(data: bytes, source: str) -> str:
    """The text layer of every page, pages separated by form feeds."""
    reader = _reader(data, source)
    try:
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise LetterParseError(
                f"the PDF has {count} pages; a letter has far fewer (at most {MAX_PDF_PAGES} are read)",
                source=source,
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except LetterParseError:
        raise
    except Exception:
        raise LetterParseError("the PDF's text could not be read: the file is damaged or cut short", source=source) from None
    if not any(page.strip() for page in pages):
        raise LetterParseError("the PDF has no text layer (probably a scanned image); run it through OCR first", source=source)
    return "\f".join(pages)
