"""One rooted error hierarchy: every failure a user can cause is an ImrcheckError.

The CLI maps these to exit code 2 with the message alone (never a traceback), so each
message must name the file, the field and what was expected.
"""

from __future__ import annotations

from pathlib import Path


class ImrcheckError(Exception):
    """Root of every error imrcheck raises on purpose."""

    def __init__(self, message: str, *, source: str | Path | None = None) -> None:
        self.message = message
        self.source = str(source) if source is not None else None
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class InputError(ImrcheckError):
    """A file could not be read as what it claims to be (empty, binary, a directory, bad YAML)."""


class CaseValidationError(ImrcheckError):
    """A case file was read but does not fit the case model."""

    def __init__(self, message: str, *, source: str | Path | None = None, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message, source=source)


class UnknownTreatmentError(ImrcheckError):
    """A requested treatment is not in the treatment catalog."""

    def __init__(self, name: str, suggestions: list[str], *, source: str | Path | None = None) -> None:
        self.name = name
        self.suggestions = suggestions
        # The name typed is case content and is not repeated (issue 17); the catalog's names are not.
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"unknown treatment (not a name the treatment catalog knows){hint}", source=source)


class CriteriaLoadError(ImrcheckError):
    """A criteria or catalog file is invalid; carries every problem found, each with file and line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid criteria:\n  " + "\n  ".join(problems))


class EngineError(ImrcheckError):
    """durable-rules failed while evaluating a case (an action raised, a limit was hit)."""


class LetterParseError(ImrcheckError):
    """A file could not be read as an IMR Final Determination Letter."""


class ExtractionError(ImrcheckError):
    """A clinical summary could not be turned into a case."""


class NoCatalogTitleError(ExtractionError):
    """No item title names a treatment the catalog knows (the back-test still predicts each item from
    the base rate; `check` and `extract` report it)."""
