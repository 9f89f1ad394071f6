"""imrcheck's machinery: case model, criteria loader and compiler, evaluation, explanation, CLI."""

import sys

if sys.version_info >= (3, 13) or sys.version_info < (3, 11):  # pragma: no cover - depends on interpreter
    raise ImportError(
        "imrcheck needs Python 3.11 or 3.12: its rules engine, durable-rules 2.0.28, does not import on "
        f"Python {sys.version_info.major}.{sys.version_info.minor} (PyEval_CallObject was removed in 3.13). "
        "Create the virtual environment with python3.12 or python3.11."
    )
