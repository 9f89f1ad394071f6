"""Reading a letter file: refusing what cannot be a letter before any parsing starts."""

from __future__ import annotations

import codecs
from pathlib import Path

from engine.errors import LetterParseError
from engine.letters.pdf import PDF_MAGIC, extract_pdf_text

# Letters are a few hundred kilobytes; a file far larger is not one, and reading it whole would
# only cost memory.
MAX_LETTER_BYTES = 50 * 1024 * 1024
_SNIFF_BYTES = 8192
# Share of control characters above which a text is taken for binary data.
_MAX_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = frozenset("\n\r\t\f")


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def read_letter_bytes(path: Path) -> bytes:
    """The file's bytes, after checking it is a regular, non-empty file under the size cap."""
    try:
        if path.is_dir():
            raise LetterParseError("is a directory, not a letter file", source=path)
        if not path.exists():
            raise LetterParseError("no such file", source=path)
        if not path.is_file():
            raise LetterParseError("not a regular file", source=path)
        size = path.stat().st_size
        if size > MAX_LETTER_BYTES:
            raise LetterParseError(
                f"the file is {_size_text(size)}; letters larger than {_size_text(MAX_LETTER_BYTES)} are refused",
                source=path,
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_LETTER_BYTES + 1)
    except OSError as error:
        raise LetterParseError(f"cannot be read: {error.strerror or type(error).__name__}", source=path) from None
    if len(data) > MAX_LETTER_BYTES:
        raise LetterParseError(f"the file is larger than {_size_text(MAX_LETTER_BYTES)}; refused", source=path)
    if not data.strip():
        raise LetterParseError("the file is empty", source=path)
    return data


def _looks_binary(text: str) -> bool:
    sample = text[:_SNIFF_BYTES]
    controls = sum(1 for character in sample if ord(character) < 32 and character not in _TEXT_CONTROLS)
    return controls > len(sample) * _MAX_CONTROL_SHARE


def decode_text(data: bytes, source: Path) -> str:
    """Text from UTF-8, UTF-16 with a byte-order mark, or else Windows-1252; binary data is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise LetterParseError("starts like UTF-16 text but does not decode as it", source=source) from None
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise LetterParseError("a binary file, not a text or PDF letter", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if _looks_binary(text):
        raise LetterParseError("a binary file, not a text or PDF letter", source=source)
    return text


def letter_text(data: bytes, source: Path) -> str:
    """The text of a .txt or .pdf letter's bytes (recognised by content, checked against the name)."""
    if data.startswith(PDF_MAGIC):
        return extract_pdf_text(data, str(source))
    if source.suffix.lower() == ".pdf":
        raise LetterParseError("has a .pdf name but is not a PDF file", source=source)
    return decode_text(data, source)


def read_letter_text(path: Path) -> str:
    """The text of a .txt or .pdf letter file."""
    return letter_text(read_letter_bytes(path), path)
