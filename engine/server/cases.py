"""Checks on a request that its model cannot make alone: every treatment named is known, the edition exists."""

from __future__ import annotations

from engine.catalog import TreatmentCatalog
from engine.errors import UnknownTreatmentError
from engine.models import Case
from engine.server.problems import ApiError, Loc, Problem


def _named_treatments(case: Case) -> list[tuple[Loc, str]]:
    """Every place a case names a treatment through the catalog, with its path in the body."""
    places: list[tuple[Loc, str]] = [(("body", "requests", i, "treatment"), r.treatment) for i, r in enumerate(case.requests)]
    history = case.history
    if history is not None:
        places += [(("body", "history", "injections", i, "treatment"), r.treatment)
                   for i, r in enumerate(history.injections or ())]
        places += [(("body", "history", "therapy_courses", i, "treatment"), r.treatment)
                   for i, r in enumerate(history.therapy_courses or ())]
    return places


def unknown_treatments(case: Case, catalog: TreatmentCatalog) -> list[Problem]:
    """One problem per treatment the catalog does not know, at its field path, with suggestions."""
    problems = []
    for loc, name in _named_treatments(case):
        try:
            catalog.resolve(name)
        except UnknownTreatmentError as exc:
            problems.append(unknown_treatment(loc, exc))
    return problems


def unknown_treatment(loc: Loc, exc: UnknownTreatmentError) -> Problem:
    """The catalog's refusal at `loc`: the suggestions go in their own field (the page shows them once)
    and the name sent is not repeated."""
    return Problem(loc=loc, msg="unknown treatment: the catalog has no treatment by this name",
                   type="unknown_treatment", suggestions=tuple(exc.suggestions))


def check_edition(edition: str | None, known: list[str], loc: Loc) -> None:
    """Raises a 422 at `loc` for an edition no criteria set in the pack has."""
    if edition is not None and edition not in known:
        raise ApiError.one(422, loc, f"unknown edition; known: {', '.join(known)}")
