"""Prescription directions for the extractor's readers: the readers themselves live in
`engine/prescription_text.py`, outside this package, so that `check` can read a case file's drug
request without importing every letter pattern."""

from __future__ import annotations

from engine.prescription_text import dose_mg, doses_per_day, drug_fields, generic_of, quantity, supply_weeks

__all__ = ["dose_mg", "doses_per_day", "drug_fields", "generic_of", "quantity", "supply_weeks"]
