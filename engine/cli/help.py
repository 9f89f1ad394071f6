"""Help that reads like a manual: real placeholders, the exit codes and an example for every command.

typer shows Python type names where a placeholder belongs (`--repeat <bool>`, `<list[Path]>`);
`tidy_metavars` replaces them, once, on the built click command, so no option can be forgotten.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

from typer.core import TyperGroup

# Options whose value is a file written or read whole, not a file-or-folder.
_FILE_OPTIONS = frozenset({"out", "details"})
_DATE_OPTIONS = frozenset({"as_of", "date"})


def epilog(examples: Sequence[str], exit_codes: Sequence[str]) -> str:
    """The text after the options; typer keeps a line break only between paragraphs, hence "\\n\\n"."""
    lines = ["Examples:", *(f"  $ {example}" for example in examples), "Exit codes:", *(f"  {code}" for code in exit_codes)]
    return "\n\n".join(lines)


def _metavar(param: Any) -> str:
    """typer (0.29, with its own copy of click) describes a parameter's type in `type_descriptor`."""
    name = param.name or ""
    desc = getattr(param, "type_descriptor", None)
    if getattr(param, "is_flag", False):
        return ""
    if desc is not None and desc.is_choice:
        return "|".join(str(getattr(choice, "value", choice)) for choice in desc.choices or ())
    if name in _DATE_OPTIONS:
        return "YYYY-MM-DD"
    if desc is not None and (desc.is_path or Path in get_args(desc.annotation)):  # a Path, or a list of them
        return "FILE" if name in _FILE_OPTIONS else "PATH"
    if desc is not None and desc.annotation is int:
        return "N"
    if desc is not None and desc.annotation is float:
        return "NUMBER"
    return "TEXT"


def _no_type(ctx: Any) -> None:
    return None


def tidy_metavars(command: Any) -> Any:
    """Plain placeholders (FILE, PATH, N, a|b, none for a flag) for every option without its own, and no
    type column for arguments, whose name (CASE, PATH) already says what they take."""
    for sub in getattr(command, "commands", {}).values():
        tidy_metavars(sub)
    for param in command.params:
        if param.param_type_name == "argument":
            param.display_type_rich = _no_type
            if param.metavar is None:
                param.metavar = (param.name or "").upper()
        elif param.metavar is None:
            param.metavar = _metavar(param)
    # --help is made on first use and then kept (typer caches it), so make it now and give it none.
    help_option = command.get_help_option(command.context_class(command))
    if help_option is not None:
        help_option.metavar = ""
    return command


class TidyGroup(TyperGroup):
    """The root command group, tidied as typer builds it (for `imrcheck` and for the tests' CliRunner alike)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tidy_metavars(self)
