"""The stable JSON contract of a parsed letter (what `imrcheck parse --format json` prints).

Keys are listed by hand rather than dumped from the models, so that a new model field never
changes the contract by accident.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.letters.models import Citation, Letter, LetterItem


def _citation(citation: Citation) -> dict[str, Any]:
    return {
        "source": citation.source,
        "document": citation.document,
        "chapter": citation.chapter,
        "section": citation.section,
        "pages": list(citation.pages),
    }


def _item(item: LetterItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "decision": item.decision,
        "original_request": item.original_request,
        "ur_certified": item.ur_certified,
        "treatment": item.treatment,
        "category": item.category,
        "mapped": item.mapped,
        "claims_administrator_guideline": item.claims_administrator_guideline,
        "reviewer_guideline": item.reviewer_guideline,
        "reviewer_based_on_mtus": item.reviewer_based_on_mtus,
        "citations": [_citation(citation) for citation in item.citations],
        "rationale": item.rationale,
        "warnings": list(item.warnings),
    }


def _when(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def to_contract(letter: Letter) -> dict[str, Any]:
    """The letter as plain JSON-ready data, in the documented shape."""
    header = letter.header
    return {
        "source": letter.source,
        "layout": letter.layout.value,
        "header": {
            "case_number": header.case_number,
            "date_assigned": _when(header.date_assigned),
            "date_of_injury": _when(header.date_of_injury),
            "decision_date": _when(header.decision_date),
            "ur_denial_date": _when(header.ur_denial_date),
            "application_received": _when(header.application_received),
        },
        "reviewer": {
            "specialty": letter.reviewer.specialty,
            "subspecialty": letter.reviewer.subspecialty,
            "licensure": list(letter.reviewer.licensure),
        },
        "clinical_summary": letter.clinical_summary,
        "items": [_item(item) for item in letter.items],
        "truncated": letter.truncated,
        "warnings": list(letter.warnings),
    }
