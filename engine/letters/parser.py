"""From a letter's text to a validated Letter: the steps in order, each owned by its own module."""

from __future__ import annotations

import re
from collections.abc import Sequence

from engine.errors import ImrcheckError, LetterParseError
from engine.letters.citations import based_on_mtus, parse_citations
from engine.letters.header import parse_header
from engine.letters.items import RawItem, looks_cut_off, parse_items
from engine.letters.layout_items import notice_items, professional_review_items
from engine.letters.layouts import HEADINGS, HeadingIndex, Sections, layout_of
from engine.letters.mapping import map_title
from engine.letters.models import Layout, Letter, LetterItem, Reviewer
from engine.letters.privacy import Identifiers, collect_identifiers, labelled_fields
from engine.letters.reviewer import parse_reviewer
from engine.letters.text import Vocabulary, join_lines, remove_page_furniture

# The sentence every 2014 summary opens with says nothing about the case.
_SUMMARY_BOILERPLATE = re.compile(
    r"the\s+expert\s+reviewer\s+developed\s+the\s+following\s+clinical\s+case\s+summary\b[^:]{0,200}[:.]\s*",
    re.IGNORECASE,
)


def _clinical_summary(lines: Sequence[str], vocabulary: Vocabulary) -> str:
    text = join_lines(lines, vocabulary)
    boilerplate = _SUMMARY_BOILERPLATE.match(text)
    return text[boilerplate.end() :] if boilerplate else text


def _raw_items(layout: Layout, sections: Sections, vocabulary: Vocabulary) -> list[RawItem]:
    if layout is Layout.NOTICE_2013:
        return notice_items(sections, vocabulary)
    if layout is Layout.MEDICAL_PROFESSIONAL_REVIEW:
        return professional_review_items(sections, vocabulary)
    return parse_items(sections.get("issues"), vocabulary)


def _item(raw: RawItem, identifiers: Identifiers, source: str) -> LetterItem:
    title = identifiers.scrub(raw.title)
    claims_administrator = identifiers.scrub_optional(raw.claims_administrator_guideline)
    reviewer = identifiers.scrub_optional(raw.reviewer_guideline)
    citations = parse_citations(reviewer)
    warnings = list(raw.warnings)
    try:
        treatment = map_title(title)
    except ImrcheckError as error:
        raise LetterParseError(f"the treatment catalog could not be used: {error}", source=source) from None
    if treatment is None:
        warnings.append("the title names no treatment in the catalog; the item is kept unmapped")
    return LetterItem(
        title=title,
        decision=raw.decision,
        original_request=identifiers.scrub_optional(raw.original_request),
        ur_certified=identifiers.scrub_optional(raw.ur_certified),
        treatment=treatment.treatment if treatment else None,
        category=treatment.category if treatment else None,
        mapped=treatment is not None,
        claims_administrator_guideline=claims_administrator,
        claims_administrator_citations=parse_citations(claims_administrator),
        reviewer_guideline=reviewer,
        citations=citations,
        reviewer_based_on_mtus=based_on_mtus(reviewer, citations),
        rationale=identifiers.scrub(raw.rationale),
        warnings=warnings,
    )


def _reviewer_lines(sections: Sections) -> Sequence[str]:
    return sections.get("qualifications") or sections.get("how")


def build_letter(text: str, source: str) -> Letter:
    """Parse one letter's text; raises LetterParseError for a text that is not a letter."""
    if not text.strip():
        raise LetterParseError("the letter is empty", source=source)
    clean = remove_page_furniture(text)
    headings = HeadingIndex(clean.lines)  # found once, for detection and for splitting
    layout = layout_of(headings)
    if layout is None:
        raise LetterParseError(
            "not an IMR Final Determination Letter: none of the section headings of a known layout was found",
            source=source,
        )
    vocabulary = clean.vocabulary
    sections = headings.split(HEADINGS[layout])
    header_lines = [*sections.preamble, *sections.get("title"), *sections.get("notice"), *clean.furniture]
    header_fields = [labelled_fields(line) for line in header_lines]  # read once, for privacy and the header
    identifiers = collect_identifiers(header_lines, header_fields)
    raw_items = _raw_items(layout, sections, vocabulary)
    if not raw_items:
        raise LetterParseError(
            f"no disputed items were found in this {layout.value} letter; it may be cut off before its decisions",
            source=source,
        )
    warnings: list[str] = []
    summary = identifiers.scrub(_clinical_summary(sections.get("summary"), vocabulary))
    if not summary:
        warnings.append("no clinical case summary was found")
    truncated = looks_cut_off(raw_items)
    if truncated:
        warnings.append(
            f"the letter appears cut off part-way through its decisions: {len(raw_items)} item(s) read, the last without a "
            "whole rationale; any items after it are missing"
        )
    reviewer = parse_reviewer(_reviewer_lines(sections), vocabulary)
    if reviewer == Reviewer():
        warnings.append("the reviewer's qualifications were not found")
    return Letter(
        source=source,
        layout=layout,
        header=parse_header(header_lines, header_fields),
        reviewer=reviewer,
        clinical_summary=summary,
        items=[_item(raw, identifiers, source) for raw in raw_items],
        truncated=truncated,
        warnings=warnings,
    )
