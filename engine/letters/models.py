"""The validated result of reading an IMR Final Determination Letter.

Every model is frozen and closed (`extra="forbid"`): a parsed letter is a finished value, built in
one go, never filled in field by field.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Decision = Literal["upheld", "overturned"]
CitationSource = Literal["MTUS", "ACOEM", "ODG", "DHCS", "other"]


class Layout(StrEnum):
    """The letter layouts Maximus has used over the years (guideline_facts.md §9.8)."""

    MAXIMUS_2014 = "maximus_2014"
    MAXIMUS_2014_HEADER = "maximus_2014_header"
    MAXIMUS_DOCUMENTS_REVIEWED = "maximus_documents_reviewed"
    MEDICAL_PROFESSIONAL_REVIEW = "medical_professional_review"
    NOTICE_2013 = "notice_2013"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Frozen):
    """One guideline reference, as structured as the letter's wording allows."""

    source: CitationSource
    document: str | None = None
    chapter: str | None = None
    section: str | None = None
    pages: list[int] = Field(default_factory=list)


class Reviewer(_Frozen):
    """The expert reviewer's qualifications; never a name."""

    specialty: str | None = None
    subspecialty: str | None = None
    licensure: list[str] = Field(default_factory=list)


class LetterHeader(_Frozen):
    """The case-level fields a letter may carry that identify no person.

    Names, addresses, claim numbers and dates of birth are never stored. The IMR case number is
    kept (only in its `CMyy-nnnnnnn` shape): it is the reviewing organisation's own reference,
    published by the DWC beside each redacted letter, and it is what joins a parsed letter to the
    published outcome data.
    """

    case_number: str | None = None
    date_assigned: date | str | None = None
    date_of_injury: date | str | None = None
    decision_date: date | str | None = None
    ur_denial_date: date | str | None = None
    application_received: date | str | None = None


class LetterItem(_Frozen):
    """One disputed item/service and the reviewer's decision on it."""

    title: str
    decision: Decision | None
    # Where UR certified part of the request, `title` is the IMR-eligible rest; these keep the whole.
    original_request: str | None = None
    ur_certified: str | None = None
    treatment: str | None = None
    category: str | None = None
    mapped: bool = False
    claims_administrator_guideline: str | None = None
    claims_administrator_citations: list[Citation] = Field(default_factory=list)
    reviewer_guideline: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    reviewer_based_on_mtus: bool | None = None
    rationale: str = ""
    warnings: list[str] = Field(default_factory=list)


class Letter(_Frozen):
    """An IMR Final Determination Letter, read."""

    source: str
    layout: Layout
    header: LetterHeader = Field(default_factory=LetterHeader)
    reviewer: Reviewer = Field(default_factory=Reviewer)
    clinical_summary: str = ""
    items: list[LetterItem]
    # The text stops inside its decisions (the last item has no rationale, or it breaks off mid-sentence):
    # items after the last one read, if there were any, are not in `items`.
    truncated: bool = False
    warnings: list[str] = Field(default_factory=list)
