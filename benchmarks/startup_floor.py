"""The least a typer command that validates a YAML file with pydantic can cost to start: the floor
under `imrcheck check` on this stack (startup_benchmark.py and speed_ab.py run it beside check).

    python benchmarks/startup_floor.py check examples/xray_without_red_flag.yaml

One typer app with a root callback and one command taking files, reading each with PyYAML's safe
loader into a one-field pydantic model and printing it; pydantic's plugin scan is off, as imrcheck's
main() turns it off. Everything `check` costs beyond this is imrcheck's own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from pydantic import BaseModel, ConfigDict

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


class Document(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    case_id: Any = None


@app.callback()
def root() -> None:
    """The root every imrcheck command runs under."""


@app.command()
def check(paths: Annotated[list[Path], typer.Argument()], output_format: str = "text") -> None:
    for path in paths:
        typer.echo(Document.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).case_id)


if __name__ == "__main__":
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app()
