"""The `imrcheck` command: a thin typer app; the work lives in the library.

Exit codes: 0 every request is predicted to meet its criteria (overturn); 1 at least one request is
predicted upheld (as `--fail-on` chooses); 2 bad input or usage (any file that could not be read, a
report that could not be written); 3 an internal error.

A run imports the module of the subcommand it names; the top-level help imports them all. Each imports
at its top only typer, the standard library and engine.errors; the engine, the letter reader, the
extractor, the web server are imported inside the command that uses them (`tests/test_cli_process.py`
holds that boundary).
"""

from __future__ import annotations

import errno
import functools
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from engine.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, fail_message
from engine.cli.help import TidyGroup
from engine.cli.output import STDOUT_NAME, describe_os_error, silence_stdout

_APP_SETTINGS: dict[str, Any] = {
    "name": "imrcheck",
    "help": "Predict and explain California workers' compensation IMR decisions from the guidelines.",
    "no_args_is_help": True,
    "add_completion": False,
    # Rich tracebacks print local variables, which would put case contents on the screen.
    "pretty_exceptions_enable": False,
    "cls": TidyGroup,
}
# The module of each subcommand (modules in the order the help lists them): a run imports the module
# of the subcommand it names and no other (tests/test_cli_help.py holds this map to the whole app).
SUBCOMMAND_MODULES: dict[str, str] = {
    "check": "check", "missing": "check", "schema": "check", "parse": "parse", "extract": "extract",
    "evaluate": "evaluate", "criteria": "criteria", "new": "new", "serve": "serve",
}


def _version(value: bool) -> None:
    if not value:
        return
    from engine.cli.common import make_evaluator
    from engine.cli.envelope import version_line

    _, pack = make_evaluator([], None)
    typer.echo(version_line(pack))
    raise typer.Exit(0)


def root(
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_version,
                                          help="Print the version and the criteria pack's version and hash")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colours in the output (as NO_COLOR=1 does)")] = False,
) -> None:
    """Predict and explain California workers' compensation IMR decisions from the guidelines."""
    if no_color:
        os.environ["NO_COLOR"] = "1"  # rich reads it for every console made after this point


def _app_of(modules: Sequence[str]) -> typer.Typer:
    built = typer.Typer(**_APP_SETTINGS)
    built.callback()(root)
    for module in modules:
        importlib.import_module(f"engine.cli.{module}").register(built)
    return built


@functools.cache
def whole_app() -> typer.Typer:
    """Every subcommand: for the top-level help, a misspelt command, and tests."""
    return _app_of(list(dict.fromkeys(SUBCOMMAND_MODULES.values())))


def __getattr__(name: str) -> typer.Typer:
    # `from engine.cli import app`: the whole app, built when first asked for, not on import.
    if name == "app":
        return whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _command_name(info: Any) -> str:
    return str(info.name or typer.main.get_command_name(info.callback.__name__))


def _named_command(args: Sequence[str]) -> str | None:
    """The subcommand `args` run: the first word that is not an option (the root's options are all flags)."""
    return next((arg for arg in args if not arg.startswith("-")), None)


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app narrowed to the subcommand `args` name, or the whole app when they name none it knows
    (the top-level help, a misspelt command).

    Only that subcommand's module is imported, and typer builds the click command of that subcommand
    only (its parameters, help, metavars), a visible part of a start otherwise (issue 14); the narrowed
    app has the same root callback and group class, so what the subcommand parses, prints and refuses
    is the same as in the whole app."""
    wanted = _named_command(args)
    module = SUBCOMMAND_MODULES.get(wanted) if wanted is not None else None
    if module is None:
        return whole_app()
    narrow = _app_of([module])
    narrow.registered_commands = [info for info in narrow.registered_commands if _command_name(info) == wanted]
    narrow.registered_groups = [info for info in narrow.registered_groups if info.name == wanted]
    return narrow


# What a failed write to standard output raises (a full disk, a closed pipe, a quota); other OSErrors
# that reach main() were not foreseen and stay internal errors.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT, errno.EFBIG})


def main() -> None:
    # pydantic looks for plugins by scanning every installed package's entry points when the first
    # model is built; imrcheck uses none, and the scan is a visible part of a start (issue 14).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        try:
            typer.main.get_command(app_for(sys.argv[1:]))(prog_name="imrcheck")
        finally:
            sys.stdout.flush()  # here, so that a full disk is reported now and not lost at exit
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            fail_message(f"internal error ({exc.__class__.__name__}); please report it with the command you ran")
            sys.exit(EXIT_INTERNAL)
        silence_stdout()
        if exc.errno == errno.EPIPE:
            sys.exit(EXIT_BAD_INPUT)
        fail_message(f"{STDOUT_NAME}: cannot be written ({describe_os_error(exc)})")
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        fail_message(f"internal error ({exc.__class__.__name__}); please report it with the command you ran")
        sys.exit(EXIT_INTERNAL)
