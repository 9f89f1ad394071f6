"""The `imrcheck` command: a thin typer app; the work lives in the library.

Exit codes: 0 every request is predicted to meet its criteria (overturn); 1 at least one request is
predicted upheld; 2 bad input or usage (any file that could not be read); 3 an internal error.
"""

from __future__ import annotations

import sys

import typer

from engine.cli import check as check_commands
from engine.cli import criteria as criteria_commands
from engine.cli import evaluate as evaluate_command
from engine.cli import extract as extract_command
from engine.cli import new as new_command
from engine.cli import parse as parse_command
from engine.cli import serve as serve_command
from engine.cli.common import EXIT_INTERNAL, fail_message

app = typer.Typer(
    name="imrcheck",
    help="Predict and explain California workers' compensation IMR decisions from the guidelines.",
    no_args_is_help=True,
    add_completion=False,
    # Rich tracebacks print local variables, which would put case contents on the screen.
    pretty_exceptions_enable=False,
)
check_commands.register(app)
parse_command.register(app)
extract_command.register(app)
evaluate_command.register(app)
criteria_commands.register(app)
new_command.register(app)
serve_command.register(app)


def main() -> None:
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        fail_message(f"internal error ({exc.__class__.__name__}); please report it with the command you ran")
        sys.exit(EXIT_INTERNAL)
