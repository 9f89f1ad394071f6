"""Structured citations from a guideline statement such as
"Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections Page(s): 46."
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from engine.alternation import Gated, gated
from engine.letters.models import Citation, CitationSource

_NOT_BASED_ON_MTUS = gated(
    r"the\s+(?:claims\s+administrator|expert\s+reviewer|physician\s+reviewer|professional\s+reviewer|reviewer)"
    r"\s+did\s+not\s+base\s+(?:their|its|his/her|his|her)\s+decision\s+on\s+the\s+MTUS\s*\.?",
    re.IGNORECASE,
)
_DECISION_BASED_ON = re.compile(r"decision\s+based\s+on\b\s*", re.IGNORECASE)
_NON_MTUS = re.compile(r"\s*non-?\s?MTUS\s+citation\s*:?\s*", re.IGNORECASE)
_MTUS_LEAD = re.compile(r"\s*(?:the\s+)?MTUS\b\s*:?\s*", re.IGNORECASE)
_PART_OF = gated(
    r",?\s*which\s+(?:is|are)\s+(?P<not>not\s+)?(?:a\s+)?part\s+of\s+the\s+"
    r"(?:California\s+)?(?:MTUS|Medical\s+Treatment\s+Utilization\s+Schedule(?:\s+\(MTUS\))?)\s*\.?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Name:
    """How one guideline document is named in letters, and how a citation of it is filed."""

    pattern: str
    source: CitationSource
    document: str | None
    mtus_document: bool = False


_URL = r"(?:h?ttps?://|www\.)[^\s;,]+"
_NAMES = (
    _Name(_URL, "other", None),
    _Name(r"Official\s+Disability\s+Guidelines|\bODG\b", "ODG", "Official Disability Guidelines"),
    _Name(r"American\s+College\s+of\s+Occupational\s+and\s+Environmental\s+Medicine|\bACOEM\b", "ACOEM", None),
    _Name(
        r"Chronic\s+Pain\s+(?:Medical\s+)?Treatment\s+Guidelines|Chronic\s+Pain\s+Guidelines",
        "MTUS",
        "Chronic Pain Medical Treatment Guidelines",
        mtus_document=True,
    ),
    _Name(r"Post-?\s?surgical\s+(?:Treatment\s+)?Guidelines", "MTUS", "Postsurgical Treatment Guidelines", True),
    _Name(
        r"Acupuncture\s+Medical\s+Treatment\s+Guidelines",
        "MTUS",
        "Acupuncture Medical Treatment Guidelines",
        mtus_document=True,
    ),
    _Name(
        r"(?:California\s+)?Department\s+of\s+Health\s+Care\s+Services|\bDHCS\b",
        "DHCS",
        "California Department of Health Care Services",
    ),
)
_ANY_NAME = re.compile("|".join(f"(?P<n{index}>{name.pattern})" for index, name in enumerate(_NAMES)), re.IGNORECASE)

_PAGE_NUMBER = r"\d{1,4}(?!\d|\.\d)"
_PAGES = gated(
    r"\b(?:page\s*\(\s*s\s*\)|pages?|pp?\.)\s*:?\s*(?P<list>" + _PAGE_NUMBER + r"(?:\s*(?:,|&|-|–|and|to)\s*" + _PAGE_NUMBER + r")*)",
    re.IGNORECASE,
)
_PAGE_RANGE = re.compile(r"(\d{1,4})\s*(?:-|–|to)\s*(\d{1,4})|(\d{1,4})")
_MAX_RANGE = 40
_CHAPTER = gated(r"\bchapter\s+(\d{1,2})\b\s*,?", re.IGNORECASE)
_EDITION = gated(r"\b(\d)(?:st|nd|rd|th)\s+edition\s*,?\s*\(?\s*((?:19|20)\d\d)?\s*\)?", re.IGNORECASE)
_REGULATION = gated(r"\b(?:8\s+CCR\s+)?(9792\.\d{1,3}(?:\.\d{1,3})?(?:\([a-z0-9]{1,3}\))*)", re.IGNORECASE)
# An abbreviation in brackets after a name ("(ESIs)", "(ODG)", the mistyped "()DG)").
_ABBREVIATION = gated(r"\s*\(\)?[A-Za-z.]{0,8}\)")
_FILLER = gated(r"^(?:practice\s+guidelines?|guidelines?|topic|section\s+on|section|the)\b\s*|\s*\b(?:topic)\s*$", re.IGNORECASE)
# Where a citation ends and prose explaining it begins ("…, NSAIDs. The guideline addresses…").
_SENTENCE_AFTER = gated(r"\.\s+[A-Z][a-z]+(?:\s+[a-z][a-z'/-]*){2}")
_EDGE_PUNCTUATION = " ,.;:-–"


def based_on_mtus(text: str | None, citations: list[Citation]) -> bool | None:
    """Whether the guideline statement rests on the MTUS (None when it does not say)."""
    if text is None:
        return None
    if any(citation.source == "MTUS" for citation in citations):
        return True
    if _NOT_BASED_ON_MTUS.search(text) or citations:
        return False
    return None


def _pages(text: str) -> list[int]:
    pages: list[int] = []
    for found in _PAGE_RANGE.finditer(text):
        if found.group(3):
            pages.append(int(found.group(3)))
            continue
        first, last = int(found.group(1)), int(found.group(2))
        span = range(first, last + 1) if 0 <= last - first <= _MAX_RANGE else (first, last)
        pages.extend(span)
    return list(dict.fromkeys(pages))


def _tidy(text: str) -> str | None:
    prose = _SENTENCE_AFTER.search(text)
    if prose is not None:
        text = text[: prose.start()]
    text = _ABBREVIATION.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _FILLER.sub("", text.strip(_EDGE_PUNCTUATION)).strip(_EDGE_PUNCTUATION)
    text = " ".join(text.split())
    return text or None


def _remove(pattern: Gated, text: str) -> tuple[list[re.Match[str]], str]:
    matches = list(pattern.finditer(text))
    return matches, pattern.sub(" ", text)


def _one_citation(name: _Name, name_text: str, rest: str, mtus: bool) -> list[Citation]:
    page_matches, rest = _remove(_PAGES, rest)
    pages = [page for found in page_matches for page in _pages(found.group("list"))]
    chapter_matches, rest = _remove(_CHAPTER, rest)
    chapter = chapter_matches[0].group(1) if chapter_matches else None
    edition_matches, rest = _remove(_EDITION, rest)
    regulation_matches, rest = _remove(_REGULATION, rest)
    source: CitationSource = name.source
    document = name.document
    section = _tidy(rest)
    if name.source == "ACOEM":
        source = "MTUS" if mtus else "ACOEM"
        edition = edition_matches[0] if edition_matches else None
        document = "ACOEM Practice Guidelines"
        if edition is not None:
            year = f" ({edition.group(2)})" if edition.group(2) else ""
            document = f"ACOEM {_ordinal(edition.group(1))} Edition{year}"
    elif name.document is None:
        # A bare web address: say whose site it is when we know, and keep the address as written.
        source = "DHCS" if "dhcs" in name_text.lower() else "other"
        document = "California Department of Health Care Services" if source == "DHCS" else None
        section = name_text
    citations = [Citation(source=source, document=document, chapter=chapter, section=section, pages=pages)]
    for found in regulation_matches:
        citations.append(Citation(source="MTUS", document="California Code of Regulations, Title 8", section=found.group(1)))
    return citations


def _ordinal(digit: str) -> str:
    suffix = {"1": "st", "2": "nd", "3": "rd"}.get(digit, "th")
    return f"{digit}{suffix}"


def _segment_citations(segment: str) -> list[Citation]:
    """Citations in one "Decision based on …" statement, one per guideline named in it."""
    non_mtus = _NON_MTUS.match(segment)
    mtus_lead = None if non_mtus else _MTUS_LEAD.match(segment)
    part_of = _PART_OF.search(segment)
    mtus = bool(mtus_lead) or bool(part_of and not part_of.group("not"))
    body = segment[non_mtus.end() :] if non_mtus else segment[mtus_lead.end() :] if mtus_lead else segment
    body = _PART_OF.sub(" ", body)
    names: list[tuple[_Name, re.Match[str]]] = []
    for found in _ANY_NAME.finditer(body):
        name = _NAMES[int((found.lastgroup or "n0")[1:])]
        gap = body[names[-1][1].end() : found.start()] if names else ""
        # "Official Disability Guidelines (ODG)": the abbreviation repeats the name just given.
        if names and names[-1][0] is name and gap.strip(" (,") == "":
            continue
        names.append((name, found))
    if not names:
        text = _tidy(body)
        if text is None:
            return []
        if mtus:
            return [Citation(source="MTUS", section=text)]
        return [Citation(source="other", section=text)]
    citations: list[Citation] = []
    for position, (name, found) in enumerate(names):
        end = names[position + 1][1].start() if position + 1 < len(names) else len(body)
        citations.extend(_one_citation(name, found.group(), body[found.end() : end], mtus or name.mtus_document))
    return citations


def parse_citations(text: str | None) -> list[Citation]:
    """Every guideline cited in a claims administrator's or reviewer's guideline statement."""
    if not text:
        return []
    return list(_citations(text))


# Reviewers state their guidelines in set phrases ("Decision based on MTUS Chronic Pain Medical Treatment
# Guidelines, Opioids, pages 74-96"): half the statements of the archive's letters repeat one read
# before. Citations are frozen, so the ones read once are handed out again.
@functools.lru_cache(maxsize=4096)
def _citations(text: str) -> tuple[Citation, ...]:
    text = _NOT_BASED_ON_MTUS.sub(" ", text)
    segments = [segment for segment in _DECISION_BASED_ON.split(text) if segment.strip(_EDGE_PUNCTUATION)]
    citations: list[Citation] = []
    for segment in segments:
        citations.extend(_segment_citations(segment))
    seen: set[str] = set()
    unique: list[Citation] = []
    for citation in citations:
        key = citation.model_dump_json()
        if key not in seen:
            seen.add(key)
            unique.append(citation)
    return tuple(unique)
