"""Evidence: each extracted fact with the summary sentence it came from."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_serializer

from engine.extract.sentences import Sentence
from engine.models import Case


class FactEvidence(BaseModel):
    """One fact: its case path (`history.injections[0].relief_pct`), value and source sentence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    value: Any
    sentence: str
    start: int
    end: int

    @field_serializer("value")
    def _plain(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    def quote(self) -> str:
        return "from the clinical summary: '" + re.sub(r"\s+", " ", self.sentence) + "'"


class Extraction(BaseModel):
    """What `extract_case` returns: the case, the evidence for each fact, and notes on what was left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: Case
    evidence: tuple[FactEvidence, ...]
    notes: tuple[str, ...] = ()

    def for_field(self, field: str) -> list[FactEvidence]:
        return [e for e in self.evidence if e.field == field]


class Recorder:
    """Collects evidence while the rules run; `extract_case` freezes it into an Extraction."""

    def __init__(self) -> None:
        self.items: list[FactEvidence] = []
        self.notes: list[str] = []

    def add(self, field: str, value: Any, sentence: Sentence) -> None:
        if isinstance(value, tuple):
            value = list(value)
        self.items.append(
            FactEvidence(field=field, value=value, sentence=sentence.text, start=sentence.start, end=sentence.end)
        )

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)
