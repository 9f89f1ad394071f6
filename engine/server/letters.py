"""An uploaded letter → its parsed items, the case its summary documents and the prediction per item.

The upload is held in memory only (never written to disk) and read the way `imrcheck parse` reads
a file: a PDF by its magic bytes, anything else as text. The parse contract is
`engine.letters.to_contract`'s, with the extraction and the prediction added beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.backtest.predict import letter_date
from engine.errors import ImrcheckError
from engine.evaluate import Evaluator
from engine.extract import extract_case
from engine.letters import parse_letter_text, to_contract
from engine.letters.files import letter_text
from engine.results import to_contract as result_contract

_ACTUAL = {"upheld": "uphold", "overturned": "overturn"}


def analyse_letter(evaluator: Evaluator, data: bytes, filename: str) -> dict[str, Any]:
    """The letter contract plus `extraction` (the case, notes or the reason none could be built),
    `check` (the prediction contract) and, per item, its request id, actual and predicted outcome.

    The guidelines are read as of the same date `imrcheck evaluate` judges the letter by, so the page
    and a back-test agree on it. Raises LetterParseError when the upload is not a letter; a letter
    whose summary yields no case is still returned, with `extraction.error` saying why."""
    letter = parse_letter_text(letter_text(data, Path(filename)), source=filename)
    payload = to_contract(letter)
    titles = [item.title for item in letter.items]
    predicted: dict[str, dict[str, Any]] = {}
    extraction: dict[str, Any] = {"case": None, "notes": [], "error": None}
    payload["check"] = None
    try:
        extracted = extract_case(letter.clinical_summary or "", titles, case_id=letter.header.case_number,
                                 catalog=evaluator.catalog)
        extraction["case"] = extracted.case.model_dump(mode="json", exclude_none=True)
        extraction["notes"] = list(extracted.notes)
        result = evaluator.evaluate(extracted.case, as_of=letter_date(letter), source=filename)
        payload["check"] = result_contract(result)
        predicted = {request["id"]: request for request in payload["check"]["requests"]}
    except ImrcheckError as exc:
        extraction["error"] = exc.message
    payload["extraction"] = extraction
    for number, item in enumerate(payload["items"], start=1):
        request = predicted.get(f"r{number}")  # the extractor names each item's request r<position>
        actual = _ACTUAL.get(item["decision"] or "")
        item["request_id"] = request["id"] if request else None
        item["actual"] = actual
        item["predicted"] = request["prediction"] if request else None
        item["agrees"] = (request["prediction"] == actual) if request and actual else None
    return payload
