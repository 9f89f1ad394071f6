"""Item titles to catalog treatments: the one place the letter parser touches the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from engine.catalog import load_catalog


@dataclass(frozen=True)
class TreatmentRef:
    treatment: str
    category: str


def map_title(title: str) -> TreatmentRef | None:
    """The catalog treatment named in an item title, or None when the catalog knows none."""
    found = load_catalog().match_title(title)
    if found is None:
        return None
    return TreatmentRef(found.treatment_id, found.category)
