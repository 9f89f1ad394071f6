"""Reading IMR Final Determination Letters (text or PDF) into validated `Letter` models.

    parse_letter_text(text, source=...) -> Letter
    parse_letter_file(path) -> Letter
    to_contract(letter) -> dict   # the stable JSON shape

Both parse functions raise only `LetterParseError`; the parser never logs letter text.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import LetterParseError
from engine.letters.contract import to_contract
from engine.letters.files import MAX_LETTER_BYTES, read_letter_text
from engine.letters.models import Citation, Layout, Letter, LetterHeader, LetterItem, Reviewer
from engine.letters.parser import build_letter

__all__ = [
    "MAX_LETTER_BYTES",
    "Citation",
    "Layout",
    "Letter",
    "LetterHeader",
    "LetterItem",
    "LetterParseError",
    "Reviewer",
    "parse_letter_file",
    "parse_letter_text",
    "to_contract",
]


def _unexpected(error: Exception, source: str) -> LetterParseError:
    # Only the exception type is reported: its message could quote the letter.
    return LetterParseError(f"the letter could not be parsed (internal error {type(error).__name__}; please report it)", source=source)


def parse_letter_text(text: str, *, source: str = "<text>") -> Letter:
    """Parse a letter's text as a PDF-to-text tool gives it."""
    try:
        return build_letter(text, source)
    except LetterParseError:
        raise
    except Exception as error:
        raise _unexpected(error, source) from error


def parse_letter_file(path: Path | str) -> Letter:
    """Parse a .txt or .pdf letter file."""
    source = str(path)
    try:
        return build_letter(read_letter_text(Path(path)), source)
    except LetterParseError:
        raise
    except Exception as error:
        raise _unexpected(error, source) from error
