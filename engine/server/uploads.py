"""Reading one letter from a multipart upload, in memory.

Starlette spools an uploaded file over 1 MB to a temporary file on disk; a letter is health
information, so the parser here keeps the whole upload in memory (the body is already capped by
`BodyLimit`, so memory is bounded by the upload limit).
"""

from __future__ import annotations

from pathlib import PurePath

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from engine.server.problems import ApiError

FIELD = "letter"


async def read_letter_upload(request: Request, limit: int) -> tuple[str, bytes]:
    """The uploaded file's base name and bytes; ApiError (4xx) for anything but one file in `letter`."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ApiError.one(415, ("body",), f"send the letter as multipart/form-data, in a file field named {FIELD!r}")
    parser = MultiPartParser(request.headers, request.stream(), max_files=1, max_fields=8)
    parser.spool_max_size = limit
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise ApiError.one(400, ("body",), f"the upload cannot be read: {exc.message}") from None
    try:
        upload = form.get(FIELD)
        if not isinstance(upload, UploadFile):
            raise ApiError.one(422, ("body", FIELD), f"no file in the field {FIELD!r}; upload one .txt or .pdf letter there")
        data = await upload.read()
        name = PurePath((upload.filename or "").replace("\\", "/")).name or "letter"
    finally:
        await form.close()
    if not data.strip():
        raise ApiError.one(422, ("body", FIELD), f"{name}: the file is empty")
    return name, data
