"""Narrative extractor: a letter's clinical summary and its disputed item titles → a Case.

Rules and patterns written for this text, with a small ConText-style assertion check
(`negation.py`). A clinical NLP library (medspaCy's ConText) was considered and not taken: it
brings spaCy and its models, which this project does not ship, and the summaries' phrasing is
narrow. Measured instead (tests/extract/test_letter_facts.py): every fact a careful reading takes
from the three shared letters and from held-out summaries written for this project, and every
fact the extractor produces that the reading does not state.

One module per concern: `sentences` (spans), `dates`, `negation` (negated / uncertain /
undocumented), `findings` (claimant, injury, diagnoses, work status, symptoms, red flags), `exam`,
`history` (studies, therapy courses, home exercise, TENS, failed conservative care),
`injections`, `medications` (with opioid monitoring), `drugs` (brand → generic, directions),
`surgery`, `function` (functional status) and `requests` (the item titles).

Only the summary and the titles are read — never the reviewer's rationale or decision. Every
fact keeps the sentence it came from.

    extraction = extract_case(summary, ["Norco 5/325mg 1 PO BID prn pain"])
    extraction.case            # engine.models.Case
    extraction.evidence        # FactEvidence(field, value, sentence, start, end), offsets into summary
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from engine.catalog import TreatmentCatalog, load_catalog
from engine.errors import ExtractionError, ImrcheckError, NoCatalogTitleError
from engine.extract import exam, findings, function, history, injections, medications, surgery, timeline
from engine.extract.evidence import Extraction, FactEvidence, Recorder
from engine.extract.requests import requests as read_requests
from engine.extract.sentences import Sentence, split_sentences
from engine.models import Case

__all__ = ["Extraction", "ExtractionError", "FactEvidence", "Sentence", "extract_case", "split_sentences"]

MAX_SUMMARY_CHARS = 200_000


def _check_text(summary: object, titles: object) -> tuple[str, list[str]]:
    if not isinstance(summary, str):
        raise ExtractionError(f"the clinical summary must be text, not {type(summary).__name__}")
    if "\x00" in summary:
        raise ExtractionError("the clinical summary contains NUL bytes; it is not text")
    if not summary.strip():
        raise ExtractionError("the clinical summary is empty")
    if len(summary) > MAX_SUMMARY_CHARS:
        raise ExtractionError(f"the clinical summary is {len(summary)} characters; more than {MAX_SUMMARY_CHARS}")
    if isinstance(titles, str) or not all(isinstance(t, str) for t in titles):  # type: ignore[attr-defined]
        raise ExtractionError("the item titles must be a sequence of strings")
    return summary, list(titles)  # type: ignore[call-overload]


def _part(values: dict[str, Any] | None) -> dict[str, Any] | None:
    return values or None


def extract_case(
    summary: str,
    titles: Sequence[str],
    *,
    case_id: str | None = None,
    catalog: TreatmentCatalog | None = None,
    certified: Sequence[str | None] | None = None,
) -> Extraction:
    """The case a clinical summary documents, with the requests named by the item titles.

    `certified`, beside the titles, is what utilization review certified of each item when it
    certified part of it (a letter's "Y was authorized by the Claims Administrator"), or None.

    Raises ExtractionError when the text cannot be read or no title names a known treatment.
    """
    summary, title_list = _check_text(summary, titles)
    catalog = catalog or load_catalog()
    rec = Recorder()
    screens: list[dict[str, Any]] = []  # urine drug screens, read with the opioid monitoring
    sentences = split_sentences(summary)
    try:
        diagnoses = findings.diagnoses(sentences, rec)
        regions = [d["region"] for d in diagnoses or [] if "region" in d]
        prior_injections = injections.injections(sentences, rec)
        history_part = {
            "injections": prior_injections,
            "therapy_courses": history.therapy_courses(sentences, rec),
            "home_exercise": history.home_exercise(sentences, rec),
            "medications": (taken := medications.medications(sentences, rec, catalog, screens)),
            "urine_drug_screens": screens or None,
            "first_line_medication_tried": medications.first_line_tried(taken),
            "conservative_care_failed": history.conservative_care_failed(sentences, rec),
            "surgeries": surgery.surgeries(sentences, rec),
            "tens_trial_done": history.tens(sentences, rec),
        }
        requests = read_requests(title_list, catalog, sentences, len(prior_injections or []), rec, certified=certified)
        if not requests:
            raise NoCatalogTitleError(
                "no item title names a treatment in the catalog"
                + (f": {', '.join(repr(t) for t in title_list)}" if title_list else " (no titles given)")
            )
        injury = findings.injury(sentences, rec, regions)
        symptoms = findings.symptoms(sentences, rec) or {}
        if "duration_months" not in symptoms:
            months = timeline.duration_since_injury(sentences, rec, (injury or {}).get("date"))
            if months is not None:
                symptoms["duration_months"] = months
        payload: dict[str, Any] = {
            "case_id": case_id,
            "claimant": findings.claimant(sentences, rec),
            "injury": injury,
            "diagnoses": diagnoses,
            "work_status": findings.work_status(sentences, rec),
            "symptoms": symptoms or None,
            "exam": exam.exam(sentences, rec),
            "studies": history.studies(sentences, rec),
            "red_flags": findings.red_flags(sentences, rec),
            "functional_status": function.functional_status(sentences, rec),
            "history": {k: v for k, v in history_part.items() if v is not None} or None,
            "requests": requests,
        }
        case = Case.model_validate({k: v for k, v in payload.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        raise ExtractionError(f"the extracted facts do not form a valid case: {problems}") from None
    except ImrcheckError as exc:
        if isinstance(exc, ExtractionError):
            raise
        raise ExtractionError(exc.message) from None
    return Extraction(case=case, evidence=tuple(rec.items), notes=tuple(rec.notes))
