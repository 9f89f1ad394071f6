"""Criteria sets: the guidelines' requirements as data (schema, loader, pack)."""
